"""HardSigmoid: y = clip(alpha * x + beta, 0, 1) (defaults alpha=0.2, beta=0.5)."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec, clamp, same_as_input


def _bind(ctx):
    alpha = np.float32(ctx.float_attr("alpha", 0.2))
    beta = np.float32(ctx.float_attr("beta", 0.5))

    def run(ins, outs):
        y = outs[0]
        np.multiply(ins[0], alpha, out=y)
        y += beta
        clamp(y, np.float32(0), np.float32(1), y)

    return Bound(run, "f32_hard_sigmoid__numpy")


SPEC = OpSpec(same_as_input, _bind)
