"""GlobalAveragePool on NHWC: mean over the spatial axes 1..-2, kept as size 1."""


from pyedge.runtime.ops.spec import Bound, OpSpec, mean
from pyedge.runtime.shapes import TensorType


def _infer(ctx):
    ctx.arity(1)
    t = ctx.float_input(0)
    if t.ndim < 3:
        raise ctx.fail(f"needs an NHWC input of rank >= 3, got {t}")
    return [TensorType(t.dtype, (t.shape[0],) + (1,) * (t.ndim - 2) + (t.shape[-1],))]


def _bind(ctx):
    axes = tuple(range(1, ctx.types[0].ndim - 1))

    def run(ins, outs):
        mean(ins[0], axes, True, outs[0])

    return Bound(run, "f32_global_average_pool__numpy")


SPEC = OpSpec(_infer, _bind)
