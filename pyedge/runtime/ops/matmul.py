"""MatMul: NumPy matmul semantics (broadcast batch dims; 1-D operands promoted)."""

import numpy as np

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, broadcast, same


def _infer(ctx):
    ctx.arity(2)
    a, b = ctx.float_input(0), ctx.float_input(1)
    if a.ndim < 1 or b.ndim < 1:
        raise ctx.fail("operands must be at least 1-D")
    sa = (1,) + a.shape if a.ndim == 1 else a.shape
    sb = b.shape + (1,) if b.ndim == 1 else b.shape
    if not same(sa[-1], sb[-2]):
        raise ctx.fail(f"inner dimensions differ: {a.shape} @ {b.shape}")
    try:
        batch = broadcast(sa[:-2], sb[:-2])
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None
    out = batch + ((sa[-2],) if a.ndim > 1 else ()) + ((sb[-1],) if b.ndim > 1 else ())
    return [TensorType(np.dtype(np.float32), out)]


def _bind(ctx):
    def run(ins, outs):
        np.matmul(ins[0], ins[1], out=outs[0])

    return Bound(run, "f32_matmul__blas")


SPEC = OpSpec(_infer, _bind)
