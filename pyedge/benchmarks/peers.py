"""Peer implementations timed beside pyedge in the same run: onnxruntime operators."""

from __future__ import annotations

import numpy as np


def ort_matmul_integer(a_u8: np.ndarray, a_zp: int, w_t_s8: np.ndarray, threads: int):
    """Return a zero-argument callable running onnxruntime ``MatMulInteger`` (u8 x s8 -> i32).

    ``w_t_s8`` is the [K, N] weight; returns None when onnxruntime/onnx are not installed.
    """
    try:
        import onnxruntime as ort
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:
        return None
    m, k = a_u8.shape
    n = w_t_s8.shape[1]
    graph = helper.make_graph(
        [helper.make_node("MatMulInteger", ["A", "B", "azp"], ["Y"])], "mmi",
        [helper.make_tensor_value_info("A", TensorProto.UINT8, [m, k])],
        [helper.make_tensor_value_info("Y", TensorProto.INT32, [m, n])],
        [numpy_helper.from_array(w_t_s8, "B"),
         numpy_helper.from_array(np.array(a_zp, dtype=np.uint8), "azp")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)])
    model.ir_version = 8
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(model.SerializeToString(), opts,
                                providers=["CPUExecutionProvider"])
    feed = {"A": a_u8}
    return lambda: sess.run(None, feed)


def ort_matmul_nbits(x: np.ndarray, q: np.ndarray, scale: np.ndarray, group: int, threads: int,
                     accuracy_level: int = 0):
    """Return a zero-argument callable running onnxruntime's ``MatMulNBits`` (4-bit, blockwise).

    ``q`` / ``scale`` are an Int4Grouped's canonical fields; onnxruntime stores unsigned
    nibbles with zero point 8, i.e. our bytes XOR 0x88. ``accuracy_level=4`` makes onnxruntime
    quantize activations to int8 (the peer of qd8). None when onnxruntime/onnx are missing.
    """
    try:
        import onnxruntime as ort
        from onnx import TensorProto, helper, numpy_helper
    except ImportError:
        return None
    m, k = x.shape
    n = q.shape[0]
    blob = (q ^ np.uint8(0x88)).reshape(n, k // group, group // 2)
    node = helper.make_node("MatMulNBits", ["A", "B", "scales"], ["Y"], domain="com.microsoft",
                            K=k, N=n, bits=4, block_size=group, accuracy_level=accuracy_level)
    graph = helper.make_graph(
        [node], "mnb", [helper.make_tensor_value_info("A", TensorProto.FLOAT, [m, k])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [m, n])],
        [numpy_helper.from_array(blob, "B"),
         numpy_helper.from_array(scale.astype(np.float32).ravel(), "scales")])
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17),
                                                    helper.make_opsetid("com.microsoft", 1)])
    model.ir_version = 8
    opts = ort.SessionOptions()
    opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    opts.execution_mode = ort.ExecutionMode.ORT_SEQUENTIAL
    sess = ort.InferenceSession(model.SerializeToString(), opts,
                                providers=["CPUExecutionProvider"])
    feed = {"A": x}
    return lambda: sess.run(None, feed)
