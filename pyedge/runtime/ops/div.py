"""Div: y = a / b for float32 inputs with NumPy broadcasting."""

import numpy as np

from pyedge.runtime.ops.spec import FLOATS, OpSpec, binary

_base = binary("div", np.true_divide)


def _infer(ctx):
    out = _base.infer(ctx)
    if out[0].dtype not in FLOATS:
        raise ctx.fail(f"Div supports float32 inputs, got {out[0].dtype}")
    return out


SPEC = OpSpec(_infer, _base.bind)
