"""Quantization-aware training: attach fake-quant hooks to a module, and export the trained
module to the integer encodings the runtime runs (QuantizeLinear -> QConv/QGemm chains with
int8 codes, LinearInt4, LinearCodebook)."""

from __future__ import annotations

import numpy as np

from pyedge.runtime.graph import Graph, Node
from pyedge.train.fake_quant import ActFakeQuant, BiasFakeQuant, WeightFakeQuant
from pyedge.train.module import GraphModule

QUANTIZABLE = ("Conv", "Gemm", "Linear")


def quantizable_nodes(module: GraphModule) -> list[Node]:
    """Conv/Gemm/Linear nodes whose weight (input 1) is a trainable parameter."""
    return [n for n in module.graph.nodes if n.op in QUANTIZABLE and len(n.inputs) > 1
            and n.inputs[1] in module.params]


def prepare_qat(module: GraphModule, *, weight_bits: int = 8, act_bits: int | None = 8,
                weight_mode: str = "channel", act_mode: str = "ema", group_size: int = 32,
                learn_levels: bool = False) -> dict:
    """Attach weight fake quantization to every quantizable node and (``act_bits`` = 8)
    uint8 activation fake quantization to their inputs and to the outputs of convolutions.

    Per-channel layers' biases are rounded to the int32 grid ``s_x * s_w`` as the integer
    kernels will add them. Returns ``{"weights": {name: WeightFakeQuant}, "activations":
    {value: ActFakeQuant}, "biases": {name: BiasFakeQuant}}``.
    """
    hooks: dict = {"weights": {}, "activations": {}, "biases": {}}
    for node in quantizable_nodes(module):
        w = node.inputs[1]
        if w not in hooks["weights"]:
            mode = weight_mode
            if mode == "group" and module.params[w].reshape(
                    module.params[w].shape[0], -1).shape[1] % group_size:
                mode = "channel"  # K not a multiple of the group: per-channel grid instead
            hook = WeightFakeQuant(weight_bits, mode, group_size=group_size,
                                   learn_levels=learn_levels)
            module.add_weight_hook(w, hook)
            hooks["weights"][w] = hook
        if act_bits is None:
            continue
        values = [node.inputs[0]] + ([node.outputs[0]] if node.op == "Conv" else [])
        for v in values:
            if v not in hooks["activations"]:
                hook = ActFakeQuant(act_bits, act_mode)
                module.add_activation_hook(v, hook)
                hooks["activations"][v] = hook
        b = node.inputs[2] if len(node.inputs) > 2 else ""
        wq = hooks["weights"][w]
        if b in module.params and wq.mode == "channel" and b not in hooks["biases"]:
            hooks["biases"][b] = BiasFakeQuant(
                hooks["activations"][node.inputs[0]], wq,
                lambda w=w, wq=wq: module.hook_input(w, wq))
            module.add_weight_hook(b, hooks["biases"][b])
    return hooks


def _hook(table: dict, name: str, kind):
    for h in table.get(name, ()):
        if isinstance(h, kind):
            return h
    return None


def export_quantized(module: GraphModule) -> tuple[Graph, dict[str, np.ndarray], dict]:
    """The graph and weights of the integer model the fake-quant forward simulates.

    Per-channel weights become int8 codes (QConv / QGemm, bias int32 at ``s_x * s_w``) when
    the node's input (and, for QConv, output) carry activation hooks; grouped int4 and
    codebook weights of Gemm/Linear and 1x1 convolutions become LinearInt4 / LinearCodebook
    with float activations. Anything else keeps float32 weights equal to the fake-quant
    values. Returns (graph, weights, {node name: encoding}).
    """
    weights = module.weights(effective=False)
    eff = module.effective_weights()
    nodes: list[Node] = []
    qvals: dict[str, tuple[str, np.float32, int]] = {}  # float value -> (uint8 value, s, zp)
    floats = {v.name for v in module.graph.inputs}
    report: dict[str, str] = {}
    used: set[str] = set()

    def as_float(v: str) -> str:
        if v in floats or not v or v not in qvals:
            return v  # a graph input, a weight or a float value
        q, s, zp = qvals[v]
        nodes.append(Node(f"{v}.dequant", "DequantizeLinear",
                          (q, _const(weights, f"{v}.s", np.array(s, np.float32)),
                           _const(weights, f"{v}.zp", np.array(zp, np.uint8))), (v,), {}))
        floats.add(v)
        return v

    def as_uint8(v: str, act: ActFakeQuant) -> tuple[str, np.float32, int]:
        if v not in qvals:
            s, zp = act.qparams()
            name = f"{v}.q"
            nodes.append(Node(f"{v}.quant", "QuantizeLinear",
                              (as_float(v), _const(weights, f"{v}.qs", np.array(s, np.float32)),
                               _const(weights, f"{v}.qzp", np.array(zp, np.uint8))),
                              (name,), {}))
            qvals[v] = (name, s, zp)
        return qvals[v]

    for node in module.graph.nodes:
        wname = node.inputs[1] if len(node.inputs) > 1 else ""
        wq = _hook(module.weight_hooks, wname, WeightFakeQuant) if node.op in QUANTIZABLE \
            else None
        act_in = _hook(module.act_hooks, node.inputs[0], ActFakeQuant)
        out = node.outputs[0]
        act_out = _hook(module.act_hooks, out, ActFakeQuant)
        if wq is not None and wq.mode == "channel" and act_in is not None and (
                node.op != "Conv" or act_out is not None) and _linear_ok(node):
            x_q, s_x, zp_x = as_uint8(node.inputs[0], act_in)
            q, s_w = wq.encode(module.hook_input(wname, wq))
            q = q.reshape(module.params[wname].shape)
            ins = [x_q, _const(weights, f"{node.name}.wq", q),
                   _const(weights, f"{node.name}.ws", s_w)]
            bname = node.inputs[2] if len(node.inputs) > 2 else ""
            if bname:
                acc_scale = (s_x * s_w).astype(np.float64)
                ins.append(_const(weights, f"{node.name}.bq", np.clip(np.rint(
                    eff[bname].astype(np.float64) / acc_scale), -2**31, 2**31 - 1
                ).astype(np.int32)))
                used.add(bname)
            used.add(wname)
            attrs = {"x_scale": float(s_x), "x_zero_point": zp_x,
                     "activation": node.attrs.get("activation", "none")}
            if node.op == "Conv":
                s_y, zp_y = act_out.qparams()
                attrs.update({k: node.attrs[k] for k in ("strides", "dilations", "pads",
                                                         "group") if k in node.attrs})
                attrs.update(y_scale=float(s_y), y_zero_point=zp_y, out_dtype="uint8")
                nodes.append(Node(node.name, "QConv", tuple(ins), (f"{out}.q",), attrs))
                qvals[out] = (f"{out}.q", s_y, zp_y)
            else:
                attrs["out_dtype"] = "float32"
                nodes.append(Node(node.name, "QGemm", tuple(ins), (out,), attrs))
                floats.add(out)
            report[node.name] = f"int8 codes ({wq.bits}-bit per-channel grid)"
            continue
        if wq is not None and wq.mode in ("group", "codebook") and _pointwise_or_linear(
                node, module.params[wname]):
            enc = wq.encode(module.hook_input(wname, wq))
            bname = node.inputs[2] if len(node.inputs) > 2 else ""
            if enc.__class__.__name__ == "Int4Grouped":
                op, fields, extra = "LinearInt4", {"q": enc.q, "scale": enc.scale}, {
                    "group_size": enc.group_size}
            else:
                op, fields, extra = "LinearCodebook", {"indices": enc.indices,
                                                       "levels": enc.levels}, {
                    "bits": enc.bits, "k": enc.shape[1]}
            ins = [as_float(node.inputs[0])] + [
                _const(weights, f"{node.name}.w.{f}", v) for f, v in fields.items()]
            if bname:
                ins.append(bname)
            for k in ("activation", "clamp"):
                if k in node.attrs:
                    extra[k] = node.attrs[k]
            used.add(wname)
            nodes.append(Node(node.name, op, tuple(ins), (out,), extra))
            floats.add(out)
            report[node.name] = op
            continue
        ins = tuple(as_float(v) for v in node.inputs)
        if wq is not None:
            weights[wname] = np.ascontiguousarray(eff[wname], np.float32)
            report[node.name] = "float32 (fake-quant values)"
        nodes.append(Node(node.name, node.op, ins, node.outputs, node.attrs))
        floats.update(node.outputs)
    for o in module.graph.outputs:
        as_float(o)
    graph = Graph(list(module.graph.inputs), list(module.graph.outputs), nodes)
    referenced = {x for n in nodes for x in n.inputs if x}
    weights = {k: v for k, v in weights.items() if k in referenced}
    return graph, weights, report


def _linear_ok(node: Node) -> bool:
    if node.op == "Conv":
        return node.attrs.get("activation", "none") in ("none", "relu", "relu6")
    return (int(node.attrs.get("transB", int(node.op == "Linear"))) == 1
            and not int(node.attrs.get("transA", 0))
            and float(node.attrs.get("alpha", 1.0)) == 1 and float(node.attrs.get("beta", 1.0)) == 1
            and node.attrs.get("activation", "none") in ("none", "relu", "relu6"))


def _pointwise_or_linear(node: Node, w: np.ndarray) -> bool:
    if node.op == "Conv":
        return (w.shape[1:3] == (1, 1) and int(node.attrs.get("group", 1)) == 1
                and tuple(node.attrs.get("strides", (1, 1))) == (1, 1)
                and not any(node.attrs.get("pads", (0, 0, 0, 0))))
    return _linear_ok(node)


def _const(weights: dict, name: str, value: np.ndarray) -> str:
    weights[name] = np.ascontiguousarray(value)
    return name
