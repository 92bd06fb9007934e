"""QuantizeLinear(x, scale[, zero_point]): q = saturate(rint(x / scale) + zp), uint8 default."""

import numpy as np

from pyedge.runtime.ops.quant_params import scale_zero_point
from pyedge.runtime.ops.spec import Bound, OpSpec, clamp
from pyedge.runtime.shapes import TensorType


def _infer(ctx):
    t = ctx.float_input(0)
    _, zp, _ = scale_zero_point(ctx, t.ndim)
    return [TensorType(np.dtype(np.uint8) if zp is None else zp.dtype, t.shape)]


def _bind(ctx):
    scale, zp, _ = scale_zero_point(ctx, ctx.types[0].ndim)
    odt = np.dtype(np.uint8) if zp is None else zp.dtype
    info = np.iinfo(odt)
    zpf = np.float32(0) if zp is None else zp.astype(np.float32)

    def run(ins, outs):
        q = np.divide(ins[0], scale, dtype=np.float32)
        np.rint(q, out=q)  # round half to even
        q += zpf
        clamp(q, np.float32(info.min), np.float32(info.max), q)
        np.copyto(outs[0], q, casting="unsafe")

    return Bound(run, f"quantize_{odt.name}__numpy")


SPEC = OpSpec(_infer, _bind)
