"""Relu: y = max(x, 0)."""

import numpy as np

from pyedge.runtime.ops.spec import unary


def _run(ins, outs):
    np.maximum(ins[0], np.float32(0), out=outs[0])


SPEC = unary("relu", _run)
