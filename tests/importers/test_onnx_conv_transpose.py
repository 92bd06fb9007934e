"""ConvTranspose imported from ONNX (NHWC GEMM + col2im) against onnxruntime."""

import numpy as np
import pytest

import pyedge

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper, numpy_helper  # noqa: E402


@pytest.mark.parametrize("k,stride,pads,opad,dil", [
    (3, 1, [1, 1, 1, 1], [0, 0], 1), (3, 2, [1, 1, 1, 1], [1, 1], 1),
    (2, 2, [0, 0, 0, 0], [0, 0], 1), (4, 2, [1, 0, 2, 1], [0, 1], 1),
    (3, 1, [0, 0, 0, 0], [0, 0], 2), (1, 3, [0, 0, 0, 0], [2, 0], 1)])
def test_conv_transpose_matches_onnxruntime(k, stride, pads, opad, dil, rng, tmp_path):
    cin, cout = 5, 7
    inits = [numpy_helper.from_array(rng.standard_normal((cin, cout, k, k)).astype(np.float32),
                                     "w"),
             numpy_helper.from_array(rng.standard_normal(cout).astype(np.float32), "b")]
    nodes = [helper.make_node("ConvTranspose", ["x", "w", "b"], ["c"], kernel_shape=[k, k],
                              strides=[stride] * 2, pads=pads, output_padding=opad,
                              dilations=[dil] * 2),
             helper.make_node("Relu", ["c"], ["y"])]
    graph = helper.make_graph(
        nodes, "deconv", [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", cin, 6, 5])],
        [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)], inits)
    path = tmp_path / "d.onnx"
    onnx.save(helper.make_model(graph, opset_imports=[helper.make_opsetid("", 17)],
                                ir_version=8), path)
    x = rng.standard_normal((2, cin, 6, 5)).astype(np.float32)
    want = ort.InferenceSession(str(path), providers=["CPUExecutionProvider"]).run(
        None, {"x": x})[0]
    model = pyedge.from_onnx(path)
    assert "ConvTranspose" in [n.op for n in model.graph.nodes]
    got = model(x)
    assert got.shape == want.shape
    assert np.abs(got - want).max() <= 1e-4 * np.abs(want).max()
    got2 = model(x[:1])  # another batch size reuses the bound node
    np.testing.assert_allclose(got2, got[:1], rtol=1e-6, atol=1e-6)
