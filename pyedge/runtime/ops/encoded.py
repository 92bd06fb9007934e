"""Shared core of the weight-only encoded Linear ops (LinearInt4, LinearCodebook, LinearSparse).

Each op reads float32 ``x[..., K]`` and weights stored as the plain tensors of one
pyedge.tensors encoding (canonical layout), writes ``y[..., N] = act(x @ w.T + bias)``.
The encoding object is rebuilt (and validated) once at load, then packed for its kernel.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from pyedge.kernels import apply_epilogue
from pyedge.kernels.epilogue import ACTIVATIONS
from pyedge.runtime.ops.spec import Bound, NodeCtx, OpSpec
from pyedge.runtime.shapes import TensorType, same


def _activation(ctx: NodeCtx):
    act = ctx.attr("activation", "none", str)
    if act not in ACTIVATIONS:
        raise ctx.fail(f"activation {act!r} is not one of {ACTIVATIONS}")
    clamp = ctx.attr("clamp", None, list)
    if act == "clamp" and (clamp is None or len(clamp) != 2 or not clamp[0] <= clamp[1]):
        raise ctx.fail("activation 'clamp' needs attribute clamp = [lo, hi]")
    return act, None if clamp is None else tuple(clamp)


def encoded_linear(n_weights: int, shape: Callable, build: Callable,
                   n_required: int | None = None) -> OpSpec:
    """An OpSpec for ``x`` + ``n_weights`` encoding tensors + optional bias.

    ``shape(ctx, tensors)`` returns the weight's (N, K) cheaply (inference runs for every new
    input shape); ``build(ctx, tensors)`` (once, at load) validates the encoding, packs it and
    returns ``(run_kernel, kernel_name)``, ``run_kernel(x2d, bias, out2d)`` computing
    ``x2d @ w.T + bias`` into ``out2d``.
    TypeError/ValueError from either become node errors. Only the first ``n_required``
    (default all) weight tensors are required; later ones may be absent ("").
    """
    required = n_weights if n_required is None else n_required

    def check(ctx: NodeCtx):
        ctx.arity(1 + required, 2 + n_weights)
        x = ctx.float_input(0)
        tensors = [ctx.const(i, f"weight tensor #{i}", required=False)
                   for i in range(1, 1 + n_weights)]
        try:
            n, k = shape(ctx, tensors)
        except (TypeError, ValueError, AttributeError, IndexError) as exc:
            raise ctx.fail(f"weights do not form a valid encoding: {exc}") from None
        if x.ndim < 1 or not same(x.shape[-1], k):
            raise ctx.fail(f"x{list(x.shape)} must end with K={k}")
        bias = None
        if ctx.type(1 + n_weights) is not None:
            bias = ctx.const(1 + n_weights, "bias")
            if bias.dtype != np.float32 or bias.shape != (n,):
                raise ctx.fail(f"bias must be float32 of shape ({n},)")
        return TensorType(np.dtype(np.float32), x.shape[:-1] + (n,)), tensors, (n, k), bias

    def infer(ctx):
        return [check(ctx)[0]]

    def bind(ctx):
        _, tensors, (n, k), bias = check(ctx)
        act, clamp = _activation(ctx)
        try:
            run_kernel, kernel_name = build(ctx, tensors)
        except (TypeError, ValueError) as exc:
            raise ctx.fail(f"weights do not form a valid encoding: {exc}") from None
        bias = None if bias is None else np.ascontiguousarray(bias)

        def run(ins, outs):
            x = ins[0]
            if x.size:
                y = outs[0].reshape(-1, n)  # [M, N]
                run_kernel(x.reshape(-1, k), bias, y)
                if act != "none":
                    apply_epilogue(y, None, act, clamp)

        return Bound(run, kernel_name)

    return OpSpec(infer, bind)
