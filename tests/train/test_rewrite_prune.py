"""Depthwise-separable rewrite (least-squares init, MAC counts) and pruning during training."""

import numpy as np
import pytest

from pyedge.compress.schedule import polynomial
from pyedge.runtime.session import Model
from pyedge.train import GraphModule
from pyedge.train.loop import TrainConfig, fit
from pyedge.train.pruning import GradualPruning, MaskHook, attach_masks, prunable_weights, sparsity
from pyedge.train.rewrite import (
    multiply_adds,
    rewrite_depthwise_separable,
    separable_fit,
    standard_convs,
)
from tests.train.models import tiny_cnn
from tests.train.test_loop import _data


def test_separable_fit_is_exact_at_full_rank_and_optimal_below():
    rng = np.random.default_rng(0)
    w = rng.standard_normal((6, 3, 3, 2)).astype(np.float32)
    dw, pw = separable_fit(w, 6)
    recon = np.einsum("oj,jyx->oyxj", pw[:, 0, 0], dw[..., 0]).reshape(6, 3, 3, 2, 6)
    # channel c*r + j reads input c: sum over j within each input channel
    full = np.stack([np.einsum("oj,jyx->oyx", pw[:, 0, 0, c * 6:(c + 1) * 6],
                               dw[c * 6:(c + 1) * 6, :, :, 0]) for c in range(2)], axis=-1)
    np.testing.assert_allclose(full, w, atol=1e-5)
    del recon
    dw1, pw1 = separable_fit(w, 1)
    approx = np.stack([np.outer(pw1[:, 0, 0, c], dw1[c, :, :, 0].reshape(-1)).reshape(6, 3, 3)
                       for c in range(2)], axis=-1)
    for c in range(2):  # Eckart-Young: the error is the tail singular values
        s = np.linalg.svd(w[..., c].reshape(6, -1), compute_uv=False)
        err = np.linalg.norm((approx - w)[..., c])
        assert err == pytest.approx(np.sqrt((s[1:] ** 2).sum()), rel=1e-4)
    with pytest.raises(ValueError, match="rank"):
        separable_fit(w, 0)


def test_rewrite_keeps_outputs_and_cuts_multiply_adds():
    graph, w = tiny_cnn(width=8)
    assert standard_convs(graph, w) == ["stem"]
    g2, w2, info = rewrite_depthwise_separable(graph, w, rank=8)  # rank 8 = exact for Cin 1
    x = np.random.default_rng(1).random((3, 1, 8, 8), dtype=np.float32)
    np.testing.assert_allclose(Model(g2, w2)(x), Model(graph, w)(x), rtol=1e-4, atol=1e-5)
    g3, w3, info = rewrite_depthwise_separable(graph, w)
    assert info["rewritten"]["stem"] < 8 * 9 // (8 + 9) + 1 and info["outputs"] == ["s"]
    before = multiply_adds(graph, w, (1, 1, 8, 8))
    assert before == 16 * 8 * 9 + 16 * 8 * 9 + 16 * 16 * 8 + 3 * 16  # stem, dw, pw, fc
    assert multiply_adds(g3, w3, (1, 1, 8, 8)) < before
    m = GraphModule(g3, w3)  # trainable: fine-tune with feature distillation
    x, y = _data(48)
    teacher = GraphModule(graph, w)
    fit(m, x, y, teacher=teacher, config=TrainConfig(epochs=1, batch_size=16,
                                                     features={"s": "s"}, progress=False))


def test_fixed_masks_stay_zero_during_fine_tuning():
    x, y = _data(64)
    m = GraphModule(*tiny_cnn())
    rng = np.random.default_rng(2)
    masks = {n: rng.random(m.params[n].shape) > 0.5 for n in prunable_weights(m)}
    attach_masks(m, masks)
    fit(m, x, y, config=TrainConfig(epochs=2, batch_size=16, lr=0.01, progress=False))
    eff = m.effective_weights()
    for n, mask in masks.items():
        assert np.all(eff[n][~mask] == 0) and np.all(eff[n][mask] != 0)
    assert isinstance(m.weight_hooks["pw.w"][0], MaskHook)
    with pytest.raises(ValueError, match="shape"):
        attach_masks(m, {"pw.w": np.ones((1, 2), bool)})


def test_gradual_pruning_follows_the_schedule(tmp_path):
    x, y = _data(64)
    m = GraphModule(*tiny_cnn(width=8))
    pruner = GradualPruning(m, polynomial(0.0, 0.75, 0, 8, frequency=2))
    seen = []

    class Watch:
        def on_step(self, step, module):
            seen.append(sparsity(module, pruner.names))

        def on_epoch_end(self, epoch, module):
            pass

    fit(m, x, y, config=TrainConfig(epochs=3, batch_size=16, lr=0.01, progress=False),
        callbacks=[pruner, Watch()], checkpoint=tmp_path / "p.pedge")
    assert seen[0] == 0.0 and seen == sorted(seen)
    assert sparsity(m, pruner.names) == pytest.approx(0.75, abs=0.01)
    resumed = GraphModule(*tiny_cnn(width=8))
    p2 = GradualPruning(resumed, polynomial(0.0, 0.75, 0, 8, frequency=2))
    fit(resumed, x, y, config=TrainConfig(epochs=3, batch_size=16, lr=0.01, progress=False),
        callbacks=[p2], checkpoint=tmp_path / "p.pedge", resume=True)
    for n in pruner.names:  # masks restored from the checkpoint
        np.testing.assert_array_equal(p2.hooks[n].mask, pruner.hooks[n].mask)
