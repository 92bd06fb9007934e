"""Unsqueeze: insert size-1 axes at positions ``axes`` of the output: a view."""

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, norm_axis


def _axes(ctx, ndim):
    axes = ctx.ints_attr("axes")
    rank = ndim + len(axes)
    try:
        norm = sorted({norm_axis(a, rank) for a in axes})
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None
    if len(norm) != len(axes):
        raise ctx.fail(f"axes {axes} repeat")
    return norm


def _shape(axes, shape):
    out = list(shape)
    for a in axes:
        out.insert(a, 1)
    return tuple(out)


def _infer(ctx):
    ctx.arity(1)
    t = ctx.types[0]
    return [TensorType(t.dtype, _shape(_axes(ctx, t.ndim), t.shape))]


def _bind(ctx):
    axes = _axes(ctx, ctx.types[0].ndim)

    def run(ins, outs):
        return [ins[0].reshape(_shape(axes, ins[0].shape))]

    return Bound(run, "view")


SPEC = OpSpec(_infer, _bind, view=True)
