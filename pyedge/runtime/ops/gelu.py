"""Gelu: x * Phi(x); attribute ``approximate`` = "none" (erf) or "tanh"."""

import numpy as np

from pyedge.runtime.ops.erf import erf
from pyedge.runtime.ops.spec import Bound, OpSpec, same_as_input

SQRT_HALF = np.float32(np.sqrt(0.5))
SQRT_2_OVER_PI = np.float32(np.sqrt(2 / np.pi))


def _exact(ins, outs):
    x, y = ins[0], outs[0]
    np.multiply(x, SQRT_HALF, out=y)
    erf(y, y)
    y += np.float32(1)
    y *= x
    y *= np.float32(0.5)


def _tanh(ins, outs):
    x, y = ins[0], outs[0]
    np.multiply(x, x, out=y)
    y *= np.float32(0.044715)
    y += np.float32(1)
    y *= x
    y *= SQRT_2_OVER_PI
    np.tanh(y, out=y)
    y += np.float32(1)
    y *= x
    y *= np.float32(0.5)


def _infer(ctx):
    if ctx.attr("approximate", "none", str) not in ("none", "tanh"):
        raise ctx.fail("attribute approximate must be 'none' or 'tanh'")
    return same_as_input(ctx)


def _bind(ctx):
    if ctx.attr("approximate", "none", str) == "tanh":
        return Bound(_tanh, "f32_gelu_tanh__numpy")
    return Bound(_exact, "f32_gelu__numpy")


SPEC = OpSpec(_infer, _bind)
