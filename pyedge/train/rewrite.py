"""Architecture rewrite: standard k x k convolutions -> depthwise k x k + pointwise 1 x 1 pairs
initialised by a per-channel low-rank (SVD) least-squares fit; multiply-add counts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import numpy as np

from pyedge.runtime.graph import Graph, Node
from pyedge.train.module import GraphModule


def standard_convs(graph: Graph, weights: Mapping[str, np.ndarray]) -> list[str]:
    """Names of Conv nodes with group 1 and a kernel larger than 1 x 1."""
    return [n.name for n in graph.nodes if n.op == "Conv" and int(n.attrs.get("group", 1)) == 1
            and np.shape(weights[n.inputs[1]])[1:3] != (1, 1)]


def separable_fit(w: np.ndarray, rank: int) -> tuple[np.ndarray, np.ndarray]:
    """Best rank-``rank`` factorisation per input channel of ``w[C_out, KH, KW, C_in]``.

    For input channel c, ``w[:, :, :, c]`` viewed as [C_out, KH*KW] is approximated by
    ``P_c @ D_c`` (truncated SVD: optimal in the least-squares sense, Eckart-Young).

    Returns
    -------
    dw : [C_in * rank, KH, KW, 1] depthwise weights (channel c * rank + j reads input c)
    pw : [C_out, 1, 1, C_in * rank] pointwise weights
    """
    cout, kh, kw, cin = w.shape
    r = int(rank)
    if not 1 <= r <= min(cout, kh * kw):
        raise ValueError(f"rank must be in [1, {min(cout, kh * kw)}], got {rank}")
    dw = np.zeros((cin * r, kh, kw, 1), np.float64)
    pw = np.zeros((cout, 1, 1, cin * r), np.float64)
    for c in range(cin):
        u, s, vt = np.linalg.svd(w[..., c].reshape(cout, -1).astype(np.float64),
                                 full_matrices=False)
        root = np.sqrt(s[:r])
        dw[c * r:(c + 1) * r, :, :, 0] = (root[:, None] * vt[:r]).reshape(r, kh, kw)
        pw[:, 0, 0, c * r:(c + 1) * r] = u[:, :r] * root
    return dw.astype(np.float32), pw.astype(np.float32)


def default_rank(w: np.ndarray, energy: float = 0.9) -> int:
    """Smallest rank keeping ``energy`` of every channel's squared singular values, capped so
    that the pair costs fewer multiply-adds than the original convolution
    (``rank * (KH*KW + C_out) < KH*KW * C_out``)."""
    cout, kh, kw, cin = w.shape
    kk = kh * kw
    cap = max(1, (cout * kk - 1) // (kk + cout))
    need = 1
    for c in range(cin):
        s2 = np.linalg.svd(w[..., c].reshape(cout, -1).astype(np.float64), compute_uv=False) ** 2
        keep = np.searchsorted(np.cumsum(s2) / max(s2.sum(), 1e-30), energy) + 1
        need = max(need, int(keep))
    return min(need, cap, cout, kk)


def rewrite_depthwise_separable(graph: Graph, weights: Mapping[str, np.ndarray], *,
                                nodes: Iterable[str] | None = None, rank: int | None = None
                                ) -> tuple[Graph, dict[str, np.ndarray], dict]:
    """Replace Conv nodes (default: every :func:`standard_convs`) by depthwise + pointwise.

    The depthwise conv keeps stride, pads and dilation (no bias, no activation); the
    pointwise conv takes the original bias and fused activation and writes the original
    output name, so consumers and feature distillation see the same value.

    Returns (graph, weights, info) with info ``{"rewritten": {node: rank}, "outputs": [...]}``.
    """
    chosen = set(standard_convs(graph, weights) if nodes is None else nodes)
    new_w = dict(weights)
    out_nodes, info = [], {"rewritten": {}, "outputs": []}
    for n in graph.nodes:
        if n.name not in chosen:
            out_nodes.append(n)
            continue
        if n.op != "Conv" or int(n.attrs.get("group", 1)) != 1:
            raise ValueError(f"{n} is not a standard (group 1) convolution")
        w = np.asarray(weights[n.inputs[1]], np.float32)
        r = rank if rank is not None else default_rank(w)
        dw, pw = separable_fit(w, r)
        cin = w.shape[3]
        new_w.pop(n.inputs[1])
        new_w[f"{n.name}_dw.w"] = dw
        new_w[f"{n.name}_pw.w"] = pw
        geo = {k: n.attrs[k] for k in ("strides", "pads", "dilations") if k in n.attrs}
        mid = f"{n.outputs[0]}.dw"
        out_nodes.append(Node(f"{n.name}_dw", "Conv", (n.inputs[0], f"{n.name}_dw.w"),
                              (mid,), {**geo, "group": cin}))
        pw_attrs = {"group": 1, **{k: n.attrs[k] for k in ("activation", "clamp")
                                   if k in n.attrs}}
        out_nodes.append(Node(f"{n.name}_pw", "Conv", (mid, f"{n.name}_pw.w") + tuple(
            n.inputs[2:3]), n.outputs, pw_attrs))
        info["rewritten"][n.name] = r
        info["outputs"].append(n.outputs[0])
    return Graph(list(graph.inputs), list(graph.outputs), out_nodes), new_w, info


def multiply_adds(graph: Graph, weights: Mapping[str, np.ndarray], input_shape: tuple) -> int:
    """Multiply-adds of one forward pass (Conv, Gemm/Linear, MatMul) for ``input_shape``."""
    module = GraphModule(graph, weights, trainable=())
    name = graph.inputs[0].name
    keep = [n.outputs[0] for n in graph.nodes]
    vals = module.forward({name: np.zeros(input_shape, np.float32)}, train=False, keep=keep)
    total = 0
    for n in graph.nodes:
        if n.op == "Conv":
            w = np.shape(weights[n.inputs[1]])
            total += int(np.prod(vals[n.outputs[0]].shape)) * w[1] * w[2] * w[3]
        elif n.op in ("Gemm", "Linear"):
            w = np.shape(weights[n.inputs[1]])
            total += int(np.prod(vals[n.outputs[0]].shape)) * (
                w[1] if int(n.attrs.get("transB", n.op == "Linear")) else w[0])
        elif n.op == "MatMul":
            b = vals.get(n.inputs[1], weights.get(n.inputs[1]))
            k = np.shape(b)[-2] if np.ndim(b) > 1 else np.shape(b)[0]
            total += int(np.prod(vals[n.outputs[0]].shape)) * k
    return total
