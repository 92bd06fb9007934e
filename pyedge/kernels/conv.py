"""Standard convolution (any kernel, stride, padding, dilation, groups), float32 and int8, NHWC.

Float32 goes through NumPy's BLAS, or through pyedge's own GEMM with fused bias + activation
when the weights were packed with :func:`pack_conv_f32w` (1x1 straight to GEMM, larger kernels
via im2col); int8
goes through :func:`pyedge.kernels.qgemm` with padding filled with the input zero point so
the zero-point compensation stays exact. Depthwise layers (groups == C_in) are routed to the
depthwise kernels (float and int8); float 3x3 stride-2 stems with C_in <= 3 to the direct
``f32_conv_hwc_3x3s2`` kernels (no im2col).
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels.checks import check_array, check_finite_positive, check_int, resolve_out
from pyedge.kernels.convgeom import activation_bounds, geometry
from pyedge.kernels.convhwc import applies as hwc_applies
from pyedge.kernels.convhwc import conv_hwc_3x3s2, pack_conv_hwc
from pyedge.kernels.dwconv2d import depthwise_conv2d
from pyedge.kernels.im2col import im2col
from pyedge.kernels.qdwconv2d import depthwise_conv2d_q, pack_dw_qc8w
from pyedge.kernels.qgemm import PackedQC8W, pack_qc8w, qgemm
from pyedge.kernels.sgemm import PackedF32W, pack_f32w, sgemm


def _weights(w: np.ndarray, dtypes: tuple, x_channels: int, groups) -> tuple[int, int]:
    check_array("w", w, dtypes, ndim=4)
    cout, kh, kw, cin_g = w.shape
    groups = check_int("groups", groups, 1, x_channels)
    if x_channels % groups or cout % groups:
        raise ValueError(f"groups={groups} must divide C_in={x_channels} and C_out={cout}")
    if cin_g * groups != x_channels:
        raise ValueError(f"w has {cin_g} input channels per group; x has C={x_channels} "
                         f"and groups={groups} (w is [C_out, KH, KW, C_in / groups])")
    return groups, cout


class PackedConvF32:
    """Float32 convolution weights ``w[C_out, KH, KW, C_in / groups]`` packed once per group."""

    def __init__(self, w: np.ndarray, groups: int = 1):
        w = check_array("w", w, (np.float32,), ndim=4)
        cout, self.kh, self.kw, self.cin_g = w.shape
        self.groups = check_int("groups", groups, 1, cout)
        if cout % self.groups:
            raise ValueError(f"groups={groups} must divide C_out={cout}")
        self.cout = cout
        cg = cout // self.groups
        self.packed: list[PackedF32W] = [
            pack_f32w(np.ascontiguousarray(w[i * cg:(i + 1) * cg].reshape(cg, -1)))
            for i in range(self.groups)]
        self.w = w  # stems (3x3, C_in <= 3) run the direct kernel when the stride is 2


def pack_conv_f32w(w: np.ndarray, groups: int = 1) -> PackedConvF32:
    """Prepare float32 conv weights ``w[C_out, KH, KW, C_in / groups]`` for :func:`conv2d`
    (runs pyedge's GEMM with the bias and activation fused instead of BLAS)."""
    return PackedConvF32(w, groups)


def _conv2d_packed(x, wp: PackedConvF32, bias, stride, pads, dilation, activation, clamp, out,
                   num_threads):
    n, ih, iw, cin = x.shape
    if cin != wp.cin_g * wp.groups:
        raise ValueError(f"x has C={cin} but the weights expect {wp.cin_g * wp.groups}")
    g = geometry(ih, iw, wp.kh, wp.kw, stride, pads, dilation)
    if hwc_applies(wp.w.shape, g.sh, g.sw, g.dh, g.dw, wp.groups):
        return conv_hwc_3x3s2(x, wp.w, bias, (g.pt, g.pl, g.pb, g.pr), activation, clamp,
                              out=out, num_threads=num_threads)
    out = resolve_out(out, (n, g.oh, g.ow, wp.cout), np.float32)
    y = out.reshape(-1, wp.cout)  # [M, C_out]
    cg = wp.cout // wp.groups
    for gi in range(wp.groups):
        sl = slice(gi * cg, (gi + 1) * cg)
        xg = x if wp.groups == 1 else np.ascontiguousarray(
            x[..., gi * wp.cin_g:(gi + 1) * wp.cin_g])
        b = None if bias is None else np.ascontiguousarray(bias[sl])
        if wp.groups == 1:
            sgemm(im2col(xg, g), wp.packed[0], b, activation, clamp, out=y,
                  num_threads=num_threads)
        else:
            y[:, sl] = sgemm(im2col(xg, g), wp.packed[gi], b, activation, clamp,
                             num_threads=num_threads)
    return out


def conv2d(x: np.ndarray, w: np.ndarray | PackedConvF32, bias: np.ndarray | None = None,
           stride=1, pads=0,
           dilation=1, groups: int = 1, activation: str = "none",
           clamp: tuple[float, float] | None = None, *, out: np.ndarray | None = None,
           num_threads: int | None = None) -> np.ndarray:
    """Float32 NHWC convolution with fused bias and activation.

    Parameters
    ----------
    x : ndarray of float32, shape (N, H, W, C_in)
    w : ndarray of float32, shape (C_out, KH, KW, C_in / groups), or PackedConvF32 from
        :func:`pack_conv_f32w` (then ``groups`` comes from the packed weights)
    bias : float32 array (C_out,), optional
    stride, dilation : int or (vertical, horizontal) pair
    pads : int, (vertical, horizontal) or (top, left, bottom, right); zero padding
    groups : int dividing C_in and C_out; ``groups == C_in`` runs the depthwise kernels
    activation : ``none``, ``relu``, ``relu6`` or ``clamp`` (with ``clamp=(lo, hi)``)
    out : preallocated float32 (N, OH, OW, C_out), optional
    num_threads : int, optional (depthwise layers; BLAS uses its own pool)

    Returns
    -------
    ndarray of float32, shape (N, OH, OW, C_out)
    """
    x = check_array("x", x, (np.float32,), ndim=4)
    if isinstance(w, PackedConvF32):
        if bias is not None:
            bias = check_array("bias", bias, (np.float32,), shape=(w.cout,))
        return _conv2d_packed(x, w, bias, stride, pads, dilation, activation, clamp, out,
                              num_threads)
    n, ih, iw, cin = x.shape
    groups, cout = _weights(w, (np.float32,), cin, groups)
    _, kh, kw, cin_g = w.shape
    if groups == cin and groups > 1:  # depthwise: w[C*m, KH, KW, 1] -> [KH, KW, C*m]
        wd = np.ascontiguousarray(w[..., 0].transpose(1, 2, 0))
        return depthwise_conv2d(x, wd, bias, stride, pads, dilation, activation, clamp,
                                out=out, num_threads=num_threads)
    g = geometry(ih, iw, kh, kw, stride, pads, dilation)
    if hwc_applies(w.shape, g.sh, g.sw, g.dh, g.dw, groups):
        return conv_hwc_3x3s2(x, pack_conv_hwc(w, bias), None, (g.pt, g.pl, g.pb, g.pr),
                              activation, clamp, out=out, num_threads=num_threads)
    if bias is not None:
        bias = check_array("bias", bias, (np.float32,), shape=(cout,))
    lo, hi = activation_bounds(activation, clamp)
    out = resolve_out(out, (n, g.oh, g.ow, cout), np.float32)
    y = out.reshape(-1, cout)  # [M, C_out]
    cg = cout // groups
    for gi in range(groups):
        xg = x if groups == 1 else np.ascontiguousarray(x[..., gi * cin_g:(gi + 1) * cin_g])
        a = im2col(xg, g)  # [M, K]
        wg = w[gi * cg:(gi + 1) * cg].reshape(cg, -1)  # [C_out / groups, K]
        if groups == 1:
            np.matmul(a, wg.T, out=y)
        else:
            y[:, gi * cg:(gi + 1) * cg] = a @ wg.T
    if bias is not None:
        y += bias
    if lo > -np.inf or hi < np.inf:
        np.clip(y, lo, hi, out=y)
    return out


class PackedConvQ:
    """Int8 convolution weights ``w[C_out, KH, KW, C_in / groups]`` packed once per group
    (depthwise weights, one input channel per group, are packed for the depthwise kernels)."""

    def __init__(self, w: np.ndarray, groups: int = 1):
        w = check_array("w", w, (np.int8,), ndim=4)
        cout, self.kh, self.kw, self.cin_g = w.shape
        self.groups = check_int("groups", groups, 1, cout)
        if cout % self.groups:
            raise ValueError(f"groups={groups} must divide C_out={cout}")
        self.cout = cout
        cg = cout // self.groups
        self.depthwise = self.groups > 1 and self.cin_g == 1
        if self.depthwise:  # w[C*m, KH, KW, 1] -> [KH, KW, C*m]
            self.dw = pack_dw_qc8w(np.ascontiguousarray(w[..., 0].transpose(1, 2, 0)))
            return
        self.packed: list[PackedQC8W] = [
            pack_qc8w(np.ascontiguousarray(w[i * cg:(i + 1) * cg].reshape(cg, -1)))
            for i in range(self.groups)]


def pack_conv_qc8w(w: np.ndarray, groups: int = 1) -> PackedConvQ:
    """Prepare int8 per-channel conv weights ``w[C_out, KH, KW, C_in / groups]`` for
    :func:`conv2d_q` (symmetric, in [-127, 127])."""
    return PackedConvQ(w, groups)


def conv2d_q(x: np.ndarray, x_zero_point: int, w_packed: PackedConvQ,
             bias_int32: np.ndarray | None, multiplier, out_zero_point: int = 0,
             out_dtype=np.uint8, clamp: tuple | None = None, stride=1, pads=0, dilation=1, *,
             out: np.ndarray | None = None, num_threads: int | None = None) -> np.ndarray:
    """8-bit NHWC convolution through :func:`qgemm` (numerics exactly as ``qgemm``).

    Parameters
    ----------
    x : ndarray of uint8 or int8, shape (N, H, W, C_in); padding holds ``x_zero_point``
    x_zero_point : int in the range of ``x``'s dtype
    w_packed : PackedConvQ from :func:`pack_conv_qc8w`
    bias_int32, multiplier, out_zero_point, out_dtype, clamp : as in :func:`qgemm`
    stride, pads, dilation : as in :func:`conv2d`
    out : preallocated (N, OH, OW, C_out) of ``out_dtype``, optional
    num_threads : int, optional; results do not depend on it
    """
    if not isinstance(w_packed, PackedConvQ):
        raise TypeError(f"w_packed must come from pack_conv_qc8w(), got "
                        f"{type(w_packed).__name__}")
    x = check_array("x", x, (np.uint8, np.int8), ndim=4)
    n, ih, iw, cin = x.shape
    wp = w_packed
    if cin != wp.cin_g * wp.groups:
        raise ValueError(f"x has C={cin} but the weights expect {wp.cin_g * wp.groups}")
    if wp.depthwise:
        return depthwise_conv2d_q(x, x_zero_point, wp.dw, bias_int32, multiplier,
                                  out_zero_point, out_dtype, clamp, stride, pads, dilation,
                                  out=out, num_threads=num_threads)
    info = np.iinfo(x.dtype)
    zp = check_int("x_zero_point", x_zero_point, int(info.min), int(info.max))
    g = geometry(ih, iw, wp.kh, wp.kw, stride, pads, dilation)
    odt = np.dtype(out_dtype)
    out = resolve_out(out, (n, g.oh, g.ow, wp.cout), odt)
    y = out.reshape(-1, wp.cout)  # [M, C_out]
    cg = wp.cout // wp.groups
    mult = None if multiplier is None else check_finite_positive("multiplier", multiplier,
                                                                 wp.cout)
    for gi in range(wp.groups):
        sl = slice(gi * cg, (gi + 1) * cg)
        xg = x if wp.groups == 1 else np.ascontiguousarray(
            x[..., gi * wp.cin_g:(gi + 1) * wp.cin_g])
        a = im2col(xg, g, zp)  # [M, K]
        b = None if bias_int32 is None else np.ascontiguousarray(bias_int32[sl])
        m = None if mult is None else np.ascontiguousarray(mult[sl])
        if wp.groups == 1:
            qgemm(a, zp, wp.packed[0], b, m, out_zero_point, odt, clamp, out=y,
                  num_threads=num_threads)
        else:
            y[:, sl] = qgemm(a, zp, wp.packed[gi], b, m, out_zero_point, odt, clamp,
                             num_threads=num_threads)
    return out


__all__ = ["PackedConvF32", "PackedConvQ", "conv2d", "conv2d_q", "pack_conv_f32w",
           "pack_conv_qc8w"]
