"""Gradual pruning schedules (Zhu & Gupta 2017) and the monotone GradualPruner."""

import numpy as np
import pytest

from pyedge.compress.masks import block_mask, global_magnitude_masks
from pyedge.compress.schedule import GradualPruner, constant, per_layer, polynomial


def test_polynomial_matches_zhu_gupta():
    sched = polynomial(0.0, 0.8, 100, 1100, frequency=100)
    assert sched(0) == 0.0 and sched(99) == 0.0
    assert sched(100) == pytest.approx(0.0)
    for t in range(100, 1101, 100):
        want = 0.8 + (0.0 - 0.8) * (1 - (t - 100) / 1000) ** 3
        assert sched(t) == pytest.approx(want)
        assert sched(t + 50) == pytest.approx(want if t < 1100 else 0.8)  # held between updates
    assert sched(5000) == pytest.approx(0.8)
    values = [sched(t) for t in range(0, 1500, 7)]
    assert all(a <= b + 1e-12 for a, b in zip(values, values[1:], strict=False))
    assert sched.is_update(100) and sched.is_update(600) and not sched.is_update(650)
    assert not sched.is_update(1200)


def test_end_step_is_an_update_even_off_frequency():
    sched = polynomial(0.1, 0.5, 0, 10, frequency=4)
    assert [sched.is_update(t) for t in (0, 4, 8, 10, 12)] == [True, True, True, True, False]
    assert sched(10) == pytest.approx(0.5) and sched(9) == sched(8)


def test_constant_schedule():
    sched = constant(0.6, start_step=5)
    assert sched(4) == 0.0 and sched(5) == 0.6 and sched(500) == 0.6
    assert sched.is_update(5) and not sched.is_update(6)


@pytest.mark.parametrize("kwargs,match", [
    (dict(initial=1.2), "initial must lie in"),
    (dict(end_step=-1), "end_step must be >= 10"),
    (dict(frequency=0), "frequency must be >= 1"),
    (dict(power=-1), "power must be"),
])
def test_bad_schedule_is_named(kwargs, match):
    args = dict(initial=0.0, final=0.5, start_step=10, end_step=20, power=3, frequency=1)
    args.update(kwargs)
    with pytest.raises((ValueError, TypeError), match=match):
        polynomial(**args)


def _train_like(masks_fn, final=0.9, shape=(16, 32)):
    rng = np.random.default_rng(0)
    weights = {"a": rng.standard_normal(shape).astype(np.float32),
               "b": rng.standard_normal(shape).astype(np.float32)}
    pruner = GradualPruner(masks_fn, polynomial(0.0, final, 0, 50, frequency=10))
    previous = None
    for step in range(60):
        # a noisy "gradient step" that may try to revive pruned weights
        weights = {k: w + 0.3 * rng.standard_normal(w.shape).astype(np.float32)
                   for k, w in weights.items()}
        masks = pruner.step(step, weights)
        weights = pruner.apply(weights)
        if previous is not None:
            for k in masks:
                assert not (masks[k] & ~previous[k]).any(), "a pruned weight came back"
        if pruner.schedule.is_update(step):  # exactly as many as masks_fn alone prunes
            fresh = {k: rng.standard_normal(w.shape).astype(np.float32) for k, w in weights.items()}
            want = sum((~m).sum() for m in pruner.masks_fn(fresh, pruner.sparsity).values())
            assert sum((~m).sum() for m in masks.values()) == want
        previous = {k: m.copy() for k, m in masks.items()}
        for k in weights:
            assert (weights[k][~masks[k]] == 0).all()
    return masks


@pytest.mark.parametrize("masks_fn", [None, global_magnitude_masks,
                                      per_layer(block_mask, block=(4, 4))])
def test_gradual_pruner_monotone_and_exact(masks_fn):
    masks = _train_like(masks_fn)
    for m in masks.values():
        assert (~m).mean() == pytest.approx(0.9, abs=0.02)


def test_gradual_pruner_rejects_changed_weights():
    pruner = GradualPruner(None, constant(0.5))
    pruner.step(0, {"a": np.ones((2, 2), np.float32)})
    with pytest.raises(ValueError, match="names and shapes"):
        pruner.step(1, {"a": np.ones((3, 2), np.float32)})
    with pytest.raises(TypeError, match="schedule must be a Schedule"):
        GradualPruner(None, None)
