"""Shared core of the CSR and BSR encodings: validated, immutable block-compressed rows."""

from __future__ import annotations

import numpy as np

INDPTR_DTYPES = (np.dtype(np.int32), np.dtype(np.int64))
INDEX_DTYPES = (np.dtype(np.uint16), np.dtype(np.int32))
VALUE_DTYPES = (np.dtype(np.float32), np.dtype(np.int8))
BLOCKS = ((1, 1), (1, 4), (4, 1), (4, 4), (8, 1), (16, 1))


def frozen(a: np.ndarray) -> np.ndarray:
    """A C-contiguous copy of ``a`` backed by immutable bytes: it can never be made writeable."""
    a = np.ascontiguousarray(a)
    return np.frombuffer(a.tobytes(), dtype=a.dtype).reshape(a.shape)


def index_dtype(k: int) -> np.dtype:
    """DESIGN.md: ``indices`` are uint16 when K < 65536, else int32."""
    return np.dtype(np.uint16) if k < 65536 else np.dtype(np.int32)


def indptr_dtype(nnz: int) -> np.dtype:
    """``indptr`` is int32 unless the number of stored blocks overflows it."""
    return np.dtype(np.int32) if nnz < 2**31 else np.dtype(np.int64)


def _typed(name: str, a, dtypes: tuple, ndim: int) -> np.ndarray:
    if not isinstance(a, np.ndarray):
        raise TypeError(f"{name} must be a numpy.ndarray, got {type(a).__name__}")
    if a.dtype not in dtypes:
        raise TypeError(f"{name} must have dtype {' or '.join(map(str, dtypes))}, got {a.dtype}")
    if a.ndim != ndim:
        raise ValueError(f"{name} must be {ndim}-D, got shape {a.shape}")
    return a


class BlockCompressed:
    """Rows of ``r x c`` blocks: block row i holds blocks ``indptr[i]:indptr[i+1]``.

    ``indices[j]`` is the block column of block ``j`` (strictly increasing within a block row)
    and ``values[j]`` its ``r x c`` entries. Int8 values carry one float32 ``scale`` per row
    of the matrix (per output channel); the real weight is ``values * scale[row]``.
    Every array is validated once here and then frozen, so kernels may trust it.
    """

    def _init(self, shape, block, indptr, indices, values, scale) -> None:
        if (not isinstance(shape, tuple) or len(shape) != 2
                or not all(isinstance(s, int | np.integer) and s >= 1 for s in shape)):
            raise ValueError(f"shape must be a tuple (N, K) of positive ints, got {shape!r}")
        n, k = (int(s) for s in shape)
        r, c = block
        if n % r or k % c:
            raise ValueError(f"shape {(n, k)} is not a multiple of the block {r}x{c}")
        nbr, nbc = n // r, k // c
        indptr = _typed("indptr", indptr, INDPTR_DTYPES, 1)
        indices = _typed("indices", indices, INDEX_DTYPES, 1)
        values = _typed("values", values, VALUE_DTYPES, 1 if block == (1, 1) else 3)
        if indptr.shape != (nbr + 1,):
            raise ValueError(f"indptr must have shape ({nbr + 1},) for {nbr} block rows, "
                             f"got {indptr.shape}")
        nnzb = indices.shape[0]
        want = (nnzb,) if block == (1, 1) else (nnzb, r, c)
        if values.shape != want:
            raise ValueError(f"values must have shape {want}, got {values.shape}")
        ip = indptr.astype(np.int64)
        if ip[0] != 0 or ip[-1] != nnzb:
            raise ValueError(f"indptr must start at 0 and end at len(indices)={nnzb}, "
                             f"got {ip[0]} and {ip[-1]}")
        if np.any(np.diff(ip) < 0):
            raise ValueError("indptr must be non-decreasing")
        if nnzb:
            idx = indices.astype(np.int64)
            if idx.min() < 0 or idx.max() >= nbc:
                raise ValueError(f"indices must lie in [0, {nbc}) (block columns), got "
                                 f"[{idx.min()}, {idx.max()}]")
            step = np.diff(idx)
            first = ip[1:-1]
            first = first[(first > 0) & (first < nnzb)]
            inside = np.ones(nnzb - 1, dtype=bool)
            inside[first - 1] = False  # the step into a new row may go down
            if np.any(step[inside] <= 0):
                raise ValueError("indices must be strictly increasing within each row "
                                 "(sorted, no duplicates)")
        if values.dtype == np.int8:
            if scale is None:
                raise ValueError("int8 values need a per-row float32 scale of shape (N,)")
            scale = _typed("scale", scale, (np.dtype(np.float32),), 1)
            if scale.shape != (n,):
                raise ValueError(f"scale must have shape ({n},), got {scale.shape}")
            if not np.all(np.isfinite(scale)) or not np.all(scale > 0):
                raise ValueError("scale must be finite and > 0")
            if np.any(values == -128):
                raise ValueError("int8 values must lie in [-127, 127] (symmetric)")
            scale = frozen(scale)
        elif scale is not None:
            raise ValueError("scale is only used with int8 values")
        self._shape = (n, k)
        self._block = (r, c)
        self._indptr = frozen(indptr)
        self._indices = frozen(indices)
        self._values = frozen(values)
        self._scale = scale
        self._packed: dict = {}  # kernel-side layouts derived from the frozen arrays, by name

    # Read-only views: kernels trust these after validation, so they cannot be reassigned.
    shape = property(lambda self: self._shape, doc="(N, K) of the dense matrix")
    block = property(lambda self: self._block, doc="(r, c) block shape; (1, 1) for CSR")
    indptr = property(lambda self: self._indptr, doc="block-row pointers (int32 or int64)")
    indices = property(lambda self: self._indices, doc="block columns (uint16 or int32)")
    values = property(lambda self: self._values, doc="stored values (float32 or int8)")
    scale = property(lambda self: self._scale, doc="per-row float32 scales of int8 values")

    @property
    def nnz(self) -> int:
        """Number of stored weights (blocks x block size), zeros inside blocks included."""
        return int(self.indices.shape[0]) * self.block[0] * self.block[1]

    @property
    def density(self) -> float:
        """Fraction of the dense matrix that is stored: ``nnz / (N * K)``."""
        return self.nnz / (self.shape[0] * self.shape[1])

    @property
    def nbytes(self) -> int:
        """Exact bytes of every array the encoding holds (what a file stores)."""
        extra = self.scale.nbytes if self.scale is not None else 0
        return self.indptr.nbytes + self.indices.nbytes + self.values.nbytes + extra

    def to_dense(self) -> np.ndarray:
        """The float32 matrix ``[N, K]`` (int8 values times their row scale)."""
        n, k = self.shape
        r, c = self.block
        counts = np.diff(self.indptr.astype(np.int64))
        brow = np.repeat(np.arange(n // r), counts)  # block row of each stored block
        dense = np.zeros((n // r, r, k // c, c), dtype=np.float32)
        vals = self.values.reshape(-1, r, c).astype(np.float32)
        dense[brow, :, self.indices.astype(np.int64), :] = vals
        dense = dense.reshape(n, k)  # [N/r, r, K/c, c] -> [N, K]
        if self.scale is not None:
            dense *= self.scale[:, None]
        return dense


def quantize_rows(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-row int8: ``scale = max|w| / 127`` (1 for all-zero rows), rounded values."""
    amax = np.abs(w).max(axis=1)
    scale = np.where(amax > 0, amax / np.float32(127), np.float32(1)).astype(np.float32)
    q = np.clip(np.rint(w / scale[:, None]), -127, 127).astype(np.int8)
    return q, scale


def blocks_from_dense(w, block: tuple[int, int], mask, dtype) -> tuple:
    """Compress dense ``w[N, K]`` into (indptr, indices, values[nnzb, r, c], scale).

    ``mask`` is boolean, either elementwise ``[N, K]`` or per block ``[N/r, K/c]``; a block is
    kept when any of its mask entries is set (default: where ``w`` is nonzero).
    """
    if block not in BLOCKS:
        raise ValueError(f"block must be one of {', '.join(f'{a}x{b}' for a, b in BLOCKS)}, "
                         f"got {block!r}")
    if not isinstance(w, np.ndarray) or w.ndim != 2 or w.size == 0:
        raise ValueError("w must be a non-empty 2-D numpy.ndarray")
    if not np.issubdtype(w.dtype, np.floating):
        raise TypeError(f"w must be a float array, got {w.dtype}")
    w = np.asarray(w, dtype=np.float32)
    if not np.all(np.isfinite(w)):
        raise ValueError("w holds NaN or Inf")
    n, k = w.shape
    r, c = block
    if n % r or k % c:
        raise ValueError(f"w shape {w.shape} is not a multiple of the block {r}x{c}")
    dt = np.dtype(dtype)
    if dt not in VALUE_DTYPES:
        raise TypeError(f"dtype must be float32 or int8, got {dt}")
    if mask is None:
        mask = w != 0
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be boolean, got {mask.dtype}")
    if mask.shape == (n, k):
        bmask = mask.reshape(n // r, r, k // c, c).any(axis=(1, 3))  # [N/r, K/c]
    elif mask.shape == (n // r, k // c):
        bmask = mask
    else:
        raise ValueError(f"mask must have shape {(n, k)} or {(n // r, k // c)}, got {mask.shape}")
    wq, scale = (w, None) if dt == np.float32 else quantize_rows(w)
    rows, cols = np.nonzero(bmask)  # row-major order: sorted within each block row
    counts = np.bincount(rows, minlength=n // r)
    indptr = np.zeros(n // r + 1, dtype=indptr_dtype(rows.size))
    np.cumsum(counts, out=indptr[1:])
    blocks = wq.reshape(n // r, r, k // c, c).transpose(0, 2, 1, 3)  # [N/r, K/c, r, c]
    values = np.ascontiguousarray(blocks[rows, cols])
    return indptr, cols.astype(index_dtype(k)), values, scale
