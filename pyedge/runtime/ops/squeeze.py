"""Squeeze: drop size-1 axes listed in ``axes`` (all size-1 axes if absent): a view."""

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, known, norm_axis


def _axes(ctx, shape):
    axes = ctx.ints_attr("axes", None)
    if axes is None:
        if not all(known(d) for d in shape):
            raise ctx.fail("needs attribute axes when the input has symbolic dims")
        return tuple(i for i, d in enumerate(shape) if d == 1)
    try:
        axes = tuple(sorted({norm_axis(a, len(shape)) for a in axes}))
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None
    for a in axes:
        if known(shape[a]) and shape[a] != 1:
            raise ctx.fail(f"cannot squeeze axis {a} of size {shape[a]}")
    return axes


def _infer(ctx):
    ctx.arity(1)
    t = ctx.types[0]
    axes = _axes(ctx, t.shape)
    return [TensorType(t.dtype, tuple(d for i, d in enumerate(t.shape) if i not in axes))]


def _bind(ctx):
    axes = _axes(ctx, ctx.types[0].shape)

    def run(ins, outs):
        x = ins[0]
        return [x.reshape([d for i, d in enumerate(x.shape) if i not in axes])]

    return Bound(run, "view")


SPEC = OpSpec(_infer, _bind, view=True)
