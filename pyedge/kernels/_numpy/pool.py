"""NumPy pooling kernels: one strided view per window tap over a padded copy of the input."""

import numpy as np


def _padded(x, kh, kw, sh, sw, pt, pl, oh, ow, pad_value, dtype):
    """Padded input [N, H', W', C] in ``dtype`` and, per output pixel, the count of real taps."""
    n, ih, iw, c = x.shape
    hp = max((oh - 1) * sh + kh, pt + ih)
    wp = max((ow - 1) * sw + kw, pl + iw)
    xp = np.full((n, hp, wp, c), pad_value, dtype=dtype)
    xp[:, pt:pt + ih, pl:pl + iw] = x
    inside = np.zeros((hp, wp), np.int32)
    inside[pt:pt + ih, pl:pl + iw] = 1
    count = np.zeros((oh, ow), np.int32)
    for win in _taps(inside[None, :, :, None], kh, kw, sh, sw, oh, ow):
        count += win[0, :, :, 0]
    return xp, count


def _taps(xp, kh, kw, sh, sw, oh, ow):
    for ky in range(kh):
        for kx in range(kw):
            yield xp[:, ky:ky + (oh - 1) * sh + 1:sh, kx:kx + (ow - 1) * sw + 1:sw]


def maxpool(x, out, kh, kw, sh, sw, pt, pl, include_pad, num_threads):
    oh, ow = out.shape[1:3]
    low = -np.inf if x.dtype == np.float32 else 0
    xp, _ = _padded(x, kh, kw, sh, sw, pt, pl, oh, ow, low, x.dtype)
    taps = _taps(xp, kh, kw, sh, sw, oh, ow)
    out[...] = next(taps)
    for win in taps:
        np.maximum(out, win, out=out)


def avgpool(x, out, kh, kw, sh, sw, pt, pl, include_pad, num_threads):
    oh, ow = out.shape[1:3]
    acc_t = np.float64 if x.dtype == np.float32 else np.int64
    if oh == ow == 1 and kh == x.shape[1] and kw == x.shape[2] and pt == pl == 0:
        acc = x.sum(axis=(1, 2), dtype=acc_t, keepdims=True)  # global pooling
        count = np.full((1, 1), kh * kw, np.int32)
    else:
        xp, count = _padded(x, kh, kw, sh, sw, pt, pl, oh, ow, 0, acc_t)
        acc = np.zeros(out.shape, acc_t)
        for win in _taps(xp, kh, kw, sh, sw, oh, ow):
            acc += win
    div = np.full_like(count, kh * kw) if include_pad else count
    y = acc / div[None, :, :, None].astype(np.float64)  # exact for integer sums < 2**53
    out[...] = y if x.dtype == np.float32 else np.rint(y)
