"""ConvTranspose (NHWC, float32): x[N, H, W, C_in], w[C_in, KH, KW, C_out], groups of 1.

Attributes: strides, dilations (pairs), pads [top, left, bottom, right], output_padding
[h, w], activation / clamp as Conv. One GEMM ``x[M, C_in] @ w[C_in, KH*KW*C_out]`` gives
every tap's contribution; each tap is then added into a strided window of the (padded)
output, which is cropped by the pads. Output size per axis:
``(in - 1) * stride - pad_before - pad_after + dilation * (k - 1) + 1 + output_padding``.
"""

import threading

import numpy as np

from pyedge.kernels import apply_epilogue
from pyedge.kernels.epilogue import ACTIVATIONS
from pyedge.runtime.ops.spec import FLOATS, Bound, OpSpec
from pyedge.runtime.ops.window import pads, pair
from pyedge.runtime.shapes import TensorType, known


def _check(ctx):
    ctx.arity(2, 3)
    x = ctx.float_input(0)
    w = ctx.const(1, "w")
    if x.ndim != 4 or w.ndim != 4 or w.dtype not in FLOATS:
        raise ctx.fail(f"needs x [N, H, W, C] and float32 w [C_in, KH, KW, C_out], got x {x} "
                       f"and w {w.dtype}{list(w.shape)}")
    cin, kh, kw, cout = w.shape
    if ctx.int_attr("group", 1) != 1:
        raise ctx.fail("only group=1 is supported")
    if known(x.shape[3]) and x.shape[3] != cin:
        raise ctx.fail(f"x has C={x.shape[3]} but w expects C_in={cin}")
    if ctx.type(2) is not None:
        b = ctx.const(2, "bias")
        if b.dtype not in FLOATS or b.shape != (cout,):
            raise ctx.fail(f"bias must be float32 of shape ({cout},)")
    act = ctx.attr("activation", "none", str)
    if act not in ACTIVATIONS:
        raise ctx.fail(f"activation {act!r} is not one of {ACTIVATIONS}")
    stride, dil, pad = pair(ctx, "strides", 1), pair(ctx, "dilations", 1), pads(ctx)
    opad = ctx.ints_attr("output_padding", [0, 0])
    if len(opad) != 2 or min(opad) < 0 or opad[0] >= max(stride[0], dil[0]) or \
            opad[1] >= max(stride[1], dil[1]):
        raise ctx.fail(f"output_padding={opad} must be two ints in [0, max(stride, dilation))")
    out = []
    for axis, k in ((0, kh), (1, kw)):
        size = x.shape[1 + axis]
        if not known(size):
            out.append(f"{ctx.node.name}.out{axis}")
            continue
        full = (size - 1) * stride[axis] + dil[axis] * (k - 1) + 1 + opad[axis]
        o = full - pad[axis] - pad[axis + 2]
        if o < 1:
            raise ctx.fail(f"pads {list(pad)} leave no output along axis {axis + 1}")
        out.append(o)
    return (TensorType(np.dtype(np.float32), (x.shape[0], out[0], out[1], cout)), stride, dil,
            pad, opad, act)


def _infer(ctx):
    return [_check(ctx)[0]]


def _bind(ctx):
    _, (sh, sw), (dh, dw), (t, lf, _, _), (oph, opw), act = _check(ctx)
    w = ctx.consts[1]
    cin, kh, kw, cout = w.shape
    wm = np.ascontiguousarray(w.reshape(cin, -1), dtype=np.float32)  # [C_in, KH*KW*C_out]
    bias = ctx.consts[2] if len(ctx.consts) > 2 else None
    clamp = ctx.attr("clamp", None, list)
    clamp = None if clamp is None else tuple(clamp)
    local = threading.local()

    def buffers(x):
        cache = getattr(local, "cache", None)
        if cache is None:
            cache = local.cache = {}
        b = cache.get(x.shape)
        if b is None:
            n, ih, iw, _ = x.shape
            full = (n, (ih - 1) * sh + dh * (kh - 1) + 1 + oph,
                    (iw - 1) * sw + dw * (kw - 1) + 1 + opw, cout)
            cols = np.empty((n * ih * iw, kh * kw * cout), np.float32)  # [M, taps * C_out]
            b = cache[x.shape] = (cols, cols.reshape(n, ih, iw, kh, kw, cout),
                                  np.empty(full, np.float32))
        return b

    def run(ins, outs):
        x, y = ins[0], outs[0]
        n, ih, iw, _ = x.shape
        if not x.size:
            return
        cols, taps, yp = buffers(x)
        np.matmul(x.reshape(-1, cin), wm, out=cols)
        yp.fill(0)
        for ky in range(kh):
            for kx in range(kw):
                win = yp[:, ky * dh:ky * dh + (ih - 1) * sh + 1:sh,
                         kx * dw:kx * dw + (iw - 1) * sw + 1:sw]  # [N, H, W, C_out]
                win += taps[:, :, :, ky, kx]
        np.copyto(y, yp[:, t:t + y.shape[1], lf:lf + y.shape[2]])
        apply_epilogue(y.reshape(-1, cout), bias, act, clamp)

    return Bound(run, "f32_conv_transpose_gemm+col2im__numpy")


SPEC = OpSpec(_infer, _bind)
