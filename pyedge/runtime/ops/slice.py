"""Slice with attributes ``starts``, ``ends``, optional ``axes`` and ``steps`` (ONNX rules)."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, known, norm_axis


def _params(ctx, ndim):
    starts, ends = ctx.ints_attr("starts"), ctx.ints_attr("ends")
    axes = ctx.ints_attr("axes", None)
    axes = list(range(len(starts))) if axes is None else axes
    steps = ctx.ints_attr("steps", None) or [1] * len(starts)
    if not len(starts) == len(ends) == len(axes) == len(steps):
        raise ctx.fail("starts, ends, axes and steps must have the same length")
    if 0 in steps:
        raise ctx.fail("steps must be non-zero")
    try:
        axes = [norm_axis(a, ndim) for a in axes]
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None
    if len(set(axes)) != len(axes):
        raise ctx.fail(f"axes {axes} repeat")
    return list(zip(axes, starts, ends, steps, strict=True))


def _index(params, shape):
    """Python slices for a concrete shape (NumPy clamps out-of-range bounds like ONNX)."""
    idx = [slice(None)] * len(shape)
    for axis, start, end, step in params:
        idx[axis] = slice(start, end, step)
    return tuple(idx)


def _infer(ctx):
    ctx.arity(1)
    t = ctx.types[0]
    params = _params(ctx, t.ndim)
    shape = list(t.shape)
    for axis, start, end, step in params:
        d = shape[axis]
        if known(d):
            shape[axis] = len(range(*slice(start, end, step).indices(d)))
        elif (start, end, step) != (0, 2**63 - 1, 1):
            shape[axis] = f"{ctx.node.name}.{axis}"
    return [TensorType(t.dtype, tuple(shape))]


def _bind(ctx):
    params = _params(ctx, ctx.types[0].ndim)

    def run(ins, outs):
        np.copyto(outs[0], ins[0][_index(params, ins[0].shape)])

    return Bound(run, "slice__numpy")


SPEC = OpSpec(_infer, _bind)
