"""Element-wise ops: int8 residual add with two input quantizations, activations in float
and as 256-entry lookup tables for 8-bit tensors.

Quantized add (DESIGN.md affine convention ``real = s * (q - zp)``):
``q = clamp(rint(float32(a - za) * ma + float32(b - zb) * mb) + zo)`` with
``ma = float32(sa / so)``, ``mb = float32(sb / so)`` (each <= 2**24), two float32 products
and one float32 sum (no FMA), round half to even, so every implementation (native C, Numba,
NumPy; kernels/include/pyedge/qu8-vadd.h) is bit-exact.
"""

from __future__ import annotations

import numpy as np

from pyedge.kernels import registry
from pyedge.kernels.checks import check_array, check_int, resolve_out
from pyedge.kernels.qlut import lut_channels
from pyedge.kernels.qvadd import family_for, vadd_bytes
from pyedge.kernels.registry import Kernel

QRANGE = {np.dtype(np.uint8): (0, 255), np.dtype(np.int8): (-128, 127)}
ACTIVATIONS = ("relu", "relu6", "hardswish", "sigmoid")
MAX_SCALE_RATIO = np.float32(2.0 ** 24)


def _scale(name: str, value) -> float:
    v = float(value)
    if not np.isfinite(v) or v <= 0:
        raise ValueError(f"{name} must be a finite number > 0, got {value!r}")
    return v


def _qparams(out_dtype, out_zero_point, clamp):
    odt = np.dtype(out_dtype)
    if odt not in QRANGE:
        raise TypeError(f"out_dtype must be uint8 or int8, got {odt}")
    lo, hi = QRANGE[odt]
    zo = check_int("out_zero_point", out_zero_point, lo, hi)
    if clamp is not None:
        lo = check_int("clamp[0]", clamp[0], lo, hi)
        hi = check_int("clamp[1]", clamp[1], lo, hi)
        if lo > hi:
            raise ValueError(f"clamp=({lo}, {hi}) is empty")
    return odt, zo, lo, hi


def add_q(a: np.ndarray, a_scale: float, a_zero_point: int, b: np.ndarray, b_scale: float,
          b_zero_point: int, out_scale: float, out_zero_point: int, out_dtype=np.uint8,
          clamp: tuple[int, int] | None = None, *,
          out: np.ndarray | None = None, num_threads: int | None = None,
          kernel: str | Kernel | None = None) -> np.ndarray:
    """Residual add of two 8-bit tensors with different quantizations (same shape).

    Runs the ``qu8_vadd_minmax`` (uint8 output) or ``qs8_vadd_minmax`` (int8 output) kernels;
    every backend is bit-exact with the arithmetic in this module's docstring.

    Parameters
    ----------
    a, b : C-contiguous uint8 or int8 arrays of one shape, each with its scale and zero point
    out_scale, out_zero_point, out_dtype : quantization of the result (uint8 or int8)
    clamp : (lo, hi) quantized bounds (fused ReLU / ReLU6), optional
    out : preallocated output, optional (may be ``a`` or ``b``)
    num_threads : int, optional; results do not depend on it
    kernel : kernel name or Kernel, optional; forces one implementation

    Raises
    ------
    ValueError
        if a scale is not finite and > 0, or a scale ratio ``a_scale / out_scale`` or
        ``b_scale / out_scale`` exceeds 2**24.
    """
    a = check_array("a", a, (np.uint8, np.int8), allow_empty=True)
    b = check_array("b", b, (np.uint8, np.int8), allow_empty=True)
    if a.shape != b.shape:
        raise ValueError(f"a and b must have one shape, got {a.shape} and {b.shape}")
    za = check_int("a_zero_point", a_zero_point, *QRANGE[a.dtype])
    zb = check_int("b_zero_point", b_zero_point, *QRANGE[b.dtype])
    so = _scale("out_scale", out_scale)
    ma = _ratio("a_scale", _scale("a_scale", a_scale), so)
    mb = _ratio("b_scale", _scale("b_scale", b_scale), so)
    odt, zo, lo, hi = _qparams(out_dtype, out_zero_point, clamp)
    out = resolve_out(out, a.shape, odt)
    kern = registry.resolve(family_for(odt), kernel)
    if a.size:
        vadd_bytes(kern, a, ma, za, b, mb, zb, out, zo, lo, hi,
                   registry.config.resolve_threads(num_threads))
    return out


def _ratio(name: str, scale: float, out_scale: float) -> np.float32:
    m = np.float32(scale / out_scale)
    if not m <= MAX_SCALE_RATIO:
        raise ValueError(f"{name} / out_scale must be <= 2**24, got {scale / out_scale!r}")
    return m


def activation(x: np.ndarray, kind: str, *, out: np.ndarray | None = None) -> np.ndarray:
    """Float32 ReLU, ReLU6, HardSwish (``x * relu6(x + 3) / 6``) or Sigmoid, element-wise."""
    x = check_array("x", x, (np.float32,))
    out = resolve_out(out, x.shape, np.float32)
    if kind == "relu":
        np.maximum(x, 0, out=out)
    elif kind == "relu6":
        np.clip(x, 0, 6, out=out)
    elif kind == "hardswish":
        np.multiply(x, np.clip(x + np.float32(3), 0, 6) / np.float32(6), out=out)
    elif kind == "sigmoid":
        with np.errstate(over="ignore"):
            np.divide(np.float32(1), np.float32(1) + np.exp(-x), out=out)
    else:
        raise ValueError(f"kind must be one of {ACTIVATIONS}, got {kind!r}")
    return out


def activation_lut(kind: str, in_dtype, in_scale: float, in_zero_point: int, out_scale: float,
                   out_zero_point: int, out_dtype=np.uint8) -> np.ndarray:
    """256-entry table mapping every 8-bit input code to its quantized activation.

    Entry ``i`` belongs to the input byte ``i`` (int8 codes by their two's complement byte):
    ``clamp(rint(f(s_in * (q - zp_in)) / s_out) + zp_out)`` evaluated in float64.
    """
    idt = np.dtype(in_dtype)
    if idt not in QRANGE:
        raise TypeError(f"in_dtype must be uint8 or int8, got {idt}")
    zi = check_int("in_zero_point", in_zero_point, *QRANGE[idt])
    si, so = _scale("in_scale", in_scale), _scale("out_scale", out_scale)
    odt, zo, lo, hi = _qparams(out_dtype, out_zero_point, None)
    codes = np.arange(256, dtype=np.uint8).view(idt).astype(np.float64)  # byte -> code
    r = si * (codes - zi)
    if kind == "relu":
        f = np.maximum(r, 0)
    elif kind == "relu6":
        f = np.clip(r, 0, 6)
    elif kind == "hardswish":
        f = r * np.clip(r + 3, 0, 6) / 6
    elif kind == "sigmoid":
        f = 1 / (1 + np.exp(-r))
    else:
        raise ValueError(f"kind must be one of {ACTIVATIONS}, got {kind!r}")
    return np.clip(np.rint(f / so) + zo, lo, hi).astype(odt)


def apply_lut(x: np.ndarray, lut: np.ndarray, *, out: np.ndarray | None = None) -> np.ndarray:
    """``lut[byte of x]`` for a uint8/int8 tensor ``x`` and a table from :func:`activation_lut`.

    Runs the ``x8_lut_channels`` kernels with one table for every element.
    """
    x = check_array("x", x, (np.uint8, np.int8))
    lut = check_array("lut", lut, (np.uint8, np.int8), ndim=1, shape=(256,))
    out = resolve_out(out, x.shape, lut.dtype)
    lut_channels(x.reshape(-1), lut.reshape(1, 256), out=out.reshape(-1))  # one row, one table
    return out


__all__ = ["activation", "activation_lut", "add_q", "apply_lut"]
