"""Pad by ONNX ``pads`` [b0, b1, ..., e0, e1, ...] (negative crops); constant/reflect/edge."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, known

MODES = ("constant", "reflect", "edge")


def _pads(ctx, ndim):
    pads = ctx.ints_attr("pads")
    if len(pads) != 2 * ndim:
        raise ctx.fail(f"pads {pads} must hold 2 x rank = {2 * ndim} values")
    mode = ctx.attr("mode", "constant", str)
    if mode not in MODES:
        raise ctx.fail(f"mode {mode!r} is not one of {MODES}")
    return pads[:ndim], pads[ndim:], mode


def _infer(ctx):
    ctx.arity(1)
    t = ctx.types[0]
    begin, end, mode = _pads(ctx, t.ndim)
    shape = []
    for d, b, e in zip(t.shape, begin, end, strict=True):
        if known(d):
            if d + b + e < 0:
                raise ctx.fail(f"pads {begin + end} crop more than the dimension {d}")
            if mode == "reflect" and max(b, e) >= d and (b or e):
                raise ctx.fail(f"reflect padding {max(b, e)} needs a dimension > it, got {d}")
            shape.append(d + b + e)
        else:
            shape.append(d if b + e == 0 else f"{d}+{b + e}")
    return [TensorType(t.dtype, tuple(shape))]


def _bind(ctx):
    t = ctx.types[0]
    begin, end, mode = _pads(ctx, t.ndim)
    value = ctx.float_attr("value", 0.0)
    crop = tuple(slice(max(-b, 0), (e if e < 0 else None)) for b, e in zip(begin, end,
                                                                            strict=True))
    widths = [(max(b, 0), max(e, 0)) for b, e in zip(begin, end, strict=True)]
    if mode == "constant":
        def run(ins, outs):
            x, y = ins[0][crop], outs[0]
            y.fill(value)
            y[tuple(slice(b, b + n) for (b, _), n in zip(widths, x.shape, strict=True))] = x
    else:
        def run(ins, outs):
            np.copyto(outs[0], np.pad(ins[0][crop], widths, mode=mode))

    return Bound(run, f"pad_{mode}__numpy")


SPEC = OpSpec(_infer, _bind)
