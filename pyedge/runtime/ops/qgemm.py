"""QGemm: int8 linear layer y = x_q @ w_q.T on pyedge.kernels.qgemm (static quantization).

Inputs: x (uint8/int8, [..., K]), w (int8 weight [N, K], symmetric per output channel),
w_scale (float32 [N] or scalar), optional bias (int32 [N] at scale x_scale * w_scale).
Attributes: x_scale, x_zero_point, out_dtype ("uint8", "int8" or "float32"), y_scale and
y_zero_point (8-bit outputs), activation ("none", "relu", "relu6") fused as clamp bounds.
8-bit: q = clamp(rint(float32(acc) * m) + y_zp) with m = float32(x_scale * w_scale / y_scale);
float32: y = acc * float32(x_scale * w_scale).
"""

import numpy as np

from pyedge.kernels import pack_qc8w, qgemm, registry
from pyedge.kernels.checks import check_int
from pyedge.kernels.qoutput import QRANGE, check_qoutput
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, same

FAMILY = "qs8_qc8w_gemm"
OUT = {"uint8": np.dtype(np.uint8), "int8": np.dtype(np.int8), "float32": np.dtype(np.float32)}


def _check(ctx):
    ctx.arity(3, 4)
    x = ctx.types[0]
    if x.dtype not in (np.dtype(np.uint8), np.dtype(np.int8)) or x.ndim < 2:
        raise ctx.fail(f"input must be uint8/int8 of rank >= 2, got {x}")
    w = ctx.const(1, "w")
    if w.dtype != np.int8 or w.ndim != 2:
        raise ctx.fail(f"w must be an int8 [N, K] weight, got {w.dtype} {w.shape}")
    if not same(x.shape[-1], w.shape[1]):
        raise ctx.fail(f"input K={x.shape[-1]} differs from w K={w.shape[1]}")
    n = w.shape[0]
    ws = ctx.const(2, "w_scale")
    if ws.dtype != np.float32 or ws.size not in (1, n) \
            or not np.all(np.isfinite(ws)) or not np.all(ws > 0):
        raise ctx.fail(f"w_scale must be float32 with 1 or {n} finite values > 0")
    b = ctx.const(3, "bias", required=False) if ctx.type(3) is not None else None
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


def _clamp(odt, act, y_scale, y_zp):
    if act == "none":
        return None
    if odt == np.float32:
        return (0.0, 6.0) if act == "relu6" else (0.0, float("inf"))
    hi = np.iinfo(odt).max
    if act == "relu6":
        hi = min(hi, y_zp + int(np.rint(6.0 / y_scale)))
    return (y_zp, hi)


def requant_params(ctx, ws: np.ndarray, n: int, odt: np.dtype, act: str) -> tuple:
    """``(x_zero_point, multiplier[n], y_zero_point, clamp)`` of a QGemm/QConv node, checked
    at load as the kernels would check them at run time (node error naming the fault)."""
    x_scale = np.float32(ctx.float_attr("x_scale"))
    x_zp = ctx.int_attr("x_zero_point", 0)
    y_scale, y_zp = np.float32(1), 0
    if odt != np.float32:
        y_scale = np.float32(ctx.float_attr("y_scale"))
        y_zp = ctx.int_attr("y_zero_point", 0)
    with np.errstate(over="ignore", under="ignore"):
        mult = np.ascontiguousarray(x_scale * np.broadcast_to(ws.reshape(-1), (n,))
                                    .astype(np.float32) / y_scale, dtype=np.float32)
    try:
        check_int("x_zero_point", x_zp, *QRANGE[ctx.types[0].dtype])
        if odt != np.float32:
            check_int("y_zero_point", y_zp, *QRANGE[odt])
        clamp = _clamp(odt, act, float(y_scale), y_zp)
        check_qoutput(n, None, mult, y_zp, odt, clamp)
    except (TypeError, ValueError) as exc:
        raise ctx.fail(f"{exc} (multiplier = x_scale * w_scale / y_scale)") from None
    return x_zp, mult, y_zp, clamp


def _bind(ctx):
    _, w, ws, bias, odt, act = _check(ctx)
    n, k = w.shape
    packed = pack_qc8w(w)
    kernel = registry.select(FAMILY, 1)
    packed.packed_for(kernel)  # pack once at load for the kernel this model will use
    x_zp, mult, y_zp, clamp = requant_params(ctx, ws, n, odt, act)

    def run(ins, outs):
        x = ins[0]
        if x.size == 0:  # empty batch: nothing to compute
            return
        qgemm(x.reshape(-1, k), x_zp, packed, bias, mult, y_zp, odt, clamp,
              out=outs[0].reshape(-1, n))

    return Bound(run, kernel.name)


SPEC = OpSpec(_infer, _bind)
