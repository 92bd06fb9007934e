"""ONNX convolution networks: NCHW -> NHWC, BatchNorm folded, Relu/Relu6 fused, parity."""

from pathlib import Path

import numpy as np
import pytest

import pyedge
from pyedge import kernels

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from pyedge.importers.onnx import _Importer  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
NETS = ["mobilenet_like", "resnet_like"]
needs_conv = pytest.mark.skipif(not hasattr(kernels, "conv2d"),
                                reason="pyedge.kernels.conv2d is not in this build")


def _graph(name):
    graph, _ = _Importer(onnx.load(str(FIXTURES / f"{name}.onnx"))).convert()
    return graph


@pytest.mark.parametrize("name", NETS)
def test_layout_rewrite_and_fusions(name):
    graph = _graph(name)
    ops = [n.op for n in graph.nodes]
    assert ops[0] == "Transpose" and ops.count("Transpose") == 1  # NCHW input -> NHWC once
    assert "BatchNormalization" not in ops and "Clip" not in ops  # folded / fused into Conv
    convs = [n for n in graph.nodes if n.op == "Conv"]
    assert all(len(n.inputs) == 3 for n in convs)  # BN became the conv bias
    acts = {n.attrs.get("activation", "none") for n in convs}
    assert acts == ({"relu6", "none"} if name == "mobilenet_like" else {"relu", "none"})
    assert ops[-3:] == ["GlobalAveragePool", "Flatten", "Gemm"]
    if name == "mobilenet_like":
        assert any(n.attrs.get("group", 1) > 1 for n in convs)  # depthwise kept grouped


@pytest.mark.skipif(hasattr(kernels, "conv2d"), reason="conv kernels present")
def test_without_conv_kernels_loading_says_so():
    with pytest.raises(NotImplementedError, match="op Conv needs pyedge.kernels.conv2d"):
        pyedge.from_onnx(FIXTURES / "resnet_like.onnx")


@needs_conv
@pytest.mark.parametrize("name", NETS)
def test_parity_with_onnxruntime(name, rng):
    path = FIXTURES / f"{name}.onnx"
    model = pyedge.from_onnx(path)
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
    for batch in (1, 3):
        x = rng.standard_normal((batch, 3, 32, 32)).astype(np.float32)
        want = sess.run(None, {"x": x})[0]
        got = model(x)
        assert np.abs(got - want).max() <= 1e-4 * np.abs(want).max()
