"""QAdd: 8-bit residual add of two tensors with their own quantizations, on add_q's kernels.

Inputs: a, b (uint8/int8, one shape; the dtypes may differ). Attributes: a_scale,
a_zero_point, b_scale, b_zero_point, y_scale, y_zero_point, out_dtype ("uint8"/"int8") and a
fused activation ("none", "relu", "relu6") applied as quantized clamp bounds, as QGemm.
``q = clamp(rint(float32(a - za) * ma + float32(b - zb) * mb) + y_zp)`` with
``ma = float32(a_scale / y_scale)``, ``mb = float32(b_scale / y_scale)``
(pyedge.kernels.add_q). The ONNX importer turns QDQ ``DQ(a) + DQ(b) -> Q`` into it.
"""

import numpy as np

from pyedge import config
from pyedge.kernels import add_q, registry
from pyedge.kernels.qvadd import family_for, vadd_bytes
from pyedge.runtime.ops.qgemm import _clamp
from pyedge.runtime.ops.quant_params import QDTYPES
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, same

OUT = {"uint8": np.dtype(np.uint8), "int8": np.dtype(np.int8)}


def _check(ctx):
    ctx.arity(2)
    a, b = ctx.types
    if a.dtype not in QDTYPES or b.dtype not in QDTYPES:
        raise ctx.fail(f"inputs must be uint8/int8, got {a.dtype} and {b.dtype}")
    if a.ndim != b.ndim or not all(same(x, y) for x, y in zip(a.shape, b.shape, strict=True)):
        raise ctx.fail(f"inputs must have one shape (no broadcasting), got {list(a.shape)} "
                       f"and {list(b.shape)}")
    odt = ctx.attr("out_dtype", "uint8", str)
    if odt not in OUT:
        raise ctx.fail(f"out_dtype {odt!r} is not uint8 or int8")
    act = ctx.attr("activation", "none", str)
    if act not in ("none", "relu", "relu6"):
        raise ctx.fail(f"activation {act!r} is not none, relu or relu6")
    return TensorType(OUT[odt], a.shape), OUT[odt], act


def _infer(ctx):
    return [_check(ctx)[0]]


def _bind(ctx):
    _, odt, act = _check(ctx)
    a_dt, b_dt = ctx.types[0].dtype, ctx.types[1].dtype
    sa, sb, sy = (ctx.float_attr(k) for k in ("a_scale", "b_scale", "y_scale"))
    za, zb, zy = (ctx.int_attr(k, 0) for k in ("a_zero_point", "b_zero_point", "y_zero_point"))
    clamp = _clamp(odt, act, sy, zy)
    try:  # validates every argument once, on a one-element probe
        add_q(np.zeros(1, a_dt), sa, za, np.zeros(1, b_dt), sb, zb, sy, zy, odt, clamp)
    except (ValueError, TypeError) as exc:
        raise ctx.fail(str(exc)) from None
    lo, hi = clamp if clamp is not None else (np.iinfo(odt).min, np.iinfo(odt).max)
    ma, mb = np.float32(sa / sy), np.float32(sb / sy)
    kern = registry.resolve(family_for(odt), None)

    def run(ins, outs):
        if ins[0].size:
            vadd_bytes(kern, ins[0], ma, za, ins[1], mb, zb, outs[0], zy, lo, hi,
                       config.get_num_threads())

    return Bound(run, kern.name)


SPEC = OpSpec(_infer, _bind)
