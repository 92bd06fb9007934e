"""Conv (NHWC, OHWI weights, groups incl. depthwise, stride/pads/dilation, fused activation).

Forward in float32 runs the native kernels (im2col + packed GEMM, the depthwise kernels) and
keeps the patch matrix (or the input) for backward; backward uses BLAS matmuls for the
weight and input gradients and a tap-by-tap scatter (col2im) back to the input.
"""

from __future__ import annotations

import numpy as np

from pyedge import kernels
from pyedge.kernels.convgeom import Geometry, geometry
from pyedge.kernels.im2col import im2col
from pyedge.train.grad.depthwise_backward import depthwise_backward
from pyedge.train.grad.rule import GradOp, act_bounds, act_grad, apply_act


def _geom(x: np.ndarray, w: np.ndarray, attrs: dict) -> Geometry:
    return geometry(x.shape[1], x.shape[2], w.shape[1], w.shape[2],
                    tuple(attrs.get("strides", (1, 1))), tuple(attrs.get("pads", (0, 0, 0, 0))),
                    tuple(attrs.get("dilations", (1, 1))))


def _depthwise(x: np.ndarray, w: np.ndarray, group: int) -> bool:
    return group > 1 and w.shape[3] == 1 and x.shape[3] == group


def _taps(g: Geometry):
    """(ky, kx, row slice, column slice) of every kernel tap in the padded input."""
    for ky in range(g.kh):
        rows = slice(ky * g.dh, ky * g.dh + g.sh * (g.oh - 1) + 1, g.sh)
        for kx in range(g.kw):
            yield ky, kx, rows, slice(kx * g.dw, kx * g.dw + g.sw * (g.ow - 1) + 1, g.sw)


def _pad(x: np.ndarray, g: Geometry) -> np.ndarray:
    if not (g.pt or g.pb or g.pl or g.pr):
        return x
    return np.pad(x, ((0, 0), (g.pt, g.pb), (g.pl, g.pr), (0, 0)))


def _crop(xp: np.ndarray, g: Geometry, shape: tuple) -> np.ndarray:
    return xp[:, g.pt:g.pt + shape[1], g.pl:g.pl + shape[2]]


def col2im(cols: np.ndarray, g: Geometry, shape: tuple) -> np.ndarray:
    """Adjoint of im2col: scatter-add patch rows ``cols[N*OH*OW, KH*KW*C]`` to ``shape``."""
    n, h, w, c = shape
    if g.kh == g.kw == 1 and g.sh == g.sw == 1 and not (g.pt or g.pb or g.pl or g.pr):
        return cols.reshape(shape)
    d6 = cols.reshape(n, g.oh, g.ow, g.kh, g.kw, c)
    xp = np.zeros((n, h + g.pt + g.pb, w + g.pl + g.pr, c), cols.dtype)
    for ky, kx, rows, cs in _taps(g):
        xp[:, rows, cs] += d6[:, :, :, ky, kx]
    return np.ascontiguousarray(_crop(xp, g, shape))


def _forward(xs, attrs, need):
    x, w = xs[0], xs[1]
    b = xs[2] if len(xs) > 2 else None
    group = int(attrs.get("group", 1))
    g = _geom(x, w, attrs)
    bounds = act_bounds(attrs)
    n, cout = x.shape[0], w.shape[0]
    f32 = x.dtype == np.float32
    if _depthwise(x, w, group):
        wd = np.ascontiguousarray(w[..., 0].transpose(1, 2, 0))  # [KH, KW, C_out]
        if f32:
            y = kernels.depthwise_conv2d(
                np.ascontiguousarray(x), wd, b, (g.sh, g.sw), (g.pt, g.pl, g.pb, g.pr),
                (g.dh, g.dw), attrs.get("activation", "none"),
                tuple(attrs["clamp"]) if "clamp" in attrs else None)
        else:
            m = cout // group
            xr = np.repeat(x, m, axis=3) if m > 1 else x  # [N, H, W, C_out]
            xp = _pad(xr, g)
            y = np.zeros((n, g.oh, g.ow, cout), x.dtype)
            for ky, kx, rows, cs in _taps(g):
                y += xp[:, rows, cs] * wd[ky, kx]
            if b is not None:
                y += b
            apply_act(y, bounds)
        return y, (x, w, wd, g, group, bounds, y, None, b is not None)
    cin_g, cout_g = w.shape[3], cout // group
    y = np.empty((n, g.oh, g.ow, cout), x.dtype)
    y2 = y.reshape(-1, cout)  # [M, C_out]
    cols = []
    for k in range(group):
        xg = x if group == 1 else x[..., k * cin_g:(k + 1) * cin_g]
        c = im2col(np.ascontiguousarray(xg), g)  # [M, KH*KW*C_in/group]
        wg = w[k * cout_g:(k + 1) * cout_g].reshape(cout_g, -1)
        bg = None if b is None else b[k * cout_g:(k + 1) * cout_g]
        if f32 and group == 1:
            kernels.sgemm(c, kernels.pack_f32w(np.ascontiguousarray(wg)), bg,
                          attrs.get("activation", "none"),
                          tuple(attrs["clamp"]) if "clamp" in attrs else None, out=y2)
        else:
            yg = c @ wg.T
            if bg is not None:
                yg += bg
            y2[:, k * cout_g:(k + 1) * cout_g] = yg
        cols.append(c)
    if not (f32 and group == 1):
        apply_act(y, bounds)
    return y, (x, w, None, g, group, bounds, y, cols, b is not None)


def _backward(saved, gy, need):
    x, w, wd, g, group, bounds, y, cols, has_b = saved
    gz = act_grad(gy, y, bounds)
    cout = w.shape[0]
    gz2 = gz.reshape(-1, cout)  # [M, C_out]
    gb = gz2.sum(axis=0) if has_b and need[2] else None
    gx = gw = None
    if cols is None:  # depthwise
        m = cout // group
        xr = np.repeat(x, m, axis=3) if m > 1 else x  # [N, H, W, C_out]
        gx, gwd = depthwise_backward(xr, gz, wd, (g.sh, g.sw), (g.dh, g.dw), (g.pt, g.pl),
                                     need[0], need[1])
        if need[1]:
            gw = np.ascontiguousarray(gwd.transpose(2, 0, 1))[..., None]  # [C_out, KH, KW, 1]
        if need[0] and m > 1:
            gx = np.ascontiguousarray(gx.reshape(gx.shape[:3] + (group, m)).sum(axis=4))
        return [gx, gw, gb]
    cin_g, cout_g = w.shape[3], cout // group
    if need[1]:
        gw = np.empty_like(w)
    if need[0]:
        gx = np.empty_like(x)
    for k in range(group):
        gzk = gz2[:, k * cout_g:(k + 1) * cout_g]
        wk = w[k * cout_g:(k + 1) * cout_g].reshape(cout_g, -1)
        if need[1]:
            gw[k * cout_g:(k + 1) * cout_g] = (gzk.T @ cols[k]).reshape(
                (cout_g,) + w.shape[1:])
        if need[0]:
            shape = x.shape[:3] + (cin_g,)
            gx[..., k * cin_g:(k + 1) * cin_g] = col2im(gzk @ wk, g, shape)
    return [gx, gw, gb]


CONV = GradOp(_forward, _backward)
