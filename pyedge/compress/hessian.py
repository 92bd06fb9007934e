# The layer-wise Hessian H = X^T X of calibration activations (GPTQ / SparseGPT proxy loss).
"""``hessian(x)``: the Hessian of the layer reconstruction loss ``||W X^T - W' X^T||^2``.

For a linear layer ``y = x @ w.T`` the loss is quadratic in each weight row with Hessian
``2 X^T X``; the factor 2 cancels in every use, so :func:`hessian` returns ``X^T X`` in
float64. It is a plain sum over rows, hence accumulable:
``hessian(x1) + hessian(x2) == hessian(np.concatenate([x1, x2]))``.
"""

from __future__ import annotations

import numpy as np


def hessian(x: np.ndarray, *, out: np.ndarray | None = None) -> np.ndarray:
    """``X^T X`` (float64 ``[K, K]``) of calibration rows ``x[S, K]``.

    Parameters
    ----------
    x : float ndarray ``[S, K]`` (im2col rows in OHWI order for a convolution), or N-D with K
        last (leading axes are flattened into rows)
    out : float64 ``[K, K]`` to accumulate into (``out += X^T X``), optional

    Returns
    -------
    ``out`` (or a new array) holding the sum of outer products of the rows
    """
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy.ndarray, got {type(x).__name__}")
    if not np.issubdtype(x.dtype, np.floating):
        raise TypeError(f"x must be a float array, got {x.dtype}")
    if x.ndim < 2 or x.shape[-1] == 0:
        raise ValueError(f"x must be [S, K] with K >= 1, got shape {x.shape}")
    if not np.all(np.isfinite(x)):
        raise ValueError("x holds NaN or Inf")
    rows = x.reshape(-1, x.shape[-1]).astype(np.float64)  # [S, K]
    h = rows.T @ rows
    if out is None:
        return h
    if not isinstance(out, np.ndarray) or out.dtype != np.float64 or out.shape != h.shape:
        raise ValueError(f"out must be a float64 array of shape {h.shape}")
    out += h
    return out
