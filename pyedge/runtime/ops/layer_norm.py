"""LayerNormalization(X, Scale[, B]): normalise over axes ``axis``..-1 (epsilon default 1e-5)."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec, mean
from pyedge.runtime.shapes import norm_axis, same


def _axes(ctx):
    ctx.arity(2, 3)
    t = ctx.float_input(0)
    try:
        axis = norm_axis(ctx.int_attr("axis", -1), t.ndim)
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None
    norm_shape = t.shape[axis:]
    for i, what in ((1, "Scale"), (2, "B")):
        p = ctx.type(i)
        if p is not None and (p.ndim > len(norm_shape) or not all(
                same(a, b) or a == 1 for a, b in zip(reversed(p.shape), reversed(norm_shape),
                                                      strict=False))):
            raise ctx.fail(f"{what} shape {p.shape} does not broadcast to the normalised "
                           f"shape {norm_shape}")
    return tuple(range(axis, t.ndim)), t


def _infer(ctx):
    return [_axes(ctx)[1]]


def _bind(ctx):
    axes, _ = _axes(ctx)
    eps = np.float32(ctx.float_attr("epsilon", 1e-5))
    has_bias = ctx.type(2) is not None

    def run(ins, outs):
        x, y = ins[0], outs[0]
        np.subtract(x, mean(x, axes), out=y)
        var = mean(np.square(y), axes)
        var += eps
        np.sqrt(var, out=var)
        y /= var
        y *= ins[1]
        if has_bias:
            y += ins[2]

    return Bound(run, "f32_layer_norm__numpy")


SPEC = OpSpec(_infer, _bind)
