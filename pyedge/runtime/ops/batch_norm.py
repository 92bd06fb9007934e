"""BatchNormalization (inference) on the last axis (NHWC channels), folded to y = x * a + b."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec


def _folded(ctx):
    ctx.arity(5)
    c = ctx.types[0].shape[-1]
    scale, bias, mean, var = (ctx.const(i, what) for i, what in
                              enumerate(("scale", "B", "mean", "var"), start=1))
    for p, what in ((scale, "scale"), (bias, "B"), (mean, "mean"), (var, "var")):
        if p.dtype != np.float32 or p.shape != (c,):
            raise ctx.fail(f"{what} must be float32 of shape ({c},) (channels last)")
    eps = ctx.float_attr("epsilon", 1e-5)
    a = (scale / np.sqrt(var.astype(np.float64) + eps)).astype(np.float32)
    return a, (bias - mean * a).astype(np.float32)


def _infer(ctx):
    _folded(ctx)
    return [ctx.float_input(0)]


def _bind(ctx):
    a, b = _folded(ctx)

    def run(ins, outs):
        np.multiply(ins[0], a, out=outs[0])
        outs[0] += b

    return Bound(run, "f32_batch_norm__numpy")


SPEC = OpSpec(_infer, _bind)
