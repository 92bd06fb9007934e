"""Tanh: y = tanh(x)."""

import numpy as np

from pyedge.runtime.ops.spec import unary


def _run(ins, outs):
    np.tanh(ins[0], out=outs[0])


SPEC = unary("tanh", _run)
