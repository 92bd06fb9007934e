"""Channel pruning on runtime graphs: hand-sliced reference, exactness, demo model, errors."""

import numpy as np
import pytest

import pyedge.format as pedge_format
from pyedge.compress.channel import channel_groups, channel_scores, prune_channels
from pyedge.demo_data import __file__ as demo_init
from pyedge.runtime import Graph, GraphBuilder, Model
from tests.tolerances import RUNTIME_F32

DEMO = demo_init.replace("__init__.py", "fmnist_dwsep.pedge")
RNG = np.random.default_rng(0)


def _r(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


W = {"pw1.w": _r(12, 1, 1, 8), "pw1.b": _r(12), "dw.w": _r(12, 3, 3, 1), "dw.b": _r(12),
     "pw2.w": _r(16, 1, 1, 12), "fc.w": _r(5, 16), "fc.b": _r(5)}


def _model(w, groups=12):
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 6, 6, 8))
    for name, value in w.items():
        b.weight(name, value)
    h = b.node("Conv", [x, "pw1.w", "pw1.b"], name="pw1", activation="relu")
    h = b.node("Conv", [h, "dw.w", "dw.b"], name="dw", group=groups, pads=[1, 1, 1, 1],
               activation="relu")
    h = b.node("Conv", [h, "pw2.w"] + (["pw2.bias"] if "pw2.bias" in w else []), name="pw2",
               activation="relu")
    h = b.node("GlobalAveragePool", [h], name="pool")
    h = b.node("Flatten", [h], name="flat", axis=1)
    b.output(b.node("Gemm", [h, "fc.w", "fc.b"], name="fc", transB=1))
    return b.graph(), b.weights


def _top(scores, n):
    return np.sort(np.argsort(-scores, kind="stable")[:n])


def test_matches_hand_sliced_reference():
    graph, weights = _model(W)
    g2, w2 = prune_channels(graph, weights, {"pw1": 7, "pw2": 10})
    k1 = _top(np.abs(W["pw1.w"]).sum(axis=(1, 2, 3)), 7)
    r1 = np.setdiff1d(np.arange(12), k1)
    k2 = _top(np.abs(W["pw2.w"]).sum(axis=(1, 2, 3)), 10)
    # removed pw1 channels emit relu(0) = 0, so the depthwise emits relu(dw.b): fold into pw2
    pw2_bias = W["pw2.w"][:, 0, 0, r1] @ np.maximum(W["dw.b"][r1], 0)
    hand = {"pw1.w": W["pw1.w"][k1], "pw1.b": W["pw1.b"][k1], "dw.w": W["dw.w"][k1],
            "dw.b": W["dw.b"][k1], "pw2.w": W["pw2.w"][k2][..., k1], "fc.w": W["fc.w"][:, k2],
            "fc.b": W["fc.b"], "pw2.bias": pw2_bias[k2]}
    assert set(w2) == set(hand)
    for name, value in hand.items():
        np.testing.assert_allclose(w2[name], value, rtol=1e-6, atol=1e-6, err_msg=name)
    assert next(n for n in g2.nodes if n.name == "dw").attrs["group"] == 7
    x = _r(3, 6, 6, 8)
    got = Model(g2, w2).run({"x": x})["fc"]
    want = Model(*_model(hand, groups=7)).run({"x": x})["fc"]
    np.testing.assert_allclose(got, want, **RUNTIME_F32)


def test_zero_filters_prune_exactly():
    w = {k: v.copy() for k, v in W.items()}
    w["pw1.w"][[1, 4, 9]] = 0
    w["pw1.b"][[1, 4, 9]] = 0
    w["pw2.w"][[0, 3]] = 0  # pw2 has no bias: a zero filter is an all-zero channel
    graph, weights = _model(w)
    g2, w2 = prune_channels(graph, weights, {"pw1": 9, "pw2": 14})
    assert w2["pw1.w"].shape[0] == 9 and w2["pw2.w"].shape == (14, 1, 1, 9)
    x = _r(4, 6, 6, 8)
    want = Model(graph, weights).run({"x": x})["fc"]
    np.testing.assert_allclose(Model(g2, w2).run({"x": x})["fc"], want, **RUNTIME_F32)


def _demo():
    f = pedge_format.read(DEMO)
    return Graph.from_json(f.graph), dict(f.tensors)


def test_demo_model_groups_and_exactness():
    graph, weights = _demo()
    groups, reasons = channel_groups(graph, weights)
    assert list(groups) == ["stem", "block1_pw", "block2_pw", "block3_pw"]
    assert groups["block1_pw"].passthrough == ["block2_dw"]
    assert groups["block3_pw"].consumers == ["fc"]
    assert "model output" in reasons["fc"]
    zeroed = {k: v.copy() for k, v in weights.items()}
    for name in groups:  # zero the filters of the quarter with the lowest L1 norm
        w = zeroed[f"{name}.weight.ohwi"]
        low = np.argsort(channel_scores(w), kind="stable")[:w.shape[0] // 4]
        w[low] = 0
        zeroed[f"{name}.bias"][low] = 0
    g2, w2 = prune_channels(graph, zeroed, 0.25)
    assert w2["block2_pw.weight.ohwi"].shape == (96, 1, 1, 48)
    assert w2["fc.weight"].shape == (10, 96)
    pruned = Model(g2, w2)
    assert sum(v.size for v in w2.values()) < 0.7 * sum(v.size for v in weights.values())
    x = np.random.default_rng(1).uniform(0, 1, (8, 1, 28, 28)).astype(np.float32)
    want = Model(graph, zeroed).run({"input": x})["logits"]
    got = pruned.run({"input": x})["logits"]
    assert got.shape == (8, 10)
    np.testing.assert_allclose(got, want, **RUNTIME_F32)


def test_demo_keep_bias_and_multiple():
    graph, weights = _demo()
    g2, w2 = prune_channels(graph, weights, 0.3, keep_bias=True, multiple=8)
    assert [w2[f"{n}.weight.ohwi"].shape[0] for n in ("stem", "block1_pw", "block2_pw")] == \
        [24, 48, 96]
    out = Model(g2, w2).run({"input": np.zeros((2, 1, 28, 28), np.float32)})["logits"]
    assert out.shape == (2, 10) and np.isfinite(out).all()


def test_residual_add_is_not_prunable():
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 4, 4, 8))
    h = b.node("Conv", [x, _r(8, 1, 1, 8)], name="a")
    y = b.node("Add", [h, x], name="add")
    b.output(b.node("Conv", [y, _r(3, 1, 1, 8)], name="b"))
    groups, reasons = channel_groups(b.graph(), b.weights)
    assert not groups and "not channel-wise" in reasons["a"]
    g2, w2 = prune_channels(b.graph(), b.weights, 0.5)  # nothing prunable: unchanged
    assert all(w2[k] is v for k, v in b.weights.items())


@pytest.mark.parametrize("amount,kwargs,match", [
    ({"fc": 3}, {}, "'fc' cannot be channel-pruned.*model output"),
    ({"nope": 3}, {}, "no such Conv/Gemm node"),
    ({"pw1": 0}, {}, r"must be an int in \[1, 12\]"),
    ({"pw1": 13}, {}, r"must be an int in \[1, 12\]"),
    (1.5, {}, "amount must lie in"),
    (0.5, {"criterion": "l3"}, "criterion must be"),
    (0.5, {"multiple": 0}, "multiple must be"),
])
def test_bad_input_is_named(amount, kwargs, match):
    graph, weights = _model(W)
    with pytest.raises((ValueError, TypeError), match=match):
        prune_channels(graph, weights, amount, **kwargs)


def test_nonzero_constant_at_padding_is_rejected_for_exact_mode():
    graph, weights = _model(W)
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 6, 6, 8))
    h = b.node("Conv", [x, W["pw1.w"], W["pw1.b"]], name="p", activation="clamp",
               clamp=[1.0, 2.0])  # removed channels emit 1.0, then meet padding
    h = b.node("Conv", [h, W["dw.w"], W["dw.b"]], name="dw", group=12, pads=[1, 1, 1, 1])
    b.output(b.node("Conv", [h, W["pw2.w"]], name="c"))
    with pytest.raises(ValueError, match="cannot be channel-pruned exactly.*padding"):
        prune_channels(b.graph(), b.weights, {"p": 6})
    g2, w2 = prune_channels(b.graph(), b.weights, {"p": 6}, keep_bias=True)
    assert w2["p.1"].shape[0] == 6


def test_calibrated_refit_stays_closer_to_the_original():
    graph, weights = _demo()
    data = np.load(DEMO.replace("fmnist_dwsep.pedge", "fmnist_calib1k.npz"))
    x = (data["images"][:48].astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    calib, held_out = x[:32], x[32:]
    want = Model(graph, weights).run({"input": held_out})["logits"]
    errors = []
    for c in (None, {"input": calib}):
        g2, w2 = prune_channels(graph, weights, 0.25, calib=c)
        assert w2["block2_pw.weight.ohwi"].shape == (96, 1, 1, 48)
        got = Model(g2, w2).run({"input": held_out})["logits"]
        errors.append(np.linalg.norm(got - want) / np.linalg.norm(want))
    assert errors[1] < 0.8 * errors[0]
