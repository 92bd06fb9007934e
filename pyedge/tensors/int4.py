"""Grouped INT4 weight encoding: signed 4-bit values two per byte with per-group fp16 scales."""

from __future__ import annotations

import numpy as np

GROUP_SIZES = (32, 64, 128)
_F16_MAX = 65504.0
_F16_TINY = 2.0**-14  # smallest normal float16; smaller scales would lose precision


def _check_weights(w) -> np.ndarray:
    if not isinstance(w, np.ndarray):
        raise TypeError(f"w must be a numpy.ndarray, got {type(w).__name__}")
    if w.dtype not in (np.float32, np.float64, np.float16):
        raise TypeError(f"w must be a float array, got dtype {w.dtype}")
    if w.ndim != 2 or w.size == 0:
        raise ValueError(f"w must be a non-empty 2-D array [N, K], got shape {w.shape}")
    if not np.all(np.isfinite(w)):
        raise ValueError("w holds NaN or Inf")
    return w.astype(np.float32)


class Int4Grouped:
    """Signed int4 weights ``w[N, K]`` with one scale per (output channel, group of k).

    Fields (the canonical layout a ``.pedge`` file stores):

    - ``q``: uint8 ``[N, K // 2]``; byte ``q[n, j]`` holds ``w[n, 2j]`` in its low nibble and
      ``w[n, 2j + 1]`` in its high nibble, each a two's-complement 4-bit value in [-8, 7].
    - ``scale``: float16 ``[N, K // group_size]``, symmetric (zero point 0):
      ``w[n, k] ~= scale[n, k // group_size] * value[n, k]``. float16 halves the scale traffic
      of a GEMV against float32; scales are clamped below at 2**-14 (normal float16 range).
    - ``group_size``: 32, 64 or 128; it divides K.
    """

    def __init__(self, q: np.ndarray, scale: np.ndarray, group_size: int):
        if group_size not in GROUP_SIZES:
            raise ValueError(f"group_size must be one of {GROUP_SIZES}, got {group_size!r}")
        if not isinstance(q, np.ndarray) or q.dtype != np.uint8 or q.ndim != 2:
            raise TypeError("q must be a 2-D uint8 ndarray of packed nibbles")
        if not isinstance(scale, np.ndarray) or scale.dtype != np.float16 or scale.ndim != 2:
            raise TypeError("scale must be a 2-D float16 ndarray")
        n, k = q.shape[0], 2 * q.shape[1]
        if k == 0 or k % group_size:
            raise ValueError(f"K={k} is not a positive multiple of group_size={group_size}")
        if scale.shape != (n, k // group_size):
            raise ValueError(f"scale must have shape {(n, k // group_size)}, got {scale.shape}")
        if not np.all(np.isfinite(scale)) or np.any(scale < 0):
            raise ValueError("scale holds NaN, Inf or negative values")
        self.q = np.ascontiguousarray(q)
        self.scale = np.ascontiguousarray(scale)
        self.group_size = int(group_size)

    @classmethod
    def from_float(cls, w: np.ndarray, group_size: int = 32) -> Int4Grouped:
        """Quantize float weights ``w[N, K]``: scale = max|w| / 7 per group, round to nearest.

        Raises ValueError when group_size does not divide K, when w holds NaN/Inf, or when a
        scale would overflow float16.
        """
        w = _check_weights(w)
        if group_size not in GROUP_SIZES:
            raise ValueError(f"group_size must be one of {GROUP_SIZES}, got {group_size!r}")
        n, k = w.shape
        if k % group_size:
            raise ValueError(f"group_size={group_size} does not divide K={k}")
        wg = w.reshape(n, k // group_size, group_size)  # [N, G, g]
        scale = np.abs(wg).max(axis=2) / np.float32(7)
        if np.any(scale > _F16_MAX):
            raise ValueError("w is too large: a group scale overflows float16")
        scale16 = np.maximum(scale, np.float32(_F16_TINY)).astype(np.float16)
        s = scale16.astype(np.float32)[:, :, None]
        v = np.clip(np.rint(wg / s), -8, 7).astype(np.int8).reshape(n, k)
        u = v.view(np.uint8) & np.uint8(0x0F)
        q = u[:, 0::2] | (u[:, 1::2] << np.uint8(4))
        return cls(q, scale16, group_size)

    @property
    def shape(self) -> tuple[int, int]:
        return self.q.shape[0], 2 * self.q.shape[1]

    @property
    def nbytes(self) -> int:
        return self.q.nbytes + self.scale.nbytes

    def values(self) -> np.ndarray:
        """The int4 values as int8 ``[N, K]`` in [-8, 7]."""
        n, k = self.shape
        v = np.empty((n, k), dtype=np.int8)
        v[:, 0::2] = (self.q << np.uint8(4)).view(np.int8) >> 4
        v[:, 1::2] = self.q.view(np.int8) >> 4
        return v

    def to_float(self) -> np.ndarray:
        """Dequantized float32 weights ``[N, K]``."""
        s = np.repeat(self.scale.astype(np.float32), self.group_size, axis=1)
        return self.values().astype(np.float32) * s

    def __repr__(self) -> str:
        return f"Int4Grouped(shape={self.shape}, group_size={self.group_size})"
