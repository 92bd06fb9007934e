"""Concat: join inputs along ``axis`` (required)."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, known, norm_axis, same


def _infer(ctx):
    if not ctx.node.inputs or any(t is None for t in ctx.types):
        raise ctx.fail("needs at least one input, none absent")
    ctx.arity(len(ctx.node.inputs))
    first = ctx.types[0]
    try:
        axis = norm_axis(ctx.int_attr("axis"), first.ndim)
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None
    for t, name in zip(ctx.types, ctx.node.inputs, strict=True):
        if t.dtype != first.dtype or t.ndim != first.ndim or not all(
                same(a, b) for i, (a, b) in enumerate(zip(t.shape, first.shape, strict=True))
                if i != axis):
            raise ctx.fail(f"input {name!r} {t} does not match {first} outside axis {axis}")
    shape = list(first.shape)
    total = [t.shape[axis] for t in ctx.types]
    shape[axis] = sum(total) if all(known(d) for d in total) else "+".join(map(str, total))
    return [TensorType(first.dtype, tuple(shape))]


def _bind(ctx):
    axis = norm_axis(ctx.int_attr("axis"), ctx.types[0].ndim)

    def run(ins, outs):
        np.concatenate(ins, axis=axis, out=outs[0])

    return Bound(run, "concat__numpy")


SPEC = OpSpec(_infer, _bind)
