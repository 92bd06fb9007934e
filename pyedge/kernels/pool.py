"""Pooling over NHWC tensors: max, average (padding counted or not) and global average.

float32 and uint8. uint8 averages round half to even (``rint(sum / count)``, exact in float64)
and keep the input's quantization (no requantization).
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels.checks import check_array, resolve_out
from pyedge.kernels.convgeom import Geometry, geometry

DTYPES = (np.float32, np.uint8)


def _windows(x: np.ndarray, g: Geometry, pad_value, dtype) -> tuple[np.ndarray, np.ndarray]:
    """Padded input [N, H', W', C] in ``dtype`` and, per output pixel, the count of real taps."""
    n, ih, iw, c = x.shape
    hp = max((g.oh - 1) * g.sh + (g.kh - 1) * g.dh + 1, g.pt + ih)
    wp = max((g.ow - 1) * g.sw + (g.kw - 1) * g.dw + 1, g.pl + iw)
    xp = np.full((n, hp, wp, c), pad_value, dtype=dtype)
    xp[:, g.pt:g.pt + ih, g.pl:g.pl + iw] = x
    inside = np.zeros((hp, wp), np.int32)
    inside[g.pt:g.pt + ih, g.pl:g.pl + iw] = 1
    count = np.zeros((g.oh, g.ow), np.int32)
    for ky in range(g.kh):
        for kx in range(g.kw):
            y0, x0 = ky * g.dh, kx * g.dw
            count += inside[y0:y0 + (g.oh - 1) * g.sh + 1:g.sh, x0:x0 + (g.ow - 1) * g.sw + 1:g.sw]
    return xp, count


def _taps(xp: np.ndarray, g: Geometry):
    for ky in range(g.kh):
        for kx in range(g.kw):
            y0, x0 = ky * g.dh, kx * g.dw
            yield xp[:, y0:y0 + (g.oh - 1) * g.sh + 1:g.sh, x0:x0 + (g.ow - 1) * g.sw + 1:g.sw]


def _prepare(x, kernel, stride, pads, dilation=1):
    x = check_array("x", x, DTYPES, ndim=4)
    kh, kw = (kernel, kernel) if isinstance(kernel, int) else tuple(kernel)
    g = geometry(x.shape[1], x.shape[2], kh, kw, stride, pads, dilation)
    if max(g.pt, g.pb) >= (kh - 1) * g.dh + 1 or max(g.pl, g.pr) >= (kw - 1) * g.dw + 1:
        raise ValueError("pads must be smaller than the pooling window (a window of only "
                         "padding has no value)")
    return x, g


def max_pool2d(x: np.ndarray, kernel=2, stride=2, pads=0, *,
               out: np.ndarray | None = None) -> np.ndarray:
    """Max pooling of float32 or uint8 ``x[N, H, W, C]``; padding never wins.

    ``kernel``/``stride`` are ints or pairs; ``pads`` as in :func:`pyedge.kernels.conv2d` and
    smaller than the window.
    """
    x, g = _prepare(x, kernel, stride, pads)
    low = -np.inf if x.dtype == np.float32 else 0
    xp, _ = _windows(x, g, low, x.dtype)
    out = resolve_out(out, (x.shape[0], g.oh, g.ow, x.shape[3]), x.dtype)
    first = True
    for win in _taps(xp, g):
        if first:
            out[...] = win
            first = False
        else:
            np.maximum(out, win, out=out)
    return out


def avg_pool2d(x: np.ndarray, kernel=2, stride=2, pads=0, count_include_pad: bool = False, *,
               out: np.ndarray | None = None) -> np.ndarray:
    """Average pooling of float32 or uint8 ``x[N, H, W, C]``.

    ``count_include_pad`` divides by the full window size (padding counts as zeros) instead of
    the number of real taps. uint8 outputs are ``rint(sum / count)`` (round half to even).
    """
    x, g = _prepare(x, kernel, stride, pads)
    acc_t = np.float64 if x.dtype == np.float32 else np.int64
    xp, count = _windows(x, g, 0, acc_t)
    acc = np.zeros((x.shape[0], g.oh, g.ow, x.shape[3]), acc_t)
    for win in _taps(xp, g):
        acc += win
    div = np.full_like(count, g.kh * g.kw) if count_include_pad else count
    y = acc / div[None, :, :, None].astype(np.float64)  # exact for integer sums < 2**53
    out = resolve_out(out, acc.shape, x.dtype)
    out[...] = y if x.dtype == np.float32 else np.rint(y)
    return out


def global_avg_pool2d(x: np.ndarray, *, out: np.ndarray | None = None) -> np.ndarray:
    """Mean over H and W of float32 or uint8 ``x[N, H, W, C]`` -> ``[N, 1, 1, C]``."""
    x = check_array("x", x, DTYPES, ndim=4)
    n, h, w, c = x.shape
    acc = x.sum(axis=(1, 2), dtype=np.float64 if x.dtype == np.float32 else np.int64)
    y = acc / float(h * w)
    out = resolve_out(out, (n, 1, 1, c), x.dtype)
    out[:, 0, 0] = y if x.dtype == np.float32 else np.rint(y)
    return out


__all__ = ["avg_pool2d", "global_avg_pool2d", "max_pool2d"]
