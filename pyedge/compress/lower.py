"""Lower a float graph plus per-layer encodings to a runtime graph of existing ops.

Layers in the ``q8`` domain become QConv / QGemm on uint8 activations (bias int32, ReLU and
requantization fused); ``f32`` layers become LinearInt4 / LinearCodebook / LinearSparse
(weight-only, float activations; a pointwise conv on NHWC is a Linear over the last axis) or
stay Conv/Gemm. QuantizeLinear / DequantizeLinear are inserted where the two domains meet.
Values are renamed after their producing node and default attributes dropped, so the file
header stays small.
"""

from __future__ import annotations

import numpy as np

from pyedge.compress.encode import Encoded
from pyedge.compress.layers import Layer
from pyedge.runtime.graph import Graph, Node

DEFAULTS = {"strides": [1, 1], "dilations": [1, 1], "pads": [0, 0, 0, 0], "group": 1,
            "activation": "none", "alpha": 1.0, "beta": 1.0, "x_zero_point": 0,
            "y_zero_point": 0, "out_dtype": "uint8"}


def _attrs(attrs: dict, keep=()) -> dict:
    return {k: v for k, v in attrs.items() if k in keep or DEFAULTS.get(k, object()) != v}


class _Lowering:
    def __init__(self, graph: Graph, weights: dict, qparams: dict):
        self.graph, self.src, self.qparams = graph, weights, qparams
        self.nodes: list[Node] = []
        self.weights: dict[str, np.ndarray] = {}
        self.f: dict[str, str] = {v.name: v.name for v in graph.inputs}  # float form
        self.q: dict[str, str] = {}  # uint8 form
        self.outputs = set(graph.outputs)

    def weight(self, name: str, value: np.ndarray) -> str:
        self.weights[name] = value
        return name

    def _qp(self, v: str) -> tuple[np.float32, int]:
        scale, zp = self.qparams[v]
        return np.float32(scale), int(zp)

    def _qp_tensors(self, v: str, stem: str) -> list[str]:
        """Scale (and zero point unless 0: uint8 is the default) tensors of a Q/DQ node."""
        scale, zp = self._qp(v)
        if f"{stem}.qs" not in self.weights:
            self.weight(f"{stem}.qs", np.array(scale, np.float32))
            if zp:
                self.weight(f"{stem}.qz", np.array(zp, np.uint8))
        return [f"{stem}.qs"] + ([f"{stem}.qz"] if zp else [])

    def as_float(self, v: str) -> str:
        if v in self.f or v in self.src:
            return self.f.get(v, v)
        name = v if v in self.outputs else f"{self.q[v]}:f"
        self.nodes.append(Node(f"{self.q[v]}:dq", "DequantizeLinear",
                               (self.q[v], *self._qp_tensors(v, self.q[v])), (name,), {}))
        self.f[v] = name
        return name

    def as_uint8(self, v: str) -> str:
        if v not in self.q:
            src = self.as_float(v)
            name = f"{src}:u8"
            self.nodes.append(Node(f"{src}:q", "QuantizeLinear",
                                   (src, *self._qp_tensors(v, name)), (name,), {}))
            self.q[v] = name
        return self.q[v]

    def copy_weight(self, x: str) -> str:
        if x and x in self.src and x not in self.weights:
            self.weight(x, self.src[x])
        return x

    def out_name(self, node: Node, i: int = 0) -> str:
        y = node.outputs[i]
        return y if y in self.outputs else (node.name if len(node.outputs) == 1
                                            else f"{node.name}:{i}")

    def plain(self, node: Node) -> None:
        ins = tuple(self.copy_weight(x) if (not x or x in self.src) else self.as_float(x)
                    for x in node.inputs)
        outs = tuple(self.out_name(node, i) for i in range(len(node.outputs)))
        keep = ("transB",) if node.op == "Gemm" else ()
        self.nodes.append(Node(node.name, node.op, ins, outs, _attrs(node.attrs, keep)))
        for y, o in zip(node.outputs, outs, strict=True):
            self.f[y] = o

    def layer(self, layer: Layer, e: Encoded, float_consumers: bool) -> None:
        node, name = layer.node, layer.name
        x, y = node.inputs[0], node.outputs[0]
        if e.form == "float":
            return self.plain(node)
        if e.domain == "q8":
            return self._q8(layer, e, float_consumers)
        xf = self.as_float(x)
        out = self.out_name(node)
        bias = [] if e.bias is None else [self.weight(f"{name}.b", e.bias.astype(np.float32))]
        act = {} if layer.activation == "none" else {"activation": layer.activation}
        if "clamp" in node.attrs:
            act["clamp"] = node.attrs["clamp"]
        if e.form == "int4":
            ins = [self.weight(f"{name}.q", e.enc.q), self.weight(f"{name}.s", e.enc.scale)]
            attrs = {"group_size": e.enc.group_size}
            op = "LinearInt4"
        elif e.form == "codebook":
            ins = [self.weight(f"{name}.i", e.enc.indices),
                   self.weight(f"{name}.l", e.enc.levels)]
            attrs = {"bits": e.enc.bits, "k": e.enc.shape[1]}
            op = "LinearCodebook"
        elif e.form == "sparse":
            w = e.enc
            ins = [self.weight(f"{name}.p", w.indptr), self.weight(f"{name}.i", w.indices),
                   self.weight(f"{name}.v", w.values),
                   "" if w.scale is None else self.weight(f"{name}.s", w.scale)]
            attrs = {"k": w.shape[1]}
            if tuple(w.block) != (1, 1):
                attrs["block"] = list(w.block)
            op = "LinearSparse"
        else:
            raise ValueError(f"layer {name!r}: unknown node form {e.form!r}")
        if not bias and ins[-1] == "":
            ins = ins[:-1]
        self.nodes.append(Node(name, op, (xf, *ins, *bias), (out,), {**attrs, **act}))
        self.f[y] = out

    def _q8(self, layer: Layer, e: Encoded, float_consumers: bool) -> None:
        node, name = layer.node, layer.name
        x, y = node.inputs[0], node.outputs[0]
        xq = self.as_uint8(x)
        x_scale, x_zp = self._qp(x)
        if e.form == "qsparse":
            w = e.enc
            w_scale = w.scale
            ins = [xq, self.weight(f"{name}.p", w.indptr), self.weight(f"{name}.i", w.indices),
                   self.weight(f"{name}.v", w.values)]
        else:
            q, w_scale = e.enc
            ins = [xq, self.weight(f"{name}.w", q.reshape(layer.w_shape) if e.form == "qconv"
                                   else q)]
        ins.append(self.weight(f"{name}.s", w_scale.astype(np.float32)))
        if e.bias is not None:
            b = np.rint(e.bias.astype(np.float64) / (np.float64(x_scale) * w_scale))
            ins.append(self.weight(f"{name}.b", np.clip(b, -2**31, 2**31 - 1).astype(np.int32)))
        attrs = {"x_scale": float(x_scale), "x_zero_point": x_zp}
        if layer.activation != "none":
            attrs["activation"] = layer.activation
        op = {"qconv": "QConv", "qgemm": "QGemm", "qsparse": "QLinearSparse"}[e.form]
        if e.form == "qconv":
            attrs.update(_attrs({k: node.attrs[k] for k in ("strides", "dilations", "pads",
                                                            "group") if k in node.attrs}))
        elif e.form == "qsparse":
            attrs["k"] = e.enc.shape[1]
            if tuple(e.enc.block) != (1, 1):
                attrs["block"] = list(e.enc.block)
        out = self.out_name(node)
        if op != "QConv" and float_consumers:  # float32 straight out of the kernel
            self.nodes.append(Node(name, op, tuple(ins), (out,),
                                   {**attrs, "out_dtype": "float32"}))
            self.f[y] = out
            return
        y_scale, y_zp = self._qp(y)
        attrs.update({"y_scale": float(y_scale), "y_zero_point": y_zp})
        qout = f"{name}" if y not in self.outputs else f"{name}:u8"
        self.nodes.append(Node(name, op, tuple(ins), (qout,), _attrs(attrs)))
        self.q[y] = qout


def lower(graph: Graph, weights: dict, layers: list[Layer], encoded: dict[str, Encoded],
          qparams: dict) -> tuple[Graph, dict]:
    """The compressed graph and its weights (tensors named ``<layer>.<field>``)."""
    by_index = {layer.index: layer for layer in layers}
    q8_layers = {layer.node.inputs[0] for layer in layers
                 if encoded[layer.name].domain == "q8"}
    low = _Lowering(graph, weights, qparams)
    for i, node in enumerate(graph.nodes):
        layer = by_index.get(i)
        if layer is None:
            low.plain(node)
            continue
        y = node.outputs[0]
        float_consumers = y in low.outputs or y not in q8_layers
        low.layer(layer, encoded[layer.name], float_consumers)
    for o in graph.outputs:
        low.as_float(o)
    return Graph(list(graph.inputs), list(graph.outputs), low.nodes), low.weights
