"""GraphBuilder: build a model in Python (no ONNX needed), then run it or save a .pedge file."""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

import pyedge.format as pedge_format
from pyedge.runtime.errors import GraphError
from pyedge.runtime.graph import DTYPES, Graph, Node, ValueInfo
from pyedge.runtime.session import Model


def _json_attr(node: str, key: str, value):
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int | float | str):
        return value
    if isinstance(value, list | tuple | np.ndarray):
        return [_json_attr(node, key, v) for v in value]
    raise TypeError(f"node {node!r}: attribute {key} must be a number, string or list, got "
                    f"{type(value).__name__}")


class GraphBuilder:
    """Build a graph node by node.

    Examples
    --------
    >>> b = GraphBuilder()
    >>> x = b.input("x", "float32", ("N", 16))
    >>> h = b.node("Linear", [x, np.ones((8, 16), np.float32)], activation="relu")
    >>> b.output(b.node("Softmax", [h], axis=-1))
    >>> model = b.build()          # or b.save("model.pedge")
    """

    def __init__(self):
        self.weights: dict[str, np.ndarray] = {}
        self._inputs: list[ValueInfo] = []
        self._nodes: list[Node] = []
        self._outputs: list[str] = []
        self._names: set[str] = set()  # values (inputs, weights, node outputs)
        self._node_names: set[str] = set()

    def _claim(self, name: str) -> str:
        if not isinstance(name, str) or not name:
            raise ValueError(f"names must be non-empty strings, got {name!r}")
        if name in self._names:
            raise ValueError(f"name {name!r} is already used in this graph")
        self._names.add(name)
        return name

    def _fresh(self, stem: str) -> str:
        k = 0
        while f"{stem}_{k}" in self._names or f"{stem}_{k}" in self._node_names:
            k += 1
        return f"{stem}_{k}"

    def input(self, name: str, dtype="float32", shape: Sequence = ("N",)) -> str:
        """Declare a graph input; dims are ints or symbol names (``"N"`` for the batch)."""
        dt = np.dtype(dtype)
        if dt.name not in DTYPES:
            raise TypeError(f"input {name!r}: dtype {dt} is not one of {DTYPES}")
        self._inputs.append(ValueInfo(self._claim(name), dt, tuple(shape)))
        return name

    def weight(self, name: str, value: np.ndarray) -> str:
        """Add a weight tensor (stored in the file under ``name``)."""
        if not isinstance(value, np.ndarray):
            raise TypeError(f"weight {name!r} must be a numpy.ndarray")
        self.weights[self._claim(name)] = value
        return name

    def node(self, op: str, inputs: Sequence, *, name: str | None = None,
             outputs: int | Sequence[str] = 1, **attrs) -> str | tuple[str, ...]:
        """Append ``op`` reading ``inputs`` (value names, ndarrays added as weights, or None
        for an absent optional input); return its output name (a tuple if several)."""
        if name is None:
            name = self._fresh(op.lower())
        elif not isinstance(name, str) or not name or name in self._node_names:
            raise ValueError(f"node name {name!r} is empty or already used")
        self._node_names.add(name)
        names = []
        for i, x in enumerate(inputs):
            if x is None:
                names.append("")
            elif isinstance(x, np.ndarray):
                names.append(self.weight(f"{name}.{i}", x))
            else:
                names.append(x)
        if isinstance(outputs, int):
            outs = [name] if outputs == 1 else [f"{name}:{i}" for i in range(outputs)]
            outs = [self._claim(o) for o in outs]
        else:
            outs = [self._claim(o) for o in outputs]
        attrs = {k: _json_attr(name, k, v) for k, v in attrs.items() if v is not None}
        self._nodes.append(Node(name, op, tuple(names), tuple(outs), attrs))
        return outs[0] if len(outs) == 1 else tuple(outs)

    def linear_encoded(self, x: str, w, bias: np.ndarray | None = None, *,
                       name: str | None = None, **attrs) -> str:
        """Append ``y = act(x @ w.T + bias)`` with weight-only encoded ``w[N, K]``.

        ``w`` is a pyedge.tensors Int4Grouped, Codebook, CSR or BSR; its fields are stored as
        plain tensors ``{name}.w.<field>`` in canonical layout (LinearInt4, LinearCodebook or
        LinearSparse node). ``attrs``: activation/clamp, and activations="qd8" for int4.
        """
        from pyedge.tensors import BSR, CSR, Codebook, Int4Grouped

        name = self._fresh("linear") if name is None else name
        if isinstance(w, Int4Grouped):
            op, fields, extra = "LinearInt4", {"q": w.q, "scale": w.scale}, {
                "group_size": w.group_size}
        elif isinstance(w, Codebook):
            op, fields, extra = "LinearCodebook", {"indices": w.indices, "levels": w.levels}, {
                "bits": w.bits, "k": w.shape[1]}
        elif isinstance(w, CSR | BSR):
            op, fields = "LinearSparse", {"indptr": w.indptr, "indices": w.indices,
                                          "values": w.values, "scale": w.scale}
            extra = {"k": w.shape[1], "block": list(w.block)}
        else:
            raise TypeError(f"w must be Int4Grouped, Codebook, CSR or BSR, got "
                            f"{type(w).__name__}")
        ins = [x] + [None if v is None else self.weight(f"{name}.w.{f}", np.asarray(v))
                     for f, v in fields.items()]
        if bias is not None:
            ins.append(self.weight(f"{name}.b", np.ascontiguousarray(bias, dtype=np.float32)))
        return self.node(op, ins, name=name, **extra, **attrs)

    def output(self, *names: str) -> None:
        """Mark values as graph outputs (in order)."""
        self._outputs.extend(names)

    def graph(self) -> Graph:
        if not self._outputs:
            raise GraphError("the graph has no outputs; call GraphBuilder.output()")
        return Graph(list(self._inputs), list(self._outputs), list(self._nodes))

    def build(self) -> Model:
        """The in-memory Model (checked, inferred and bound exactly as :func:`load` does)."""
        return Model(self.graph(), self.weights)

    def save(self, path: str | os.PathLike, *, recipe: dict | None = None,
             producer: str | None = None) -> None:
        """Check the graph (as loading would) and write it atomically to a .pedge file."""
        graph = self.graph()
        Model(graph, self.weights)
        pedge_format.write(path, self.weights, graph=graph.to_json(), recipe=recipe,
                           producer=producer)
