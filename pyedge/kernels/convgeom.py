"""Convolution geometry shared by the conv kernels: argument checks and output sizes."""

from __future__ import annotations

import functools
from dataclasses import dataclass

import numpy as np

from pyedge.kernels.checks import check_int

ACTIVATION_BOUNDS = {"none": (-np.inf, np.inf), "relu": (0.0, np.inf), "relu6": (0.0, 6.0)}
MAX_KERNEL = 64


@dataclass(frozen=True)
class Geometry:
    """Kernel size, stride, padding (top, left, bottom, right), dilation and output size."""

    kh: int
    kw: int
    sh: int
    sw: int
    pt: int
    pl: int
    pb: int
    pr: int
    dh: int
    dw: int
    oh: int
    ow: int


def _pair(name: str, value, lo: int, hi: int) -> tuple[int, int]:
    if isinstance(value, tuple | list):
        if len(value) != 2:
            raise ValueError(f"{name} must be an int or a pair, got {value!r}")
        return check_int(f"{name}[0]", value[0], lo, hi), check_int(f"{name}[1]", value[1], lo, hi)
    v = check_int(name, value, lo, hi)
    return v, v


def geometry(ih: int, iw: int, kh: int, kw: int, stride=1, pads=0, dilation=1) -> Geometry:
    """Validate stride / pads / dilation and compute the output size.

    ``pads`` is an int, a pair (vertical, horizontal) or four ints (top, left, bottom, right).
    Results are cached per argument tuple (layers call this once per run).
    """
    args = [tuple(a) if isinstance(a, list) else a for a in (stride, pads, dilation)]
    try:
        return _geometry(ih, iw, kh, kw, *args)
    except TypeError as exc:
        if "unhashable" not in str(exc):
            raise
        raise TypeError("stride, pads and dilation must be ints or tuples of ints") from None


@functools.lru_cache(maxsize=1024)
def _geometry(ih: int, iw: int, kh: int, kw: int, stride, pads, dilation) -> Geometry:
    check_int("kernel height", kh, 1, MAX_KERNEL)
    check_int("kernel width", kw, 1, MAX_KERNEL)
    sh, sw = _pair("stride", stride, 1, 1 << 16)
    dh, dw = _pair("dilation", dilation, 1, 1 << 16)
    if isinstance(pads, tuple | list) and len(pads) == 4:
        pt, pl, pb, pr = (check_int(f"pads[{i}]", p, 0, 1 << 16) for i, p in enumerate(pads))
    else:
        (pt, pl) = _pair("pads", pads, 0, 1 << 16)
        pb, pr = pt, pl
    eh, ew = (kh - 1) * dh + 1, (kw - 1) * dw + 1
    if ih + pt + pb < eh or iw + pl + pr < ew:
        raise ValueError(f"kernel {kh}x{kw} (dilation {dh}x{dw}) is larger than the padded "
                         f"input {ih + pt + pb}x{iw + pl + pr}")
    oh = (ih + pt + pb - eh) // sh + 1
    ow = (iw + pl + pr - ew) // sw + 1
    return Geometry(kh, kw, sh, sw, pt, pl, pb, pr, dh, dw, oh, ow)


def activation_bounds(activation: str, clamp: tuple | None = None) -> tuple[float, float]:
    """Float (min, max) of ``activation``: none, relu, relu6, or clamp with ``clamp=(lo, hi)``."""
    if activation == "clamp":
        if clamp is None or len(clamp) != 2:
            raise ValueError(f"activation='clamp' needs clamp=(lo, hi), got {clamp!r}")
        lo, hi = float(clamp[0]), float(clamp[1])
        if np.isnan(lo) or np.isnan(hi) or lo > hi:
            raise ValueError(f"clamp={clamp!r} must be two ordered, non-NaN floats")
        return lo, hi
    if activation not in ACTIVATION_BOUNDS:
        raise ValueError(f"activation must be one of {(*ACTIVATION_BOUNDS, 'clamp')}, "
                         f"got {activation!r}")
    if clamp is not None:
        raise ValueError(f"clamp is only used with activation='clamp' (got {activation!r})")
    return ACTIVATION_BOUNDS[activation]
