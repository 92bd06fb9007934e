"""Sqrt: y = sqrt(x)."""

import numpy as np

from pyedge.runtime.ops.spec import unary


def _run(ins, outs):
    np.sqrt(ins[0], out=outs[0])


SPEC = unary("sqrt", _run)
