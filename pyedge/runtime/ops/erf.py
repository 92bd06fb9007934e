"""Erf: the error function, float32 (NumPy has none; SciPy is not a runtime dependency).

Abramowitz & Stegun 7.1.26, evaluated in float64: |error| <= 1.5e-7.
"""

import numpy as np

from pyedge.runtime.ops.spec import unary

P = 0.3275911
A = (1.061405429, -1.453152027, 1.421413741, -0.284496736, 0.254829592)


def erf(x: np.ndarray, out: np.ndarray) -> np.ndarray:
    """Write erf(x) to ``out`` (float32)."""
    ax = np.abs(x, dtype=np.float64)
    t = 1.0 / (1.0 + P * ax)
    poly = A[0]
    for a in A[1:]:
        poly = poly * t + a
    y = 1.0 - poly * t * np.exp(-ax * ax)
    np.copysign(y, x, out=out, casting="same_kind")
    return out


def _run(ins, outs):
    erf(ins[0], outs[0])


SPEC = unary("erf", _run)
