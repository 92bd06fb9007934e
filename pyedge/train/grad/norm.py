"""Softmax (along ``axis``) and LayerNormalization (over axes ``axis``..-1, scale, bias)."""

from __future__ import annotations

import numpy as np

from pyedge.train.grad.rule import GradOp


def _softmax_forward(xs, attrs, need):
    x = xs[0]
    axis = int(attrs.get("axis", -1))
    e = np.exp(x - x.max(axis=axis, keepdims=True))
    y = e / e.sum(axis=axis, keepdims=True)
    return y, (y, axis)


def _softmax_backward(saved, gy, need):
    y, axis = saved
    return [y * (gy - (gy * y).sum(axis=axis, keepdims=True))]


def _ln_forward(xs, attrs, need):
    x, scale = xs[0], xs[1]
    bias = xs[2] if len(xs) > 2 else None
    axis = int(attrs.get("axis", -1)) % x.ndim
    eps = float(attrs.get("epsilon", 1e-5))
    axes = tuple(range(axis, x.ndim))
    mu = x.mean(axis=axes, keepdims=True)
    xc = x - mu
    rstd = 1 / np.sqrt((xc * xc).mean(axis=axes, keepdims=True) + x.dtype.type(eps))
    xhat = xc * rstd
    y = xhat * scale
    if bias is not None:
        y += bias
    return y, (xhat, rstd, scale, axes, bias is not None)


def _ln_backward(saved, gy, need):
    xhat, rstd, scale, axes, has_b = saved
    lead = tuple(range(xhat.ndim - scale.ndim))
    gs = (gy * xhat).sum(axis=lead) if need[1] else None
    gb = gy.sum(axis=lead) if has_b and need[2] else None
    gx = None
    if need[0]:
        gh = gy * scale
        gx = rstd * (gh - gh.mean(axis=axes, keepdims=True)
                     - xhat * (gh * xhat).mean(axis=axes, keepdims=True))
    return [gx, gs, gb]


SOFTMAX = GradOp(_softmax_forward, _softmax_backward)
LAYER_NORM = GradOp(_ln_forward, _ln_backward)
