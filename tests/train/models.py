"""Tiny graphs for the training tests (a demo-like CNN and a transformer-ish block)."""

from __future__ import annotations

import numpy as np

from pyedge.runtime.graph import Graph, Node, ValueInfo


def tiny_cnn(seed: int = 0, width: int = 4, classes: int = 3, size: int = 8
             ) -> tuple[Graph, dict[str, np.ndarray]]:
    """Transpose -> stem 3x3 s2 (relu) -> depthwise 3x3 -> pointwise -> GAP -> Flatten -> Gemm,
    the demo model's structure with NCHW input [N, 1, size, size]."""
    rng = np.random.default_rng(seed)
    w = width

    def conv(name, cin, cout, k, group):
        scale = np.sqrt(2.0 / (k * k * cin // group))
        return {f"{name}.w": (rng.standard_normal((cout, k, k, cin // group)) * scale
                              ).astype(np.float32),
                f"{name}.b": (0.1 * rng.standard_normal(cout)).astype(np.float32)}

    weights = {**conv("stem", 1, w, 3, 1), **conv("dw", w, w, 3, w),
               **conv("pw", w, 2 * w, 1, 1),
               "fc.w": (rng.standard_normal((classes, 2 * w)) * 0.5).astype(np.float32),
               "fc.b": np.zeros(classes, np.float32)}
    pad = [1, 1, 1, 1]
    nodes = [
        Node("t", "Transpose", ("input",), ("x",), {"perm": [0, 2, 3, 1]}),
        Node("stem", "Conv", ("x", "stem.w", "stem.b"), ("s",),
             {"strides": [2, 2], "pads": pad, "group": 1, "activation": "relu"}),
        Node("dw", "Conv", ("s", "dw.w", "dw.b"), ("d",),
             {"pads": pad, "group": w, "activation": "relu"}),
        Node("pw", "Conv", ("d", "pw.w", "pw.b"), ("p",), {"group": 1, "activation": "relu"}),
        Node("pool", "GlobalAveragePool", ("p",), ("g",), {}),
        Node("flat", "Flatten", ("g",), ("f",), {"axis": 1}),
        Node("fc", "Gemm", ("f", "fc.w", "fc.b"), ("logits",), {"transB": 1}),
    ]
    graph = Graph([ValueInfo("input", np.dtype(np.float32), ("N", 1, size, size))],
                  ["logits"], nodes)
    return graph, weights


def tiny_transformer(seed: int = 0, d: int = 8, t: int = 5) -> tuple[Graph, dict]:
    """Single-head attention + GELU MLP with LayerNorm and residuals on x [N, t, d]."""
    rng = np.random.default_rng(seed)

    def lin(name, k, n):
        return {f"{name}.w": (rng.standard_normal((n, k)) / np.sqrt(k)).astype(np.float32),
                f"{name}.b": (0.1 * rng.standard_normal(n)).astype(np.float32)}

    weights = {**lin("q", d, d), **lin("k", d, d), **lin("v", d, d), **lin("up", d, 2 * d),
               **lin("down", 2 * d, d), "ln.s": np.ones(d, np.float32),
               "ln.b": np.zeros(d, np.float32), "scale": np.array(1 / np.sqrt(d), np.float32)}
    nodes = [
        Node("ln", "LayerNormalization", ("x", "ln.s", "ln.b"), ("h",), {"axis": -1}),
        Node("q", "Linear", ("h", "q.w", "q.b"), ("q",), {}),
        Node("k", "Linear", ("h", "k.w", "k.b"), ("k",), {}),
        Node("v", "Linear", ("h", "v.w", "v.b"), ("v",), {}),
        Node("kt", "Transpose", ("k",), ("kt",), {"perm": [0, 2, 1]}),
        Node("qk", "MatMul", ("q", "kt"), ("qk",), {}),
        Node("qs", "Mul", ("qk", "scale"), ("qs",), {}),
        Node("sm", "Softmax", ("qs",), ("a",), {"axis": -1}),
        Node("av", "MatMul", ("a", "v"), ("av",), {}),
        Node("res", "Add", ("x", "av"), ("r",), {}),
        Node("up", "Linear", ("r", "up.w", "up.b"), ("u",), {}),
        Node("act", "Gelu", ("u",), ("ua",), {}),
        Node("down", "Linear", ("ua", "down.w", "down.b"), ("dn",), {}),
        Node("res2", "Add", ("r", "dn"), ("y",), {}),
    ]
    graph = Graph([ValueInfo("x", np.dtype(np.float32), ("N", t, d))], ["y"], nodes)
    return graph, weights
