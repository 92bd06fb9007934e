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
    s0, s1, s2, s3 = xp.strides
    win = np.lib.stride_tricks.as_strided(  # read-only view [N, OH, OW, KH, KW, C]
        xp, (n, g.oh, g.ow, g.kh, g.kw, c),
        (s0, g.sh * s1, g.sw * s2, g.dh * s1, g.dw * s2, s3), writeable=False)
    return np.ascontiguousarray(win).reshape(n * g.oh * g.ow, g.kh * g.kw * c)  # [M, K]
