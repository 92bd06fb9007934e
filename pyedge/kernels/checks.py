"""Argument checks shared by the public kernel functions: clear errors naming the argument."""

from __future__ import annotations

import numbers

import numpy as np


def check_array(name: str, x, dtypes: tuple, ndim: int | None = None,
                shape: tuple | None = None, allow_empty: bool = False) -> np.ndarray:
    """Return ``x`` if it is a C-contiguous ndarray of one of ``dtypes`` with the given rank."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(x).__name__}")
    if x.dtype not in dtypes:  # dtype == scalar type compares by dtype
        allowed = [np.dtype(d) for d in dtypes]
        raise TypeError(f"{name} must have dtype {' or '.join(map(str, allowed))}, "
                        f"got {x.dtype}")
    if ndim is not None and x.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {x.shape}")
    if shape is not None and x.shape != tuple(shape):
        raise ValueError(f"{name} must have shape {tuple(shape)}, got {x.shape}")
    if not x.flags.c_contiguous:
        raise ValueError(f"{name} must be C-contiguous (use numpy.ascontiguousarray)")
    if x.size == 0 and not allow_empty:
        raise ValueError(f"{name} is empty (shape {x.shape})")
    return x


def check_int(name: str, value, lo: int, hi: int) -> int:
    """Return ``value`` as int if it is an integer in [lo, hi]."""
    if type(value) is int and lo <= value <= hi:  # fast path of the checks below
        return value
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(f"{name} must be an int, got {type(value).__name__}")
    if not lo <= int(value) <= hi:
        raise ValueError(f"{name}={int(value)} is outside [{lo}, {hi}]")
    return int(value)


def check_finite_positive(name: str, value, n: int) -> np.ndarray:
    """Return a float32 scalar or [n] array broadcast to a contiguous float32 array of n."""
    arr = np.asarray(value, dtype=np.float32)
    if arr.ndim == 0:
        arr = np.full(n, arr, dtype=np.float32)
    elif arr.shape != (n,):
        raise ValueError(f"{name} must be a scalar or have shape ({n},), got {arr.shape}")
    if not np.all(np.isfinite(arr)):
        raise ValueError(f"{name} holds NaN or Inf")
    if not np.all(arr > 0):
        raise ValueError(f"{name} must be > 0")
    return np.ascontiguousarray(arr)


def resolve_out(out, shape: tuple, dtype) -> np.ndarray:
    """Allocate the output, or check a caller-provided one has the right shape and dtype."""
    if out is None:
        return np.empty(shape, dtype=dtype)
    if not isinstance(out, np.ndarray) or out.dtype != dtype or out.shape != tuple(shape):
        raise ValueError(f"out must be an ndarray of shape {tuple(shape)} and dtype {dtype}")
    if not out.flags.c_contiguous or not out.flags.writeable:
        raise ValueError("out must be C-contiguous and writeable")
    return out
