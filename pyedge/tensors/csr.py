"""CSR encoding of a sparse weight matrix w[N, K] (no compute beyond to_dense)."""

from __future__ import annotations

import numpy as np

from pyedge.tensors.compressed import BlockCompressed, blocks_from_dense


class CSR(BlockCompressed):
    """Compressed sparse rows of ``w[N, K]``.

    Parameters
    ----------
    shape : (N, K)
    indptr : int32 or int64 array (N + 1,), non-decreasing, from 0 to nnz
    indices : uint16 or int32 array (nnz,), columns in [0, K), strictly increasing per row
    values : float32 or int8 array (nnz,)
    scale : float32 array (N,), required for int8 values: ``w[n, k] = values * scale[n]``
    """

    def __init__(self, shape: tuple[int, int], indptr: np.ndarray, indices: np.ndarray,
                 values: np.ndarray, scale: np.ndarray | None = None):
        self._init(shape, (1, 1), indptr, indices, values, scale)

    @classmethod
    def from_dense(cls, w: np.ndarray, mask: np.ndarray | None = None,
                   dtype=np.float32) -> CSR:
        """Keep the entries of float ``w[N, K]`` where ``mask`` (default ``w != 0``) is set.

        ``dtype=int8`` stores symmetric per-row int8 values with ``scale = max|w[n]| / 127``.
        """
        indptr, indices, values, scale = blocks_from_dense(w, (1, 1), mask, dtype)
        return cls(w.shape, indptr, indices, values.reshape(-1), scale)

    def __repr__(self) -> str:
        return (f"CSR(shape={self.shape}, nnz={self.nnz}, density={self.density:.3f}, "
                f"values={self.values.dtype}, indices={self.indices.dtype})")
