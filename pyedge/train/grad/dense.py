"""Gemm / Linear (``act(alpha * A' @ B' + beta * C)``, A may be N-D) and MatMul (broadcast)."""

from __future__ import annotations

import numpy as np

from pyedge.train.grad.rule import GradOp, act_bounds, act_grad, apply_act, unbroadcast


def _gemm(default_tb: int):
    def forward(xs, attrs, need):
        a, b = xs[0], xs[1]
        c = xs[2] if len(xs) > 2 else None
        ta, tb = int(attrs.get("transA", 0)), int(attrs.get("transB", default_tb))
        alpha, beta = float(attrs.get("alpha", 1.0)), float(attrs.get("beta", 1.0))
        a2 = a.T if ta else a
        b2 = b.T if tb else b
        y = a2 @ b2
        if alpha != 1:
            y *= y.dtype.type(alpha)
        if c is not None:
            y += c * y.dtype.type(beta) if beta != 1 else c
        bounds = act_bounds(attrs)
        apply_act(y, bounds)
        return y, (a, b, c is not None and c.shape, ta, tb, alpha, beta, bounds, y)

    def backward(saved, gy, need):
        a, b, c_shape, ta, tb, alpha, beta, bounds, y = saved
        gz = act_grad(gy, y, bounds)
        gc = None
        if len(need) > 2 and need[2]:
            gc = unbroadcast(gz * gz.dtype.type(beta) if beta != 1 else gz, c_shape)
        if alpha != 1:
            gz = gz * gz.dtype.type(alpha)
        ga = gb = None
        b2 = b.T if tb else b  # [K, N]
        if need[0]:
            ga = gz @ b2.T  # A'-shaped
            if ta:
                ga = np.ascontiguousarray(ga.T)
        if need[1]:
            a2 = (a.T if ta else a).reshape(-1, b2.shape[0])  # [M, K]
            g2 = gz.reshape(-1, b2.shape[1])  # [M, N]
            gb = a2.T @ g2  # [K, N]
            gb = np.ascontiguousarray(gb.T) if tb else gb
        return [ga, gb, gc]

    return GradOp(forward, backward)


def _mm_forward(xs, attrs, need):
    a, b = xs
    return a @ b, (a, b)


def _mm_backward(saved, gy, need):
    a, b = saved
    a2 = a[None] if a.ndim == 1 else a
    b2 = b[:, None] if b.ndim == 1 else b
    g = gy
    if a.ndim == 1:
        g = np.expand_dims(g, -2)
    if b.ndim == 1:
        g = np.expand_dims(g, -1)
    ga = gb = None
    if need[0]:
        ga = unbroadcast(g @ np.swapaxes(b2, -1, -2), a2.shape).reshape(a.shape)
    if need[1]:
        gb = unbroadcast(np.swapaxes(a2, -1, -2) @ g, b2.shape).reshape(b.shape)
    return [ga, gb]


GEMM = _gemm(0)
LINEAR = _gemm(1)
MATMUL = GradOp(_mm_forward, _mm_backward)
