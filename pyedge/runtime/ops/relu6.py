"""Relu6: y = min(max(x, 0), 6)."""

import numpy as np

from pyedge.runtime.ops.spec import unary


def _run(ins, outs):
    np.clip(ins[0], np.float32(0), np.float32(6), out=outs[0])


SPEC = unary("relu6", _run)
