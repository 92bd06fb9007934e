"""GPTQ (Frantar et al. 2022): uniform weight rounding that compensates each column's error.

Columns of ``w[N, K]`` are quantized one at a time; the rounding error of column j is spread
over the columns not yet quantized through the Cholesky factor of the inverse Hessian
``H = 2/S X^T X`` of the layer's calibration inputs, which minimizes ||(W - Wq) X^T||^2 greedily.
Updates are applied lazily per block of columns. Per-group scales are fitted when the first
column of a group is reached (on the weights as updated so far); ``act_order`` visits columns
by decreasing Hessian diagonal while groups stay contiguous in the original k order, so the
result is stored exactly like round-to-nearest (UniformQuant / Int4Grouped).
"""

from __future__ import annotations

import numpy as np

from pyedge.compress.uniform import (
    SCALE_DTYPES,
    UniformQuant,
    _check_bits,
    as_weights,
    qrange,
    row_params,
)


class Hessian:
    """Running ``H = 2/S sum_s x_s x_s^T`` (float64 ``[K, K]``) over calibration rows."""

    def __init__(self, k: int):
        if isinstance(k, bool) or not isinstance(k, int | np.integer) or k < 1:
            raise ValueError(f"k must be a positive int, got {k!r}")
        self.matrix = np.zeros((int(k), int(k)), np.float64)
        self.count = 0

    def update(self, x: np.ndarray) -> Hessian:
        """Add calibration rows ``x[S, K]`` (im2col rows for a conv); returns self."""
        if not isinstance(x, np.ndarray) or x.dtype.kind not in "fiu":
            raise TypeError("x must be a numeric numpy.ndarray [S, K]")
        if x.ndim != 2 or x.shape[1] != self.matrix.shape[0]:
            raise ValueError(f"x must have shape [S, {self.matrix.shape[0]}], got {x.shape}")
        x = x.astype(np.float64)
        if not np.all(np.isfinite(x)):
            raise ValueError("x holds NaN or Inf")
        s = x.shape[0]
        if s == 0:
            return self
        total = self.count + s
        self.matrix *= self.count / total
        self.matrix += (2.0 / total) * (x.T @ x)
        self.count = total
        return self


def hessian(x: np.ndarray) -> np.ndarray:
    """``H = 2/S X^T X`` (float64 ``[K, K]``) of calibration rows ``x[S, K]``.

    For many batches use :class:`Hessian` (``Hessian(K).update(x1).update(x2).matrix``).
    """
    if not isinstance(x, np.ndarray) or x.ndim != 2:
        raise ValueError("x must be a 2-D numpy.ndarray [S, K]")
    return Hessian(x.shape[1]).update(x).matrix


def _inverse_cholesky(h: np.ndarray, damp: float) -> np.ndarray:
    """Upper Cholesky factor U of the damped inverse Hessian (H + d I)^-1 = U^T U."""
    h = h.copy()
    diag = np.arange(h.shape[0])
    h[diag, diag] += damp * np.mean(np.diag(h))
    try:
        return np.linalg.cholesky(np.linalg.inv(h)).T
    except np.linalg.LinAlgError:
        raise ValueError("Hessian is not positive definite after damping; raise damp") from None


def gptq(w: np.ndarray, h: np.ndarray, bits: int, *, group_size: int | None = None,
         symmetric: bool = True, block: int = 128, damp: float = 0.01, act_order: bool = False,
         axis: str = "channel", clip: str = "minmax", scale_dtype: str = "float32"
         ) -> UniformQuant:
    """Quantize ``w[N, K]`` with GPTQ error compensation.

    Parameters
    ----------
    w : float ndarray [N, K], finite
    h : float ndarray [K, K], the Hessian of :func:`hessian`
    bits : 2..8
    group_size : scales per output row and group of consecutive k (dividing K); None for
        per-channel (or per-tensor with ``axis="tensor"``) scales fitted on ``w`` up front
    symmetric, clip, scale_dtype : as :func:`~pyedge.compress.uniform.quantize_uniform`
    block : columns per lazy-update block
    damp : added to the Hessian diagonal as a fraction of its mean
    act_order : visit columns by decreasing Hessian diagonal

    Returns
    -------
    UniformQuant
        With a diagonal Hessian (uncorrelated inputs) no error is propagated and the result
        equals round-to-nearest bit for bit.
    """
    w = as_weights(w)
    bits = _check_bits(bits)
    n, k = w.shape
    if not isinstance(h, np.ndarray) or h.shape != (k, k) or h.dtype.kind != "f":
        raise ValueError(f"h must be a float ndarray of shape ({k}, {k})")
    if not np.all(np.isfinite(h)):
        raise ValueError("h holds NaN or Inf")
    if not (isinstance(block, int | np.integer) and block >= 1):
        raise ValueError(f"block must be a positive int, got {block!r}")
    if not (np.isfinite(damp) and damp >= 0):
        raise ValueError(f"damp must be finite and >= 0, got {damp!r}")
    if axis not in ("tensor", "channel"):
        raise ValueError(f"axis must be 'tensor' or 'channel', got {axis!r}")
    if scale_dtype not in SCALE_DTYPES:
        raise ValueError(f"scale_dtype must be one of {SCALE_DTYPES}, got {scale_dtype!r}")
    if group_size is not None:
        if (isinstance(group_size, bool) or not isinstance(group_size, int | np.integer)
                or group_size < 1 or k % group_size):
            raise ValueError(f"group_size must be a positive int dividing K={k}, "
                             f"got {group_size!r}")
        if axis == "tensor":
            raise ValueError("group_size needs axis='channel'")
    qmin, qmax = qrange(bits, symmetric)
    gs = int(group_size) if group_size is not None else k
    ngroups = k // gs
    opts = dict(symmetric=symmetric, clip=clip, scale_dtype=scale_dtype)

    h = np.array(h, np.float64)
    dead = np.diag(h) == 0
    h[dead, dead] = 1.0  # inputs that are always zero: their columns are rounded, no spill
    perm = np.argsort(-np.diag(h), kind="stable") if act_order else np.arange(k)
    pos = np.empty(k, np.intp)
    pos[perm] = np.arange(k)  # pos[original k] = visiting position
    hinv = _inverse_cholesky(h[np.ix_(perm, perm)], float(damp))
    wp = w[:, perm].astype(np.float64)  # [N, K] in visiting order

    scale = np.zeros((n, ngroups), np.float32)
    zp = np.zeros((n, ngroups), np.int32)
    fitted = np.zeros(ngroups, bool)
    if group_size is None:
        rows = w.reshape(1, -1) if axis == "tensor" else w
        s, z = row_params(rows, bits, **opts)
        scale[:], zp[:] = s.reshape(-1, 1), z.reshape(-1, 1)
        fitted[:] = True
    q = np.empty((n, k), np.int8)
    for i1 in range(0, k, block):
        i2 = min(i1 + block, k)
        w1 = wp[:, i1:i2].copy()
        err1 = np.zeros((n, i2 - i1))
        h1 = hinv[i1:i2, i1:i2]
        for i in range(i2 - i1):
            g = perm[i1 + i] // gs
            if not fitted[g]:
                members = pos[g * gs:(g + 1) * gs]  # visiting positions, all >= i1 + i
                cur = np.empty((n, gs))
                inb = members < i2
                cur[:, inb] = w1[:, members[inb] - i1]
                out = members[~inb]
                cur[:, ~inb] = wp[:, out] - err1[:, :i] @ hinv[i1:i1 + i, out]
                s, z = row_params(cur.astype(np.float32), bits, **opts)
                scale[:, g], zp[:, g] = s, z
                fitted[g] = True
            s, z = scale[:, g], zp[:, g]
            col = w1[:, i]
            qi = np.clip(np.rint(col.astype(np.float32) / s) + z, qmin, qmax)
            q[:, i1 + i] = qi
            e = (col - (qi - z).astype(np.float64) * s) / h1[i, i]
            w1[:, i:] -= np.outer(e, h1[i, i:])
            err1[:, i] = e
        wp[:, i2:] -= err1 @ hinv[i1:i2, i2:]
    if group_size is None and axis == "tensor":
        scale, zp = scale[:1, :1], zp[:1, :1]
    return UniformQuant(np.ascontiguousarray(q[:, pos]), scale, zp, bits,
                        int(group_size) if group_size is not None else None, bool(symmetric))
