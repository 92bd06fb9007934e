"""Sigmoid: y = 1 / (1 + exp(-x)), overflow-free."""

import numpy as np

from pyedge.runtime.ops.spec import unary


def _run(ins, outs):
    x, y = ins[0], outs[0]
    # exp(-|x|) never overflows; sigmoid(x) = 1/(1+e) for x >= 0, e/(1+e) for x < 0
    np.abs(x, out=y)
    np.negative(y, out=y)
    np.exp(y, out=y)
    e = np.where(x < 0, y, np.float32(1))
    np.add(y, np.float32(1), out=y)
    np.divide(e, y, out=y)


SPEC = unary("sigmoid", _run)
