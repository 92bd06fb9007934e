"""HardSwish: y = x * clip(x / 6 + 1/2, 0, 1)."""

import numpy as np

from pyedge.runtime.ops.spec import clamp, unary

SIXTH = np.float32(1 / 6)


def _run(ins, outs):
    x, y = ins[0], outs[0]
    np.multiply(x, SIXTH, out=y)
    y += np.float32(0.5)
    clamp(y, np.float32(0), np.float32(1), y)
    y *= x


SPEC = unary("hard_swish", _run)
