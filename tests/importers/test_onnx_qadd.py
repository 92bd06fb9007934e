"""QDQ residual adds import as int8 QAdd nodes (add_q kernels); parity with onnxruntime."""

import numpy as np
import pytest

import pyedge
from pyedge.kernels import add_q
from pyedge.runtime import GraphError
from tests.runtime.oneop import run_op

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
quant = pytest.importorskip("onnxruntime.quantization")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402

SHAPE = (2, 3, 16, 16)


def _residual_model(path, act_after_add):
    """Stem conv, two inverted-residual blocks with skip adds, pooled head (MobileNetV2-like)."""
    rng = np.random.default_rng(7)
    inits, nodes = [], []

    def w(name, *shape):
        inits.append(numpy_helper.from_array(
            (rng.standard_normal(shape) / np.sqrt(np.prod(shape[1:]))).astype(np.float32), name))
        return name

    def conv(x, name, cout, cin, k, group=1, relu=True):
        nodes.append(helper.make_node("Conv", [x, w(name + ".w", cout, cin // group, k, k),
                                               w(name + ".b", cout)], [name],
                                      pads=[k // 2] * 4, group=group))
        if not relu:
            return name
        nodes.append(helper.make_node("Relu", [name], [name + ".r"]))
        return name + ".r"

    x = conv("x", "stem", 8, 3, 3)
    for i in range(2):
        h = conv(x, f"b{i}.expand", 16, 8, 1)
        h = conv(h, f"b{i}.dw", 16, 16, 3, group=16)
        h = conv(h, f"b{i}.project", 8, 16, 1, relu=False)
        nodes.append(helper.make_node("Add", [x, h], [f"b{i}.add"]))
        x = f"b{i}.add"
        if act_after_add:
            nodes.append(helper.make_node("Relu", [x], [x + ".r"]))
            x = x + ".r"
    nodes.append(helper.make_node("GlobalAveragePool", [x], ["pool"]))
    nodes.append(helper.make_node("Flatten", ["pool"], ["flat"]))
    nodes.append(helper.make_node("Gemm", ["flat", w("fc.w", 5, 8), w("fc.b", 5)], ["y"],
                                  transB=1))
    graph = helper.make_graph(
        nodes, "residual", [helper.make_tensor_value_info("x", TensorProto.FLOAT,
                                                          ["N", *SHAPE[1:]])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])], inits)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)], ir_version=8)
    onnx.save(model, str(path))


class _Calibration(quant.CalibrationDataReader):
    def __init__(self):
        rng = np.random.default_rng(0)
        self.batches = iter([{"x": rng.standard_normal(SHAPE).astype(np.float32)}
                             for _ in range(4)])

    def get_next(self):
        return next(self.batches, None)


@pytest.fixture(scope="module", params=[("u8", False), ("s8", True)], ids=["u8", "s8-relu"])
def qdq_residual(request, tmp_path_factory):
    kind, act = request.param
    tmp = tmp_path_factory.mktemp("qadd")
    _residual_model(tmp / "float.onnx", act)
    qt = quant.QuantType.QUInt8 if kind == "u8" else quant.QuantType.QInt8
    quant.quantize_static(str(tmp / "float.onnx"), str(tmp / "qdq.onnx"), _Calibration(),
                          quant_format=quant.QuantFormat.QDQ, per_channel=True,
                          activation_type=qt, weight_type=quant.QuantType.QInt8)
    return tmp / "qdq.onnx", np.dtype(np.uint8 if kind == "u8" else np.int8)


def _ort(path, level):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.graph_optimization_level = level
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def test_residual_adds_run_in_int8(qdq_residual):
    path, qdt = qdq_residual
    model = pyedge.from_onnx(path)
    nodes = model.graph.nodes
    qadds = [n for n in nodes if n.op == "QAdd"]
    assert len(qadds) == 2
    assert not any(n.op == "Add" for n in nodes)
    assert all(n.attrs["out_dtype"] == qdt.name for n in qadds)
    family = "qs8_vadd_minmax" if qdt == np.int8 else "qu8_vadd_minmax"
    assert {k["kernel"] for k in model.kernels() if k["op"] == "QAdd"} == {
        pyedge.kernels.registry.select(family).name}
    # the whole chain from the stem to the last residual stays 8-bit: no dequantize before it
    ops = [n.op for n in nodes]
    assert "DequantizeLinear" not in ops[:ops.index("QAdd", ops.index("QAdd") + 1)]


def test_residual_model_matches_onnxruntime(qdq_residual, rng):
    path, _ = qdq_residual
    x = rng.standard_normal(SHAPE).astype(np.float32)
    got = pyedge.from_onnx(path)(x)
    init = {i.name: i for i in onnx.load(str(path)).graph.initializer}
    y_scale = float(numpy_helper.to_array(init["y_scale"]))
    for level in (ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
                  ort.GraphOptimizationLevel.ORT_ENABLE_ALL):
        want = _ort(path, level).run(None, {"x": x})[0]
        assert np.abs(got - want).max() <= y_scale * 1.0001


@pytest.mark.parametrize("adt,bdt,odt,act", [("uint8", "uint8", "uint8", "none"),
                                             ("int8", "int8", "int8", "relu"),
                                             ("int8", "uint8", "uint8", "relu6")])
def test_qadd_op_matches_add_q(adt, bdt, odt, act, rng):
    a = rng.integers(-128 if adt == "int8" else 0, 128 if adt == "int8" else 256, (2, 5, 7, 9),
                     dtype=adt)
    b = rng.integers(-128 if bdt == "int8" else 0, 128 if bdt == "int8" else 256, (2, 5, 7, 9),
                     dtype=bdt)
    attrs = dict(a_scale=0.02, a_zero_point=3, b_scale=0.05, b_zero_point=-4 if bdt == "int8"
                 else 9, y_scale=0.04, y_zero_point=-5 if odt == "int8" else 5, out_dtype=odt,
                 activation=act)
    got = run_op("QAdd", [a, b], **attrs)
    zy, sy = attrs["y_zero_point"], attrs["y_scale"]
    info = np.iinfo(odt)
    clamp = None if act == "none" else (zy, info.max if act == "relu" else min(
        info.max, zy + int(np.rint(6 / sy))))
    want = add_q(a, 0.02, 3, b, 0.05, attrs["b_zero_point"], sy, zy, odt, clamp)
    np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("attrs,match", [
    (dict(out_dtype="int16"), "out_dtype"),
    (dict(activation="gelu"), "activation"),
    (dict(a_scale=0.0), "a_scale"),
    (dict(b_zero_point=999), "b_zero_point"),
])
def test_qadd_bad_attributes(attrs, match):
    a = np.zeros((1, 4), np.uint8)
    base = dict(a_scale=0.1, a_zero_point=0, b_scale=0.1, b_zero_point=0, y_scale=0.1,
                y_zero_point=0)
    with pytest.raises(GraphError, match=match):
        run_op("QAdd", [a, a], **{**base, **attrs})


def test_qadd_rejects_broadcasting():
    with pytest.raises(GraphError, match="one shape"):
        run_op("QAdd", [np.zeros((1, 4), np.uint8), np.zeros((1, 1), np.uint8)], a_scale=1.0,
               b_scale=1.0, y_scale=1.0, symbolic=False)
