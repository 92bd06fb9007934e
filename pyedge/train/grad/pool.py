"""MaxPool, AveragePool (NHWC; kernel_shape, strides, dilations, pads, ceil_mode,
count_include_pad) and GlobalAveragePool (mean over the spatial axes)."""

from __future__ import annotations

import numpy as np

from pyedge.train.grad.rule import GradOp


def _geometry(x: np.ndarray, attrs: dict):
    k = tuple(attrs["kernel_shape"])
    s = tuple(attrs.get("strides", (1, 1)))
    d = tuple(attrs.get("dilations", (1, 1)))
    p = tuple(attrs.get("pads", (0, 0, 0, 0)))
    ceil = bool(attrs.get("ceil_mode", 0))
    out = []
    for ax in range(2):
        span = x.shape[1 + ax] + p[ax] + p[ax + 2] - d[ax] * (k[ax] - 1) - 1
        out.append((-(-span // s[ax]) if ceil else span // s[ax]) + 1)
    oh, ow = out
    extra_h = max((oh - 1) * s[0] + (k[0] - 1) * d[0] + 1 - (x.shape[1] + p[0] + p[2]), 0)
    extra_w = max((ow - 1) * s[1] + (k[1] - 1) * d[1] + 1 - (x.shape[2] + p[1] + p[3]), 0)
    widths = ((0, 0), (p[0], p[2] + extra_h), (p[1], p[3] + extra_w), (0, 0))
    return k, s, d, p, oh, ow, widths


def _taps(k, s, d, oh, ow):
    for ky in range(k[0]):
        rows = slice(ky * d[0], ky * d[0] + s[0] * (oh - 1) + 1, s[0])
        for kx in range(k[1]):
            yield rows, slice(kx * d[1], kx * d[1] + s[1] * (ow - 1) + 1, s[1])


def _crop(xp, widths, shape):
    return np.ascontiguousarray(xp[:, widths[1][0]:widths[1][0] + shape[1],
                                   widths[2][0]:widths[2][0] + shape[2]])


def _max_forward(xs, attrs, need):
    x = xs[0]
    k, s, d, _, oh, ow, widths = _geometry(x, attrs)
    xp = np.pad(x, widths, constant_values=-np.inf)
    y = idx = None
    for t, (rows, cs) in enumerate(_taps(k, s, d, oh, ow)):
        tap = xp[:, rows, cs]
        if y is None:
            y, idx = tap.copy(), np.zeros(tap.shape, np.int16)
        else:
            better = tap > y
            np.copyto(y, tap, where=better)
            idx[better] = t
    return y, (x.shape, xp.shape, k, s, d, oh, ow, widths, idx)


def _max_backward(saved, gy, need):
    shape, pshape, k, s, d, oh, ow, widths, idx = saved
    gxp = np.zeros(pshape, gy.dtype)
    for t, (rows, cs) in enumerate(_taps(k, s, d, oh, ow)):
        gxp[:, rows, cs] += np.where(idx == t, gy, 0)
    return [_crop(gxp, widths, shape)]


def _avg_forward(xs, attrs, need):
    x = xs[0]
    k, s, d, p, oh, ow, widths = _geometry(x, attrs)
    xp = np.pad(x, widths)
    ones = np.zeros((1,) + xp.shape[1:3] + (1,), x.dtype)
    if attrs.get("count_include_pad", 0):
        ones[:, :x.shape[1] + p[0] + p[2], :x.shape[2] + p[1] + p[3]] = 1
    else:
        ones[:, p[0]:p[0] + x.shape[1], p[1]:p[1] + x.shape[2]] = 1
    y = np.zeros((x.shape[0], oh, ow, x.shape[3]), x.dtype)
    count = np.zeros((1, oh, ow, 1), x.dtype)
    for rows, cs in _taps(k, s, d, oh, ow):
        y += xp[:, rows, cs]
        count += ones[:, rows, cs]
    inv = 1 / np.maximum(count, 1)
    y *= inv
    return y, (x.shape, xp.shape, k, s, d, oh, ow, widths, inv)


def _avg_backward(saved, gy, need):
    shape, pshape, k, s, d, oh, ow, widths, inv = saved
    g = gy * inv
    gxp = np.zeros(pshape, gy.dtype)
    for rows, cs in _taps(k, s, d, oh, ow):
        gxp[:, rows, cs] += g
    return [_crop(gxp, widths, shape)]


def _gap_forward(xs, attrs, need):
    x = xs[0]
    axes = tuple(range(1, x.ndim - 1))
    return x.mean(axis=axes, keepdims=True, dtype=x.dtype), (x.shape, axes)


def _gap_backward(saved, gy, need):
    shape, axes = saved
    count = int(np.prod([shape[a] for a in axes]))
    return [np.broadcast_to(gy / gy.dtype.type(count), shape).copy()]


MAX_POOL = GradOp(_max_forward, _max_backward)
AVERAGE_POOL = GradOp(_avg_forward, _avg_backward)
GLOBAL_AVERAGE_POOL = GradOp(_gap_forward, _gap_backward)
