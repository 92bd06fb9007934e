"""QOperator-format ONNX (QLinearConv) imports as int8 QConv nodes matching onnxruntime."""

import numpy as np
import pytest

import pyedge

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402


def _model(path, rng, per_channel: bool):
    inits = []

    def init(name, value):
        inits.append(numpy_helper.from_array(np.asarray(value), name))
        return name

    init("xs", np.float32(0.05))
    init("xz", np.uint8(128))
    nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"])]
    prev, prev_s, prev_z, c = "xq", "xs", "xz", 3
    layers = [(8, 3, 1, 1, 2), (8, 3, 8, 1, 1), (16, 1, 1, 0, 1)]  # C_out, k, group, pad, stride
    for i, (cout, k, group, pad, stride) in enumerate(layers):
        w = rng.integers(-127, 128, (cout, c // group, k, k), dtype=np.int8)
        ws = (rng.random(cout if per_channel else 1) * 0.02 + 0.005).astype(np.float32)
        init(f"w{i}", w)
        init(f"ws{i}", ws if per_channel else ws.reshape(()))
        init(f"wz{i}", np.zeros(cout if per_channel else (), np.int8))
        init(f"ys{i}", np.float32(0.2 + 0.1 * i))
        init(f"yz{i}", np.uint8(100 + 10 * i))
        init(f"b{i}", rng.integers(-500, 500, cout, dtype=np.int32))
        nodes.append(helper.make_node(
            "QLinearConv", [prev, prev_s, prev_z, f"w{i}", f"ws{i}", f"wz{i}", f"ys{i}",
                            f"yz{i}", f"b{i}"], [f"y{i}"], kernel_shape=[k, k],
            pads=[pad] * 4, strides=[stride] * 2, group=group))
        prev, prev_s, prev_z, c = f"y{i}", f"ys{i}", f"yz{i}", cout
    nodes.append(helper.make_node("DequantizeLinear", [prev, prev_s, prev_z], ["y"]))
    graph = helper.make_graph(
        nodes, "qlinear", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                         ["N", 3, 9, 11])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                                ir_version=8), path)


@pytest.mark.parametrize("per_channel", [True, False])
def test_qlinear_conv_matches_onnxruntime(per_channel, rng, tmp_path):
    path = tmp_path / "q.onnx"
    _model(path, rng, per_channel)
    model = pyedge.from_onnx(path)
    assert [n.op for n in model.graph.nodes].count("QConv") == 3
    x = rng.standard_normal((2, 3, 9, 11)).astype(np.float32)
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    want = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"]).run(
        None, {"x": x})[0]
    got = model(x)
    assert got.shape == want.shape
    assert np.abs(got - want).max() <= 0.4 * 1.0001  # one unit of the output scale


def test_qlinear_matmul_matches_onnxruntime(rng, tmp_path):
    inits = [numpy_helper.from_array(np.asarray(v), name) for name, v in [
        ("xs", np.float32(0.05)), ("xz", np.uint8(120)),
        ("w", rng.integers(-127, 128, (24, 10), dtype=np.int8)),
        ("ws", (rng.random(10) * 0.02 + 0.005).astype(np.float32)),
        ("wz", np.zeros(10, np.int8)), ("ys", np.float32(0.3)), ("yz", np.uint8(128))]]
    nodes = [helper.make_node("QuantizeLinear", ["x", "xs", "xz"], ["xq"]),
             helper.make_node("QLinearMatMul", ["xq", "xs", "xz", "w", "ws", "wz", "ys", "yz"],
                              ["yq"]),
             helper.make_node("DequantizeLinear", ["yq", "ys", "yz"], ["y"])]
    graph = helper.make_graph(
        nodes, "qmm", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 24])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])], inits)
    path = tmp_path / "qmm.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 13)],
                                ir_version=8), path)
    model = pyedge.from_onnx(path)
    assert "QGemm" in [n.op for n in model.graph.nodes]
    x = rng.standard_normal((5, 24)).astype(np.float32)
    want = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(
        None, {"x": x})[0]
    assert np.abs(model(x) - want).max() <= 0.3 * 1.0001
