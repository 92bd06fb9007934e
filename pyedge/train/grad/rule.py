"""The shape of a reverse-mode rule and helpers shared by the rules (activation masks)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class GradOp:
    """``forward(xs, attrs, need) -> (y, saved)`` and ``backward(saved, gy, need) -> grads``."""

    forward: Callable
    backward: Callable


def act_bounds(attrs: dict) -> tuple[float, float] | None:
    """(lo, hi) of a fused ``activation`` attribute, or None for ``none``."""
    act = attrs.get("activation", "none")
    if act == "none":
        return None
    if act == "relu":
        return 0.0, np.inf
    if act == "relu6":
        return 0.0, 6.0
    if act == "clamp":
        lo, hi = attrs["clamp"]
        return float(lo), float(hi)
    raise ValueError(f"activation {act!r} is not one of none, relu, relu6, clamp")


def apply_act(y: np.ndarray, bounds: tuple[float, float] | None) -> np.ndarray:
    """Clamp ``y`` in place to the fused activation's bounds."""
    if bounds is not None:
        lo, hi = bounds
        if np.isfinite(hi):
            np.clip(y, lo, hi, out=y)
        else:
            np.maximum(y, lo, out=y)
    return y


def act_grad(gy: np.ndarray, y: np.ndarray, bounds: tuple[float, float] | None) -> np.ndarray:
    """``gy`` masked where the clamp was active (gradient zero at and beyond the bounds)."""
    if bounds is None:
        return gy
    lo, hi = bounds
    out = np.empty(gy.shape, gy.dtype)
    np.greater(y, lo, out=out)  # 1.0 where active (faster than boolean masks)
    if np.isfinite(hi):
        out *= y < hi
    out *= gy
    return out


def unbroadcast(g: np.ndarray, shape: tuple) -> np.ndarray:
    """Sum ``g`` over the axes NumPy broadcasting added or stretched to reach ``shape``."""
    if g.shape == tuple(shape):
        return g
    lead = g.ndim - len(shape)
    g = g.sum(axis=tuple(range(lead))) if lead else g
    axes = tuple(i for i, s in enumerate(shape) if s == 1 and g.shape[i] != 1)
    return g.sum(axis=axes, keepdims=True) if axes else g
