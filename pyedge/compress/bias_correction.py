"""Bias correction: cancel the mean output shift caused by weight quantization error."""

from __future__ import annotations

import numpy as np

from pyedge.compress.uniform import as_weights


def corrected_bias(w: np.ndarray, w_q: np.ndarray, bias: np.ndarray | None,
                   x_mean: np.ndarray) -> np.ndarray:
    """Bias that keeps the layer's mean output unchanged after quantizing its weights.

    With inputs of mean ``E[x]``, quantizing shifts the mean output by ``(Wq - W) E[x]``;
    the corrected bias subtracts that shift: ``bias' = bias - (Wq - W) E[x]``
    (Nagel et al. 2019, "Data-Free Quantization", empirical variant).

    Parameters
    ----------
    w : float ndarray [N, K], the float weights
    w_q : float ndarray [N, K], the dequantized quantized weights
    bias : float ndarray [N] or None (zeros)
    x_mean : float ndarray [K], mean calibration input row (im2col rows for a conv,
        including the zero padding the conv sees)

    Returns
    -------
    float32 ndarray [N]
    """
    w = as_weights(w)
    w_q = as_weights(w_q, "w_q")
    n, k = w.shape
    if w_q.shape != (n, k):
        raise ValueError(f"w_q must have shape {(n, k)}, got {w_q.shape}")
    x_mean = np.asarray(x_mean, dtype=np.float64)
    if x_mean.shape != (k,):
        raise ValueError(f"x_mean must have shape ({k},), got {x_mean.shape}")
    if not np.all(np.isfinite(x_mean)):
        raise ValueError("x_mean holds NaN or Inf")
    b = np.zeros(n) if bias is None else np.asarray(bias, dtype=np.float64)
    if b.shape != (n,):
        raise ValueError(f"bias must have shape ({n},), got {b.shape}")
    if not np.all(np.isfinite(b)):
        raise ValueError("bias holds NaN or Inf")
    shift = (w_q.astype(np.float64) - w.astype(np.float64)) @ x_mean  # [N]
    return (b - shift).astype(np.float32)
