"""Per-node summary of a model: op, shapes, weight encoding, bytes, sparsity, kernel."""

from __future__ import annotations

import numpy as np

from pyedge.runtime.session import Model


def _encoding(weights: list[np.ndarray]) -> str:
    return "+".join(sorted({w.dtype.name for w in weights})) if weights else "-"


def _weight_only(node, ws: list[np.ndarray], n: int) -> tuple[str, float] | None:
    """(encoding, sparsity) of a weight-only encoded Linear node, else None."""
    if node.op in ("QConv", "QGemm"):
        where = "per-channel" if ws[1].size > 1 else "per-tensor"
        return f"int8 {where}, 8-bit act", 1.0 - np.count_nonzero(ws[0]) / ws[0].size
    if node.op == "QLinearSparse":
        r, c = node.attrs.get("block", [1, 1])
        kind = "csr" if (r, c) == (1, 1) else f"bsr {r}x{c}"
        dense = n * node.attrs.get("k", 1)
        return f"{kind} int8, 8-bit act", 1.0 - ws[2].size / dense if dense else 0.0
    if node.op == "LinearInt4":
        return f"int4 g{node.attrs.get('group_size')}", 0.0
    if node.op == "LinearCodebook":
        levels = ws[1]
        where = "per-channel" if levels.shape[0] > 1 else "per-tensor"
        return f"codebook {node.attrs.get('bits')}b {where}", 0.0
    if node.op == "LinearSparse":
        r, c = node.attrs.get("block", [1, 1])
        values = ws[2]
        kind = "csr" if (r, c) == (1, 1) else f"bsr {r}x{c}"
        dense = n * node.attrs.get("k", 1)
        return f"{kind} {values.dtype.name}", 1.0 - values.size / dense if dense else 0.0
    return None


def summarize(model: Model) -> list[dict]:
    """One row per node: ``node, op, inputs, outputs, encoding, weight_bytes, sparsity, kernel``.

    Shapes are symbolic (``N`` for a dynamic batch). ``sparsity`` is the fraction of zero
    weight elements (reads every weight once).
    """
    rows = []
    weights = model._weights
    for node, bound in zip(model.graph.nodes, model.kernels(), strict=True):
        ws = [weights[x] for x in node.inputs if x in weights]
        size = sum(w.size for w in ws)
        zeros = sum(w.size - int(np.count_nonzero(w)) for w in ws)
        encoding, sparsity = _encoding(ws), zeros / size if size else 0.0
        out = model._types[node.outputs[0]]
        special = _weight_only(node, ws, out.shape[-1]) if out.shape else None
        if special is not None:
            encoding, sparsity = special
        rows.append({
            "node": node.name, "op": node.op,
            "inputs": [str(model._types[x]) for x in node.inputs if x and x not in weights],
            "outputs": [str(model._types[y]) for y in node.outputs],
            "encoding": encoding, "weight_bytes": sum(w.nbytes for w in ws),
            "sparsity": sparsity, "kernel": bound["kernel"],
        })
    return rows


def format_table(rows: list[dict]) -> str:
    """Rows of :func:`summarize` as an aligned text table with a totals line."""
    head = ["node", "op", "inputs -> outputs", "encoding", "bytes", "sparsity", "kernel"]
    body = [[r["node"], r["op"], f"{', '.join(r['inputs'])} -> {', '.join(r['outputs'])}",
             r["encoding"], str(r["weight_bytes"]),
             f"{r['sparsity']:.2f}" if r["weight_bytes"] else "-", r["kernel"]] for r in rows]
    total = sum(r["weight_bytes"] for r in rows)
    body.append(["total", f"{len(rows)} nodes", "", "", str(total), "", ""])
    widths = [max(len(row[i]) for row in [head] + body) for i in range(len(head))]
    lines = ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()
             for row in [head] + body]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines)
