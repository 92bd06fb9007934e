"""Fake quantization (STE) and export to the runtime's integer encodings."""

import numpy as np
import pytest

from pyedge.runtime.session import Model
from pyedge.tensors import Codebook, Int4Grouped
from pyedge.train import GraphModule
from pyedge.train.fake_quant import ActFakeQuant, WeightFakeQuant, channel_grid
from pyedge.train.loop import TrainConfig, fit
from pyedge.train.qat import export_quantized, prepare_qat
from tests.tolerances import TRAIN_QAT_LOGITS
from tests.train.models import tiny_cnn
from tests.train.test_loop import _data

RNG = np.random.default_rng(0)


def test_channel_grid_codes():
    w = RNG.standard_normal((5, 9)).astype(np.float32)
    for bits, qmax in ((8, 127), (4, 7)):
        q, s = channel_grid(w, bits)
        assert q.dtype == np.int8 and np.abs(q).max() == qmax
        np.testing.assert_allclose(s, np.abs(w).max(1) / qmax, rtol=1e-7)
        assert np.abs(q * s[:, None] - w).max() <= s.max() / 2 + 1e-7


def test_weight_hook_straight_through_and_encodings():
    w = RNG.standard_normal((4, 64)).astype(np.float32)
    g = RNG.standard_normal((4, 64)).astype(np.float32)
    h = WeightFakeQuant(4, "group", group_size=32)
    wq, saved = h.apply(w, True)
    np.testing.assert_array_equal(wq, Int4Grouped.from_float(w, 32).to_float())
    np.testing.assert_array_equal(h.grad(saved, g)[0], g)
    cb = WeightFakeQuant(3, "codebook", learn_levels=True)
    wq, idx = cb.apply(w, True)
    np.testing.assert_array_equal(wq, Codebook.from_float(w, 3, levels=cb.levels).to_float())
    gw, extra = cb.grad(idx, g)
    np.testing.assert_array_equal(gw, g)
    want = np.zeros_like(cb.levels)
    for n in range(4):
        np.add.at(want[n], idx[n], g[n])
    np.testing.assert_allclose(extra["levels"], want, rtol=1e-5, atol=1e-6)
    with pytest.raises(ValueError, match="mode"):
        WeightFakeQuant(4, "tensorwise")


@pytest.mark.parametrize("mode", ["ema", "learned"])
def test_activation_hook_grid_and_gradient(mode):
    h = ActFakeQuant(8, mode)
    x = RNG.standard_normal((3, 50)).astype(np.float32)
    y, saved = h.apply(x, True)
    s, zp = h.qparams()
    codes = np.rint(y / s) + zp
    assert np.allclose(codes, np.rint(codes), atol=1e-3) and codes.min() >= 0
    assert np.abs(y - x).max() <= s / 2 + 1e-6
    g = np.ones_like(x)
    gx, extra = h.grad(saved, g)
    np.testing.assert_array_equal(gx, g)  # first batch sets the range: nothing clipped
    x2 = x * 3
    _, saved = h.apply(x2, True)
    gx, extra = h.grad(saved, g)
    assert gx.sum() < g.sum()
    if mode == "learned":
        assert extra["range"][0] > 0 and extra["range"][1] > 0


@pytest.mark.parametrize("bits", [8, 4])
def test_qat_trains_and_exports_to_qconv_qgemm(bits):
    x, y = _data(64)
    m = GraphModule(*tiny_cnn())
    hooks = prepare_qat(m, weight_bits=bits)
    assert set(hooks["weights"]) == {"stem.w", "dw.w", "pw.w", "fc.w"}
    fit(m, x, y, config=TrainConfig(epochs=2, batch_size=16, lr=0.01, progress=False))
    fake = m.forward({"input": x}, train=False, keep=["s", "d", "p"])
    graph, weights, report = export_quantized(m)
    assert [n.op for n in graph.nodes if n.op.startswith("Q")] == [
        "QuantizeLinear", "QConv", "QConv", "QConv", "QuantizeLinear", "QGemm"]
    # integer parts: the exported codes are the fake-quant grid's codes
    for node in ("stem", "dw", "pw"):
        q, s = hooks["weights"][f"{node}.w"].encode(m.params[f"{node}.w"])
        np.testing.assert_array_equal(weights[f"{node}.wq"].reshape(q.shape), q)
        np.testing.assert_array_equal(weights[f"{node}.ws"], s)
        assert np.abs(q).max() <= 2 ** (bits - 1) - 1
    graph.outputs.extend(["s.q", "d.q", "p.q"])
    out = Model(graph, weights).run({"input": x})
    for v in ("s", "d", "p"):  # the integer model's uint8 activations = fake-quant codes
        s, zp = hooks["activations"][v].qparams()
        codes = np.rint(fake[v] / s).astype(np.int64) + zp
        np.testing.assert_array_equal(out[f"{v}.q"].astype(np.int64), codes, err_msg=v)
    np.testing.assert_allclose(out["logits"], fake["logits"], **TRAIN_QAT_LOGITS)


@pytest.mark.parametrize("mode", ["group", "codebook"])
def test_export_weight_only_encodings(mode):
    graph, w = tiny_cnn(width=16)  # pointwise K = 16 -> per-channel fallback for group mode
    m = GraphModule(graph, w)
    prepare_qat(m, weight_bits=4, act_bits=None, weight_mode=mode, group_size=32)
    x = RNG.random((4, 1, 8, 8), dtype=np.float32)
    fake = m.forward({"input": x}, train=False)["logits"]
    g, weights, report = export_quantized(m)
    ops = {n.name: n.op for n in g.nodes}
    assert ops["fc"] == ("LinearInt4" if mode == "group" else "LinearCodebook")
    if mode == "codebook":
        assert ops["pw"] == "LinearCodebook"
    got = Model(g, weights).run({"input": x})["logits"]
    np.testing.assert_allclose(got, fake, rtol=1e-4, atol=1e-4)
