"""Clip: y = min(max(x, min), max); either bound may be absent (attributes ``min``, ``max``)."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec, clamp, same_as_input


def _bounds(ctx):
    lo = ctx.float_attr("min", float("-inf"))
    hi = ctx.float_attr("max", float("inf"))
    if not lo <= hi:
        raise ctx.fail(f"min={lo} > max={hi}")
    return np.float32(lo), np.float32(hi)


def _infer(ctx):
    _bounds(ctx)
    return same_as_input(ctx)


def _bind(ctx):
    lo, hi = _bounds(ctx)

    def run(ins, outs):
        clamp(ins[0], lo, hi, outs[0])

    return Bound(run, "f32_clamp__numpy")


SPEC = OpSpec(_infer, _bind)
