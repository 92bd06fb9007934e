"""Patch matrices for convolution as GEMM: NHWC input -> [N*OH*OW, KH*KW*C] rows."""

from __future__ import annotations

import numpy as np

from pyedge.kernels.convgeom import Geometry


def im2col(x: np.ndarray, g: Geometry, pad_value=0) -> np.ndarray:
    """Rows ``(n, oy, ox)`` of patch values ordered ``(ky, kx, c)``, padded with ``pad_value``.

    A 1x1 kernel without padding needs no copy when the stride is 1 (a reshaped view).
    """
    n, ih, iw, c = x.shape
    if g.kh == g.kw == 1 and g.pt == g.pl == g.pb == g.pr == 0:
        xs = x[:, ::g.sh, ::g.sw][:, :g.oh, :g.ow]  # [N, OH, OW, C]
        return (xs if xs.flags.c_contiguous else np.ascontiguousarray(xs)).reshape(-1, c)
    xp = np.full((n, ih + g.pt + g.pb, iw + g.pl + g.pr, c), pad_value, dtype=x.dtype)
    xp[:, g.pt:g.pt + ih, g.pl:g.pl + iw] = x
    cols = np.empty((n * g.oh * g.ow, g.kh * g.kw * c), x.dtype)  # [M, K]
    win, cols_w = patch_windows(xp, cols.reshape(n, g.oh, g.ow, cols.shape[1]), g)
    np.copyto(cols_w, win)
    return cols


def patch_windows(xp: np.ndarray, cols: np.ndarray, g: Geometry) -> tuple[np.ndarray, np.ndarray]:
    """Matching views of the padded input's patches and of the patch matrix ``cols``.

    ``xp`` is the C-contiguous padded input [N, IH', IW', C] and ``cols`` the C-contiguous
    patch matrix viewed as [N, OH, OW, KH*KW*C]; ``np.copyto(cols_view, win)`` fills it.
    With dilation 1 along W, one (ky) row of a patch is a run of KW*C contiguous elements of
    ``xp``: both sides are viewed as [N, OH, OW, KH] items of that many bytes, so NumPy copies
    whole runs (the general view [N, OH, OW, KH, KW, C] copies C elements at a time, slow
    for the 3-channel stem).
    """
    n, _, _, c = xp.shape
    s0, s1, s2, s3 = xp.strides
    if g.dw == 1:
        run = np.dtype((np.void, g.kw * c * xp.itemsize))
        win = np.ndarray((n, g.oh, g.ow, g.kh), run, xp,  # bounds-checked by NumPy
                         strides=(s0, g.sh * s1, g.sw * s2, g.dh * s1))
        return win, cols.view(run).reshape(cols.shape[:3] + (g.kh,))
    win = np.lib.stride_tricks.as_strided(  # read-only view [N, OH, OW, KH, KW, C]
        xp, (n, g.oh, g.ow, g.kh, g.kw, c),
        (s0, g.sh * s1, g.sw * s2, g.dh * s1, g.dw * s2, s3), writeable=False)
    return win, cols.reshape(cols.shape[:3] + (g.kh, g.kw, c))
