"""NumPy version of the 8-bit add with two input quantizations (qu8-vadd.h arithmetic)."""

import numpy as np


def vadd(a, b, out, a_mult, a_zero_point, b_mult, b_zero_point, out_lo, out_hi,
         out_zero_point, a_flip, b_flip, out_flip, num_threads):
    y = ((a ^ np.uint8(a_flip)).astype(np.float32) - np.float32(a_zero_point)) * np.float32(a_mult)
    y += ((b ^ np.uint8(b_flip)).astype(np.float32) - np.float32(b_zero_point)) * np.float32(b_mult)
    np.clip(y, np.float32(out_lo), np.float32(out_hi), out=y)
    q = np.rint(y).astype(np.int32) + out_zero_point  # in [0, 255] after the clamp
    np.bitwise_xor(q.astype(np.uint8), np.uint8(out_flip), out=out)
