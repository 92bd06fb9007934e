"""DynamicQuantizeLinear(x) -> (y uint8, y_scale float32 scalar, y_zero_point uint8 scalar).

ONNX semantics, in float32 as onnxruntime computes them: the range [min(x, 0), max(x, 0)]
maps onto [0, 255]; ``scale = (max - min) / 255`` (1 when the range is empty),
``zp = rint(clamp(0 - min / scale, 0, 255))`` and ``y = clamp(rint(x / scale) + zp, 0, 255)``,
rounding half to even. Feeds MatMulInteger / ConvInteger in dynamically quantized models.
"""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec, clamp
from pyedge.runtime.shapes import TensorType


def _infer(ctx):
    ctx.arity(1, outputs=3)
    t = ctx.float_input(0)
    return [TensorType(np.dtype(np.uint8), t.shape), TensorType(np.dtype(np.float32), ()),
            TensorType(np.dtype(np.uint8), ())]


def quantize_params(x: np.ndarray) -> tuple[np.float32, np.float32]:
    """(scale, zero point as float32) of one float32 tensor, as DynamicQuantizeLinear."""
    lo = min(np.float32(x.min()), np.float32(0)) if x.size else np.float32(0)
    hi = max(np.float32(x.max()), np.float32(0)) if x.size else np.float32(0)
    scale = np.float32(1) if hi == lo else np.float32(hi - lo) / np.float32(255)
    zp = np.rint(min(max(np.float32(0) - lo / scale, np.float32(0)), np.float32(255)))
    return np.float32(scale), np.float32(zp)


def _bind(ctx):
    def run(ins, outs):
        x = ins[0]
        scale, zp = quantize_params(x)
        q = np.divide(x, scale, dtype=np.float32)
        np.rint(q, out=q)  # round half to even
        q += zp
        clamp(q, np.float32(0), np.float32(255), q)
        np.copyto(outs[0], q, casting="unsafe")
        outs[1][...] = scale
        outs[2][...] = zp

    return Bound(run, "dynamic_quantize_uint8__numpy")


SPEC = OpSpec(_infer, _bind)
