"""Encode one layer's weights as its layer recipe asks (the quantizers and pruners do the work).

The result, :class:`Encoded`, says which runtime node form the layer lowers to (``domain``
"q8" = QConv/QGemm on uint8 activations, "f32" = float activations), the tensors of that
form, the dequantized weight (for SQNR and sensitivity) and, when the asked encoding could
not be used, the reason.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pyedge.compress.layers import Layer
from pyedge.compress.recipe import LayerRecipe

Q8_ACTIVATIONS = ("none", "relu", "relu6")  # fusable as quantized clamp bounds


@dataclass
class Encoded:
    """One layer after encoding.

    Attributes
    ----------
    encoding : what was done, e.g. ``"int8"``, ``"w4 g32 gptq"``, ``"nu4 laplace"``
    domain : ``"q8"`` (QConv/QGemm, uint8 activations) or ``"f32"`` (float activations)
    form : the node form: ``"float"``, ``"qconv"``, ``"qgemm"``, ``"int4"``, ``"codebook"``,
        ``"sparse"``
    w_deq : float32 [N, K] weight the encoded layer computes with
    bias : float32 [N] bias (after any correction)
    enc : the pyedge.tensors encoding object, or for int8 ``(q int8 [N, K], scale [N])``
    asked : the layer recipe's encoding
    reason : why the asked encoding was replaced ("" when it was not)
    info : extra per-layer facts for the report (distribution fit, sparse timings, ...)
    """

    encoding: str
    domain: str
    form: str
    w_deq: np.ndarray
    bias: np.ndarray | None
    enc: object = None
    asked: str = ""
    reason: str = ""
    info: dict = field(default_factory=dict)


def _float(layer: Layer, asked: str, reason: str = "") -> Encoded:
    return Encoded("float32", "f32", "float", layer.w2d, layer.bias, None, asked, reason)


def int8_per_channel(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-output-channel int8 ``(q [N, K] in [-127, 127], scale float32 [N])``."""
    from pyedge.compress.uniform import quantize_int8_channel

    return quantize_int8_channel(w)


def _int8(layer: Layer, asked: str, calibrated: bool, reason: str = "") -> Encoded:
    if not calibrated:
        return _float(layer, asked, (reason + "; " if reason else "")
                      + "static int8 needs calibration data (calib=...)")
    if layer.activation not in Q8_ACTIVATIONS:
        return _float(layer, asked, f"activation {layer.activation!r} cannot be fused into an "
                      f"int8 kernel")
    q, scale = int8_per_channel(layer.w2d)
    w_deq = q.astype(np.float32) * scale[:, None]
    form = "qgemm" if layer.kind == "linear" else "qconv"
    return Encoded("int8", "q8", form, w_deq, layer.bias, (q, scale), asked, reason)


def _fallback(layer, lr, fallback, calibrated, why) -> Encoded:
    if fallback == "int8":
        return _int8(layer, lr.encoding, calibrated, why)
    return _float(layer, lr.encoding, why)


def _conv_name(layer: Layer) -> str:
    _, kh, kw, _ = layer.w_shape
    return f"{kh}x{kw} {'depthwise ' if layer.kind == 'depthwise' else ''}conv"


def _group_size(layer: Layer, lr: LayerRecipe) -> int | None:
    k = layer.w2d.shape[1]
    want = lr.options.get("group_size")
    for g in (want,) if want else (32, 64, 128):
        if k % g == 0:
            return g
    return None


def _w4(layer, lr, hessian, seed) -> Encoded:
    g = _group_size(layer, lr)
    if lr.encoding == "w4-gptq":
        from pyedge.compress.gptq import gptq

        enc = gptq(layer.w2d, hessian(layer), 4, group_size=g,
                   scale_dtype="float16").to_int4_grouped()
        name = f"w4 g{g} gptq"
    else:
        from pyedge.compress.uniform import quantize_int4_grouped

        enc = quantize_int4_grouped(layer.w2d, g, clip="mse")
        name = f"w4 g{g}"
    return Encoded(name, "f32", "int4", enc.to_float(), layer.bias, enc, lr.encoding)


def _codebook(layer, lr) -> Encoded:
    from pyedge.compress.nonuniform import quantize_nonuniform

    bits = int(lr.encoding[2])
    method = lr.options.get("method", "analytic")
    enc, info = quantize_nonuniform(layer.w2d, bits, per=lr.options.get("per", "channel"),
                                    method=method)
    dist = info["distribution"]
    if isinstance(dist, list):  # per channel: how many channels chose each distribution
        info["distribution_counts"] = {d: dist.count(d) for d in sorted(set(dist))}
        dist = max(sorted(set(dist)), key=dist.count)
    name = f"{lr.encoding} {method if method == 'kmeans' else dist}"
    return Encoded(name, "f32", "codebook", enc.to_float(), layer.bias, enc, lr.encoding,
                   info=info)


def encode_layer(layer: Layer, lr: LayerRecipe, *, fallback: str, hessian, calibrated: bool,
                 seed: int, x_shape: tuple | None = None) -> Encoded:
    """Encode ``layer`` as ``lr`` asks, or by ``fallback`` (with the reason) when it cannot.

    ``hessian(layer)`` returns the layer's input Hessian [K, K] from calibration data (or
    None without data); ``x_shape`` is a representative input shape (rows, K) for timing
    sparse encodings.
    """
    enc = lr.encoding
    if enc == "float":
        return _float(layer, enc)
    if enc == "int8":
        return _int8(layer, enc, calibrated)
    if enc == "int8-dynamic":
        return _fallback(layer, lr, fallback, calibrated,
                         "the runtime has no int8-weight kernel with dynamic int8 activations")
    if not layer.linear_like:
        return _fallback(layer, lr, fallback, calibrated,
                         f"{enc} has no kernel for a {_conv_name(layer)} (weight-only and sparse "
                         f"encodings run as Linear over channels)")
    if enc in ("w4", "w4-gptq"):
        if _group_size(layer, lr) is None:
            return _fallback(layer, lr, fallback, calibrated,
                             f"K={layer.w2d.shape[1]} is not a multiple of 32/64/128")
        if enc == "w4-gptq" and hessian(layer) is None:
            return _fallback(layer, lr, fallback, calibrated, "GPTQ needs calibration data")
        return _w4(layer, lr, hessian, seed)
    if enc in ("nu4", "nu3", "nu2"):
        return _codebook(layer, lr)
    if enc in ("sparse-int8", "bsr"):
        from pyedge.compress.sparse_layer import encode_sparse

        return encode_sparse(layer, lr, hessian, calibrated, x_shape, fallback_int8=_int8)
    raise ValueError(f"layer {layer.name!r}: unknown encoding {enc!r}")
