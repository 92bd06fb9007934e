"""Pow: y = a ** b for float32 (b is usually the weight 2 or 3 of decomposed norms/GELUs)."""

import numpy as np

from pyedge.runtime.ops.spec import FLOATS, OpSpec, binary

_base = binary("f32_pow", np.power)


def _infer(ctx):
    out = _base.infer(ctx)
    if out[0].dtype not in FLOATS:
        raise ctx.fail(f"Pow supports float32 inputs, got {out[0].dtype}")
    return out


SPEC = OpSpec(_infer, _base.bind)
