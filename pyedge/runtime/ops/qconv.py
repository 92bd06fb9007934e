"""QConv: int8 NHWC convolution on pyedge.kernels.conv2d_q / depthwise_conv2d_q (static).

Inputs: x (uint8/int8 [N, H, W, C_in]), w (int8 weight [C_out, KH, KW, C_in / group],
symmetric per output channel), w_scale (float32 [C_out] or scalar), optional bias (int32
[C_out] at scale x_scale * w_scale). Attributes as Conv (strides, dilations, pads, group)
plus x_scale, x_zero_point, y_scale, y_zero_point, out_dtype ("uint8"/"int8") and a fused
activation ("none", "relu", "relu6") applied as quantized clamp bounds, exactly as QGemm.
"""

import threading

import numpy as np

from pyedge import config, kernels
from pyedge.kernels import qdwconv2d, registry
from pyedge.kernels.checks import check_finite_positive
from pyedge.kernels.convgeom import geometry
from pyedge.kernels.im2col import patch_windows
from pyedge.kernels.qgemm import FAMILY as QGEMM
from pyedge.kernels.qgemm import pack_qc8w
from pyedge.kernels.qoutput import NO_FMAX, NO_FMIN, OUT_KINDS
from pyedge.runtime.ops.qgemm import requant_params
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.ops.window import out_size, pads, pair
from pyedge.runtime.shapes import TensorType, known

OUT = {"uint8": np.dtype(np.uint8), "int8": np.dtype(np.int8)}


def _check(ctx):
    ctx.arity(3, 4)
    x = ctx.types[0]
    if x.dtype not in OUT.values() or x.ndim != 4:
        raise ctx.fail(f"input must be uint8/int8 NHWC, got {x}")
    w = ctx.const(1, "w")
    if w.dtype != np.int8 or w.ndim != 4:
        raise ctx.fail(f"w must be an int8 [C_out, KH, KW, C_in/group] weight, got {w.dtype}")
    cout, kh, kw, cin_g = w.shape
    group = ctx.int_attr("group", 1)
    if group < 1 or cout % group or (known(x.shape[3]) and x.shape[3] != cin_g * group):
        raise ctx.fail(f"group={group} does not fit C_in={x.shape[3]} and w {list(w.shape)}")
    ws = ctx.const(2, "w_scale")
    if ws.dtype != np.float32 or ws.size not in (1, cout) \
            or not np.all(np.isfinite(ws)) or not np.all(ws > 0):
        raise ctx.fail(f"w_scale must be float32 with 1 or {cout} finite values > 0")
    b = ctx.const(3, "bias", required=False) if ctx.type(3) is not None else None
    if b is not None and (b.dtype != np.int32 or b.shape != (cout,)):
        raise ctx.fail(f"bias must be int32 of shape ({cout},)")
    odt = ctx.attr("out_dtype", "uint8", str)
    if odt not in OUT:
        raise ctx.fail(f"out_dtype {odt!r} is not uint8 or int8")
    act = ctx.attr("activation", "none", str)
    if act not in ("none", "relu", "relu6"):
        raise ctx.fail(f"activation {act!r} is not none, relu or relu6")
    (sh, sw), (dh, dw), (t, lf, bt, r) = pair(ctx, "strides", 1), pair(ctx, "dilations", 1), \
        pads(ctx)
    oh = out_size(ctx, x.shape[1], kh, sh, dh, t, bt)
    ow = out_size(ctx, x.shape[2], kw, sw, dw, lf, r)
    return TensorType(OUT[odt], (x.shape[0], oh, ow, cout)), w, ws, b, OUT[odt], act, group


def _infer(ctx):
    return [_check(ctx)[0]]


def _bind(ctx):
    _, w, ws, bias, odt, act, group = _check(ctx)
    cout = w.shape[0]
    x_zp, mult, y_zp, clamp = requant_params(ctx, ws, cout, odt, act)
    stride, dil, pad = pair(ctx, "strides", 1), pair(ctx, "dilations", 1), pads(ctx)
    if group > 1 and w.shape[3] == 1:  # depthwise
        wd = np.ascontiguousarray(w[..., 0].transpose(1, 2, 0))  # [KH, KW, C_out]
        if cout == group:  # one output per channel: arguments checked once per shape
            return _bind_depthwise(wd, x_zp, bias, mult, y_zp, odt, clamp, stride, pad, dil)

        def run(ins, outs):
            if ins[0].size:
                kernels.depthwise_conv2d_q(ins[0], x_zp, wd, bias, mult, y_zp, odt, clamp,
                                           stride, pad, dil, out=outs[0])

        return Bound(run, "qs8_qc8w_dwconv2d")
    if (group == 1 and w.shape[1:3] == (1, 1) and stride == (1, 1) and not any(pad)
            and ctx.types[0].dtype == np.uint8):
        return _bind_pointwise(w, x_zp, bias, mult, y_zp, odt, clamp)
    if group == 1 and ctx.types[0].dtype == np.uint8:
        return _bind_im2col(w, x_zp, bias, mult, y_zp, odt, clamp, stride, pad, dil)
    packed = kernels.pack_conv_qc8w(np.ascontiguousarray(w), group)

    def run(ins, outs):
        if ins[0].size:
            kernels.conv2d_q(ins[0], x_zp, packed, bias, mult, y_zp, odt, clamp, stride, pad,
                             dil, out=outs[0])

    return Bound(run, "qs8_conv2d_im2col+qs8_qc8w_gemm")


def _bind_pointwise(w, x_zp, bias, mult, y_zp, odt, clamp):
    """1x1 stride-1 unpadded conv on uint8 input: straight to the qgemm ukernel."""
    cout, cin = w.shape[0], w.shape[3]
    packed = pack_qc8w(np.ascontiguousarray(w.reshape(cout, cin)))
    mult = check_finite_positive("multiplier", mult, cout)
    qmin, qmax = clamp if clamp is not None else (np.iinfo(odt).min, np.iinfo(odt).max)
    kind = OUT_KINDS[odt]
    bound: dict[int, tuple] = {}

    def run(ins, outs):
        a = ins[0].reshape(-1, cin)
        m = a.shape[0]
        b = bound.get(m)
        if b is None:
            kern = registry.resolve(QGEMM, None, m)
            b = bound[m] = (kern.run, kern.params, packed.packed_for(kern))
        if m:
            b[0](b[1], a, x_zp, b[2], packed.wsum, bias, mult, kind, y_zp, qmin, qmax, NO_FMIN,
                 NO_FMAX, outs[0].reshape(-1, cout), config.get_num_threads())

    return Bound(run, f"qs8_conv2d_1x1+{registry.select(QGEMM, 1).name}")


def _bind_im2col(w, x_zp, bias, mult, y_zp, odt, clamp, stride, pad, dil):
    """Dense uint8 conv as im2col + qgemm with per-thread buffers kept across runs.

    The padded input's border holds the input zero point (written once), so the zero-point
    compensation stays exact; a run allocates nothing.
    """
    cout, kh, kw, cin = w.shape
    packed = pack_qc8w(np.ascontiguousarray(w.reshape(cout, -1)))
    mult = check_finite_positive("multiplier", mult, cout)
    qmin, qmax = clamp if clamp is not None else (np.iinfo(odt).min, np.iinfo(odt).max)
    kind = OUT_KINDS[odt]
    local = threading.local()
    t, lf, bt, r = pad

    def buffers(x):
        cache = getattr(local, "cache", None)
        if cache is None:
            cache = local.cache = {}
        b = cache.get(x.shape)
        if b is None:
            n, ih, iw, _ = x.shape
            g = geometry(ih, iw, kh, kw, stride, pad, dil)
            xp = np.full((n, ih + t + bt, iw + lf + r, cin), x_zp, np.uint8)
            cols = np.empty((n * g.oh * g.ow, kh * kw * cin), np.uint8)  # [M, K]
            win, cols_w = patch_windows(xp, cols.reshape(n, g.oh, g.ow, cols.shape[1]), g)
            kern = registry.resolve(QGEMM, None, cols.shape[0])
            b = cache[x.shape] = (xp[:, t:t + ih, lf:lf + iw], win, cols_w,
                                  cols, kern.run, kern.params, packed.packed_for(kern))
        return b

    def run(ins, outs):
        x = ins[0]
        if not x.size:
            return
        interior, win, cols6, cols, run_kernel, params, buf = buffers(x)
        np.copyto(interior, x)
        np.copyto(cols6, win)
        run_kernel(params, cols, x_zp, buf, packed.wsum, bias, mult, kind, y_zp, qmin, qmax,
                   NO_FMIN, NO_FMAX, outs[0].reshape(-1, cout), config.get_num_threads())

    return Bound(run, f"qs8_conv2d_im2col+{registry.select(QGEMM, 1).name}")


def _bind_depthwise(wd, x_zp, bias, mult, y_zp, odt, clamp, stride, pad, dil):
    """8-bit depthwise conv with one output per channel: arguments checked once per shape."""
    wp = kernels.pack_dw_qc8w(wd)
    kern = registry.resolve(qdwconv2d.FAMILY, None)
    bound: dict[tuple, tuple] = {}

    def run(ins, outs):
        x = ins[0]
        a = bound.get(x.shape)
        if a is None:
            a = bound[x.shape] = qdwconv2d.prepare(x, x_zp, wp, bias, mult, y_zp, odt, clamp,
                                                   stride, pad, dil)
        if x.size:
            qdwconv2d.run_rows(kern, a._replace(x=x.view(np.uint8)), outs[0], 0,
                               config.get_num_threads())

    return Bound(run, kern.name)


SPEC = OpSpec(_infer, _bind)
