"""What an op provides (inference + binding) and the context a node is checked and bound in.

Each op module defines ``SPEC = OpSpec(infer, bind)``. ``infer(ctx)`` returns the output
types (symbolic or concrete) or raises through ``ctx.fail``; ``bind(ctx)`` runs once at load
and returns a :class:`Bound` whose ``run(ins, outs)`` writes into preallocated ``outs``
(or, for view ops, returns views of its input and receives ``outs=None``).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from pyedge.runtime.errors import GraphError
from pyedge.runtime.graph import Node
from pyedge.runtime.shapes import TensorType, broadcast

FLOATS = (np.dtype(np.float32),)
_REQUIRED = object()


@dataclass(frozen=True)
class Bound:
    """A node bound to one kernel: ``run(ins, outs)`` and the kernel's name."""

    run: Callable
    kernel: str


@dataclass(frozen=True)
class OpSpec:
    """Shape/dtype inference and binding of one op; ``view`` ops return views of input 0."""

    infer: Callable[[NodeCtx], list[TensorType]]
    bind: Callable[[NodeCtx], Bound]
    view: bool = False


class NodeCtx:
    """A node with the types of its inputs and the values of those that are weights."""

    def __init__(self, node: Node, types: list[TensorType | None],
                 consts: list[np.ndarray | None]):
        self.node = node
        self.types = types
        self.consts = consts

    def fail(self, msg: str) -> GraphError:
        return GraphError(f"{self.node}: {msg}")

    def arity(self, lo: int, hi: int | None = None, outputs: int | None = 1) -> None:
        n = len(self.node.inputs)
        hi = lo if hi is None else hi
        if not lo <= n <= hi:
            want = lo if lo == hi else f"{lo} to {hi}"
            raise self.fail(f"takes {want} inputs, got {n}")
        if outputs is not None and len(self.node.outputs) != outputs:
            raise self.fail(f"produces {outputs} output(s), got {len(self.node.outputs)}")
        for i in range(lo):
            if self.types[i] is None:
                raise self.fail(f"input #{i} is required")

    def type(self, i: int) -> TensorType | None:
        return self.types[i] if i < len(self.types) else None

    def const(self, i: int, what: str, required: bool = True) -> np.ndarray | None:
        """The weight at input ``i``; a node error if it is missing or not a weight."""
        if i >= len(self.consts) or (self.types[i] is None):
            if required:
                raise self.fail(f"{what} (input #{i}) is required")
            return None
        value = self.consts[i]
        if value is None:
            raise self.fail(f"{what} (input #{i}, {self.node.inputs[i]!r}) must be a weight, "
                            f"not a computed value")
        return value

    def attr(self, name: str, default=_REQUIRED, kind: type | tuple = (int, float, str, list)):
        value = self.node.attrs.get(name, default)
        if value is _REQUIRED:
            raise self.fail(f"attribute {name!r} is required")
        if value is not default and (isinstance(value, bool) or not isinstance(value, kind)):
            raise self.fail(f"attribute {name}={value!r} has the wrong type")
        return value

    def int_attr(self, name: str, default=_REQUIRED) -> int:
        return self.attr(name, default, int)

    def float_attr(self, name: str, default=_REQUIRED) -> float:
        return float(self.attr(name, default, (int, float)))

    def ints_attr(self, name: str, default=_REQUIRED) -> list[int] | None:
        value = self.attr(name, default, list)
        if value is not None and not all(isinstance(v, int) and not isinstance(v, bool)
                                         for v in value):
            raise self.fail(f"attribute {name}={value!r} must be a list of ints")
        return value

    def float_input(self, i: int = 0) -> TensorType:
        t = self.type(i)
        if t is None:
            raise self.fail(f"input #{i} is required")
        if t.dtype not in FLOATS:
            raise self.fail(f"input {self.node.inputs[i]!r} must be float32, got {t.dtype}")
        return t


def same_as_input(ctx: NodeCtx) -> list[TensorType]:
    """Inference of elementwise float ops with one input."""
    ctx.arity(1)
    return [ctx.float_input(0)]


def unary(token: str, run: Callable) -> OpSpec:
    """An elementwise float32 op ``run(ins, outs)`` named ``f32_<token>__numpy``."""
    return OpSpec(same_as_input, lambda ctx: Bound(run, f"f32_{token}__numpy"))


def _infer_binary(ctx: NodeCtx) -> list[TensorType]:
    ctx.arity(2)
    a, b = ctx.types
    if a.dtype != b.dtype:
        raise ctx.fail(f"inputs have different dtypes {a.dtype} and {b.dtype}")
    try:
        return [TensorType(a.dtype, broadcast(a.shape, b.shape))]
    except ValueError as exc:
        raise ctx.fail(str(exc)) from None


def binary(token: str, ufunc: np.ufunc) -> OpSpec:
    """A broadcasting elementwise op with two inputs of one dtype."""

    def run(ins, outs):
        ufunc(ins[0], ins[1], out=outs[0])

    return OpSpec(_infer_binary, lambda ctx: Bound(run, f"{token}__numpy"))


def clamp(x: np.ndarray, lo, hi, out: np.ndarray) -> np.ndarray:
    """``out = min(max(x, lo), hi)`` with two ufunc calls (np.clip's wrapper costs more)."""
    np.maximum(x, lo, out=out)
    return np.minimum(out, hi, out=out)


def mean(x: np.ndarray, axes: tuple, keepdims: bool = True, out=None) -> np.ndarray:
    """``np.mean`` over ``axes`` (same float32 pairwise sum, then a divide), minus its wrapper."""
    total = np.add.reduce(x, axis=axes, keepdims=keepdims, out=out)
    count = 1
    for a in axes:
        count *= x.shape[a]
    return np.divide(total, x.dtype.type(count) if count else np.nan, out=total)
