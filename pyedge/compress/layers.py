"""The compressible layers of a float graph: convolutions and linear layers with weight inputs."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from pyedge.runtime.graph import Graph, Node


@dataclass(frozen=True)
class Layer:
    """One Conv/Gemm/Linear node with constant float32 weights.

    ``w2d`` is the weight as ``[N, K]`` (OHWI flattened for a conv, so K runs over KH, KW,
    C_in in NHWC im2col order); ``kind`` is ``"conv"`` (dense KxK), ``"depthwise"``,
    ``"pointwise"`` (1x1 stride-1 unpadded group-1 conv: a Linear over channels) or
    ``"linear"`` (Gemm / Linear).
    """

    index: int  # position in graph.nodes
    node: Node
    kind: str
    w2d: np.ndarray  # [N, K] float32
    bias: np.ndarray | None  # [N] float32
    w_shape: tuple  # the stored weight's shape (OHWI for convs)
    activation: str

    @property
    def name(self) -> str:
        return self.node.name

    @property
    def linear_like(self) -> bool:
        """True when the layer is ``x[..., K] @ w.T`` (weight-only Linear ops apply)."""
        return self.kind in ("pointwise", "linear")

    @property
    def params(self) -> int:
        return int(self.w2d.size + (0 if self.bias is None else self.bias.size))


def _gemm_weight(node: Node, weights: dict) -> tuple[np.ndarray, np.ndarray | None] | None:
    """(w[N, K], bias[N]) of a Gemm/Linear computing x @ w.T + b, else None."""
    a = node.attrs
    if len(node.inputs) < 2 or node.inputs[1] not in weights or a.get("transA", 0):
        return None
    if float(a.get("alpha", 1.0)) != 1.0 or float(a.get("beta", 1.0)) != 1.0:
        return None
    w = weights[node.inputs[1]]
    if w.dtype != np.float32 or w.ndim != 2:
        return None
    tb = a.get("transB", 1 if node.op == "Linear" else 0)
    w = w if tb else w.T
    bias = None
    if len(node.inputs) > 2 and node.inputs[2]:
        b = weights.get(node.inputs[2])
        if b is None or b.size != w.shape[0] or b.dtype != np.float32:
            return None
        bias = b.reshape(-1)
    return np.ascontiguousarray(w), bias


def find_layers(graph: Graph, weights: dict) -> list[Layer]:
    """Every Conv (NHWC, OHWI weights) and weight-input Gemm/Linear, in graph order."""
    out = []
    for i, node in enumerate(graph.nodes):
        act = node.attrs.get("activation", "none")
        if node.op == "Conv" and len(node.inputs) >= 2 and node.inputs[1] in weights:
            w = weights[node.inputs[1]]
            if w.dtype != np.float32 or w.ndim != 4:
                continue
            b = weights.get(node.inputs[2]) if len(node.inputs) > 2 and node.inputs[2] else None
            group = node.attrs.get("group", 1)
            cout, kh, kw, cin_g = w.shape
            if group > 1 and cin_g == 1 and group == cout:
                kind = "depthwise"
            elif group != 1:
                continue
            elif (kh, kw) == (1, 1) and node.attrs.get("strides", [1, 1]) == [1, 1] \
                    and not any(node.attrs.get("pads", [0, 0, 0, 0])):
                kind = "pointwise"
            else:
                kind = "conv"
            out.append(Layer(i, node, kind, np.ascontiguousarray(w.reshape(cout, -1)), b,
                             w.shape, act))
        elif node.op in ("Gemm", "Linear"):
            wb = _gemm_weight(node, weights)
            if wb is not None:
                out.append(Layer(i, node, "linear", wb[0], wb[1], wb[0].shape, act))
    return out
