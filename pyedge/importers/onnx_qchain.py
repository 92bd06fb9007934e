"""Fold 8-bit -> 8-bit QDQ chains into one QLookup node (per-channel 256-entry tables).

``DequantizeLinear -> [BatchNormalization | Relu | Relu6 | Clip]* -> QuantizeLinear`` with
per-tensor quantization on both ends maps each channel's 256 input codes to 256 output codes.
The table is computed once here with the same float32 steps as the unfused ops (so results
are identical to running them one by one), and the chain runs as one byte lookup per element
instead of five float32 passes.
"""

from __future__ import annotations

from collections import Counter

import numpy as np

QDTYPES = (np.dtype(np.uint8), np.dtype(np.int8))
CHAIN = ("BatchNormalization", "Relu", "Relu6", "Clip")


def _scalar_qparams(weights, node):
    """(scale, zero point) of a per-tensor 8-bit Q/DQ node with an explicit zero point."""
    if len(node.inputs) != 3 or node.inputs[1] not in weights or node.inputs[2] not in weights:
        return None
    scale, zp = weights[node.inputs[1]], weights[node.inputs[2]]
    if (scale.size != 1 or zp.size != 1 or scale.dtype != np.float32 or zp.dtype not in QDTYPES
            or not np.isfinite(scale).all() or not (scale > 0).all()):
        return None
    return np.float32(scale.reshape(())), zp.reshape(())


def _apply(node, weights, y):
    """Apply one chain node to the [C or 1, 256] float32 table ``y``; None if not foldable."""
    if node.op == "BatchNormalization":
        if len(node.inputs) != 5 or any(x not in weights for x in node.inputs[1:]):
            return None
        scale, bias, mean, var = (weights[x] for x in node.inputs[1:])
        if any(p.dtype != np.float32 or p.ndim != 1 or p.shape != scale.shape
               for p in (scale, bias, mean, var)):
            return None
        if y.shape[0] not in (1, scale.size):
            return None
        a = (scale / np.sqrt(var.astype(np.float64) + node.attrs.get("epsilon", 1e-5))
             ).astype(np.float32)  # as ops/batch_norm.py
        b = (bias - mean * a).astype(np.float32)
        out = y * a[:, None]
        out += b[:, None]
        return out
    if node.op == "Relu":
        return np.maximum(y, np.float32(0))
    if node.op == "Relu6":
        return np.minimum(np.maximum(y, np.float32(0)), np.float32(6))
    if node.op == "Clip" and len(node.inputs) == 1:
        lo, hi = node.attrs.get("min"), node.attrs.get("max")
        if lo is not None:
            y = np.maximum(y, np.float32(lo))
        return y if hi is None else np.minimum(y, np.float32(hi))
    return None


def _table(chain, weights, dq, q):
    x_scale, x_zp = dq
    codes = np.arange(256, dtype=np.uint8).view(x_zp.dtype)  # byte -> code
    y = ((codes.astype(np.float32) - x_zp.astype(np.float32)) * x_scale)[None, :]
    for node in chain:
        y = _apply(node, weights, y)
        if y is None:
            return None
    y_scale, y_zp = q
    info = np.iinfo(y_zp.dtype)
    t = np.rint(np.divide(y, y_scale, dtype=np.float32))
    t += y_zp.astype(np.float32)
    t = np.minimum(np.maximum(t, np.float32(info.min)), np.float32(info.max))
    return np.ascontiguousarray(t.astype(y_zp.dtype))


def fold_lookup_chains(b) -> None:
    """Rewrite every foldable chain in GraphBuilder ``b`` into a QLookup node (in place)."""
    uses = Counter(x for n in b._nodes for x in n.inputs if x)
    uses.update(b._outputs)
    producer = {y: i for i, n in enumerate(b._nodes) for y in n.outputs}
    consumer = {x: i for i, n in enumerate(b._nodes) for x in n.inputs if x and uses[x] == 1}
    drop: set[int] = set()
    for i, n in enumerate(b._nodes):
        if n.op != "DequantizeLinear" or i in drop or n.inputs[0] in b.weights:
            continue
        dq = _scalar_qparams(b.weights, n)
        if dq is None:  # the zero point fixes the input's 8-bit dtype
            continue
        chain, j = [], consumer.get(n.outputs[0])
        while j is not None and b._nodes[j].op in CHAIN:
            chain.append(b._nodes[j])
            j = consumer.get(b._nodes[j].outputs[0])
        if j is None or b._nodes[j].op != "QuantizeLinear":
            continue
        qnode = b._nodes[j]
        q = _scalar_qparams(b.weights, qnode)
        table = None if q is None else _table(chain, b.weights, dq, q)
        if table is None:
            continue
        name = b.weight(b._fresh(f"{qnode.name}.lut"), table)
        b._nodes[j] = type(qnode)(qnode.name, "QLookup", (n.inputs[0], name), qnode.outputs,
                                  {})
        drop.add(i)
        drop.update(producer[c.outputs[0]] for c in chain)
    b._nodes = [n for i, n in enumerate(b._nodes) if i not in drop]
