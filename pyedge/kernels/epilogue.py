"""Fused float epilogue shared by float GEMM/conv paths: bias, then ReLU/ReLU6/clamp, in place."""

from __future__ import annotations

import numpy as np

ACTIVATIONS = ("none", "relu", "relu6", "clamp")


def apply_epilogue(y: np.ndarray, bias: np.ndarray | None = None, activation: str = "none",
                   clamp: tuple[float, float] | None = None) -> np.ndarray:
    """Add ``bias`` (broadcast over the last axis) and apply ``activation`` to float32 ``y``.

    ``activation`` is ``none``, ``relu``, ``relu6`` or ``clamp`` (then ``clamp=(lo, hi)``).
    Works in place on ``y`` and returns it.
    """
    if not isinstance(y, np.ndarray) or y.dtype != np.float32:
        raise TypeError("y must be a float32 ndarray")
    if not y.flags.writeable:
        raise ValueError("y must be writeable (the epilogue works in place)")
    if bias is not None:
        bias = np.asarray(bias)
        if bias.dtype != np.float32 or bias.shape != (y.shape[-1],):
            raise ValueError(f"bias must be float32 of shape ({y.shape[-1]},), got "
                             f"{bias.dtype} {bias.shape}")
        y += bias
    if activation == "none":
        return y
    if activation == "relu":
        lo, hi = 0.0, None
    elif activation == "relu6":
        lo, hi = 0.0, 6.0
    elif activation == "clamp":
        if clamp is None or np.isnan(clamp[0]) or np.isnan(clamp[1]) or clamp[0] > clamp[1]:
            raise ValueError(f"activation='clamp' needs clamp=(lo, hi) with lo <= hi, "
                             f"got {clamp!r}")
        lo, hi = clamp
    else:
        raise ValueError(f"activation must be one of {ACTIVATIONS}, got {activation!r}")
    np.clip(y, lo, hi, out=y)
    return y


def gemm_f32(x: np.ndarray, w: np.ndarray, bias: np.ndarray | None = None,
             activation: str = "none", clamp: tuple[float, float] | None = None) -> np.ndarray:
    """Float GEMM ``x[M, K] @ w[N, K].T`` through NumPy's BLAS with the fused epilogue."""
    if not isinstance(x, np.ndarray) or not isinstance(w, np.ndarray):
        raise TypeError(f"x and w must be numpy.ndarray, got {type(x).__name__} and "
                        f"{type(w).__name__}")
    if x.dtype != np.float32 or w.dtype != np.float32:
        raise TypeError(f"x and w must be float32, got {x.dtype} and {w.dtype}")
    if x.ndim != 2 or w.ndim != 2 or x.shape[1] != w.shape[1]:
        raise ValueError(f"shapes x{x.shape} and w{w.shape} do not give x @ w.T")
    return apply_epilogue(x @ w.T, bias, activation, clamp)
