"""LeakyRelu: y = x if x >= 0 else alpha * x (attribute ``alpha``, default 0.01)."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec, same_as_input


def _bind(ctx):
    alpha = np.float32(ctx.float_attr("alpha", 0.01))

    def run(ins, outs):
        x, y = ins[0], outs[0]
        np.multiply(x, alpha, out=y)
        if alpha <= 1:  # alpha * x is then the smaller value exactly where x < 0
            np.maximum(x, y, out=y)
        else:
            np.minimum(x, y, out=y)

    return Bound(run, "f32_leaky_relu__numpy")


SPEC = OpSpec(same_as_input, _bind)
