"""Numba twin of the per-channel 8-bit lookup: out[m, c] = table[c, x[m, c]]."""

import numba as nb


@nb.njit(cache=True, nogil=True)
def lut_channels(x, table, out, num_threads):
    step = 1 if table.shape[0] > 1 else 0
    for i in range(x.shape[0]):
        for j in range(x.shape[1]):
            out[i, j] = table[j * step, x[i, j]]
