"""Finite-difference gradient check of a GraphModule (float64, central differences)."""

from __future__ import annotations

import numpy as np

from pyedge.runtime.graph import Graph, Node, ValueInfo
from pyedge.train import GraphModule


def one_node_graph(op: str, x_shapes: dict, weights: dict, attrs: dict,
                   order: list[str]) -> Graph:
    """Graph with inputs ``x_shapes`` and one node ``op`` reading ``order`` (names)."""
    inputs = [ValueInfo(k, np.dtype(np.float32), tuple(s)) for k, s in x_shapes.items()]
    return Graph(inputs, ["y"], [Node("n", op, tuple(order), ("y",), attrs)])


def check_grads(module: GraphModule, feeds: dict, *, keep=(), eps: float = 1e-6,
                rtol: float = 1e-5, seed: int = 0) -> None:
    """Compare backward() with central differences of ``sum(r * outputs)``."""
    rng = np.random.default_rng(seed)
    feeds = {k: np.asarray(v, np.float64) for k, v in feeds.items()}
    out = module.forward(feeds, input_grads=True)
    r = {k: rng.standard_normal(v.shape) for k, v in out.items()}
    grads = module.backward(r)

    def loss() -> float:
        o = module.forward(feeds, train=False)
        return float(sum((r[k] * o[k]).sum() for k in r))

    targets = [(k, feeds[k]) for k in feeds] + list(module.parameters().items())
    for name, arr in targets:
        g = grads[name]
        assert g is not None and g.shape == arr.shape, name
        flat = arr.reshape(-1)
        idx = rng.choice(flat.size, min(flat.size, 40), replace=False)
        num = np.empty(len(idx))
        for j, i in enumerate(idx):
            old = flat[i]
            flat[i] = old + eps
            up = loss()
            flat[i] = old - eps
            down = loss()
            flat[i] = old
            num[j] = (up - down) / (2 * eps)
        got = g.reshape(-1)[idx]
        scale = max(np.abs(num).max(), 1e-3)
        np.testing.assert_allclose(got, num, rtol=0, atol=rtol * scale * 10 + 1e-7,
                                   err_msg=f"gradient of {name}")
