"""ConvInteger: NHWC convolution (x - x_zero_point) * w on the qgemm kernels.

Inputs: x (uint8/int8 [N, H, W, C_in]), w (int8 [C_out, KH, KW, C_in / group] in
[-127, 127]), optional x_zero_point (scalar of x's dtype, computed at run time:
DynamicQuantizeLinear's), optional scale (float32 scalar or [C_out]: float32 output
``float32(acc) * scale``, as MatMulInteger). Attributes as Conv (strides, dilations, pads,
group). Padding holds the zero point, so padded taps contribute 0, as in ONNX ConvInteger.
"""

import numpy as np

from pyedge.kernels import conv2d_q, pack_conv_qc8w
from pyedge.runtime.ops.matmul_integer import scale_input
from pyedge.runtime.ops.quant_params import QDTYPES
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.ops.window import out_size, pads, pair
from pyedge.runtime.shapes import TensorType, known


def _check(ctx):
    ctx.arity(2, 4)
    x = ctx.types[0]
    if x.dtype not in QDTYPES or x.ndim != 4:
        raise ctx.fail(f"input must be uint8/int8 NHWC, got {x}")
    w = ctx.const(1, "w")
    if w.dtype != np.int8 or w.ndim != 4 or np.any(w == -128):
        raise ctx.fail(f"w must be an int8 [C_out, KH, KW, C_in/group] weight in [-127, 127], "
                       f"got {w.dtype} {list(w.shape)}")
    cout, kh, kw, cin_g = w.shape
    group = ctx.int_attr("group", 1)
    if group < 1 or cout % group or (known(x.shape[3]) and x.shape[3] != cin_g * group):
        raise ctx.fail(f"group={group} does not fit C_in={x.shape[3]} and w {list(w.shape)}")
    if group > 1 and cin_g == 1:
        raise ctx.fail("depthwise ConvInteger is not supported (int32 output needs the GEMM "
                       "path)")
    zp = ctx.type(2)
    if zp is not None and (zp.dtype != x.dtype or zp.ndim > 1 or (zp.ndim == 1 and zp.shape
                                                                    != (1,))):
        raise ctx.fail(f"x_zero_point must be a scalar of the input's dtype, got {zp}")
    (sh, sw), (dh, dw), (t, lf, bt, r) = pair(ctx, "strides", 1), pair(ctx, "dilations", 1), \
        pads(ctx)
    oh = out_size(ctx, x.shape[1], kh, sh, dh, t, bt)
    ow = out_size(ctx, x.shape[2], kw, sw, dw, lf, r)
    odt = np.dtype(np.float32 if scale_input(ctx, 3, cout) is not None else np.int32)
    return TensorType(odt, (x.shape[0], oh, ow, cout)), w, group


def _infer(ctx):
    return [_check(ctx)[0]]


def _bind(ctx):
    _, w, group = _check(ctx)
    packed = pack_conv_qc8w(np.ascontiguousarray(w), group)
    stride, dil, pad = pair(ctx, "strides", 1), pair(ctx, "dilations", 1), pads(ctx)
    with_zp, scaled = ctx.type(2) is not None, ctx.type(3) is not None
    odt = np.dtype(np.float32 if scaled else np.int32)
    cout = w.shape[0]

    def run(ins, outs):
        if ins[0].size:
            zp = int(ins[2].reshape(())) if with_zp else 0
            mult = np.broadcast_to(ins[3].reshape(-1), (cout,)) if scaled else None
            conv2d_q(ins[0], zp, packed, None, mult, 0, odt, None, stride, pad, dil,
                     out=outs[0])

    return Bound(run, "qs8_conv2d_im2col+qs8_qc8w_gemm")


SPEC = OpSpec(_infer, _bind)
