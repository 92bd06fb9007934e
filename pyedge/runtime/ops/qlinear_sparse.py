"""QLinearSparse: int8 sparse linear layer on 8-bit activations (pyedge.kernels.qspmm_t).

Inputs: x (uint8/int8 [..., K]; a 1x1 conv on NHWC input), indptr, indices, values (int8
CSR or BSR of w[N, K]), w_scale (float32 [N], symmetric per output channel), optional bias
(int32 [N] at scale x_scale * w_scale). Attributes: k, block ([r, c], [1, 1] = CSR) and, as
QGemm, x_scale, x_zero_point, out_dtype (uint8/int8/float32), y_scale, y_zero_point and a
fused activation (none/relu/relu6) as clamp bounds. Same requantization as QGemm.
"""

import numpy as np

from pyedge import kernels
from pyedge.kernels import registry
from pyedge.kernels.qsparse import family_of
from pyedge.runtime.ops.qgemm import OUT, _clamp
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, same
from pyedge.tensors import BSR, CSR


def _check(ctx):
    ctx.arity(5, 6)
    x = ctx.types[0]
    if x.dtype not in (np.dtype(np.uint8), np.dtype(np.int8)) or x.ndim < 1:
        raise ctx.fail(f"input must be uint8/int8 [..., K], got {x}")
    indptr, indices, values = (ctx.const(i, f) for i, f in
                               ((1, "indptr"), (2, "indices"), (3, "values")))
    r, c = ctx.ints_attr("block", [1, 1])
    k = ctx.int_attr("k")
    n = (indptr.shape[0] - 1) * r
    if values.dtype != np.int8:
        raise ctx.fail(f"values must be int8, got {values.dtype}")
    ws = ctx.const(4, "w_scale")
    if ws.dtype != np.float32 or ws.size not in (1, n):
        raise ctx.fail(f"w_scale must be float32 with 1 or {n} values")
    scale = np.ascontiguousarray(np.broadcast_to(ws.reshape(-1), (n,)))
    try:
        w = (CSR((n, k), indptr, indices, values, scale) if (r, c) == (1, 1)
             else BSR((n, k), (r, c), indptr, indices, values, scale))
    except (TypeError, ValueError) as exc:
        raise ctx.fail(f"weights do not form a valid encoding: {exc}") from None
    if not same(x.shape[-1], k):
        raise ctx.fail(f"input K={x.shape[-1]} differs from k={k}")
    b = ctx.const(5, "bias", required=False) if ctx.type(5) is not None else None
    if b is not None and (b.dtype != np.int32 or b.shape != (n,)):
        raise ctx.fail(f"bias must be int32 of shape ({n},)")
    odt = ctx.attr("out_dtype", "uint8", str)
    if odt not in OUT:
        raise ctx.fail(f"out_dtype {odt!r} is not one of {list(OUT)}")
    act = ctx.attr("activation", "none", str)
    if act not in ("none", "relu", "relu6"):
        raise ctx.fail(f"activation {act!r} is not none, relu or relu6")
    for name in ("x_scale",) + (("y_scale",) if odt != "float32" else ()):
        s = ctx.float_attr(name)
        if not np.isfinite(s) or s <= 0:
            raise ctx.fail(f"{name}={s} must be finite and > 0")
    return TensorType(OUT[odt], x.shape[:-1] + (n,)), w, ws, b, OUT[odt], act


def _infer(ctx):
    return [_check(ctx)[0]]


def _bind(ctx):
    _, w, ws, bias, odt, act = _check(ctx)
    n, k = w.shape
    x_scale = np.float32(ctx.float_attr("x_scale"))
    x_zp = ctx.int_attr("x_zero_point", 0)
    mult = x_scale * np.broadcast_to(ws.reshape(-1), (n,)).astype(np.float32)
    y_zp = 0
    if odt != np.float32:
        y_scale = np.float32(ctx.float_attr("y_scale"))
        y_zp = ctx.int_attr("y_zero_point", 0)
        mult = mult / y_scale
        clamp = _clamp(odt, act, float(y_scale), y_zp)
    else:
        clamp = _clamp(odt, act, 1.0, 0)
    mult = np.ascontiguousarray(mult, dtype=np.float32)

    def run(ins, outs):
        x = ins[0]
        if x.size:
            kernels.qspmm_t(x.reshape(-1, k), w, x_zp, bias, mult, y_zp, odt, clamp,
                            out=outs[0].reshape(-1, n))

    return Bound(run, registry.select(family_of(w.block)).name)


SPEC = OpSpec(_infer, _bind)
