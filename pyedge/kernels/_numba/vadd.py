"""Numba twin of the 8-bit add with two input quantizations (kernels/include/pyedge/qu8-vadd.h):
one element at a time in float32, clamp, round half to even, in the unsigned domain."""

import numba as nb
import numpy as np


@nb.njit(cache=True, nogil=True)
def vadd(a, b, out, a_mult, a_zero_point, b_mult, b_zero_point, out_lo, out_hi,
         out_zero_point, a_flip, b_flip, out_flip, num_threads):
    ma, mb = np.float32(a_mult), np.float32(b_mult)
    lo, hi = np.float32(out_lo), np.float32(out_hi)
    for i in range(a.shape[0]):
        ya = np.float32(np.int32(a[i] ^ a_flip) - a_zero_point) * ma
        yb = np.float32(np.int32(b[i] ^ b_flip) - b_zero_point) * mb
        y = np.float32(ya + yb)
        y = lo if y < lo else y
        y = hi if y > hi else y
        out[i] = np.uint8((np.int32(np.rint(y)) + out_zero_point) ^ out_flip)
