"""MaxPool and AveragePool on NHWC (NumPy sliding windows; pads [top, left, bottom, right]).

Attributes: kernel_shape, strides, dilations (MaxPool), pads, ceil_mode, and for
AveragePool count_include_pad (default 0: padded cells are not counted).
"""

from __future__ import annotations

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.ops.window import out_size, pads, pair
from pyedge.runtime.shapes import TensorType


def _geometry(ctx):
    ctx.arity(1)
    x = ctx.float_input(0)
    if x.ndim != 4:
        raise ctx.fail(f"needs an NHWC input, got {x}")
    k = pair(ctx, "kernel_shape", 0)
    if k[0] < 1:
        raise ctx.fail("attribute kernel_shape is required")
    s, d, p = pair(ctx, "strides", 1), pair(ctx, "dilations", 1), pads(ctx)
    ceil = bool(ctx.int_attr("ceil_mode", 0))
    oh = out_size(ctx, x.shape[1], k[0], s[0], d[0], p[0], p[2], ceil)
    ow = out_size(ctx, x.shape[2], k[1], s[1], d[1], p[1], p[3], ceil)
    return TensorType(x.dtype, (x.shape[0], oh, ow, x.shape[3])), k, s, d, p


def _infer(ctx):
    return [_geometry(ctx)[0]]


def _windows(xp, k, s, d, oh, ow):
    """View [N, OH, OW, C, KH, KW] of the padded input (no copy)."""
    win = np.lib.stride_tricks.sliding_window_view(
        xp, ((k[0] - 1) * d[0] + 1, (k[1] - 1) * d[1] + 1), axis=(1, 2))
    return win[:, :oh * s[0]:s[0], :ow * s[1]:s[1], :, ::d[0], ::d[1]][:, :oh, :ow]


def _padded(x, p, oh, ow, k, s, d, fill):
    """Pad (and extend for ceil_mode) so every window lies inside the array."""
    need_h = (oh - 1) * s[0] + (k[0] - 1) * d[0] + 1
    need_w = (ow - 1) * s[1] + (k[1] - 1) * d[1] + 1
    extra_h = max(need_h - (x.shape[1] + p[0] + p[2]), 0)
    extra_w = max(need_w - (x.shape[2] + p[1] + p[3]), 0)
    widths = ((0, 0), (p[0], p[2] + extra_h), (p[1], p[3] + extra_w), (0, 0))
    return np.pad(x, widths, constant_values=fill) if any(sum(w) for w in widths) else x


def _bind_max(ctx):
    _, k, s, d, p = _geometry(ctx)

    def run(ins, outs):
        y = outs[0]
        xp = _padded(ins[0], p, y.shape[1], y.shape[2], k, s, d, -np.inf)
        np.max(_windows(xp, k, s, d, y.shape[1], y.shape[2]), axis=(4, 5), out=y)

    return Bound(run, "f32_maxpool__numpy")


def _bind_avg(ctx):
    _, k, s, d, p = _geometry(ctx)
    include = bool(ctx.int_attr("count_include_pad", 0))

    def run(ins, outs):
        x, y = ins[0], outs[0]
        oh, ow = y.shape[1], y.shape[2]
        xp = _padded(x, p, oh, ow, k, s, d, 0.0)
        np.sum(_windows(xp, k, s, d, oh, ow), axis=(4, 5), out=y)
        if include and not any(p):
            y /= np.float32(k[0] * k[1])
            return
        ones = np.ones((1,) + x.shape[1:3] + (1,), np.float32)
        if include:  # count padding cells but not the ceil_mode overhang
            ones = np.pad(ones, ((0, 0), (p[0], p[2]), (p[1], p[3]), (0, 0)),
                          constant_values=1.0)
            counts = _padded(ones, (0, 0, 0, 0), oh, ow, k, s, d, 0.0)
        else:
            counts = _padded(ones, p, oh, ow, k, s, d, 0.0)
        y /= np.sum(_windows(counts, k, s, d, oh, ow), axis=(4, 5))

    return Bound(run, "f32_avgpool__numpy")


MAX = OpSpec(_infer, _bind_max)
AVERAGE = OpSpec(_infer, _bind_avg)
