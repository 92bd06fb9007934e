"""Losses (values and gradients), optimizers and learning-rate schedules."""

import numpy as np
import pytest

from pyedge.train.losses import cross_entropy, feature_mse, kd_loss
from pyedge.train.lr_schedule import Constant, Cosine, StepDecay, make_schedule
from pyedge.train.optim import SGD, Adam, make_optimizer

RNG = np.random.default_rng(0)


def _numgrad(f, z, eps=1e-6):
    g = np.zeros_like(z)
    for i in np.ndindex(z.shape):
        old = z[i]
        z[i] = old + eps
        up = f(z)
        z[i] = old - eps
        g[i] = (up - f(z)) / (2 * eps)
        z[i] = old
    return g


def test_cross_entropy_value_and_gradient():
    z = RNG.standard_normal((4, 5))
    y = np.array([0, 3, 4, 1])
    loss, g = cross_entropy(z, y)
    p = np.exp(z) / np.exp(z).sum(1, keepdims=True)
    assert loss == pytest.approx(-np.log(p[np.arange(4), y]).mean())
    np.testing.assert_allclose(g, _numgrad(lambda q: cross_entropy(q, y)[0], z), atol=1e-7)
    loss_s, g_s = cross_entropy(z, y, label_smoothing=0.1)
    np.testing.assert_allclose(
        g_s, _numgrad(lambda q: cross_entropy(q, y, label_smoothing=0.1)[0], z), atol=1e-7)


@pytest.mark.parametrize("alpha,t", [(1.0, 4.0), (0.5, 2.0), (0.0, 1.0)])
def test_kd_loss_matches_formula_and_gradient(alpha, t):
    s, te = RNG.standard_normal((3, 4)), RNG.standard_normal((3, 4))
    y = np.array([1, 0, 3])
    loss, g = kd_loss(s, te, y, alpha=alpha, temperature=t)

    def sm(v):
        e = np.exp(v - v.max(1, keepdims=True))
        return e / e.sum(1, keepdims=True)

    pt, ps = sm(te / t), sm(s / t)
    kl = (pt * np.log(pt / ps)).sum(1).mean()
    ce = cross_entropy(s, y)[0]
    assert loss == pytest.approx(alpha * kl * t * t + (1 - alpha) * ce)
    np.testing.assert_allclose(
        g, _numgrad(lambda q: kd_loss(q, te, y, alpha=alpha, temperature=t)[0], s),
        atol=1e-7)


def test_kd_loss_without_labels_uses_teacher_labels():
    s, te = RNG.standard_normal((5, 3)), RNG.standard_normal((5, 3))
    assert kd_loss(s, te, None, alpha=0.3)[0] == pytest.approx(
        kd_loss(s, te, te.argmax(1), alpha=0.3)[0])


def test_feature_mse_gradient():
    a, b = RNG.standard_normal((2, 3, 4)), RNG.standard_normal((2, 3, 4))
    loss, g = feature_mse(a, b)
    assert loss == pytest.approx(((a - b) ** 2).mean())
    np.testing.assert_allclose(g, _numgrad(lambda q: feature_mse(q, b)[0], a), atol=1e-7)


def test_loss_errors():
    with pytest.raises(ValueError, match="logits"):
        cross_entropy(np.zeros(3), np.zeros(3, int))
    with pytest.raises(ValueError, match="labels"):
        cross_entropy(np.zeros((3, 2)), np.zeros(2, int))
    with pytest.raises(ValueError, match="alpha"):
        kd_loss(np.zeros((1, 2)), np.zeros((1, 2)), alpha=2)
    with pytest.raises(ValueError, match="shapes"):
        feature_mse(np.zeros(2), np.zeros(3))


def test_sgd_momentum_and_weight_decay_by_hand():
    w = np.array([[1.0, -2.0]])
    opt = SGD({"w": w}, lr=0.1, momentum=0.9, weight_decay=0.01)
    g = np.array([[0.5, 0.5]])
    opt.step({"w": g})
    v1 = g + 0.01 * np.array([[1.0, -2.0]])
    np.testing.assert_allclose(w, np.array([[1.0, -2.0]]) - 0.1 * v1)
    w_before = w.copy()
    opt.step({"w": g})
    v2 = 0.9 * v1 + g + 0.01 * w_before
    np.testing.assert_allclose(w, w_before - 0.1 * v2)


def test_adam_first_step_is_lr_times_sign():
    w = np.zeros((2, 2))
    opt = Adam({"w": w}, lr=0.01)
    opt.step({"w": np.array([[1.0, -3.0], [2.0, -0.5]])})
    np.testing.assert_allclose(w, -0.01 * np.array([[1, -1], [1, -1]]), rtol=1e-6)


def test_optimizers_minimise_a_quadratic_and_round_trip_state():
    for name in ("sgd", "adam"):
        w = np.array([3.0, -2.0])
        opt = make_optimizer(name, {"w": w}, lr=0.1)
        for _ in range(300):
            opt.step({"w": 2 * w})
        assert np.abs(w).max() < 1e-2
        w2 = np.array([3.0, -2.0])
        opt2 = make_optimizer(name, {"w": w2}, lr=0.1)
        opt2.load_state(opt.state())
        assert opt2.steps == opt.steps
    with pytest.raises(ValueError, match="optimizer"):
        make_optimizer("lbfgs", {})


def test_schedules():
    c = Cosine(1.0, 100, warmup=10)
    assert c(0) == pytest.approx(0.1) and c(9) == pytest.approx(1.0)
    assert c(10) == pytest.approx(1.0) and c(100) == pytest.approx(0.0)
    assert c(55) == pytest.approx(0.5)
    s = StepDecay(1.0, 10, 0.5)
    assert (s(9), s(10), s(25)) == (1.0, 0.5, 0.25)
    assert Constant(0.3)(1000) == 0.3
    assert isinstance(make_schedule("step", 1.0, 30), StepDecay)
    with pytest.raises(ValueError, match="schedule"):
        make_schedule("linear", 1.0, 10)
