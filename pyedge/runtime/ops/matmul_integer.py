"""MatMulInteger: y = (a - a_zero_point) @ w.T on the qgemm kernels (dynamic quantization).

Inputs: a (uint8/int8 [..., K]), w (int8 weight [N, K] in [-127, 127], canonical layout),
optional a_zero_point (scalar of a's dtype, computed at run time: DynamicQuantizeLinear's),
optional scale (float32 scalar or [N], computed at run time). Without scale y is the int32
accumulator; with it y is float32 ``float32(acc) * scale`` (qgemm's float epilogue: the same
bits as a Cast to float followed by a Mul, which the ONNX importer fuses into it).
"""

import numpy as np

from pyedge.kernels import pack_qc8w, qgemm, registry
from pyedge.runtime.ops.quant_params import QDTYPES
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, same

FAMILY = "qs8_qc8w_gemm"


def scale_input(ctx, i: int, n: int):
    """The optional float32 scale input ``i`` (scalar or [n]): None, or a node error."""
    t = ctx.type(i)
    if t is not None and (t.dtype != np.float32 or t.ndim > 1 or (t.ndim == 1 and t.shape[0]
                                                                  not in (1, n))):
        raise ctx.fail(f"scale must be a float32 scalar or [{n}], got {t}")
    return t


def _check(ctx):
    ctx.arity(2, 4)
    a = ctx.types[0]
    if a.dtype not in QDTYPES or a.ndim < 1:
        raise ctx.fail(f"input must be uint8/int8 of rank >= 1, got {a}")
    w = ctx.const(1, "w")
    if w.dtype != np.int8 or w.ndim != 2 or np.any(w == -128):
        raise ctx.fail(f"w must be an int8 [N, K] weight in [-127, 127], got {w.dtype} "
                       f"{list(w.shape)}")
    if not same(a.shape[-1], w.shape[1]):
        raise ctx.fail(f"input K={a.shape[-1]} differs from w K={w.shape[1]}")
    zp = ctx.type(2)
    if zp is not None and (zp.dtype != a.dtype or zp.ndim > 1 or (zp.ndim == 1 and zp.shape
                                                                    != (1,))):
        raise ctx.fail(f"a_zero_point must be a scalar of the input's dtype, got {zp}")
    odt = np.dtype(np.float32 if scale_input(ctx, 3, w.shape[0]) is not None else np.int32)
    return TensorType(odt, a.shape[:-1] + (w.shape[0],)), w


def _infer(ctx):
    return [_check(ctx)[0]]


def _bind(ctx):
    _, w = _check(ctx)
    n, k = w.shape
    packed = pack_qc8w(np.ascontiguousarray(w))
    packed.packed_for(registry.select(FAMILY, 1))
    with_zp, scaled = ctx.type(2) is not None, ctx.type(3) is not None
    odt = np.dtype(np.float32 if scaled else np.int32)

    def run(ins, outs):
        a = ins[0]
        if a.size:
            zp = int(ins[2].reshape(())) if with_zp else 0
            mult = np.broadcast_to(ins[3].reshape(-1), (n,)) if scaled else None
            qgemm(a.reshape(-1, k), zp, packed, None, mult, 0, odt,
                  out=outs[0].reshape(-1, n))

    return Bound(run, registry.select(FAMILY, 1).name)


SPEC = OpSpec(_infer, _bind)
