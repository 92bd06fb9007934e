"""Cast to attribute ``to`` (a dtype name such as "float32" or "int64")."""

import numpy as np

from pyedge.runtime.graph import DTYPES
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType


def _to(ctx):
    to = ctx.attr("to", kind=str)
    if to not in DTYPES:
        raise ctx.fail(f"to={to!r} is not one of {DTYPES}")
    return np.dtype(to)


def _infer(ctx):
    ctx.arity(1)
    return [TensorType(_to(ctx), ctx.types[0].shape)]


def _bind(ctx):
    def run(ins, outs):
        np.copyto(outs[0], ins[0], casting="unsafe")

    return Bound(run, f"cast_{_to(ctx).name}__numpy")


SPEC = OpSpec(_infer, _bind)
