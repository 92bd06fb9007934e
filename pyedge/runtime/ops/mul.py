"""Mul: y = a * b with NumPy broadcasting."""

import numpy as np

from pyedge.runtime.ops.spec import binary

SPEC = binary("mul", np.multiply)
