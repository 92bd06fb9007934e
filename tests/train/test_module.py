"""GraphModule: whole-model gradient checks, forward equal to the runtime, hooks, errors."""

import numpy as np
import pytest

from pyedge.runtime.session import Model
from pyedge.train import GraphModule
from tests.tolerances import TRAIN_FORWARD_F32
from tests.train.gradcheck import check_grads
from tests.train.models import tiny_cnn, tiny_transformer


def test_whole_cnn_gradients_match_finite_differences():
    graph, weights = tiny_cnn()
    m = GraphModule(graph, weights, dtype=np.float64)
    x = np.random.default_rng(3).random((3, 1, 8, 8))
    check_grads(m, {"input": x})


def test_whole_transformer_block_gradients_match_finite_differences():
    graph, weights = tiny_transformer()
    m = GraphModule(graph, weights, dtype=np.float64)
    x = np.random.default_rng(4).standard_normal((2, 5, 8))
    check_grads(m, {"x": x})


@pytest.mark.parametrize("make", [tiny_cnn, tiny_transformer])
def test_float32_forward_matches_runtime(make):
    graph, weights = make()
    m = GraphModule(graph, weights)
    name = graph.inputs[0].name
    shape = (5, 1, 8, 8) if make is tiny_cnn else (5, 5, 8)
    x = np.random.default_rng(5).random(shape, dtype=np.float32)
    got = m.forward({name: x}, train=False)[graph.outputs[0]]
    want = Model(graph, weights).run({name: x})[graph.outputs[0]]
    np.testing.assert_allclose(got, want, **TRAIN_FORWARD_F32)


def test_float32_gradients_close_to_float64():
    graph, weights = tiny_cnn()
    x = np.random.default_rng(6).random((4, 1, 8, 8))
    grads = []
    for dtype in (np.float32, np.float64):
        m = GraphModule(graph, weights, dtype=dtype)
        out = m.forward({"input": x.astype(dtype)})
        grads.append(m.backward({"logits": np.ones_like(out["logits"])}))
    for k in grads[1]:
        np.testing.assert_allclose(grads[0][k], grads[1][k], rtol=1e-3, atol=1e-4)


def test_errors_name_the_problem():
    graph, weights = tiny_cnn()
    with pytest.raises(ValueError, match="not floating-point weights"):
        GraphModule(graph, weights, trainable=["nope"])
    m = GraphModule(graph, weights)
    with pytest.raises(RuntimeError, match="forward"):
        m.backward({"logits": np.zeros((1, 3), np.float32)})
    with pytest.raises(ValueError, match="missing input"):
        m.forward({})
    with pytest.raises(TypeError, match="dtype"):
        GraphModule(graph, weights, dtype=np.int32)


def test_frozen_weights_get_no_update_but_flow_gradients():
    graph, weights = tiny_cnn()
    m = GraphModule(graph, weights, trainable=["fc.w", "fc.b"], dtype=np.float64)
    x = np.random.default_rng(7).random((2, 1, 8, 8))
    check_grads(m, {"input": x})
    assert set(m.params) == {"fc.w", "fc.b"}
