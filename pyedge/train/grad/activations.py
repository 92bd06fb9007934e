"""Pointwise activations: Relu, Relu6, HardSwish, Sigmoid, Tanh, Gelu (erf or tanh form)."""

from __future__ import annotations

import math

import numpy as np

from pyedge.train.grad.rule import GradOp


def _unary(f, df):
    """Rule from ``f(x) -> (y, saved)`` and ``df(saved, gy) -> gx``."""
    return GradOp(lambda xs, attrs, need: f(xs[0], attrs),
                  lambda saved, gy, need: [df(saved, gy)])


def _relu(x, attrs):
    y = np.maximum(x, 0)
    return y, y


def _clip6(x, attrs):
    y = np.clip(x, 0, 6)
    return y, y


def _hswish(x, attrs):
    return x * np.clip(x / 6 + 0.5, 0, 1), x


def _hswish_grad(x, gy):
    d = np.where(x <= -3, 0, np.where(x >= 3, 1, x / 3 + 0.5)).astype(gy.dtype)
    return gy * d


def _sigmoid(x, attrs):
    e = np.exp(-np.abs(x))
    y = np.where(x >= 0, 1 / (1 + e), e / (1 + e)).astype(x.dtype)
    return y, y


def _tanh(x, attrs):
    y = np.tanh(x)
    return y, y


def _erf(x: np.ndarray) -> np.ndarray:
    from scipy.special import erf

    return erf(x)


def _gelu(x, attrs):
    if attrs.get("approximate", "none") == "tanh":
        c = math.sqrt(2 / math.pi)
        t = np.tanh(c * (x + 0.044715 * x ** 3))
        return (0.5 * x * (1 + t)).astype(x.dtype), (x, t, True)
    phi = 0.5 * (1 + _erf(x / math.sqrt(2)))
    return (x * phi).astype(x.dtype), (x, phi, False)


def _gelu_grad(saved, gy):
    x, t, approx = saved
    if approx:
        c = math.sqrt(2 / math.pi)
        d = 0.5 * (1 + t) + 0.5 * x * (1 - t * t) * c * (1 + 3 * 0.044715 * x * x)
    else:
        d = t + x * np.exp(-0.5 * x * x) / math.sqrt(2 * math.pi)
    return (gy * d).astype(gy.dtype)


RELU = _unary(_relu, lambda y, gy: gy * (y > 0))
RELU6 = _unary(_clip6, lambda y, gy: gy * ((y > 0) & (y < 6)))
HARD_SWISH = _unary(_hswish, _hswish_grad)
SIGMOID = _unary(_sigmoid, lambda y, gy: gy * y * (1 - y))
TANH = _unary(_tanh, lambda y, gy: gy * (1 - y * y))
GELU = _unary(_gelu, _gelu_grad)
