"""Tensor types for inference: a dtype and a shape whose dims are ints or symbol strings.

A symbol (``"N"``, ``"batch"``) stands for a size known only at run time; products of
symbols are kept as strings such as ``"N*8"``. Inference with concrete shapes uses the same
functions, so every run-time shape is checked by the code that checked the graph at load.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

Dim = int | str


@dataclass(frozen=True)
class TensorType:
    """dtype and shape of a value in the graph (dims: int, or str for a symbolic size)."""

    dtype: np.dtype
    shape: tuple[Dim, ...]

    @property
    def ndim(self) -> int:
        return len(self.shape)

    @property
    def concrete(self) -> bool:
        return all(isinstance(d, int) for d in self.shape)

    @property
    def nbytes(self) -> int:
        """Bytes of a concrete tensor."""
        return math.prod(self.shape) * self.dtype.itemsize

    def __str__(self) -> str:
        return f"{self.dtype}[{', '.join(map(str, self.shape))}]"


def known(d: Dim) -> bool:
    return isinstance(d, int)


def product(dims) -> Dim:
    """Product of dims: an int when all are known, else a canonical string like ``"N*8"``."""
    ints = math.prod(d for d in dims if known(d))
    syms = sorted(d for d in dims if not known(d))
    if not syms or ints == 0:
        return ints
    return "*".join(syms + ([str(ints)] if ints != 1 else []))


def _factors(d: Dim) -> tuple[int, list[str]]:
    if known(d):
        return d, []
    parts = d.split("*")
    ints = [int(p) for p in parts if p.isdigit()]
    return math.prod(ints), [p for p in parts if not p.isdigit()]


def divide(total: Dim, part: Dim) -> Dim | None:
    """``total / part`` when it can be worked out exactly (symbols cancel), else None."""
    ti, ts = _factors(total)
    pi, ps = _factors(part)
    rest = list(ts)
    for s in ps:
        if s not in rest:
            return None
        rest.remove(s)
    if pi == 0 or ti % pi:
        return None
    return product([ti // pi] + rest)


def same(a: Dim, b: Dim) -> bool:
    """False only when two dims certainly differ (a symbol may equal anything)."""
    return not (known(a) and known(b)) or a == b


def broadcast(a: tuple, b: tuple) -> tuple:
    """NumPy broadcasting of two shapes; ValueError if they certainly do not broadcast."""
    out = []
    for i in range(1, max(len(a), len(b)) + 1):
        x = a[-i] if i <= len(a) else 1
        y = b[-i] if i <= len(b) else 1
        if x == 1:
            out.append(y)
        elif y == 1 or x == y:
            out.append(x)
        elif known(x) and known(y):
            raise ValueError(f"shapes {tuple(a)} and {tuple(b)} do not broadcast")
        else:
            out.append(x if known(x) else y)
    return tuple(reversed(out))


def norm_axis(axis: int, ndim: int) -> int:
    """Axis in [0, ndim); ValueError if out of range."""
    if not -ndim <= axis < ndim:
        raise ValueError(f"axis {axis} is out of range for rank {ndim}")
    return axis % ndim
