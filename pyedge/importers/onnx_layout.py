"""NCHW -> NHWC for ONNX convolution networks: 4-D values after the first Conv/pool are NHWC.

``im.nhwc`` holds the ONNX names whose pyedge tensor is NHWC (ONNX shapes and axes stay
NCHW). Ops that know the layout are converted here with permuted axes, pads and weights;
any other op gets its NHWC inputs transposed back first. Conv absorbs a following
BatchNormalization (folded into weights and bias) and Relu/Relu6 (fused activation).
"""

from __future__ import annotations

import numpy as np

TO_NHWC = (0, 2, 3, 1)
TO_NCHW = (0, 3, 1, 2)
AXIS = {0: 0, 1: 3, 2: 1, 3: 2}  # NCHW axis -> NHWC axis
UNARY = ("Relu", "Sigmoid", "Tanh", "HardSwish", "HardSigmoid", "LeakyRelu", "Clip", "Erf",
         "Gelu", "Sqrt", "Cast")


def to_nhwc(im, name: str) -> str:
    """Our name of ONNX value ``name`` as NHWC (a Transpose node the first time)."""
    if name in im.nhwc:
        return im.value(name)
    c = im.const(name)
    if c is not None:
        key = f"{im.alias.get(name, name)}.nhwc"
        if key not in im.consts:
            im.consts[key] = np.ascontiguousarray(_nhwc_const(c, 4))
        return im.value(key)
    key = f"{im.alias.get(name, name)}.nhwc"
    if key not in im.b._names:
        im.b.node("Transpose", [im.value(name)], name=im.b._fresh("to_nhwc"), outputs=[key],
                  perm=list(TO_NHWC))
    return key


def to_nchw(im, name: str) -> str:
    """Our name of NHWC value ``name`` in NCHW order (a Transpose node the first time)."""
    key = f"{im.alias.get(name, name)}.nchw"
    if key not in im.b._names:
        im.b.node("Transpose", [im.value(name)], name=im.b._fresh("to_nchw"), outputs=[key],
                  perm=list(TO_NCHW))
    return key


def _nhwc_const(c: np.ndarray, rank: int):
    """A constant broadcast against a 4-D NCHW value, re-laid out for NHWC (or None)."""
    if c.ndim <= 1 and c.size == 1:
        return c
    if c.ndim == 4:
        return c.transpose(TO_NHWC)
    if c.ndim == 3:  # [C, H, W] against [N, C, H, W]
        return c.transpose(1, 2, 0)
    return None


def _dims(im, name):
    d = im.dims(name)
    return None if d is None or len(d) != 4 else d


def _auto_pads(im, node, attrs, k, strides, dil):
    mode = attrs.get("auto_pad", "NOTSET")
    if mode == "NOTSET":
        p = attrs.get("pads", [0, 0, 0, 0])
        if len(p) != 4:
            raise ValueError("only 2-D windows are supported")
        return list(p)
    if mode == "VALID":
        return [0, 0, 0, 0]
    d = _dims(im, node.input[0])
    if d is None or not all(isinstance(v, int) for v in d[2:]):
        raise ValueError(f"auto_pad={mode} needs static spatial dims")
    pads = []
    for size, kk, s, dd in zip(d[2:], k, strides, dil, strict=True):
        out = -(-size // s)
        total = max((out - 1) * s + (kk - 1) * dd + 1 - size, 0)
        small, big = total // 2, total - total // 2
        pads.append((small, big) if mode == "SAME_UPPER" else (big, small))
    return [pads[0][0], pads[1][0], pads[0][1], pads[1][1]]


def _qconv(im, node, attrs, strides, dil, pads) -> bool:
    """DQ(x_q) * DQ(w_q) [+ DQ(bias_i32)] -> Q(y): one int8 QConv (QDQ models)."""
    a, b = im.dq.get(node.input[0]), im.dq.get(node.input[1])
    users = im.consumers.get(node.output[0], [])
    if a is None or b is None or len(users) != 1 or users[0].op_type != "QuantizeLinear":
        return False
    x_q, x_scale, x_zp, _ = a
    w_q, w_scale, w_zp, axis = b
    wq = im.consts.get(w_q)
    q = users[0]
    y_scale = im.const(q.input[1])
    y_zp = im.const(q.input[2]) if len(q.input) > 2 and q.input[2] else None
    bias = None
    if len(node.input) > 2 and node.input[2]:
        bd = im.dq.get(node.input[2])
        bias = None if bd is None else im.consts.get(bd[0])
        if bias is None or bias.dtype != np.int32 or (bd[2] is not None and np.any(bd[2])):
            return False
    if (wq is None or wq.dtype != np.int8 or wq.ndim != 4 or im.const(x_q) is not None
            or x_scale.size != 1 or (x_zp is not None and x_zp.size != 1)
            or y_scale is None or y_scale.size != 1 or (y_zp is not None and y_zp.size != 1)
            or (w_zp is not None and np.any(w_zp != 0)) or np.any(wq == -128)
            or (w_scale.size != 1 and (w_scale.size != wq.shape[0] or axis % 4 != 0))):
        return False
    im.consts[w_q + ".ohwi"] = np.ascontiguousarray(wq.transpose(TO_NHWC))
    im.consts[w_q + ".scale"] = np.ascontiguousarray(
        np.broadcast_to(w_scale.reshape(-1), (wq.shape[0],)), dtype=np.float32)
    ins = [to_nhwc(im, x_q), w_q + ".ohwi", w_q + ".scale"]
    if bias is not None:
        im.consts[node.input[2] + ".i32"] = np.ascontiguousarray(bias.reshape(-1))
        ins.append(node.input[2] + ".i32")
    im.emit("QConv", ins, node, outputs=[q.output[0]], strides=strides, dilations=dil,
            pads=pads, group=attrs.get("group", 1), x_scale=float(x_scale),
            x_zero_point=0 if x_zp is None else int(x_zp), y_scale=float(y_scale),
            y_zero_point=0 if y_zp is None else int(y_zp),
            out_dtype="uint8" if y_zp is None else np.dtype(y_zp.dtype).name)
    im.nhwc.add(q.output[0])
    im.skip.add(id(q))
    return True


def conv_transpose(im, node, attrs) -> bool:
    """ConvTranspose (2-D, group 1, explicit pads) -> NHWC ConvTranspose, w[C_in, KH, KW, C_out]."""
    w = im.const(node.input[1])
    if w is None or w.ndim != 4 or _dims(im, node.input[0]) is None:
        raise ValueError("needs a 4-D input and constant 4-D weights (2-D transposed conv)")
    if attrs.get("group", 1) != 1 or "output_shape" in attrs or attrs.get(
            "auto_pad", "NOTSET") not in ("NOTSET", "VALID"):
        raise ValueError("supported with group=1, explicit pads and no output_shape")
    im.consts[node.input[1] + ".ihwo"] = np.ascontiguousarray(w.transpose(0, 2, 3, 1),
                                                              dtype=np.float32)
    ins = [to_nhwc(im, node.input[0]), node.input[1] + ".ihwo"]
    if len(node.input) > 2 and node.input[2]:
        ins.append(node.input[2])
    pads = [0, 0, 0, 0] if attrs.get("auto_pad") == "VALID" else list(attrs.get("pads", [0] * 4))
    im.emit("ConvTranspose", ins, node, strides=list(attrs.get("strides", [1, 1])),
            dilations=list(attrs.get("dilations", [1, 1])), pads=pads,
            output_padding=list(attrs.get("output_padding", [0, 0])))
    im.nhwc.add(node.output[0])
    return True


def qlinear_conv(im, node, attrs) -> bool:
    """QLinearConv (x, x_scale, x_zp, w, w_scale, w_zp, y_scale, y_zp[, B]) -> one QConv."""
    x_scale, x_zp, wq, w_scale, w_zp, y_scale, y_zp = (im.const(n) for n in node.input[1:8])
    bias = im.const(node.input[8]) if len(node.input) > 8 and node.input[8] else None
    if (wq is None or wq.dtype != np.int8 or wq.ndim != 4 or np.any(wq == -128)
            or any(v is None or v.size != 1 for v in (x_scale, x_zp, y_scale, y_zp))
            or w_scale is None or w_scale.size not in (1, wq.shape[0])
            or (w_zp is not None and np.any(w_zp != 0))
            or (bias is not None and bias.dtype != np.int32)):
        raise ValueError("QLinearConv needs constant per-tensor x/y quantization, int8 "
                         "symmetric weights in [-127, 127] (per tensor or per output channel) "
                         "and an int32 bias")
    k = list(wq.shape[2:])
    strides = list(attrs.get("strides", [1, 1]))
    dil = list(attrs.get("dilations", [1, 1]))
    pads = _auto_pads(im, node, attrs, k, strides, dil)
    stem = node.input[3]
    im.consts[stem + ".ohwi"] = np.ascontiguousarray(wq.transpose(TO_NHWC))
    im.consts[stem + ".scale"] = np.ascontiguousarray(
        np.broadcast_to(w_scale.reshape(-1), (wq.shape[0],)), dtype=np.float32)
    ins = [to_nhwc(im, node.input[0]), stem + ".ohwi", stem + ".scale"]
    if bias is not None:
        im.consts[node.input[8] + ".i32"] = np.ascontiguousarray(bias.reshape(-1))
        ins.append(node.input[8] + ".i32")
    im.emit("QConv", ins, node, strides=strides, dilations=dil, pads=pads,
            group=attrs.get("group", 1), x_scale=float(x_scale), x_zero_point=int(x_zp),
            y_scale=float(y_scale), y_zero_point=int(y_zp),
            out_dtype=np.dtype(y_zp.dtype).name)
    im.nhwc.add(node.output[0])
    return True


def qdq(im, node, attrs) -> bool:
    """Per-tensor QuantizeLinear/DequantizeLinear are elementwise: they keep NHWC."""
    scale = im.const(node.input[1])
    if node.input[0] not in im.nhwc or scale is None or scale.size != 1:
        return False
    from pyedge.importers.onnx import CONVERT

    CONVERT[node.op_type](im, node, attrs)
    im.nhwc.add(node.output[0])
    return True


def conv(im, node, attrs) -> bool:
    if node.input[1] in im.dq and im.dq[node.input[1]][0] in im.consts:  # QDQ: try int8
        k = list(im.consts[im.dq[node.input[1]][0]].shape[2:])
        strides = list(attrs.get("strides", [1, 1]))
        dil = list(attrs.get("dilations", [1, 1]))
        if _qconv(im, node, attrs, strides, dil, _auto_pads(im, node, attrs, k, strides, dil)):
            return True
    w = im.const(node.input[1])
    if w is None or w.ndim != 4 or _dims(im, node.input[0]) is None:
        raise ValueError("needs a 4-D input and constant 4-D weights (2-D convolution)")
    k = list(w.shape[2:])
    strides = list(attrs.get("strides", [1, 1]))
    dil = list(attrs.get("dilations", [1, 1]))
    pads = _auto_pads(im, node, attrs, k, strides, dil)
    im.consts[node.input[1] + ".ohwi"] = np.ascontiguousarray(w.transpose(TO_NHWC),
                                                              dtype=np.float32)
    ins = [to_nhwc(im, node.input[0]), node.input[1] + ".ohwi"]
    if len(node.input) > 2 and node.input[2]:
        ins.append(node.input[2])
    im.emit("Conv", ins, node, strides=strides, dilations=dil, pads=pads,
            group=attrs.get("group", 1))
    im.linear[node.output[0]] = {"node": len(im.b._nodes) - 1, "n": w.shape[0]}
    im.nhwc.add(node.output[0])
    return True


def batch_norm(im, node, attrs) -> bool:
    x = node.input[0]
    params = [im.const(n) for n in node.input[1:5]]
    if any(p is None for p in params):
        return False
    scale, bias, mean, var = (p.astype(np.float64) for p in params)
    a = scale / np.sqrt(var + attrs.get("epsilon", 1e-5))
    info = im.linear.get(x)
    if info is not None and im.uses[x] == 1:
        conv_node = im.b._nodes[info["node"]]
        if conv_node.op == "Conv" and conv_node.attrs.get("activation", "none") == "none":
            w = im.b.weights[conv_node.inputs[1]].astype(np.float64)
            b0 = (im.b.weights[conv_node.inputs[2]].astype(np.float64)
                  if len(conv_node.inputs) > 2 else 0.0)
            stem = conv_node.name
            wn = im.b.weight(im.b._fresh(f"{stem}.w_bn"),
                             (w * a[:, None, None, None]).astype(np.float32))
            bn = im.b.weight(im.b._fresh(f"{stem}.b_bn"),
                             ((b0 - mean) * a + bias).astype(np.float32))
            out = node.output[0]
            im.b._names.add(out)
            from pyedge.importers.onnx import _rewrite_last

            _rewrite_last(im, x, inputs=(conv_node.inputs[0], wn, bn), outputs=(out,))
            im.alias[x] = out
            im.linear[out] = info
            im.nhwc.add(out)
            return True
    ins = [to_nhwc(im, x)] + [np.ascontiguousarray(p, dtype=np.float32) for p in params]
    im.emit("BatchNormalization", ins, node, outputs=node.output[:1],
            epsilon=attrs.get("epsilon", 1e-5))
    im.nhwc.add(node.output[0])
    return True


def pool(im, node, attrs) -> bool:
    k = list(attrs["kernel_shape"])
    strides = list(attrs.get("strides", [1, 1]))
    dil = list(attrs.get("dilations", [1, 1]))
    pads = _auto_pads(im, node, attrs, k, strides, dil)
    extra = {"count_include_pad": attrs["count_include_pad"]} if (
        "count_include_pad" in attrs) else {}
    if node.op_type == "MaxPool" and dil != [1, 1]:
        extra["dilations"] = dil
    im.emit(node.op_type, [to_nhwc(im, node.input[0])], node, outputs=node.output[:1],
            kernel_shape=k, strides=strides, pads=pads, ceil_mode=attrs.get("ceil_mode", 0),
            **extra)
    im.nhwc.add(node.output[0])
    return True


def global_pool(im, node, attrs) -> bool:
    im.emit("GlobalAveragePool", [to_nhwc(im, node.input[0])], node)
    im.nhwc.add(node.output[0])
    return True


def unary(im, node, attrs) -> bool:
    from pyedge.importers.onnx import CONVERT

    if node.input[0] not in im.nhwc:
        return False
    CONVERT[node.op_type](im, node, attrs)
    im.nhwc.add(node.output[0])
    return True


def binary(im, node, attrs) -> bool:
    a, b = node.input
    ins = []
    for x in (a, b):
        if x in im.nhwc:
            ins.append(im.value(x))
            continue
        c = im.const(x)
        d = im.dims(x)
        if c is not None:
            c2 = _nhwc_const(c, 4)
            if c2 is None:
                return False
            key = f"{x}.nhwc"
            im.consts.setdefault(key, np.ascontiguousarray(c2))
            ins.append(im.value(key))
        elif d is not None and len(d) == 4:
            ins.append(to_nhwc(im, x))
        elif d is not None and all(v == 1 for v in d):  # a computed scalar broadcasts alike
            ins.append(im.value(x))
        else:
            return False
    im.b.node(node.op_type, ins, name=im.b._fresh(node.op_type.lower()),
              outputs=[node.output[0]])
    im.nhwc.add(node.output[0])
    return True


def concat(im, node, attrs) -> bool:
    axis = attrs["axis"] % 4
    ins = [to_nhwc(im, x) for x in node.input]
    im.emit("Concat", ins, node, axis=AXIS[axis])
    im.nhwc.add(node.output[0])
    return True


def flatten(im, node, attrs) -> bool:
    d = _dims(im, node.input[0])
    if attrs.get("axis", 1) != 1 or d is None or d[2:] != (1, 1):
        return False  # only [N, C, 1, 1] flattens the same way in both layouts
    im.emit("Flatten", [im.value(node.input[0])], node, axis=1)
    return True


def reduce_mean(im, node, attrs) -> bool:
    from pyedge.importers.onnx import _ints

    axes = _ints(im, node, 1, attrs, "axes")
    keep = attrs.get("keepdims", 1)
    if axes is None or (not keep and sorted(a % 4 for a in axes) != [2, 3]):
        return False
    im.emit("ReduceMean", [im.value(node.input[0])], node,
            axes=sorted(AXIS[a % 4] for a in axes), keepdims=keep)
    if keep:
        im.nhwc.add(node.output[0])
    return True


def conv_integer(im, node, attrs) -> bool:
    """ConvInteger(x, w const int8, x_zp, w_zp = 0) -> NHWC int32 ConvInteger."""
    w = im.const(node.input[1])
    w_zp = im.const(node.input[3]) if len(node.input) > 3 and node.input[3] else None
    if (w is None or w.dtype != np.int8 or w.ndim != 4 or np.any(w == -128)
            or (w_zp is not None and np.any(w_zp != 0)) or _dims(im, node.input[0]) is None
            or (len(node.input) > 3 and node.input[3] and w_zp is None)):
        raise ValueError("ConvInteger needs a 4-D input and constant 4-D int8 symmetric "
                         "weights in [-127, 127] with zero point 0")
    k = list(w.shape[2:])
    strides = list(attrs.get("strides", [1, 1]))
    dil = list(attrs.get("dilations", [1, 1]))
    pads = _auto_pads(im, node, attrs, k, strides, dil)
    im.consts[node.input[1] + ".ohwi"] = np.ascontiguousarray(w.transpose(TO_NHWC))
    from pyedge.importers.onnx import integer_rescale

    zp = node.input[2] if len(node.input) > 2 and node.input[2] else None
    scale, outputs = integer_rescale(im, node, w.shape[0])
    im.emit("ConvInteger", [to_nhwc(im, node.input[0]), node.input[1] + ".ohwi", zp, scale],
            node, outputs=outputs, strides=strides, dilations=dil, pads=pads,
            group=attrs.get("group", 1))
    im.nhwc.add(outputs[0])
    return True


def dynamic_quantize(im, node, attrs) -> bool:
    """DynamicQuantizeLinear is per tensor: its data output keeps the input's NHWC layout."""
    if node.input[0] not in im.nhwc:
        return False
    im.emit("DynamicQuantizeLinear", [node.input[0]], node)
    im.nhwc.add(node.output[0])
    return True


def identity(im, node, attrs) -> bool:
    im.alias[node.output[0]] = im.alias.get(node.input[0], node.input[0])
    im.nhwc.add(node.output[0])
    return True


LAYOUT = {"Conv": conv, "BatchNormalization": batch_norm, "MaxPool": pool,
          "AveragePool": pool, "GlobalAveragePool": global_pool, "Add": binary,
          "Sub": binary, "Mul": binary, "Div": binary, "Concat": concat, "Flatten": flatten,
          "ReduceMean": reduce_mean, "Identity": identity, "Dropout": identity,
          "QuantizeLinear": qdq, "DequantizeLinear": qdq, "QLinearConv": qlinear_conv,
          "ConvTranspose": conv_transpose, "ConvInteger": conv_integer,
          "DynamicQuantizeLinear": dynamic_quantize,
          **{op: unary for op in UNARY}}
"""Ops converted in NHWC when an input is NHWC (Conv and the pools always are)."""
STARTS_NHWC = ("Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "QLinearConv",
               "ConvTranspose", "ConvInteger")
