"""ONNX -> pyedge graph (optional dependency ``onnx``): ``from_onnx(path)`` -> Model.

Opsets 11-21 of the default domain. Weights come from initializers and Constant nodes;
nodes whose inputs are all constant are folded in NumPy (shape arithmetic on a dynamic
batch included); the batch dimension stays symbolic. MatMul by a constant becomes a Linear
node on canonical w[N, K] weights, with a following bias Add and Relu/Clip fused into it.
Unsupported ops are reported all at once with their node names. NCHW convolution networks
need the conv kernels and the NCHW -> NHWC rewrite, which are not in this build yet.
"""

from __future__ import annotations

import os
from collections import Counter

import numpy as np

from pyedge.importers import onnx_layout
from pyedge.importers.onnx_fold import FOLD
from pyedge.importers.onnx_patterns import MATCHERS
from pyedge.importers.onnx_qchain import fold_lookup_chains, qadd
from pyedge.runtime import GraphBuilder, GraphError, Model

OPSETS = range(11, 22)
SAME = {"Relu": "Relu", "Sigmoid": "Sigmoid", "Tanh": "Tanh", "Erf": "Erf",
        "HardSwish": "HardSwish", "Add": "Add", "Sub": "Sub", "Mul": "Mul", "Div": "Div",
        "Pow": "Pow", "Sqrt": "Sqrt", "MatMul": "MatMul"}


class _Importer:
    def __init__(self, model):
        import onnx
        from onnx import helper, numpy_helper, shape_inference

        self.helper, self.numpy_helper = helper, numpy_helper
        self.opset = next((o.version for o in model.opset_import if o.domain in ("", "ai.onnx")),
                          None)
        if self.opset not in OPSETS:
            raise ValueError(f"ONNX opset {self.opset} is not supported (supported: "
                             f"{OPSETS.start}-{OPSETS.stop - 1})")
        try:
            model = shape_inference.infer_shapes(model)
        except onnx.onnx_cpp2py_export.shape_inference.InferenceError:  # keep what we have
            pass
        self.g = model.graph
        self.consts = {i.name: numpy_helper.to_array(i) for i in self.g.initializer}
        self.shapes = {}
        for vi in list(self.g.input) + list(self.g.value_info) + list(self.g.output):
            t = vi.type.tensor_type
            if t.HasField("shape"):
                self.shapes[vi.name] = tuple(
                    d.dim_value if d.HasField("dim_value") else (d.dim_param or None)
                    for d in t.shape.dim)
        self.alias: dict[str, str] = {}
        self.weights: dict[str, str] = {}
        self.uses = Counter(x for n in self.g.node for x in n.input if x)
        self.consumers: dict[str, list] = {}
        for n in self.g.node:
            for x in n.input:
                self.consumers.setdefault(x, []).append(n)
        self.dq: dict[str, tuple] = {}  # DequantizeLinear output -> (q name, scale, zp, axis)
        self.skip: set[int] = set()  # ids of ONNX nodes already folded into a fused node
        self.uses.update(o.name for o in self.g.output)
        self.linear: dict[str, dict] = {}  # our Linear nodes still open for bias/act fusion
        self.nhwc: set[str] = set()  # ONNX values whose pyedge tensor is NHWC
        self.override: dict[str, str] = {}  # NHWC inputs of the current node, as NCHW
        self.b = GraphBuilder()
        for n in self.g.node:  # Constant nodes have no inputs: known before any pattern match
            if n.op_type == "Constant":
                self._node(n)

    # -- values -----------------------------------------------------------------------------

    def attrs(self, node) -> dict:
        out = {}
        for a in node.attribute:
            v = self.helper.get_attribute_value(a)
            if isinstance(v, bytes):
                v = v.decode()
            elif hasattr(v, "dims") and hasattr(v, "data_type"):  # TensorProto
                v = self.numpy_helper.to_array(v)
            out[a.name] = v
        if node.op_type == "Cast":
            out["to"] = np.dtype(self.helper.tensor_dtype_to_np_dtype(out["to"]))
        return out

    def const(self, name: str):
        return self.consts.get(self.alias.get(name, name)) if name else None

    def value(self, name: str) -> str | None:
        """Our graph's name for ONNX value ``name`` (a constant becomes a weight)."""
        if not name:
            return None
        if name in self.override:
            return self.override[name]
        name = self.alias.get(name, name)
        if name in self.consts:
            if name not in self.weights:
                arr = self.consts[name]
                if arr.dtype == object:
                    raise ValueError(f"value {name!r} holds symbolic dims {arr.tolist()} and "
                                     f"is used as data")
                wname = name if not name.startswith("__") else "w" + name
                self.weights[name] = self.b.weight(wname, np.ascontiguousarray(arr))
            return self.weights[name]
        return name

    def dims(self, name: str) -> tuple | None:
        name = self.alias.get(name, name)
        if name in self.consts:
            return self.consts[name].shape
        return self.shapes.get(name)

    def emit(self, op, inputs, node, outputs=None, **attrs):
        outs = list(outputs if outputs is not None else node.output)
        name = node.name if node.name and node.name not in self.b._node_names else None
        return self.b.node(op, [self.value(x) if isinstance(x, str) else x for x in inputs],
                           name=name, outputs=outs, **attrs)

    # -- conversion -------------------------------------------------------------------------

    def run(self) -> Model:
        graph, weights = self.convert()
        return Model(graph, weights, recipe={"source": "onnx", "opset": self.opset})

    def convert(self):
        """The pyedge Graph and its weights (not yet bound to kernels)."""
        self._check_supported()
        for vi in self.g.input:
            if vi.name in self.consts:
                continue  # old exporters list initializers as inputs
            t = vi.type.tensor_type
            dtype = np.dtype(self.helper.tensor_dtype_to_np_dtype(t.elem_type))
            dims = tuple(d if d is not None else f"{vi.name}_d{i}"
                         for i, d in enumerate(self.shapes.get(vi.name, ())))
            self.b.input(vi.name, dtype, dims)
        for node in self.g.node:
            try:
                self._node(node)
            except (ValueError, TypeError, KeyError, IndexError) as exc:
                raise GraphError(f"ONNX node {node.name!r} ({node.op_type}): {exc}") from None
        for o in self.g.output:
            if o.name in self.nhwc:  # the NHWC tensor takes a new name; the output keeps its
                inner = self.alias.get(o.name, o.name)
                self._rename(inner, inner + ".nhwc")
                self.b.node("Transpose", [inner + ".nhwc"], name=self.b._fresh("to_nchw"),
                            outputs=[o.name], perm=list(onnx_layout.TO_NCHW))
                self.alias.pop(o.name, None)
            name = self.alias.get(o.name, o.name)
            if name in self.consts:
                raise GraphError(f"graph output {o.name!r} is a constant")
            self.b.output(name)
        fold_lookup_chains(self.b)
        self._prune()
        return self.b.graph(), self.b.weights

    def _check_supported(self) -> None:
        bad = []
        for n in self.g.node:
            if n.domain not in ("", "ai.onnx"):
                bad.append(f"{n.domain}.{n.op_type} ({n.name})")
            elif (n.op_type not in CONVERT and n.op_type not in FOLD
                  and n.op_type not in onnx_layout.LAYOUT and n.op_type not in ("Constant",
                                                                                  "Shape")):
                bad.append(f"{n.op_type} ({n.name})")
        if bad:
            raise GraphError(f"unsupported ONNX ops: {', '.join(bad)}")

    def _fuse(self, node) -> bool:
        """Emit a recognised decomposed pattern starting at ``node`` as one fused op."""
        if any(self.const(x) is None for x in node.input[1:] if x) or self.const(node.input[0]) \
                is not None:
            return False
        found = MATCHERS[node.op_type](self, node)
        if found is None:
            return False
        nodes, out, ir_op, inputs, attrs = found
        self.emit(ir_op, inputs, node, outputs=[out], **attrs)
        self.skip.update(id(n) for n in nodes)
        return True

    def _rename(self, old: str, new: str) -> None:
        """Rename value ``old`` to ``new`` in every emitted node."""
        self.b._names.add(new)
        self.b._names.discard(old)
        for i, n in enumerate(self.b._nodes):
            if old in n.inputs or old in n.outputs:
                self.b._nodes[i] = type(n)(
                    n.name, n.op, tuple(new if x == old else x for x in n.inputs),
                    tuple(new if y == old else y for y in n.outputs), n.attrs)

    def _prune(self) -> None:
        """Drop nodes whose outputs nobody reads (left behind by fusions) and unused weights."""
        needed = set(self.b._outputs)
        kept = []
        for n in reversed(self.b._nodes):
            if any(o in needed for o in n.outputs):
                kept.append(n)
                needed.update(x for x in n.inputs if x)
        self.b._nodes = kept[::-1]
        self.b.weights = {k: v for k, v in self.b.weights.items() if k in needed}

    def _node(self, node) -> None:
        if id(node) in self.skip:
            return
        op, attrs = node.op_type, self.attrs(node)
        if op in MATCHERS and self._fuse(node):
            return
        if op == "DequantizeLinear":
            scale = self.const(node.input[1])
            zp = self.const(node.input[2]) if len(node.input) > 2 and node.input[2] else None
            if scale is not None:
                self.dq[node.output[0]] = (self.alias.get(node.input[0], node.input[0]),
                                           scale, zp, attrs.get("axis", 1))
        if op == "Constant":
            value = attrs.get("value")
            if value is None:
                for key in ("value_float", "value_int", "value_floats", "value_ints"):
                    if key in attrs:
                        kind = np.float32 if "float" in key else np.int64
                        value = np.asarray(attrs[key], kind)
            if value is None:
                raise ValueError("Constant without a numeric value")
            self.consts[node.output[0]] = np.asarray(value)
            return
        if op == "Shape":
            dims = self.dims(node.input[0])
            if dims is None or any(d is None for d in dims):
                raise ValueError(f"shape of {node.input[0]!r} is unknown")
            start, end = attrs.get("start", 0), attrs.get("end", None)
            dims = list(dims)[start:end]
            known = all(isinstance(d, int) for d in dims)
            self.consts[node.output[0]] = np.array(dims, np.int64 if known else object)
            return
        ins = [self.const(x) for x in node.input]
        if op in FOLD and all(v is not None for x, v in zip(node.input, ins, strict=True) if x):
            out = FOLD[op]([v for v in ins], attrs)
            if any(v is not None and v.dtype == object for v in ins):  # symbolic dims
                out = np.asarray(out, dtype=object)
                if all(isinstance(d, int | np.integer) for d in out.reshape(-1)):
                    out = out.astype(np.int64)
            self.consts[node.output[0]] = np.asarray(out)
            return
        if op == "Add" and qadd(self, node):
            return
        if op in onnx_layout.STARTS_NHWC or any(x in self.nhwc for x in node.input):
            if op in onnx_layout.LAYOUT and onnx_layout.LAYOUT[op](self, node, attrs):
                return
            self.override = {x: onnx_layout.to_nchw(self, x) for x in node.input
                             if x in self.nhwc}
        if op not in CONVERT:
            raise ValueError("only supported when all its inputs are constant")
        try:
            CONVERT[op](self, node, attrs)
        finally:
            self.override = {}


# -- converters (one per ONNX op; each emits pyedge IR nodes) ---------------------------------


def _same(ir_op):
    def go(im, node, attrs):
        if ir_op in ("Add", "Mul") and im._fuse_bias(node, ir_op):
            return
        if ir_op == "MatMul" and _qgemm(im, node):
            return
        if ir_op == "MatMul" and im.const(node.input[1]) is not None:
            return _linear(im, node, im.const(node.input[1]))
        if ir_op == "Relu" and im._fuse_act(node, "relu"):
            return
        im.emit(ir_op, list(node.input), node)
    return go


def _qgemm(im, node) -> bool:
    """DQ(x_q) @ DQ(w_q) -> Q(y): one int8 QGemm reading x_q and writing y_q (QDQ models)."""
    a, b = (im.dq.get(x) for x in node.input)
    out = node.output[0]
    users = im.consumers.get(out, [])
    if a is None or b is None or len(users) != 1 or users[0].op_type != "QuantizeLinear":
        return False
    x_q, x_scale, x_zp, _ = a
    w_q, w_scale, w_zp, axis = b
    q = users[0]
    y_scale = im.const(q.input[1])
    y_zp = im.const(q.input[2]) if len(q.input) > 2 and q.input[2] else None
    wq = im.consts.get(w_q)
    if (wq is None or wq.dtype != np.int8 or wq.ndim != 2 or im.const(x_q) is not None
            or x_scale.size != 1 or (x_zp is not None and x_zp.size != 1)
            or y_scale is None or y_scale.size != 1 or (y_zp is not None and y_zp.size != 1)
            or (w_zp is not None and np.any(w_zp != 0)) or np.any(wq == -128)
            or (w_scale.size != 1 and (w_scale.size != wq.shape[1] or axis % 2 != 1))):
        return False
    out_dtype = "uint8" if y_zp is None else np.dtype(y_zp.dtype).name
    w = np.ascontiguousarray(wq.T)  # canonical w[N, K]
    im.consts[w_q + ".T"] = w
    im.consts[w_q + ".scale"] = np.ascontiguousarray(
        np.broadcast_to(w_scale.reshape(-1), (w.shape[0],)), dtype=np.float32)
    im.emit("QGemm", [x_q, w_q + ".T", w_q + ".scale"], node, outputs=[q.output[0]],
            x_scale=float(x_scale), x_zero_point=0 if x_zp is None else int(x_zp),
            y_scale=float(y_scale), y_zero_point=0 if y_zp is None else int(y_zp),
            out_dtype=out_dtype)
    im.skip.add(id(q))
    return True


def _qlinear_matmul(im, node, attrs):
    """QLinearMatMul (a, a_scale, a_zp, b, b_scale, b_zp, y_scale, y_zp) -> one QGemm."""
    a_scale, a_zp, bq, b_scale, b_zp, y_scale, y_zp = (im.const(n) for n in node.input[1:8])
    if (bq is None or bq.dtype != np.int8 or bq.ndim != 2 or np.any(bq == -128)
            or any(v is None or v.size != 1 for v in (a_scale, a_zp, y_scale, y_zp))
            or b_scale is None or b_scale.size not in (1, bq.shape[1])
            or (b_zp is not None and np.any(b_zp != 0)) or im.const(node.input[0]) is not None):
        raise ValueError("QLinearMatMul needs a computed input with constant per-tensor "
                         "quantization and constant int8 symmetric weights in [-127, 127] "
                         "(per tensor or per column)")
    stem = node.input[3]
    im.consts[stem + ".T"] = np.ascontiguousarray(bq.T)  # canonical w[N, K]
    im.consts[stem + ".scale"] = np.ascontiguousarray(
        np.broadcast_to(b_scale.reshape(-1), (bq.shape[1],)), dtype=np.float32)
    im.emit("QGemm", [node.input[0], stem + ".T", stem + ".scale"], node,
            x_scale=float(a_scale), x_zero_point=int(a_zp), y_scale=float(y_scale),
            y_zero_point=int(y_zp), out_dtype=np.dtype(y_zp.dtype).name)


def _dynamic_quantize(im, node, attrs):
    im.emit("DynamicQuantizeLinear", [node.input[0]], node)


def _matmul_integer(im, node, attrs):
    """MatMulInteger(a, w const int8 [K, N], a_zp, w_zp = 0) -> int32 MatMulInteger on qgemm."""
    w = im.const(node.input[1])
    w_zp = im.const(node.input[3]) if len(node.input) > 3 and node.input[3] else None
    if (w is None or w.dtype != np.int8 or w.ndim != 2 or np.any(w == -128)
            or (w_zp is not None and np.any(w_zp != 0)) or im.const(node.input[0]) is not None
            or (len(node.input) > 3 and node.input[3] and w_zp is None)):
        raise ValueError("MatMulInteger needs a computed input and constant int8 symmetric "
                         "weights in [-127, 127] with zero point 0")
    im.consts[node.input[1] + ".T"] = np.ascontiguousarray(w.T)  # canonical w[N, K]
    zp = node.input[2] if len(node.input) > 2 and node.input[2] else None
    scale, outputs = integer_rescale(im, node, w.shape[1])
    im.emit("MatMulInteger", [node.input[0], node.input[1] + ".T", zp, scale], node,
            outputs=outputs)


def integer_rescale(im, node, n: int) -> tuple[str | None, list[str]]:
    """``Cast(to float) -> Mul(scale)`` after an integer product: (scale, [Mul's output]).

    The pair is fused into the product's float epilogue (same bits: float32(acc) * scale)
    when the scale is a float32 scalar or [n] and nobody else reads the int32 or cast values.
    Otherwise (None, the node's outputs).
    """
    none = None, list(node.output)
    users = im.consumers.get(node.output[0], [])
    if len(users) != 1 or users[0].op_type != "Cast" or im.uses[node.output[0]] != 1:
        return none
    cast = users[0]
    to = im.attrs(cast)["to"]
    muls = im.consumers.get(cast.output[0], [])
    if to != np.float32 or len(muls) != 1 or muls[0].op_type != "Mul" or im.uses[
            cast.output[0]] != 1 or list(muls[0].input).count(cast.output[0]) != 1:
        return none
    mul = muls[0]
    scale = next(x for x in mul.input if x != cast.output[0])
    dims = im.dims(scale)
    c = im.const(scale)
    if (dims is None or len(dims) > 1 or (dims and dims[0] not in (1, n))
            or (c is not None and (c.dtype != np.float32 or not np.all(c > 0)))):
        return none
    im.skip.update((id(cast), id(mul)))
    return scale, list(mul.output)


def _linear(im, node, b):
    if b.ndim != 2:
        return im.emit("MatMul", list(node.input), node)
    w = np.ascontiguousarray(b.T)  # canonical w[N, K]
    im.consts[node.input[1] + ".T"] = w
    inputs = [node.input[0], node.input[1] + ".T"]
    im.emit("Linear", inputs, node)
    im.linear[node.output[0]] = {"node": len(im.b._nodes) - 1, "n": w.shape[0]}


def _rewrite_last(im, key, **changes):
    """Update the Linear node that produced ``key`` and rename its output (fusion)."""
    info = im.linear.pop(key)
    node = im.b._nodes[info["node"]]
    im.b._nodes[info["node"]] = type(node)(node.name, node.op, changes.get("inputs", node.inputs),
                                           changes.get("outputs", node.outputs),
                                           {**node.attrs, **changes.get("attrs", {})})
    return info


def _fuse_bias_impl(im, node, ir_op):
    if ir_op != "Add":
        return False
    a, c = node.input
    if im.const(a) is not None:
        a, c = c, a
    bias = im.const(c)
    info = im.linear.get(a)
    if info is None or bias is None or im.uses[a] != 1 or bias.dtype != np.float32:
        return False
    if bias.size != info["n"] or bias.shape not in ((info["n"],), (1, info["n"])):
        return False
    old = im.b._nodes[info["node"]]
    if len(old.inputs) > 2 or old.attrs.get("activation", "none") != "none":
        return False
    out = node.output[0]
    im.b._names.add(out)
    _rewrite_last(im, a, inputs=old.inputs + (im.value(c),), outputs=(out,))
    im.alias[a] = out  # nobody else reads the unfused value
    im.linear[out] = info
    return True


def _fuse_act_impl(im, node, act, clamp=None):
    x = node.input[0]
    info = im.linear.get(x)
    if info is None or im.uses[x] != 1:
        return False
    old = im.b._nodes[info["node"]]
    if old.attrs.get("activation", "none") != "none":
        return False
    out = node.output[0]
    im.b._names.add(out)
    attrs = {"activation": act}
    if clamp is not None:
        attrs["clamp"] = list(clamp)
    _rewrite_last(im, x, outputs=(out,), attrs=attrs)
    im.alias[x] = out
    return True


_Importer._fuse_bias = _fuse_bias_impl
_Importer._fuse_act = _fuse_act_impl


def _with_attrs(ir_op, *names):
    def go(im, node, attrs):
        im.emit(ir_op, list(node.input), node, **{k: attrs[k] for k in names if k in attrs})
    return go


def _softmax(im, node, attrs):
    default = -1 if im.opset >= 13 else 1
    axis = attrs.get("axis", default)
    rank = len(im.dims(node.input[0]) or ())
    if im.opset < 13 and rank and axis % rank != rank - 1:
        raise ValueError("Softmax before opset 13 is only supported on the last axis")
    im.emit("Softmax", [node.input[0]], node, axis=axis)


def _clip(im, node, attrs):
    lo = im.const(node.input[1]) if len(node.input) > 1 and node.input[1] else attrs.get("min")
    hi = im.const(node.input[2]) if len(node.input) > 2 and node.input[2] else attrs.get("max")
    lo = None if lo is None else float(np.asarray(lo))
    hi = None if hi is None else float(np.asarray(hi))
    if lo == 0.0 and hi == 6.0 and im._fuse_act(node, "relu6"):
        return
    if lo == 0.0 and hi is None and im._fuse_act(node, "relu"):
        return
    im.emit("Clip", [node.input[0]], node, min=lo, max=hi)


def _gemm(im, node, attrs):
    keys = ("alpha", "beta", "transA", "transB")
    im.emit("Gemm", list(node.input), node, **{k: attrs[k] for k in keys if k in attrs})


def _ints(im, node, i, attrs, key):
    """An int list from input ``i`` (newer opsets) or attribute ``key`` (older ones)."""
    if len(node.input) > i and node.input[i]:
        v = im.const(node.input[i])
        if v is None:
            raise ValueError(f"input {node.input[i]!r} must be constant")
        return [int(x) for x in np.asarray(v).reshape(-1)]
    v = attrs.get(key)
    return None if v is None else [int(x) for x in v]


def _reshape(im, node, attrs):
    spec = im.const(node.input[1])
    if spec is None:
        raise ValueError("the target shape must be constant (or shape arithmetic on inputs)")
    dims = im.dims(node.input[0]) or ()
    out = []
    for i, d in enumerate(spec.reshape(-1).tolist()):
        if isinstance(d, str):
            out.append(0 if i < len(dims) and dims[i] == d else -1)
        else:
            out.append(int(d))
    if out.count(-1) > 1:
        raise ValueError(f"target shape {spec.tolist()} has more than one unknown dim")
    if attrs.get("allowzero") and 0 in spec.tolist():
        raise ValueError("allowzero=1 with a zero in the shape is not supported")
    im.emit("Reshape", [node.input[0]], node, shape=out)


def _squeeze(ir_op):
    def go(im, node, attrs):
        im.emit(ir_op, [node.input[0]], node, axes=_ints(im, node, 1, attrs, "axes"))
    return go


def _split(im, node, attrs):
    split = _ints(im, node, 1, attrs, "split")
    im.emit("Split", [node.input[0]], node, axis=attrs.get("axis", 0), split=split)


def _slice(im, node, attrs):
    starts, ends = _ints(im, node, 1, attrs, "starts"), _ints(im, node, 2, attrs, "ends")
    axes, steps = _ints(im, node, 3, attrs, "axes"), _ints(im, node, 4, attrs, "steps")
    im.emit("Slice", [node.input[0]], node, starts=starts, ends=ends, axes=axes, steps=steps)


def _reduce_mean(im, node, attrs):
    axes = _ints(im, node, 1, attrs, "axes")
    if not axes and attrs.get("noop_with_empty_axes"):
        im.alias[node.output[0]] = im.alias.get(node.input[0], node.input[0])
        return
    im.emit("ReduceMean", [node.input[0]], node, axes=axes, keepdims=attrs.get("keepdims", 1))


def _pad(im, node, attrs):
    pads = _ints(im, node, 1, attrs, "pads")
    value = 0.0
    if len(node.input) > 2 and node.input[2]:
        value = float(np.asarray(im.const(node.input[2])))
    axes = _ints(im, node, 3, attrs, "axes")
    if axes is not None:
        rank = len(im.dims(node.input[0]))
        full = [0] * (2 * rank)
        for j, a in enumerate(axes):
            full[a % rank], full[rank + a % rank] = pads[j], pads[len(axes) + j]
        pads = full
    im.emit("Pad", [node.input[0]], node, pads=pads, mode=attrs.get("mode", "constant"),
            value=value)


def _resize(im, node, attrs):
    mode = attrs.get("mode", "nearest")
    if mode not in ("nearest", "linear"):
        raise ValueError(f"mode {mode!r} is not supported (nearest, linear)")
    if attrs.get("antialias"):
        raise ValueError("antialias is not supported")
    scales = im.const(node.input[2]) if len(node.input) > 2 and node.input[2] else None
    sizes = _ints(im, node, 3, attrs, "sizes") if len(node.input) > 3 else None
    scales = None if scales is None or scales.size == 0 else [float(s) for s in scales]
    im.emit("Resize", [node.input[0]], node, mode=mode, scales=scales, sizes=sizes,
            coordinate_transformation_mode=attrs.get("coordinate_transformation_mode",
                                                     "half_pixel"),
            nearest_mode=attrs.get("nearest_mode", "round_prefer_floor"))


def _identity(im, node, attrs):
    im.alias[node.output[0]] = im.alias.get(node.input[0], node.input[0])


def _cast(im, node, attrs):
    im.emit("Cast", [node.input[0]], node, to=attrs["to"].name)


def _batch_norm(im, node, attrs):
    dims = im.dims(node.input[0])
    if dims is None or len(dims) != 2:
        raise ValueError("BatchNormalization is supported on [N, C] inputs (NCHW needs the "
                         "conv layout rewrite)")
    im.emit("BatchNormalization", list(node.input[:5]), node, outputs=node.output[:1],
            epsilon=attrs.get("epsilon", 1e-5))


CONVERT = {
    **{op: _same(ir) for op, ir in SAME.items()},
    "LeakyRelu": _with_attrs("LeakyRelu", "alpha"),
    "HardSigmoid": _with_attrs("HardSigmoid", "alpha", "beta"),
    "Gelu": _with_attrs("Gelu", "approximate"),
    "Softmax": _softmax,
    "Clip": _clip,
    "Gemm": _gemm,
    "LayerNormalization": _with_attrs("LayerNormalization", "axis", "epsilon"),
    "Transpose": _with_attrs("Transpose", "perm"),
    "Reshape": _reshape,
    "Flatten": _with_attrs("Flatten", "axis"),
    "Squeeze": _squeeze("Squeeze"),
    "Unsqueeze": _squeeze("Unsqueeze"),
    "Concat": _with_attrs("Concat", "axis"),
    "Split": _split,
    "Slice": _slice,
    "ReduceMean": _reduce_mean,
    "Pad": _pad,
    "Resize": _resize,
    "QuantizeLinear": _with_attrs("QuantizeLinear", "axis"),
    "DequantizeLinear": _with_attrs("DequantizeLinear", "axis"),
    "QLinearMatMul": _qlinear_matmul,
    "DynamicQuantizeLinear": _dynamic_quantize,
    "MatMulInteger": _matmul_integer,
    "Identity": _identity,
    "Dropout": _identity,
    "Cast": _cast,
    "BatchNormalization": _batch_norm,
}
"""ONNX op type -> converter (ops in onnx_fold.FOLD may also appear when constant)."""


def from_onnx(model: str | os.PathLike | object) -> Model:
    """Import an ONNX model (path or ``onnx.ModelProto``) as a runnable pyedge Model.

    Raises
    ------
    GraphError listing every unsupported op type and node name, or naming the ONNX node
    that could not be converted; ValueError for an unsupported opset or a file that is not
    an ONNX model (corrupt, truncated); OSError if the file cannot be read.
    """
    import onnx
    from google.protobuf.message import DecodeError

    if not isinstance(model, onnx.ModelProto):
        path = os.fspath(model)
        try:
            model = onnx.load(path)
        except DecodeError as exc:
            raise ValueError(f"{path}: not a valid ONNX model ({exc})") from None
    return _Importer(model).run()
