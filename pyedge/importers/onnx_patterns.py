"""Recognise decomposed LayerNorm and erf-GELU subgraphs of ONNX exports (older opsets).

Each matcher starts at the first node of a pattern and returns ``(nodes, ir_op, inputs,
attrs)`` for the fused op, or None. The importer emits the fused op under the name of the
pattern's last output and skips the matched nodes.
"""

from __future__ import annotations

import numpy as np


def _scalar(im, name: str) -> float | None:
    v = im.const(name)
    return float(v) if v is not None and v.size == 1 else None


def _only_user(im, name: str, op: str):
    users = im.consumers.get(name, [])
    if len(users) == 1 and users[0].op_type == op and im.uses[name] == 1:
        return users[0]
    return None


def _other(node, name: str) -> str | None:
    ins = [x for x in node.input]
    if len(ins) != 2 or name not in ins:
        return None
    return ins[1] if ins[0] == name else ins[0]


def _mean_axes(im, node) -> list[int] | None:
    attrs = im.attrs(node)
    if len(node.input) > 1 and node.input[1]:
        v = im.const(node.input[1])
        axes = None if v is None else [int(a) for a in v.reshape(-1)]
    else:
        axes = attrs.get("axes")
    return None if axes is None or attrs.get("keepdims", 1) != 1 else list(axes)


def layer_norm(im, mean_node):
    """ReduceMean -> Sub -> Pow 2 -> ReduceMean -> Add eps -> Sqrt -> Div [-> Mul g -> Add b]."""
    x = mean_node.input[0]
    axes = _mean_axes(im, mean_node)
    rank = len(im.dims(x) or ())
    if axes is None or rank == 0 or sorted(a % rank for a in axes) != list(
            range(rank - len(axes), rank)):
        return None
    sub = _only_user(im, mean_node.output[0], "Sub")
    if sub is None or list(sub.input) != [x, mean_node.output[0]]:
        return None
    users = im.consumers.get(sub.output[0], [])
    ops = sorted(u.op_type for u in users)
    if ops != ["Div", "Pow"] or im.uses[sub.output[0]] != 2:
        return None
    pow_node = next(u for u in users if u.op_type == "Pow")
    div = next(u for u in users if u.op_type == "Div")
    if pow_node.input[0] != sub.output[0] or _scalar(im, pow_node.input[1]) != 2.0:
        return None
    var = _only_user(im, pow_node.output[0], "ReduceMean")
    if var is None or _mean_axes(im, var) != axes:
        return None
    add = _only_user(im, var.output[0], "Add")
    eps = None if add is None else _scalar(im, _other(add, var.output[0]) or "")
    sqrt = None if add is None else _only_user(im, add.output[0], "Sqrt")
    if eps is None or sqrt is None or list(div.input) != [sub.output[0], sqrt.output[0]]:
        return None
    nodes, last = [mean_node, sub, pow_node, var, add, sqrt, div], div
    d = im.dims(x)[-1]
    gamma = beta = None
    mul = _only_user(im, div.output[0], "Mul")
    if mul is not None:
        g = im.const(_other(mul, div.output[0]) or "")
        if g is not None and g.dtype == np.float32 and g.shape in ((d,), (1,), ()):
            gamma, last = np.broadcast_to(g.reshape(-1), (d,)), mul
            nodes.append(mul)
            bias = _only_user(im, mul.output[0], "Add")
            b = None if bias is None else im.const(_other(bias, mul.output[0]) or "")
            if b is not None and b.dtype == np.float32 and b.shape in ((d,), (1,), ()):
                beta, last = np.broadcast_to(b.reshape(-1), (d,)), bias
                nodes.append(bias)
    gamma = np.ones(d, np.float32) if gamma is None else np.ascontiguousarray(gamma)
    inputs = [x, gamma] + ([np.ascontiguousarray(beta)] if beta is not None else [])
    return nodes, last.output[0], "LayerNormalization", inputs, {
        "axis": -len(axes), "epsilon": eps}


def gelu(im, div):
    """Div(x, sqrt 2) -> Erf -> Add 1 -> Mul x -> Mul 0.5  =  Gelu(x)."""
    x = div.input[0]
    s = _scalar(im, div.input[1])
    if s is None or abs(s - np.sqrt(2)) > 1e-3:
        return None
    erf = _only_user(im, div.output[0], "Erf")
    add = None if erf is None else _only_user(im, erf.output[0], "Add")
    if add is None or _scalar(im, _other(add, erf.output[0]) or "") != 1.0:
        return None
    mul = _only_user(im, add.output[0], "Mul")
    if mul is None or _other(mul, add.output[0]) != x:
        return None
    half = _only_user(im, mul.output[0], "Mul")
    if half is None or _scalar(im, _other(half, mul.output[0]) or "") != 0.5:
        return None
    return [div, erf, add, mul, half], half.output[0], "Gelu", [x], {}


MATCHERS = {"ReduceMean": layer_norm, "Div": gelu}
"""First op of a pattern -> its matcher."""
