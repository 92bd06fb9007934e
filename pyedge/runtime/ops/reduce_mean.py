"""ReduceMean over ``axes`` (all axes if absent), ``keepdims`` default 1."""


from pyedge.runtime.ops.spec import Bound, OpSpec, mean
from pyedge.runtime.shapes import TensorType, norm_axis


def _axes(ctx, ndim):
    axes = ctx.ints_attr("axes", None)
    if axes is None:
        return tuple(range(ndim))
    try:
        return tuple(sorted({norm_axis(a, ndim) for a in axes}))
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None


def _infer(ctx):
    ctx.arity(1)
    t = ctx.float_input(0)
    axes = _axes(ctx, t.ndim)
    keep = bool(ctx.int_attr("keepdims", 1))
    shape = tuple(1 if i in axes else d for i, d in enumerate(t.shape) if keep or i not in axes)
    return [TensorType(t.dtype, shape)]


def _bind(ctx):
    axes = _axes(ctx, ctx.types[0].ndim)
    keep = bool(ctx.int_attr("keepdims", 1))

    def run(ins, outs):
        mean(ins[0], axes, keep, outs[0])

    return Bound(run, "f32_reduce_mean__numpy")


SPEC = OpSpec(_infer, _bind)
