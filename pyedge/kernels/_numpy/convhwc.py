"""NumPy version of the direct 3x3 stride-2 stem convolution: one strided view of the
zero-padded input per tap, accumulated in float32 from the bias."""

import numpy as np


def conv_hwc(x, w, bias, out, pt, pl, fmin, fmax, num_threads):
    n, ih, iw, cin = x.shape
    _, oh, ow, cout = out.shape
    npass = bias.shape[0] // 32
    wt = w.reshape(npass, 3, 3, cin, 32).transpose(1, 2, 3, 0, 4).reshape(3, 3, cin, -1)
    wt = wt[..., :cout]  # [ky, kx, ci, C_out]
    xp = np.zeros((n, 2 * oh + 2, 2 * ow + 2, cin), np.float32)
    hh, ww = min(ih, 2 * oh + 2 - pt), min(iw, 2 * ow + 2 - pl)
    xp[:, pt:pt + hh, pl:pl + ww] = x[:, :hh, :ww]
    acc = np.broadcast_to(bias[:cout], out.shape).astype(np.float32)
    for ky in range(3):
        for kx in range(3):
            tap = xp[:, ky:ky + 2 * oh:2, kx:kx + 2 * ow:2]  # [N, OH, OW, C_in]
            for ci in range(cin):
                acc += tap[..., ci:ci + 1] * wt[ky, kx, ci]
    np.clip(acc, fmin, fmax, out=out)
