"""Split along ``axis`` (default 0) into sizes ``split`` or into equal parts."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, known, norm_axis


def _sizes(ctx, shape):
    n = len(ctx.node.outputs)
    axis = norm_axis(ctx.int_attr("axis", 0), len(shape))
    split = ctx.ints_attr("split", None)
    dim = shape[axis]
    if split is not None:
        if len(split) != n or any(s < 0 for s in split):
            raise ctx.fail(f"split={split} must list {n} sizes >= 0")
        if known(dim) and sum(split) != dim:
            raise ctx.fail(f"split={split} does not add up to dimension {dim}")
        return axis, split
    if not known(dim):
        return axis, [f"{dim}/{n}"] * n
    if dim % n:
        raise ctx.fail(f"dimension {dim} does not split into {n} equal parts")
    return axis, [dim // n] * n


def _infer(ctx):
    ctx.arity(1, 1, outputs=None)
    t = ctx.types[0]
    try:
        axis, sizes = _sizes(ctx, t.shape)
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None
    out = []
    for s in sizes:
        shape = list(t.shape)
        shape[axis] = s
        out.append(TensorType(t.dtype, tuple(shape)))
    return out


def _bind(ctx):
    axis = norm_axis(ctx.int_attr("axis", 0), ctx.types[0].ndim)
    n = len(ctx.node.outputs)

    def run(ins, outs):
        x = ins[0]
        cuts = np.cumsum([o.shape[axis] for o in outs])[:-1] if n > 1 else []
        for part, o in zip(np.split(x, cuts, axis=axis), outs, strict=True):
            np.copyto(o, part)

    return Bound(run, "split__numpy")


SPEC = OpSpec(_infer, _bind)
