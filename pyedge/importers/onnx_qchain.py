"""Fold 8-bit -> 8-bit QDQ chains into one QLookup node (per-channel 256-entry tables), and
QDQ residual adds into one QAdd node.

``DequantizeLinear -> [BatchNormalization | Relu | Relu6 | Clip]* -> QuantizeLinear`` with
per-tensor quantization on both ends maps each channel's 256 input codes to 256 output codes.
The table is computed once here with the same float32 steps as the unfused ops (so results
are identical to running them one by one), and the chain runs as one byte lookup per element
instead of five float32 passes.

``DequantizeLinear(a) + DequantizeLinear(b) [-> Relu | Clip(0, 6)] -> QuantizeLinear`` becomes
a QAdd (pyedge.kernels.add_q), so int8 residual connections stay in 8 bits.
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


def _fused_activation(im, node) -> str | None:
    """'relu' / 'relu6' for a Relu or Clip(0, 6) node between an add and its Q, else None."""
    if node.op_type == "Relu":
        return "relu"
    if node.op_type != "Clip":
        return None
    attrs = im.attrs(node)
    bounds = []
    for i, key in ((1, "min"), (2, "max")):
        v = im.const(node.input[i]) if len(node.input) > i and node.input[i] else attrs.get(key)
        bounds.append(None if v is None else float(np.asarray(v)))
    return "relu6" if bounds == [0.0, 6.0] else "relu" if bounds == [0.0, None] else None


def qadd(im, node) -> bool:
    """``DQ(a_q) + DQ(b_q) [-> Relu | Clip(0, 6)] -> Q(y)``: one QAdd on the 8-bit tensors.

    Needs per-tensor quantization everywhere and two computed inputs of one known shape (a
    residual connection); anything else stays on the float Add path.
    """
    da, db = (im.dq.get(x) for x in node.input)
    if da is None or db is None or da[0] in im.consts or db[0] in im.consts:
        return False
    fused, act = [], "none"
    users = im.consumers.get(node.output[0], [])
    if len(users) == 1 and users[0].op_type in ("Relu", "Clip"):
        act = _fused_activation(im, users[0])
        fused.append(users[0])
        users = im.consumers.get(users[0].output[0], [])
    if act is None or len(users) != 1 or users[0].op_type != "QuantizeLinear":
        return False
    q = users[0]
    if any(im.uses[n.output[0]] != 1 for n in [node] + fused):
        return False
    y = (q.input[0], im.const(q.input[1]),
         im.const(q.input[2]) if len(q.input) > 2 and q.input[2] else None)
    for _, scale, zp, *_ in (da, db, y):
        if scale is None or scale.size != 1 or (zp is not None and (
                zp.size != 1 or np.dtype(zp.dtype) not in QDTYPES)):
            return False
    sa, sb = im.dims(da[0]), im.dims(db[0])
    if sa is None or sa != sb or any(d is None for d in sa):
        return False
    layout = any(x in im.nhwc for x in (da[0], db[0])) and len(sa) == 4
    from pyedge.importers.onnx_layout import to_nhwc

    ins = [to_nhwc(im, x) if layout else x for x in (da[0], db[0])]
    zps = [0 if zp is None else int(zp.reshape(())) for zp in (da[2], db[2], y[2])]
    im.emit("QAdd", ins, node, outputs=[q.output[0]], a_scale=float(da[1].reshape(())),
            a_zero_point=zps[0], b_scale=float(db[1].reshape(())), b_zero_point=zps[1],
            y_scale=float(y[1].reshape(())), y_zero_point=zps[2], activation=act,
            out_dtype="uint8" if y[2] is None else np.dtype(y[2].dtype).name)
    if layout:
        im.nhwc.add(q.output[0])
    im.skip.update(id(n) for n in fused + [q])
    return True
