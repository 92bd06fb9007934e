"""Softmax along ``axis`` (default -1): exp(x - max) / sum(exp(x - max))."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec, same_as_input
from pyedge.runtime.shapes import norm_axis


def _axis(ctx):
    t = ctx.float_input(0)
    try:
        return norm_axis(ctx.int_attr("axis", -1), t.ndim)
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None


def _infer(ctx):
    out = same_as_input(ctx)
    _axis(ctx)
    return out


def _bind(ctx):
    axis = _axis(ctx)

    def run(ins, outs):
        x, y = ins[0], outs[0]
        np.subtract(x, np.maximum.reduce(x, axis=axis, keepdims=True), out=y)
        np.exp(y, out=y)
        y /= np.add.reduce(y, axis=axis, keepdims=True)

    return Bound(run, "f32_softmax__numpy")


SPEC = OpSpec(_infer, _bind)
