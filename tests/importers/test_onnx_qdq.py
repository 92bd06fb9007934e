"""QDQ (quantize_static, per-channel) models: int8 QGemm nodes, parity with onnxruntime."""

from pathlib import Path

import numpy as np
import pytest

import pyedge
import pyedge.kernels

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
quant = pytest.importorskip("onnxruntime.quantization")

FIXTURES = Path(__file__).parent / "fixtures"
SHAPES = {"mlp": (4, 20), "transformer_opset20": (2, 8, 32), "transformer_opset13": (2, 8, 32),
          "mobilenet_like": (2, 3, 32, 32), "resnet_like": (2, 3, 32, 32)}
CONVNETS = {"mobilenet_like": 14, "resnet_like": 9}
needs_qconv = pytest.mark.skipif(not hasattr(pyedge.kernels, "conv2d_q"),
                                 reason="pyedge.kernels.conv2d_q is not in this build")


class _Calibration(quant.CalibrationDataReader):
    def __init__(self, shape):
        rng = np.random.default_rng(0)
        self.batches = iter([{"x": rng.standard_normal(shape).astype(np.float32)}
                             for _ in range(8)])

    def get_next(self):
        return next(self.batches, None)


@pytest.fixture(scope="module")
def qdq_models(tmp_path_factory):
    out = {}
    for name, shape in SHAPES.items():
        path = tmp_path_factory.mktemp("qdq") / f"{name}.onnx"
        quant.quantize_static(str(FIXTURES / f"{name}.onnx"), str(path), _Calibration(shape),
                              quant_format=quant.QuantFormat.QDQ, per_channel=True,
                              activation_type=quant.QuantType.QUInt8,
                              weight_type=quant.QuantType.QInt8)
        out[name] = path
    return out


def _ort(path, level):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    so.graph_optimization_level = level
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


def _y_scale(path):
    init = {i.name: i for i in onnx.load(str(path)).graph.initializer}
    return float(onnx.numpy_helper.to_array(init["y_scale"]))


@pytest.mark.parametrize("name", [n for n in SHAPES if n not in CONVNETS])
def test_qdq_matmuls_become_int8_qgemm(qdq_models, name, rng):
    model = pyedge.from_onnx(qdq_models[name])
    ops = [n.op for n in model.graph.nodes]
    assert ops.count("QGemm") == (3 if name == "mlp" else 13)
    assert "MatMul" not in ops or name != "mlp"
    x = rng.standard_normal(SHAPES[name]).astype(np.float32)
    got = model(x)
    # onnxruntime executing the Q/DQ graph literally: identical outputs
    literal = _ort(qdq_models[name], ort.GraphOptimizationLevel.ORT_DISABLE_ALL)
    np.testing.assert_array_equal(got, literal.run(None, {"x": x})[0])


@pytest.mark.parametrize("name", ["mlp"])
def test_qdq_within_one_unit_of_onnxruntime_int8(qdq_models, name, rng):
    """onnxruntime's fused int8 kernels (QLinearAdd, ...) round differently from its own
    literal Q/DQ execution; on the transformers the two differ by up to a few units."""
    x = rng.standard_normal(SHAPES[name]).astype(np.float32)
    got = pyedge.from_onnx(qdq_models[name])(x)
    want = _ort(qdq_models[name], ort.GraphOptimizationLevel.ORT_ENABLE_ALL).run(None,
                                                                                 {"x": x})[0]
    assert np.abs(got - want).max() <= _y_scale(qdq_models[name]) * 1.0001


@pytest.mark.parametrize("name", list(CONVNETS))
def test_qdq_convs_become_int8_qconv(qdq_models, name):
    from pyedge.importers.onnx import _Importer

    graph, _ = _Importer(onnx.load(str(qdq_models[name]))).convert()
    ops = [n.op for n in graph.nodes]
    assert ops.count("QConv") == CONVNETS[name] and "Conv" not in ops
    assert ops.count("Transpose") == 1  # NCHW -> NHWC once, on the quantized input


@needs_qconv
@pytest.mark.parametrize("name", list(CONVNETS))
def test_qdq_convnets_match_onnxruntime_int8(qdq_models, name, rng):
    x = rng.standard_normal(SHAPES[name]).astype(np.float32)
    got = pyedge.from_onnx(qdq_models[name])(x)
    for level in (ort.GraphOptimizationLevel.ORT_DISABLE_ALL,
                  ort.GraphOptimizationLevel.ORT_ENABLE_ALL):
        want = _ort(qdq_models[name], level).run(None, {"x": x})[0]
        assert np.abs(got - want).max() <= _y_scale(qdq_models[name]) * 1.0001
