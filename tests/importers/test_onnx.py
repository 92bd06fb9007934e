"""ONNX import: parity with onnxruntime on the fixtures, fusion, dynamic batch, errors, CLI."""

from pathlib import Path

import numpy as np
import pytest

import pyedge
from pyedge.cli import main
from pyedge.runtime import GraphError

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")
from onnx import TensorProto, helper  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
MODELS = ["mlp", "transformer_opset13", "transformer_opset20", "ops_zoo"]


def _ort(path):
    so = ort.SessionOptions()
    so.intra_op_num_threads = 1
    return ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])


@pytest.mark.parametrize("name", MODELS)
def test_parity_with_onnxruntime(name, rng):
    path = FIXTURES / f"{name}.onnx"
    model = pyedge.from_onnx(path)
    sess = _ort(path)
    spec = sess.get_inputs()[0]
    for batch in (1, 2, 5):
        shape = [batch if isinstance(d, str) else d for d in spec.shape]
        x = rng.standard_normal(shape).astype(np.float32)
        want = sess.run(None, {spec.name: x})[0]
        got = model(x)
        assert got.shape == want.shape
        assert np.abs(got - want).max() <= 1e-4 * np.abs(want).max()


def test_mlp_fuses_bias_and_activations():
    model = pyedge.from_onnx(FIXTURES / "mlp.onnx")
    nodes = model.graph.nodes
    assert [n.op for n in nodes] == ["Linear", "Linear", "Linear", "Softmax"]
    assert [n.attrs.get("activation", "none") for n in nodes[:3]] == ["relu", "relu6", "none"]
    assert all(len(n.inputs) == 3 for n in nodes[:3])  # bias fused
    assert model.inputs[0].shape == ("N", 20)


def test_import_save_load(tmp_path, rng, capsys):
    src = FIXTURES / "transformer_opset20.onnx"
    out = tmp_path / "t.pedge"
    assert main(["import", str(src), "-o", str(out)]) == 0
    assert "nodes" in capsys.readouterr().out
    model = pyedge.load(out)
    assert model.recipe["source"] == "onnx"
    x = rng.standard_normal((2, 8, 32)).astype(np.float32)
    np.testing.assert_allclose(model(x), pyedge.from_onnx(src)(x), rtol=0, atol=0)


def _model(nodes, inputs, outputs, inits=(), opset=17):
    graph = helper.make_graph(nodes, "g", inputs, outputs, list(inits))
    return helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                             ir_version=8)


def test_unsupported_ops_listed_at_once():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 8, 8])
    y = helper.make_tensor_value_info("y", TensorProto.FLOAT, None)
    nodes = [helper.make_node("Einsum", ["x", "w"], ["c"], name="einsum",
                              equation="nchw,kchw->nk"),
             helper.make_node("TopK", ["c", "k"], ["t", "i"], name="topk"),
             helper.make_node("NonZero", ["t"], ["y"], name="nz")]
    inits = [onnx.numpy_helper.from_array(np.zeros((4, 3, 3, 3), np.float32), "w"),
             onnx.numpy_helper.from_array(np.array([2], np.int64), "k")]
    with pytest.raises(GraphError, match=r"unsupported ONNX ops: Einsum \(einsum\), "
                       r"TopK \(topk\), NonZero \(nz\)"):
        pyedge.from_onnx(_model(nodes, [x], [y], inits))


def test_old_opset_rejected():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, [1])
    model = _model([helper.make_node("Relu", ["x"], ["y"])], [x],
                   [helper.make_tensor_value_info("y", TensorProto.FLOAT, [1])], opset=9)
    with pytest.raises(ValueError, match="opset 9 is not supported"):
        pyedge.from_onnx(model)


def test_conversion_error_names_the_node():
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])
    nodes = [helper.make_node("Resize", ["x", "", "s"], ["y"], name="up", mode="cubic")]
    inits = [onnx.numpy_helper.from_array(np.array([1, 2], np.float32), "s")]
    with pytest.raises(GraphError, match=r"ONNX node 'up' \(Resize\): mode 'cubic'"):
        pyedge.from_onnx(_model(nodes, [x], [helper.make_tensor_value_info(
            "y", TensorProto.FLOAT, None)], inits))


def test_constant_folding_and_qdq_weights(rng):
    """Constant subgraphs fold away; DequantizeLinear of int8 weights folds to float."""
    x = helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 4])
    wq = rng.integers(-127, 128, (4, 3)).astype(np.int8)
    scale = np.array([0.1, 0.2, 0.05], np.float32)
    nodes = [helper.make_node("DequantizeLinear", ["wq", "ws"], ["w"], axis=1),
             helper.make_node("Mul", ["two", "two"], ["four"]),
             helper.make_node("MatMul", ["x", "w"], ["h"]),
             helper.make_node("Mul", ["h", "four"], ["y"])]
    inits = [onnx.numpy_helper.from_array(wq, "wq"), onnx.numpy_helper.from_array(scale, "ws"),
             onnx.numpy_helper.from_array(np.array(2, np.float32), "two")]
    model = _model(nodes, [x], [helper.make_tensor_value_info("y", TensorProto.FLOAT, None)],
                   inits)
    m = pyedge.from_onnx(model)
    assert [n.op for n in m.graph.nodes] == ["Linear", "Mul"]
    xv = rng.standard_normal((3, 4)).astype(np.float32)
    want = xv.astype(np.float64) @ (wq * scale.astype(np.float64)) * 4
    np.testing.assert_allclose(m(xv), want, rtol=1e-5, atol=1e-5)


@pytest.mark.parametrize("name", ["transformer_opset13", "transformer_opset20"])
def test_decomposed_layer_norm_and_gelu_are_fused(name):
    ops = [n.op for n in pyedge.from_onnx(FIXTURES / f"{name}.onnx").graph.nodes]
    assert ops.count("LayerNormalization") == 4 and ops.count("Gelu") == 2
    assert not {"Erf", "Pow", "Sqrt", "ReduceMean"} & set(ops[:-2])
