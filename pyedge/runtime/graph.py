"""Graph IR: named inputs and outputs, nodes in topological order, JSON (de)serialisation.

JSON form (stored in the .pedge metadata)::

    {"inputs":  [{"name": "x", "dtype": "float32", "shape": ["N", 16]}],
     "outputs": ["y"],
     "nodes":   [{"name": "fc", "op": "Gemm", "inputs": ["x", "fc.w", "fc.b"],
                  "outputs": ["y"], "attrs": {"transB": 1}}]}

Node inputs name graph inputs, weights (tensors of the file) or outputs of earlier nodes;
``""`` marks an absent optional input. Every value is produced exactly once.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import numpy as np

from pyedge.runtime.errors import GraphError
from pyedge.runtime.shapes import TensorType

DTYPES = ("float32", "float16", "float64", "int8", "uint8", "int16", "uint16", "int32",
          "uint32", "int64", "uint64", "bool")


@dataclass(frozen=True)
class ValueInfo:
    """A graph input or output: name, dtype and shape (ints, or strings for symbolic dims)."""

    name: str
    dtype: np.dtype
    shape: tuple

    @property
    def type(self) -> TensorType:
        return TensorType(self.dtype, self.shape)


@dataclass(frozen=True)
class Node:
    """One operation: ``outputs = op(inputs; attrs)``."""

    name: str
    op: str
    inputs: tuple[str, ...]
    outputs: tuple[str, ...]
    attrs: dict = field(default_factory=dict, compare=False)

    def __str__(self) -> str:
        return f"node {self.name!r} ({self.op})"


@dataclass
class Graph:
    """Inputs, outputs (names) and nodes in topological order."""

    inputs: list[ValueInfo]
    outputs: list[str]
    nodes: list[Node]

    def to_json(self) -> dict:
        return {
            "inputs": [{"name": v.name, "dtype": v.dtype.name, "shape": list(v.shape)}
                       for v in self.inputs],
            "outputs": list(self.outputs),
            "nodes": [{"name": n.name, "op": n.op, "inputs": list(n.inputs),
                       "outputs": list(n.outputs), "attrs": n.attrs} for n in self.nodes],
        }

    @classmethod
    def from_json(cls, doc) -> Graph:
        """Parse and structurally check a JSON graph; GraphError naming the fault."""
        if not isinstance(doc, dict) or set(doc) != {"inputs", "outputs", "nodes"}:
            raise GraphError("graph must be an object with keys inputs, outputs, nodes")
        inputs = [_value_info(v) for v in _list(doc["inputs"], "graph inputs")]
        outputs = _list(doc["outputs"], "graph outputs")
        if not all(isinstance(o, str) and o for o in outputs):
            raise GraphError("graph outputs must be non-empty strings")
        nodes = [_node(i, n) for i, n in enumerate(_list(doc["nodes"], "graph nodes"))]
        return cls(inputs, list(outputs), nodes)

    def check(self, weights: Iterable[str], known_ops: Iterable[str]) -> None:
        """Names resolve in topological order, single assignment, ops known, unique names."""
        known_ops = set(known_ops)
        unknown = [f"{n.op} ({n.name})" for n in self.nodes if n.op not in known_ops]
        if unknown:
            raise GraphError(f"unsupported ops: {', '.join(unknown)}")
        defined = set(weights)
        for v in self.inputs:
            if v.name in defined:
                raise GraphError(f"graph input {v.name!r} is defined twice")
            defined.add(v.name)
        names = set()
        for n in self.nodes:
            if n.name in names:
                raise GraphError(f"two nodes are named {n.name!r}")
            names.add(n.name)
            for x in n.inputs:
                if x and x not in defined:
                    raise GraphError(f"{n}: input {x!r} is not a graph input, a weight or "
                                     f"the output of an earlier node")
            for y in n.outputs:
                if not y or y in defined:
                    raise GraphError(f"{n}: output {y!r} is empty or already defined")
                defined.add(y)
        for o in self.outputs:
            if o not in defined:
                raise GraphError(f"graph output {o!r} is never produced")
        if len(set(self.outputs)) != len(self.outputs):
            raise GraphError("graph outputs must be distinct")


def _list(x, what: str) -> list:
    if not isinstance(x, list):
        raise GraphError(f"{what} must be a list")
    return x


def _value_info(v) -> ValueInfo:
    if not isinstance(v, dict) or set(v) != {"name", "dtype", "shape"}:
        raise GraphError(f"graph input {v!r} must have keys name, dtype, shape")
    name, dtype, shape = v["name"], v["dtype"], v["shape"]
    if not isinstance(name, str) or not name:
        raise GraphError(f"graph input name must be a non-empty string, got {name!r}")
    if dtype not in DTYPES:
        raise GraphError(f"graph input {name!r}: dtype {dtype!r} is not one of {DTYPES}")
    if not isinstance(shape, list) or not all(
            (isinstance(d, int) and not isinstance(d, bool) and d >= 0)
            or (isinstance(d, str) and d) for d in shape):
        raise GraphError(f"graph input {name!r}: shape must list ints >= 0 or symbol names, "
                         f"got {shape!r}")
    return ValueInfo(name, np.dtype(dtype), tuple(shape))


def _node(i: int, n) -> Node:
    keys = {"name", "op", "inputs", "outputs", "attrs"}
    if not isinstance(n, dict) or set(n) != keys:
        raise GraphError(f"graph node #{i} must have keys {sorted(keys)}")
    name, op = n["name"], n["op"]
    if not isinstance(name, str) or not name or not isinstance(op, str):
        raise GraphError(f"graph node #{i}: name and op must be non-empty strings")
    ins, outs = n["inputs"], n["outputs"]
    if not (isinstance(ins, list) and all(isinstance(x, str) for x in ins)):
        raise GraphError(f"node {name!r} ({op}): inputs must be a list of strings")
    if not (isinstance(outs, list) and outs and all(isinstance(x, str) for x in outs)):
        raise GraphError(f"node {name!r} ({op}): outputs must be a non-empty list of strings")
    if not isinstance(n["attrs"], dict):
        raise GraphError(f"node {name!r} ({op}): attrs must be an object")
    return Node(name, op, tuple(ins), tuple(outs), dict(n["attrs"]))
