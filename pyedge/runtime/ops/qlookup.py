"""QLookup: 8-bit -> 8-bit per-channel table, y[..., c] = table[c, x[..., c]] (channels last).

Inputs: x (uint8/int8 [..., C]) and a weight ``table`` (uint8/int8 [C, 256], or [1, 256] for
one table for every channel; int8 codes index by their byte). The ONNX importer folds QDQ
chains such as DequantizeLinear -> BatchNormalization -> QuantizeLinear into it.
"""

import numpy as np

from pyedge import config
from pyedge.kernels import registry
from pyedge.kernels.qlut import FAMILY
from pyedge.runtime.ops.quant_params import QDTYPES
from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, known


def _check(ctx):
    ctx.arity(2)
    x = ctx.types[0]
    if x.dtype not in QDTYPES or x.ndim < 1:
        raise ctx.fail(f"input must be uint8/int8 with a channel axis, got {x}")
    table = ctx.const(1, "table")
    c = x.shape[-1]
    if (table.dtype not in QDTYPES or table.ndim != 2 or table.shape[1] != 256
            or (table.shape[0] != 1 and known(c) and table.shape[0] != c)):
        raise ctx.fail(f"table must be uint8/int8 [C, 256] or [1, 256] with C={c}, got "
                       f"{table.dtype}{list(table.shape)}")
    return TensorType(table.dtype, x.shape), table


def _infer(ctx):
    return [_check(ctx)[0]]


def _bind(ctx):
    _, table = _check(ctx)
    table = np.ascontiguousarray(table).view(np.uint8)
    kern = registry.resolve(FAMILY, None)  # the shapes were checked: call the kernel directly
    run_kernel = kern.run

    def run(ins, outs):
        x = ins[0]
        c = x.shape[-1]
        if x.size:
            run_kernel(x.view(np.uint8).reshape(-1, c), table,
                       outs[0].view(np.uint8).reshape(-1, c), config.get_num_threads())

    return Bound(run, kern.name)


SPEC = OpSpec(_infer, _bind)
