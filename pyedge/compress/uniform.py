"""Uniform weight quantization (2-8 bits): scales per tensor/channel/group, min-max or MSE clip."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyedge.tensors.int4 import GROUP_SIZES, Int4Grouped

AXES = ("tensor", "channel", "group")
CLIPS = ("minmax", "mse")
SCALE_DTYPES = ("float32", "float16")
_F16_MAX = 65504.0
_F16_TINY = 2.0**-14  # smallest normal float16 (Int4Grouped clamps its scales there too)
_GRID = 100  # shrink factors tried by the MSE clip search: 0.01, 0.02, ..., 1.00
_REFINE = 41  # local points per end in the asymmetric refinement
_CHUNK = 1 << 22  # elements evaluated at once by the clip search


def as_weights(w, name: str = "w") -> np.ndarray:
    """Return ``w`` as a float32 ``[N, K]`` array after checking it (TypeError/ValueError)."""
    if not isinstance(w, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(w).__name__}")
    if w.dtype not in (np.float16, np.float32, np.float64):
        raise TypeError(f"{name} must be a float array, got dtype {w.dtype}")
    if w.ndim != 2 or w.size == 0:
        raise ValueError(f"{name} must be a non-empty 2-D array [N, K], got shape {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError(f"{name} holds NaN or Inf")
    return np.ascontiguousarray(w, dtype=np.float32)


def qrange(bits: int, symmetric: bool) -> tuple[int, int]:
    """Integer grid of a ``bits``-bit quantizer: [-(2**(b-1)-1), 2**(b-1)-1] or [-2**(b-1), ...]."""
    half = 1 << (bits - 1)
    return (-(half - 1), half - 1) if symmetric else (-half, half - 1)


def _check_bits(bits) -> int:
    if isinstance(bits, bool) or not isinstance(bits, int | np.integer) or not 2 <= bits <= 8:
        raise ValueError(f"bits must be an int in [2, 8], got {bits!r}")
    return int(bits)


@dataclass(frozen=True)
class UniformQuant:
    """Uniformly quantized weights ``w[N, K] ~= scale * (q - zero_point)``.

    Attributes
    ----------
    q : int8 [N, K]
        Integers in ``qrange(bits, symmetric)``.
    scale : float32 [R, G]
        R = 1 (per tensor) or N (per channel / group); G = 1 or K // group_size.
    zero_point : int32 [R, G]
        0 when symmetric; inside the integer grid otherwise (so 0.0 is exactly representable).
    bits, group_size, symmetric
        ``group_size`` is None unless the scales are per group of consecutive k.
    """

    q: np.ndarray
    scale: np.ndarray
    zero_point: np.ndarray
    bits: int
    group_size: int | None
    symmetric: bool

    def _expand(self, a: np.ndarray) -> np.ndarray:
        n, k = self.q.shape
        cols = np.repeat(a, k // a.shape[1], axis=1)  # [R, K]
        return np.broadcast_to(cols, (n, k))

    def dequantize(self) -> np.ndarray:
        """Float32 ``[N, K]`` weights ``scale * (q - zero_point)``."""
        q = self.q.astype(np.float32) - self._expand(self.zero_point).astype(np.float32)
        return q * self._expand(self.scale)

    def to_int8_channel(self) -> tuple[np.ndarray, np.ndarray]:
        """``(q int8 [N, K] in [-127, 127], scale float32 [N])`` as QGemm/QConv store them.

        Raises ValueError unless this is a symmetric 8-bit per-channel (or per-tensor) result.
        """
        if self.bits != 8 or not self.symmetric or self.scale.shape[1] != 1:
            raise ValueError("to_int8_channel needs symmetric 8-bit per-channel/tensor scales")
        n = self.q.shape[0]
        scale = np.ascontiguousarray(np.broadcast_to(self.scale[:, 0], (n,)), dtype=np.float32)
        return np.ascontiguousarray(self.q), scale

    def to_int4_grouped(self) -> Int4Grouped:
        """The runtime's :class:`~pyedge.tensors.Int4Grouped` (values and fp16 scales, exact).

        Raises ValueError unless this is symmetric 4-bit per-group with group_size 32/64/128
        and scales exactly representable in float16 (quantize with ``scale_dtype="float16"``).
        """
        if self.bits != 4 or not self.symmetric or self.group_size not in GROUP_SIZES:
            raise ValueError(f"to_int4_grouped needs symmetric 4-bit per-group scales with "
                             f"group_size in {GROUP_SIZES}")
        n, _ = self.q.shape
        s16 = np.broadcast_to(self.scale, (n, self.scale.shape[1])).astype(np.float16)
        if not np.array_equal(s16.astype(np.float32), np.broadcast_to(self.scale, s16.shape)):
            raise ValueError("scales are not float16-exact: quantize with scale_dtype='float16'")
        u = self.q.view(np.uint8) & np.uint8(0x0F)
        packed = u[:, 0::2] | (u[:, 1::2] << np.uint8(4))
        return Int4Grouped(np.ascontiguousarray(packed), np.ascontiguousarray(s16),
                           self.group_size)


def _rows(w: np.ndarray, axis: str, group_size: int | None) -> np.ndarray:
    """View ``w[N, K]`` as the rows that share one scale: [1, N*K], [N, K] or [N*G, g]."""
    n, k = w.shape
    if axis == "tensor":
        return w.reshape(1, n * k)
    if axis == "channel":
        return w
    return w.reshape(n * (k // group_size), group_size)  # [N*G, g]


def _params(lo: np.ndarray, hi: np.ndarray, bits: int, symmetric: bool, scale_dtype: str):
    """(scale, zero_point) per row for clip ranges [lo, hi] that contain 0."""
    qmin, qmax = qrange(bits, symmetric)
    if symmetric:
        amax = np.maximum(-lo, hi)
        scale = amax / np.float32(qmax)
    else:
        scale = (hi - lo) / np.float32(qmax - qmin)
    scale = np.where(scale > 0, scale, np.float32(1)).astype(np.float32)
    if scale_dtype == "float16":
        if np.any(scale > _F16_MAX):
            raise ValueError("w is too large: a scale overflows float16")
        scale = np.maximum(scale, np.float32(_F16_TINY)).astype(np.float16).astype(np.float32)
    if symmetric:
        zp = np.zeros(scale.shape, np.int32)
    else:
        zp = np.clip(np.rint(qmin - lo / scale), qmin, qmax).astype(np.int32)
    return scale, zp


def _quantize_rows(rows: np.ndarray, scale: np.ndarray, zp: np.ndarray, bits: int,
                   symmetric: bool) -> np.ndarray:
    qmin, qmax = qrange(bits, symmetric)
    q = np.rint(rows / scale[:, None]) + zp[:, None]
    return np.clip(q, qmin, qmax).astype(np.int8)


def _row_sse(rows, lo, hi, bits, symmetric) -> np.ndarray:
    """Squared error per row of quantizing ``rows[R, M]`` with ranges lo/hi of shape [C, R]."""
    qmin, qmax = qrange(bits, symmetric)
    out = np.empty(lo.shape, np.float64)
    step = max(1, _CHUNK // rows.size)
    for c0 in range(0, lo.shape[0], step):
        scale, zp = _params(lo[c0:c0 + step], hi[c0:c0 + step], bits, symmetric, "float32")
        s, z = scale[:, :, None], zp[:, :, None].astype(np.float32)
        q = np.clip(np.rint(rows[None] / s) + z, qmin, qmax)  # [c, R, M]
        err = (q - z) * s - rows[None]
        out[c0:c0 + step] = np.einsum("crm,crm->cr", err, err, dtype=np.float64)
    return out


def optimal_clip(rows: np.ndarray, bits: int, *, symmetric: bool = True
                 ) -> tuple[np.ndarray, np.ndarray]:
    """MSE-optimal clip range ``(lo[R], hi[R])`` for each row of ``rows[R, M]``.

    Grid search over shrink factors 0.01..1 of the min-max range (the same factor at both
    ends); asymmetric ranges are then refined one end at a time around the best factor.
    The returned ranges always contain 0 and never exceed the row's min/max.
    """
    rows = as_weights(rows, "rows")
    bits = _check_bits(bits)
    lo0 = np.minimum(rows.min(axis=1), 0).astype(np.float32)
    hi0 = np.maximum(rows.max(axis=1), 0).astype(np.float32)
    if symmetric:
        amax = np.maximum(-lo0, hi0)
        lo0, hi0 = -amax, amax
    f = (np.arange(1, _GRID + 1, dtype=np.float32) / _GRID)[:, None]  # [C, 1]
    sse = _row_sse(rows, f * lo0, f * hi0, bits, symmetric)  # [C, R]
    best = f[np.argmin(sse, axis=0), 0]
    lo, hi = best * lo0, best * hi0
    if not symmetric:
        g = np.linspace(0.8, 1.2, _REFINE, dtype=np.float32)[:, None]
        for _ in range(2):
            cand = np.minimum(g * lo, 0).clip(lo0, None)
            sse = _row_sse(rows, cand, np.broadcast_to(hi, cand.shape), bits, symmetric)
            lo = cand[np.argmin(sse, axis=0), np.arange(rows.shape[0])]
            cand = np.maximum(g * hi, 0).clip(None, hi0)
            sse = _row_sse(rows, np.broadcast_to(lo, cand.shape), cand, bits, symmetric)
            hi = cand[np.argmin(sse, axis=0), np.arange(rows.shape[0])]
    return lo.astype(np.float32), hi.astype(np.float32)


def clip_range(rows: np.ndarray, bits: int, symmetric: bool, clip: str
               ) -> tuple[np.ndarray, np.ndarray]:
    """Clip range per row by ``clip`` ("minmax" or "mse"), always containing 0."""
    if clip not in CLIPS:
        raise ValueError(f"clip must be one of {CLIPS}, got {clip!r}")
    if clip == "mse":
        return optimal_clip(rows, bits, symmetric=symmetric)
    lo = np.minimum(rows.min(axis=1), 0).astype(np.float32)
    hi = np.maximum(rows.max(axis=1), 0).astype(np.float32)
    if symmetric:
        amax = np.maximum(-lo, hi)
        lo, hi = -amax, amax
    return lo, hi


def row_params(rows: np.ndarray, bits: int, *, symmetric: bool = True, clip: str = "minmax",
               scale_dtype: str = "float32") -> tuple[np.ndarray, np.ndarray]:
    """``(scale[R], zero_point[R])`` for each row of ``rows[R, M]`` (used by GPTQ as it goes)."""
    lo, hi = clip_range(rows, bits, symmetric, clip)
    return _params(lo, hi, bits, symmetric, scale_dtype)


def quantize_uniform(w: np.ndarray, bits: int, *, axis: str = "channel",
                     group_size: int | None = None, symmetric: bool = True,
                     clip: str = "minmax", scale_dtype: str = "float32") -> UniformQuant:
    """Round-to-nearest uniform quantization of weights ``w[N, K]``.

    Parameters
    ----------
    w : float ndarray [N, K], finite
    bits : 2..8
    axis : "tensor", "channel" (one scale per output row) or "group" (per row and group of
        ``group_size`` consecutive k; group_size must divide K)
    symmetric : zero point 0 and integers in [-(2**(b-1)-1), 2**(b-1)-1] (int8: [-127, 127]);
        otherwise an affine grid [-2**(b-1), 2**(b-1)-1] with an integer zero point.
    clip : "minmax" (full range) or "mse" (range minimizing the squared weight error)
    scale_dtype : "float32" or "float16" (scales rounded to float16 before rounding w, as
        :class:`~pyedge.tensors.Int4Grouped` stores them)

    Returns
    -------
    UniformQuant
    """
    w = as_weights(w)
    bits = _check_bits(bits)
    if axis not in AXES:
        raise ValueError(f"axis must be one of {AXES}, got {axis!r}")
    if scale_dtype not in SCALE_DTYPES:
        raise ValueError(f"scale_dtype must be one of {SCALE_DTYPES}, got {scale_dtype!r}")
    n, k = w.shape
    if axis == "group":
        if (isinstance(group_size, bool) or not isinstance(group_size, int | np.integer)
                or group_size < 1 or k % group_size):
            raise ValueError(f"group_size must be a positive int dividing K={k}, "
                             f"got {group_size!r}")
        group_size = int(group_size)
    elif group_size is not None:
        raise ValueError("group_size is only used with axis='group'")
    rows = _rows(w, axis, group_size)
    scale, zp = row_params(rows, bits, symmetric=symmetric, clip=clip, scale_dtype=scale_dtype)
    q = _quantize_rows(rows, scale, zp, bits, symmetric).reshape(n, k)
    g = k // group_size if axis == "group" else 1
    r = 1 if axis == "tensor" else n
    return UniformQuant(q, scale.reshape(r, g), zp.reshape(r, g), bits, group_size,
                        bool(symmetric))


def quantize_int8_channel(w: np.ndarray, clip: str = "minmax") -> tuple[np.ndarray, np.ndarray]:
    """``(q int8 [N, K] in [-127, 127], scale float32 [N])``: what QGemm/QConv store."""
    return quantize_uniform(w, 8, axis="channel", clip=clip).to_int8_channel()


def quantize_int4_grouped(w: np.ndarray, group_size: int = 32, clip: str = "mse"
                          ) -> Int4Grouped:
    """Symmetric int4 per-group weights with float16 scales, as the runtime stores them."""
    if group_size not in GROUP_SIZES:
        raise ValueError(f"group_size must be one of {GROUP_SIZES}, got {group_size!r}")
    return quantize_uniform(w, 4, axis="group", group_size=group_size, clip=clip,
                            scale_dtype="float16").to_int4_grouped()


def weight_mse(w: np.ndarray, w_hat: np.ndarray) -> float:
    """Mean squared error between two weight arrays (float64 accumulation)."""
    d = np.asarray(w, np.float64) - np.asarray(w_hat, np.float64)
    return float(np.mean(d * d))
