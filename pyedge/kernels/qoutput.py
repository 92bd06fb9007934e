"""Output parameters of integer kernels (zero point, multiplier, bias, clamp), checked once.

Every integer kernel with a qgemm-style epilogue (qgemm, qspmm, ...) validates its output
arguments here, so the rules and error messages are the same everywhere.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from pyedge.kernels.checks import check_array, check_finite_positive, check_int

OUT_KINDS = {np.dtype(np.int32): 0, np.dtype(np.uint8): 1, np.dtype(np.int8): 2,
             np.dtype(np.float32): 3}
"""Output dtype -> ``enum pyedge_out_kind`` (kernels/include/pyedge/params.h)."""
QRANGE = {np.dtype(np.uint8): (0, 255), np.dtype(np.int8): (-128, 127)}
NO_FMIN, NO_FMAX = np.float32(-np.inf), np.float32(np.inf)  # float output without clamp


class QOutput(NamedTuple):
    """Validated epilogue arguments in the form the native drivers take."""

    dtype: np.dtype
    kind: int
    bias: np.ndarray | None
    multiplier: np.ndarray | None
    zero_point: int
    qmin: int
    qmax: int
    fmin: np.float32
    fmax: np.float32


def check_qoutput(n: int, bias_int32, multiplier, out_zero_point, out_dtype,
                  clamp) -> QOutput:
    """Validate the epilogue arguments of an integer kernel with ``n`` output channels.

    int32 output takes no multiplier and no clamp; 8-bit outputs need a multiplier and take an
    output zero point and integer clamp bounds; float32 output needs a multiplier and takes
    float clamp bounds.
    """
    odt = np.dtype(out_dtype)
    if odt not in OUT_KINDS:
        raise TypeError(f"out_dtype must be int32, uint8, int8 or float32, got {odt}")
    bias = None
    if bias_int32 is not None:
        bias = check_array("bias_int32", bias_int32, (np.int32,), shape=(n,))
    mult = None
    if odt != np.int32:
        if multiplier is None:
            raise ValueError(f"multiplier is required for out_dtype={odt}")
        mult = check_finite_positive("multiplier", multiplier, n)
    elif multiplier is not None:
        raise ValueError("multiplier is not used for out_dtype=int32; pass None")
    if clamp is not None and (not isinstance(clamp, tuple | list) or len(clamp) != 2):
        raise TypeError(f"clamp must be a pair (lo, hi) or None, got {clamp!r}")
    qmin, qmax, fmin, fmax, ozp = 0, 0, NO_FMIN, NO_FMAX, 0
    if odt in QRANGE:
        qmin, qmax = QRANGE[odt]
        ozp = check_int("out_zero_point", out_zero_point, qmin, qmax)
        if clamp is not None:
            lo = check_int("clamp[0]", clamp[0], qmin, qmax)
            hi = check_int("clamp[1]", clamp[1], qmin, qmax)
            if lo > hi:
                raise ValueError(f"clamp=({lo}, {hi}) is empty")
            qmin, qmax = lo, hi
    elif clamp is not None:
        if odt == np.int32:
            raise ValueError("clamp is not supported for out_dtype=int32")
        fmin, fmax = (np.float32(c) for c in clamp)
        if np.isnan(fmin) or np.isnan(fmax) or fmin > fmax:
            raise ValueError(f"clamp={clamp!r} must be two ordered, non-NaN floats")
    elif out_zero_point not in (0, None):
        raise ValueError(f"out_zero_point is only used for 8-bit outputs (out_dtype={odt})")
    return QOutput(odt, OUT_KINDS[odt], bias, mult, ozp, qmin, qmax, fmin, fmax)
