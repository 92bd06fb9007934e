"""Reshape to attribute ``shape`` (0 copies the input dim, -1 is inferred): a view, no copy."""

from pyedge.runtime.ops.spec import Bound, OpSpec
from pyedge.runtime.shapes import TensorType, divide, known, product


def target(ctx, in_shape) -> tuple:
    """The output shape for ``in_shape`` (symbolic or concrete); node error if impossible."""
    spec = ctx.ints_attr("shape")
    if spec.count(-1) > 1 or any(d < -1 for d in spec):
        raise ctx.fail(f"shape {spec} may hold one -1 and no other negative value")
    out = []
    for i, d in enumerate(spec):
        if d == 0:
            if i >= len(in_shape):
                raise ctx.fail(f"shape {spec}: 0 at position {i} but the input has rank "
                               f"{len(in_shape)}")
            out.append(in_shape[i])
        else:
            out.append(d)
    total = product(in_shape)
    if -1 in out:
        i = out.index(-1)
        rest = product([d for j, d in enumerate(out) if j != i])
        inferred = divide(total, rest)
        if inferred is None:
            if known(total) and known(rest):
                raise ctx.fail(f"cannot reshape {tuple(in_shape)} to {spec}")
            inferred = f"{ctx.node.name}.{i}"
        out[i] = inferred
    elif known(total) and known(product(out)) and total != product(out):
        raise ctx.fail(f"cannot reshape {tuple(in_shape)} ({total} elements) to {spec}")
    return tuple(out)


def _infer(ctx):
    ctx.arity(1)
    t = ctx.types[0]
    return [TensorType(t.dtype, target(ctx, t.shape))]


def _bind(ctx):
    shapes: dict[tuple, tuple] = {}  # input shape -> output shape (a few per model)

    def run(ins, outs):
        x = ins[0]
        shape = shapes.get(x.shape)
        if shape is None:
            shape = shapes[x.shape] = target(ctx, x.shape)
        return [x.reshape(shape)]

    return Bound(run, "view")


SPEC = OpSpec(_infer, _bind, view=True)
