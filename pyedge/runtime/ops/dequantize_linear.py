"""DequantizeLinear(q, scale[, zero_point]): x = (q - zp) * scale, float32."""

import numpy as np

from pyedge.runtime.ops.quant_params import QDTYPES, scale_zero_point
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType


def _infer(ctx):
    t = ctx.type(0)
    if t is None or t.dtype not in QDTYPES + (np.dtype(np.int32),):
        raise ctx.fail("input must be uint8, int8 or int32")
    _, zp, _ = scale_zero_point(ctx, t.ndim)
    if zp is not None and zp.dtype != t.dtype:
        raise ctx.fail(f"zero_point dtype {zp.dtype} differs from the input's {t.dtype}")
    return [TensorType(np.dtype(np.float32), t.shape)]


def _bind(ctx):
    scale, zp, _ = scale_zero_point(ctx, ctx.types[0].ndim)
    zpf = np.float32(0) if zp is None else zp.astype(np.float32)

    def run(ins, outs):
        y = outs[0]
        np.subtract(ins[0], zpf, out=y, dtype=np.float32)
        y *= scale

    return Bound(run, "dequantize__numpy")


SPEC = OpSpec(_infer, _bind)
