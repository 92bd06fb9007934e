"""Gemm: y = act(alpha * A' @ B' + beta * C), A' = A or A.T, B' = B or B.T (ONNX attributes).

A may have more than 2 dims when transA=0 (leading dims are batch, as in Linear). With a
weight B the product runs as ``x @ w.T`` on the canonical ``w[N, K]`` layout, C and the
fused activation (``activation`` = none/relu/relu6/clamp with ``clamp`` = [lo, hi]) go
through :func:`pyedge.kernels.apply_epilogue` in place.
"""

import numpy as np

from pyedge.kernels import apply_epilogue
from pyedge.kernels.epilogue import ACTIVATIONS
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, broadcast, same


def _check(ctx):
    ctx.arity(2, 3)
    a, b = ctx.float_input(0), ctx.float_input(1)
    ta, tb = ctx.int_attr("transA", 0), ctx.int_attr("transB", int(ctx.node.op == "Linear"))
    if b.ndim != 2 or a.ndim < 2 or (ta and a.ndim != 2):
        raise ctx.fail(f"needs A 2-D (or N-D with transA=0) and B 2-D, got A{a.shape} B{b.shape}")
    k_a = a.shape[-2] if ta else a.shape[-1]
    k_b, n = (b.shape[1], b.shape[0]) if tb else b.shape
    if not same(k_a, k_b):
        raise ctx.fail(f"inner dimensions differ: A{a.shape} (transA={ta}) and B{b.shape} "
                       f"(transB={tb})")
    lead = (a.shape[1],) if ta else a.shape[:-1]
    out = lead + (n,)
    c = ctx.type(2)
    if c is not None:
        try:
            if broadcast(out, c.shape) != out:
                raise ValueError
        except ValueError:
            raise ctx.fail(f"C{c.shape} does not broadcast to the output {out}") from None
    act = ctx.attr("activation", "none", str)
    if act not in ACTIVATIONS:
        raise ctx.fail(f"activation {act!r} is not one of {ACTIVATIONS}")
    clamp = ctx.attr("clamp", None, list)
    if act == "clamp" and (clamp is None or len(clamp) != 2 or not clamp[0] <= clamp[1]):
        raise ctx.fail("activation 'clamp' needs attribute clamp = [lo, hi]")
    return TensorType(np.dtype(np.float32), out)


def _infer(ctx):
    return [_check(ctx)]


def _bind(ctx):
    _check(ctx)
    alpha, beta = ctx.float_attr("alpha", 1.0), ctx.float_attr("beta", 1.0)
    ta, tb = ctx.int_attr("transA", 0), ctx.int_attr("transB", int(ctx.node.op == "Linear"))
    act = ctx.attr("activation", "none", str)
    clamp = ctx.attr("clamp", None, list)
    w = ctx.consts[1]
    wt = None
    if w is not None:  # weights: fold alpha once, keep w[N, K]
        w = w if tb else w.T
        if alpha != 1:
            w = np.ascontiguousarray(w * np.float32(alpha))
        wt = w.T  # [K, N] view; BLAS reads the transposed layout directly
    n = ctx.types[1].shape[0 if tb else 1]
    c = ctx.consts[2] if len(ctx.consts) > 2 else None
    c_dynamic = ctx.type(2) is not None and c is None
    bias = None
    if c is not None:
        c = (c * np.float32(beta)).astype(np.float32)
        if c.size in (1, n) and c.shape in ((), (c.size,), (1, c.size)):
            bias, c = np.ascontiguousarray(np.broadcast_to(c.reshape(-1), (n,))), None
    clamp = None if clamp is None else tuple(clamp)

    def run(ins, outs):
        x, y = ins[0], outs[0]
        if ta:
            x = x.T
        if w is None:
            np.matmul(x, ins[1].T if tb else ins[1], out=y)
            if alpha != 1:
                y *= np.float32(alpha)
        else:
            np.matmul(x, wt, out=y)
        if c is not None:
            y += c
        elif c_dynamic:
            y += ins[2] * np.float32(beta)
        apply_epilogue(y, bias, act, clamp)

    return Bound(run, "f32_gemm__blas")


SPEC = OpSpec(_infer, _bind)
