"""MatMulInteger: int32 y = (a - a_zero_point) @ w.T on the qgemm kernels (dynamic quantization).

Inputs: a (uint8/int8 [..., K]), w (int8 weight [N, K] in [-127, 127], canonical layout),
optional a_zero_point (scalar of a's dtype, computed at run time: DynamicQuantizeLinear's).
The ONNX importer maps ONNX MatMulInteger (with a constant, zero weight zero point) onto it;
the Cast/Mul that rescale the int32 result stay separate float ops.
"""

import numpy as np

from pyedge.kernels import pack_qc8w, qgemm, registry
from pyedge.runtime.ops.quant_params import QDTYPES
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, same

FAMILY = "qs8_qc8w_gemm"


def _check(ctx):
    ctx.arity(2, 3)
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
    return TensorType(np.dtype(np.int32), a.shape[:-1] + (w.shape[0],)), w


def _infer(ctx):
    return [_check(ctx)[0]]


def _bind(ctx):
    _, w = _check(ctx)
    n, k = w.shape
    packed = pack_qc8w(np.ascontiguousarray(w))
    packed.packed_for(registry.select(FAMILY, 1))
    with_zp = ctx.type(2) is not None

    def run(ins, outs):
        a = ins[0]
        if a.size:
            zp = int(ins[2].reshape(())) if with_zp else 0
            qgemm(a.reshape(-1, k), zp, packed, out_dtype=np.int32, out=outs[0].reshape(-1, n))

    return Bound(run, registry.select(FAMILY, 1).name)


SPEC = OpSpec(_infer, _bind)
