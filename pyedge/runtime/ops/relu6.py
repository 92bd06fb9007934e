"""Relu6: y = min(max(x, 0), 6)."""

import numpy as np

from pyedge.runtime.ops.spec import clamp, unary


def _run(ins, outs):
    clamp(ins[0], np.float32(0), np.float32(6), outs[0])


SPEC = unary("relu6", _run)
