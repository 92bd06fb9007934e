"""Codebook (lookup-table) weight encoding: packed b-bit indices plus 2**b float32 levels."""

from __future__ import annotations

import numpy as np

BITS = (2, 3, 4)


def pack_bits(idx: np.ndarray, bits: int) -> np.ndarray:
    """Pack ``idx[N, K]`` (values < 2**bits) into the little-endian row bitstream of Codebook."""
    n, k = idx.shape
    planes = (idx[:, :, None] >> np.arange(bits, dtype=np.uint8)) & 1  # [N, K, bits]
    stream = planes.reshape(n, k * bits)
    return np.packbits(stream, axis=1, bitorder="little")


def unpack_bits(packed: np.ndarray, bits: int, k: int) -> np.ndarray:
    """Inverse of :func:`pack_bits`: uint8 indices ``[N, K]``."""
    n = packed.shape[0]
    stream = np.unpackbits(packed, axis=1, bitorder="little")[:, :k * bits]
    planes = stream.reshape(n, k, bits) << np.arange(bits, dtype=np.uint8)
    return planes.sum(axis=2, dtype=np.uint8)


def _assign(w: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Index of the nearest level for every weight; ``levels[C, L]`` sorted, C in (1, N)."""
    mid = (levels[:, 1:] + levels[:, :-1]) * np.float32(0.5)  # [C, L-1] decision boundaries
    idx = np.zeros(w.shape, dtype=np.uint8)
    for j in range(mid.shape[1]):
        idx += w > mid[:, j:j + 1]
    return idx


def _kmeans(w: np.ndarray, nlev: int, iters: int, init: np.ndarray | None = None) -> np.ndarray:
    """Lloyd's 1-D k-means per row of ``w[C, K]`` from quantile starts (deterministic) or from
    the sorted float32 levels ``init[C, nlev]``."""
    c = w.shape[0]
    if init is None:
        levels = np.quantile(w, (np.arange(nlev) + 0.5) / nlev, axis=1).T.astype(np.float32)
    else:
        levels = np.sort(np.asarray(init, dtype=np.float32).reshape(c, nlev), axis=1)
    rows = (np.arange(c) * nlev)[:, None]
    for _ in range(iters):
        idx = _assign(w, levels).astype(np.int64) + rows  # [C, K] flat cluster ids
        sums = np.bincount(idx.ravel(), w.ravel().astype(np.float64), c * nlev)
        cnt = np.bincount(idx.ravel(), minlength=c * nlev)
        new = np.where(cnt > 0, sums / np.maximum(cnt, 1), levels.ravel())
        levels = np.sort(new.reshape(c, nlev).astype(np.float32), axis=1)
    return levels


class Codebook:
    """Weights ``w[N, K]`` as b-bit indices into 2**b float32 levels (b = 2, 3 or 4).

    Fields (the canonical layout a ``.pedge`` file stores):

    - ``indices``: uint8 ``[N, ceil(K * bits / 8)]``. Row n is a little-endian bitstream:
      index k occupies stream bits ``[k * bits, (k + 1) * bits)``, where stream bit ``i`` is
      bit ``i % 8`` of byte ``i // 8``. For 4 bits this is two per byte, low nibble = even k;
      for 2 bits four per byte from the low bits up; for 3 bits eight indices fill 3 bytes and
      an index may straddle a byte boundary. Unused bits of the last byte are zero.
    - ``levels``: float32 ``[N, 2**bits]`` (per output channel) or ``[1, 2**bits]`` (one table
      for the tensor); ``w[n, k] ~= levels[n or 0, index[n, k]]``.
    - ``bits`` and ``shape`` = (N, K).
    """

    def __init__(self, indices: np.ndarray, levels: np.ndarray, bits: int, shape: tuple):
        if bits not in BITS:
            raise ValueError(f"bits must be one of {BITS}, got {bits!r}")
        n, k = (int(s) for s in shape)
        if n < 1 or k < 1:
            raise ValueError(f"shape must be positive, got {shape}")
        if not isinstance(indices, np.ndarray) or indices.dtype != np.uint8:
            raise TypeError("indices must be a uint8 ndarray of packed indices")
        if indices.shape != (n, (k * bits + 7) // 8):
            raise ValueError(f"indices must have shape {(n, (k * bits + 7) // 8)}, "
                             f"got {indices.shape}")
        if not isinstance(levels, np.ndarray) or levels.dtype != np.float32:
            raise TypeError("levels must be a float32 ndarray")
        if levels.shape not in ((n, 2**bits), (1, 2**bits)):
            raise ValueError(f"levels must have shape ({n}, {2**bits}) or (1, {2**bits}), "
                             f"got {levels.shape}")
        if not np.all(np.isfinite(levels)):
            raise ValueError("levels holds NaN or Inf")
        self.indices = np.ascontiguousarray(indices)
        self.levels = np.ascontiguousarray(levels)
        self.bits = int(bits)
        self.shape = (n, k)

    @classmethod
    def from_float(cls, w: np.ndarray, bits: int = 4, levels: np.ndarray | None = None,
                   per_channel: bool = True, iters: int = 10) -> Codebook:
        """Encode ``w[N, K]`` with the nearest of 2**bits levels.

        Parameters
        ----------
        w : float ndarray [N, K], finite
        bits : 2, 3 or 4
        levels : float32 [2**bits], [1, 2**bits] or [N, 2**bits], optional. Given levels are
            sorted per table (indices refer to the sorted table); by default they come from
            ``iters`` rounds of 1-D k-means started at the quantiles (deterministic).
        per_channel : one table per output channel (True) or one for the tensor (False);
            ignored when ``levels`` is given.
        """
        if not isinstance(w, np.ndarray):
            raise TypeError(f"w must be a numpy.ndarray, got {type(w).__name__}")
        if w.dtype not in (np.float32, np.float64, np.float16):
            raise TypeError(f"w must be a float array, got dtype {w.dtype}")
        if w.ndim != 2 or w.size == 0:
            raise ValueError(f"w must be a non-empty 2-D array [N, K], got shape {w.shape}")
        if bits not in BITS:
            raise ValueError(f"bits must be one of {BITS}, got {bits!r}")
        if not np.all(np.isfinite(w)):
            raise ValueError("w holds NaN or Inf")
        w = w.astype(np.float32)
        n, k = w.shape
        nlev = 2**bits
        if levels is None:
            src = w if per_channel else w.reshape(1, -1)
            table = _kmeans(src, nlev, iters)
        else:
            table = np.asarray(levels, dtype=np.float32)
            if table.ndim == 1:
                table = table[None, :]
            if table.shape not in ((1, nlev), (n, nlev)):
                raise ValueError(f"levels must have {nlev} entries per table, got shape "
                                 f"{np.shape(levels)}")
            if not np.all(np.isfinite(table)):
                raise ValueError("levels holds NaN or Inf")
            table = np.sort(table, axis=1)
        idx = _assign(w, table)
        return cls(pack_bits(idx, bits), np.ascontiguousarray(table), bits, (n, k))

    @property
    def nbytes(self) -> int:
        return self.indices.nbytes + self.levels.nbytes

    def index_array(self) -> np.ndarray:
        """The unpacked indices as uint8 ``[N, K]``."""
        return unpack_bits(self.indices, self.bits, self.shape[1])

    def to_float(self) -> np.ndarray:
        """Decoded float32 weights ``[N, K]``."""
        idx = self.index_array()
        table = np.broadcast_to(self.levels, (self.shape[0], self.levels.shape[1]))
        return np.take_along_axis(table, idx.astype(np.intp), axis=1)

    def __repr__(self) -> str:
        return f"Codebook(shape={self.shape}, bits={self.bits}, tables={self.levels.shape[0]})"
