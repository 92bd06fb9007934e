"""Conv (NHWC) on pyedge.kernels.conv2d: x[N, H, W, C_in], w[C_out, KH, KW, C_in / group].

Attributes: strides, dilations (pairs), pads [top, left, bottom, right], group, and a fused
activation (none/relu/relu6/clamp with clamp=[lo, hi]). Weights are packed once at load;
depthwise layers (group == C_in) go straight to the depthwise kernel, 3x3 stride-2 stems
with C_in <= 3 to the direct f32_conv_hwc_3x3s2 kernel.
"""

import threading

import numpy as np

from pyedge import config, kernels
from pyedge.kernels import registry
from pyedge.kernels.convgeom import activation_bounds, geometry
from pyedge.kernels.convhwc import FAMILY as HWC
from pyedge.kernels.convhwc import applies as hwc_applies
from pyedge.kernels.dwconv2d import pick, run_rows
from pyedge.kernels.epilogue import ACTIVATIONS
from pyedge.kernels.im2col import patch_windows
from pyedge.runtime.ops.spec import FLOATS, Bound, OpSpec
from pyedge.runtime.ops.window import out_size, pads, pair
from pyedge.runtime.shapes import TensorType, known


def _check(ctx):
    ctx.arity(2, 3)
    x = ctx.float_input(0)
    w = ctx.const(1, "w")
    if x.ndim != 4 or w.ndim != 4 or w.dtype not in FLOATS:
        raise ctx.fail(f"needs x [N, H, W, C] and float32 w [C_out, KH, KW, C_in/group], "
                       f"got x {x} and w {w.dtype}{list(w.shape)}")
    cout, kh, kw, cin_g = w.shape
    group = ctx.int_attr("group", 1)
    cin = x.shape[3]
    if group < 1 or cout % group or (known(cin) and cin != cin_g * group):
        raise ctx.fail(f"group={group} does not fit C_in={cin}, C_out={cout} and w "
                       f"{list(w.shape)}")
    b = ctx.type(2)
    if b is not None and (ctx.const(2, "bias").shape != (cout,) or b.dtype not in FLOATS):
        raise ctx.fail(f"bias must be float32 of shape ({cout},)")
    act = ctx.attr("activation", "none", str)
    if act not in ACTIVATIONS:
        raise ctx.fail(f"activation {act!r} is not one of {ACTIVATIONS}")
    (sh, sw), (dh, dw), (t, lf, bt, r) = pair(ctx, "strides", 1), pair(ctx, "dilations", 1), \
        pads(ctx)
    oh = out_size(ctx, x.shape[1], kh, sh, dh, t, bt)
    ow = out_size(ctx, x.shape[2], kw, sw, dw, lf, r)
    return TensorType(np.dtype(np.float32), (x.shape[0], oh, ow, cout)), group, act


def _infer(ctx):
    return [_check(ctx)[0]]


def _bind(ctx):
    _, group, act = _check(ctx)
    w = ctx.consts[1]
    bias = ctx.consts[2] if len(ctx.consts) > 2 else None
    stride, dil, pad = pair(ctx, "strides", 1), pair(ctx, "dilations", 1), pads(ctx)
    clamp = ctx.attr("clamp", None, list)
    clamp = None if clamp is None else tuple(clamp)
    if group > 1 and w.shape[3] == 1:  # depthwise (C_in / group == 1)
        wd = np.ascontiguousarray(w[..., 0].transpose(1, 2, 0))  # [KH, KW, C_out]
        if w.shape[0] == group:  # one output per channel: geometry and kernel bound per shape
            return _bind_depthwise(wd, bias, stride, pad, dil, act, clamp)

        def run(ins, outs):
            kernels.depthwise_conv2d(ins[0], wd, bias, stride, pad, dil, act, clamp,
                                     out=outs[0])

        return Bound(run, "f32_dwconv2d")
    if group == 1 and w.shape[1:3] == (1, 1) and stride == (1, 1) and not any(pad):
        return _bind_pointwise(w, bias, act, clamp)
    if hwc_applies(w.shape, *stride, *dil, group):  # 3x3 stride-2 stem, C_in <= 3
        packed = kernels.pack_conv_hwc(np.ascontiguousarray(w), bias)

        def run(ins, outs):
            kernels.conv_hwc_3x3s2(ins[0], packed, None, pad, act, clamp, out=outs[0])

        return Bound(run, registry.select(HWC).name)
    if group == 1:
        return _bind_im2col(w, bias, stride, pad, dil, act, clamp)
    packed = kernels.pack_conv_f32w(np.ascontiguousarray(w), group)

    def run(ins, outs):
        kernels.conv2d(ins[0], packed, bias, stride, pad, dil, activation=act, clamp=clamp,
                       out=outs[0])

    try:
        gemm = registry.select("f32_gemm_minmax", 1).name
    except (KeyError, RuntimeError):
        gemm = "gemm"
    return Bound(run, f"f32_conv2d_im2col+{gemm}")


def _bind_pointwise(w, bias, act, clamp):
    """1x1 stride-1 unpadded conv: straight to the packed GEMM kernel (checked at load)."""
    cout, cin = w.shape[0], w.shape[3]
    packed = kernels.pack_f32w(np.ascontiguousarray(w.reshape(cout, cin)))
    kern = registry.resolve("f32_gemm_minmax", None)
    buf = packed.packed_for(kern)
    lo, hi = (np.float32(v) for v in activation_bounds(act, clamp))
    run_kernel, params = kern.run, kern.params

    def run(ins, outs):
        x = ins[0]
        if x.size:
            run_kernel(params, x.reshape(-1, cin), buf, bias, outs[0].reshape(-1, cout), lo,
                       hi, config.get_num_threads())

    return Bound(run, f"f32_conv2d_1x1+{kern.name}")


def _bind_im2col(w, bias, stride, pad, dil, act, clamp):
    """Dense conv as im2col + packed GEMM with per-thread buffers kept across runs.

    The padded input's border is zeroed once (only the interior is rewritten each run) and
    the patch matrix is reused, so a run allocates nothing.
    """
    cout, kh, kw, cin = w.shape
    packed = kernels.pack_f32w(np.ascontiguousarray(w.reshape(cout, -1)))
    kern = registry.resolve("f32_gemm_minmax", None)
    buf = packed.packed_for(kern)
    lo, hi = (np.float32(v) for v in activation_bounds(act, clamp))
    run_kernel, params = kern.run, kern.params
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
            xp = np.zeros((n, ih + t + bt, iw + lf + r, cin), np.float32)
            cols = np.empty((n * g.oh * g.ow, kh * kw * cin), np.float32)  # [M, K]
            win, cols_w = patch_windows(xp, cols.reshape(n, g.oh, g.ow, cols.shape[1]), g)
            b = cache[x.shape] = (xp[:, t:t + ih, lf:lf + iw], win, cols_w, cols)
            while len(cache) > 4:
                cache.pop(next(iter(cache)))
        return b

    def run(ins, outs):
        x = ins[0]
        if not x.size:
            return
        interior, win, cols_w, cols = buffers(x)
        np.copyto(interior, x)
        np.copyto(cols_w, win)
        run_kernel(params, cols, buf, bias, outs[0].reshape(-1, cout), lo, hi,
                   config.get_num_threads())

    return Bound(run, f"f32_conv2d_im2col+{kern.name}")


def _bind_depthwise(wd, bias, stride, pad, dil, act, clamp):
    """Depthwise conv with one output per channel: geometry and kernel cached per shape."""
    kh, kw, c = wd.shape
    bias = np.zeros(c, np.float32) if bias is None else np.ascontiguousarray(bias)
    lo, hi = activation_bounds(act, clamp)
    bound: dict[tuple, tuple] = {}

    def run(ins, outs):
        x = ins[0]
        b = bound.get(x.shape)
        if b is None:
            g = geometry(x.shape[1], x.shape[2], kh, kw, stride, pad, dil)
            b = bound[x.shape] = (pick(g, None), g)
        if x.size:
            run_rows(b[0], x, wd, bias, outs[0], b[1], lo, hi, 0, config.get_num_threads())

    nominal = geometry(16 * kh * dil[0], 16 * kw * dil[1], kh, kw, stride, pad, dil)
    return Bound(run, pick(nominal, None).name)  # the family depends on kernel/stride only


SPEC = OpSpec(_infer, _bind)
