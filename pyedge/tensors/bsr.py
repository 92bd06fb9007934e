"""Block-sparse (BSR) encoding of w[N, K] with r x c blocks (no compute beyond to_dense)."""

from __future__ import annotations

import numpy as np

from pyedge.tensors.compressed import BLOCKS, BlockCompressed, blocks_from_dense


class BSR(BlockCompressed):
    """Block compressed rows of ``w[N, K]`` with blocks ``(r, c)`` in 1x4, 4x1, 4x4, 8x1, 16x1.

    Parameters
    ----------
    shape : (N, K), multiples of (r, c)
    block : (r, c)
    indptr : int32 or int64 array (N / r + 1,), non-decreasing, from 0 to nnzb
    indices : uint16 or int32 array (nnzb,), block columns in [0, K / c), increasing per row
    values : float32 or int8 array (nnzb, r, c), the dense blocks
    scale : float32 array (N,), required for int8 values (one scale per matrix row)
    """

    def __init__(self, shape: tuple[int, int], block: tuple[int, int], indptr: np.ndarray,
                 indices: np.ndarray, values: np.ndarray, scale: np.ndarray | None = None):
        block = tuple(block)
        if block not in BLOCKS[1:]:
            raise ValueError(f"block must be one of 1x4, 4x1, 4x4, 8x1, 16x1, got {block!r}")
        self._init(shape, block, indptr, indices, values, scale)

    @classmethod
    def from_dense(cls, w: np.ndarray, block: tuple[int, int] = (4, 4),
                   mask: np.ndarray | None = None, dtype=np.float32) -> BSR:
        """Keep the blocks of float ``w[N, K]`` where ``mask`` has any entry set.

        ``mask`` is elementwise ``[N, K]`` or per block ``[N / r, K / c]`` (default
        ``w != 0``); ``dtype=int8`` stores symmetric per-row int8 values and scales.
        """
        block = tuple(block)
        if block == (1, 1):
            raise ValueError("block must be one of 1x4, 4x1, 4x4, 8x1, 16x1 (use CSR for 1x1)")
        indptr, indices, values, scale = blocks_from_dense(w, block, mask, dtype)
        return cls(w.shape, block, indptr, indices, values, scale)

    def __repr__(self) -> str:
        r, c = self.block
        return (f"BSR(shape={self.shape}, block={r}x{c}, nnzb={self.indices.shape[0]}, "
                f"density={self.density:.3f}, values={self.values.dtype})")
