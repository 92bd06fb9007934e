"""Dynamically quantized models (onnxruntime quantize_dynamic): DynamicQuantizeLinear ->
MatMulInteger / ConvInteger on the qgemm kernels; parity with onnxruntime."""

import numpy as np
import pytest

import pyedge
from tests.runtime.oneop import W, run_op

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
quant = pytest.importorskip("onnxruntime.quantization")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402


def _save(path, nodes, inputs, outputs, inits):
    graph = helper.make_graph(nodes, path.stem, inputs, outputs, inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.save(model, str(path))


def _w(rng, name, *shape):
    return numpy_helper.from_array(
        (rng.standard_normal(shape) / np.sqrt(np.prod(shape[:-1] or shape))).astype(np.float32),
        name)


def _mlp(path):
    rng = np.random.default_rng(3)
    inits = [_w(rng, "w1", 24, 40), _w(rng, "b1", 40), _w(rng, "w2", 40, 7), _w(rng, "b2", 7)]
    nodes = [helper.make_node("MatMul", ["x", "w1"], ["h"]),
             helper.make_node("Add", ["h", "b1"], ["hb"]),
             helper.make_node("Relu", ["hb"], ["hr"]),
             helper.make_node("MatMul", ["hr", "w2"], ["o"]),
             helper.make_node("Add", ["o", "b2"], ["y"])]
    _save(path, nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 5, 24])],
          [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5, 7])], inits)
    return (3, 5, 24)


def _convnet(path):
    rng = np.random.default_rng(4)
    inits = [_w(rng, "c1.w", 8, 3, 3, 3), _w(rng, "c1.b", 8), _w(rng, "c2.w", 12, 8, 3, 3),
             _w(rng, "c2.b", 12), _w(rng, "c3.w", 6, 12, 1, 1)]
    nodes = [helper.make_node("Conv", ["x", "c1.w", "c1.b"], ["c1"], pads=[1, 1, 1, 1]),
             helper.make_node("Relu", ["c1"], ["r1"]),
             helper.make_node("Conv", ["r1", "c2.w", "c2.b"], ["c2"], strides=[2, 2],
                              pads=[1, 0, 1, 1]),
             helper.make_node("Relu", ["c2"], ["r2"]),
             helper.make_node("Conv", ["r2", "c3.w"], ["y"])]
    _save(path, nodes, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 11, 9])],
          [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    return (2, 3, 11, 9)


MODELS = {"mlp": _mlp, "convnet": _convnet}


@pytest.fixture(scope="module", params=[(m, pc) for m in MODELS for pc in (False, True)],
                ids=lambda p: f"{p[0]}-{'per_channel' if p[1] else 'per_tensor'}")
def dynamic_model(request, tmp_path_factory):
    name, per_channel = request.param
    tmp = tmp_path_factory.mktemp("dyn")
    shape = MODELS[name](tmp / "float.onnx")
    quant.quantize_dynamic(str(tmp / "float.onnx"), str(tmp / "dyn.onnx"),
                           per_channel=per_channel, weight_type=quant.QuantType.QInt8,
                           op_types_to_quantize=["MatMul", "Conv"])
    return name, tmp / "dyn.onnx", shape


def _ort(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def test_integer_ops_run_on_qgemm(dynamic_model):
    name, path, _ = dynamic_model
    model = pyedge.from_onnx(path)
    ops = [n.op for n in model.graph.nodes]
    integer = "MatMulInteger" if name == "mlp" else "ConvInteger"
    assert ops.count(integer) == (2 if name == "mlp" else 3)
    assert "DynamicQuantizeLinear" in ops
    assert "MatMul" not in ops and "Conv" not in ops
    assert "Cast" not in ops  # Cast -> Mul fused into the float epilogue
    kernels = {k["kernel"] for k in model.kernels() if k["op"] == integer}
    assert all("qs8_qc8w_gemm" in k for k in kernels)


def test_matches_onnxruntime(dynamic_model, rng):
    _, path, shape = dynamic_model
    model = pyedge.from_onnx(path)
    sess = _ort(path)
    for scale in (1.0, 30.0):
        x = (rng.standard_normal(shape) * scale).astype(np.float32)
        np.testing.assert_array_equal(model(x), sess.run(None, {"x": x})[0])


def test_dynamic_quantize_linear_matches_onnxruntime(rng):
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [4, 33])
    outs = [helper.make_tensor_value_info(n, t, None) for n, t in (
        ("q", TensorProto.UINT8), ("s", TensorProto.FLOAT), ("z", TensorProto.UINT8))]
    graph = helper.make_graph([helper.make_node("DynamicQuantizeLinear", ["x"], ["q", "s", "z"])],
                              "dql", [x], outs)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    sess = ort.InferenceSession(model.SerializeToString(), providers=["CPUExecutionProvider"])
    for data in (rng.standard_normal((4, 33)) * 3, np.abs(rng.standard_normal((4, 33))),
                 -np.abs(rng.standard_normal((4, 33))), np.zeros((4, 33))):
        data = data.astype(np.float32)
        got = run_op("DynamicQuantizeLinear", [data], outputs=3, symbolic=False)
        for g, w in zip(got, sess.run(None, {"x": data}), strict=True):
            np.testing.assert_array_equal(g, w)


def test_matmul_integer_op_vs_int64(rng):
    a = rng.integers(0, 256, (6, 19), dtype=np.uint8)
    w = rng.integers(-127, 128, (11, 19), dtype=np.int8)
    zp = np.array(131, np.uint8)
    got = run_op("MatMulInteger", [a, W(w), zp], symbolic=False)
    want = (a.astype(np.int64) - 131) @ w.T.astype(np.int64)
    np.testing.assert_array_equal(got, want)
    for scale in (np.array(0.013, np.float32), rng.uniform(0.1, 2, 11).astype(np.float32)):
        got = run_op("MatMulInteger", [a, W(w), zp, scale], symbolic=False)
        assert got.dtype == np.float32
        np.testing.assert_array_equal(got, want.astype(np.float32) * scale)


def test_conv_integer_op_scaled_equals_cast_mul(rng):
    x = rng.integers(0, 256, (2, 6, 5, 4), dtype=np.uint8)
    w = rng.integers(-127, 128, (7, 3, 3, 4), dtype=np.int8)
    zp, scale = np.array(9, np.uint8), np.array(0.02, np.float32)
    acc = run_op("ConvInteger", [x, W(w), zp], symbolic=False, pads=[1, 1, 1, 1])
    got = run_op("ConvInteger", [x, W(w), zp, scale], symbolic=False, pads=[1, 1, 1, 1])
    np.testing.assert_array_equal(got, acc.astype(np.float32) * scale)


@pytest.mark.parametrize("op,args,match", [
    ("MatMulInteger", lambda: [np.zeros((2, 3), np.uint8), W(np.full((4, 3), -128, np.int8))],
     "-127"),
    ("MatMulInteger", lambda: [np.zeros((2, 3), np.float32), W(np.zeros((4, 3), np.int8))],
     "uint8/int8"),
    ("MatMulInteger", lambda: [np.zeros((2, 3), np.uint8), W(np.zeros((4, 5), np.int8))], "K="),
    ("ConvInteger", lambda: [np.zeros((1, 4, 4, 2), np.uint8), W(np.zeros((2, 3, 3, 1),
                                                                          np.int8))],
     "depthwise"),
    ("MatMulInteger", lambda: [np.zeros((2, 3), np.uint8), W(np.zeros((4, 3), np.int8)),
                               np.array(0, np.uint8), np.ones(3, np.float32)], "scale"),
])
def test_bad_integer_ops(op, args, match):
    attrs = {"group": 2} if op == "ConvInteger" else {}
    with pytest.raises(pyedge.runtime.GraphError, match=match):
        run_op(op, args(), symbolic=False, **attrs)


def test_asymmetric_weights_are_reported(tmp_path):
    path = tmp_path / "f.onnx"
    _mlp(path)
    quant.quantize_dynamic(str(path), str(tmp_path / "u8.onnx"),
                           weight_type=quant.QuantType.QUInt8, op_types_to_quantize=["MatMul"])
    with pytest.raises(pyedge.runtime.GraphError, match="MatMulInteger needs"):
        pyedge.from_onnx(tmp_path / "u8.onnx")
