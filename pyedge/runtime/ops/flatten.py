"""Flatten: reshape to 2-D around ``axis`` (default 1): a view, no copy."""

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, norm_axis, product


def _axis(ctx, ndim):
    axis = ctx.int_attr("axis", 1)
    if not -ndim <= axis <= ndim:
        raise ctx.fail(f"axis {axis} is out of range for rank {ndim}")
    return norm_axis(axis, ndim + 1)


def _infer(ctx):
    ctx.arity(1)
    t = ctx.types[0]
    axis = _axis(ctx, t.ndim)
    return [TensorType(t.dtype, (product(t.shape[:axis]), product(t.shape[axis:])))]


def _bind(ctx):
    axis = _axis(ctx, ctx.types[0].ndim)

    def run(ins, outs):
        x = ins[0]
        return [x.reshape(product(x.shape[:axis]), product(x.shape[axis:]))]

    return Bound(run, "view")


SPEC = OpSpec(_infer, _bind, view=True)
