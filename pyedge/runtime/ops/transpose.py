"""Transpose by permutation ``perm`` (default: reverse the axes), copied contiguous."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType


def _perm(ctx, ndim):
    perm = ctx.ints_attr("perm", None)
    if perm is None:
        return tuple(reversed(range(ndim)))
    if sorted(perm) != list(range(ndim)):
        raise ctx.fail(f"perm {perm} is not a permutation of {ndim} axes")
    return tuple(perm)


def _infer(ctx):
    ctx.arity(1)
    t = ctx.types[0]
    return [TensorType(t.dtype, tuple(t.shape[p] for p in _perm(ctx, t.ndim)))]


def _bind(ctx):
    perm = _perm(ctx, ctx.types[0].ndim)
    c = ctx.types[0].shape[1] if len(perm) > 1 else None
    if perm[-1] == 1 and perm[:-1] == (0,) + tuple(range(2, len(perm))) and isinstance(c, int) \
            and c <= 16:
        def to_channels_last(ins, outs):  # NC... -> N...C with few channels (image inputs)
            x, y = ins[0], outs[0]
            for ch in range(c):  # contiguous reads, one strided write per channel
                y[..., ch] = x[:, ch]

        return Bound(to_channels_last, "transpose_to_channels_last__numpy")

    def run(ins, outs):
        np.copyto(outs[0], ins[0].transpose(perm))

    return Bound(run, "transpose__numpy")


SPEC = OpSpec(_infer, _bind)
