"""Scale and zero-point inputs of QuantizeLinear/DequantizeLinear: per tensor or per axis."""

import numpy as np

from pyedge.runtime.shapes import norm_axis

QDTYPES = (np.dtype(np.uint8), np.dtype(np.int8))


def scale_zero_point(ctx, ndim: int):
    """(scale float32, zero point or None, broadcast shape) validated for the data rank."""
    ctx.arity(2, 3)
    scale = ctx.const(1, "scale")
    zp = ctx.const(2, "zero_point", required=False) if ctx.type(2) is not None else None
    if scale.dtype != np.float32 or not np.all(np.isfinite(scale)) or not np.all(scale > 0):
        raise ctx.fail("scale must be finite positive float32")
    if zp is not None and (zp.dtype not in QDTYPES or zp.shape != scale.shape):
        raise ctx.fail(f"zero_point must be uint8/int8 shaped like scale {scale.shape}")
    shape = ()
    if scale.ndim == 1 and scale.size > 1:
        try:
            axis = norm_axis(ctx.int_attr("axis", 1), ndim)
        except ValueError as exc:
            raise ctx.fail(str(exc)) from None
        shape = [1] * ndim
        shape[axis] = scale.size  # broadcast along the quantized axis
    elif scale.size != 1:
        raise ctx.fail(f"scale must be a scalar or 1-D, got shape {scale.shape}")
    return scale.reshape(shape), None if zp is None else zp.reshape(shape), shape
