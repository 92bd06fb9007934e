"""Calibration: run the float graph on calibration batches and keep what compression needs.

For every value feeding or leaving a layer, an activation observer (uint8 quantization
parameters); for every layer, a sample of its input rows ``x[S, K]`` (im2col rows for a
conv, in the OHWI/NHWC order of ``Layer.w2d``) for Hessians, output SQNR and timing.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from pyedge.compress.layers import Layer
from pyedge.runtime import Graph, Model

MAX_ROWS = 8192  # input rows kept per layer (Hessian, output SQNR)
SAMPLE_IMAGES = 256  # leading calibration inputs whose layer input rows are sampled


@dataclass
class Calibration:
    """What calibration measured.

    Attributes
    ----------
    qparams : value name -> (scale, zero_point) of uint8 activations
    rows : layer name -> float32 [S, K] input rows (depthwise: [S, KH*KW, C])
    feeds : the calibration feeds (input name -> array)
    """

    qparams: dict[str, tuple[float, int]] = field(default_factory=dict)
    rows: dict[str, np.ndarray] = field(default_factory=dict)
    feeds: dict[str, np.ndarray] = field(default_factory=dict)
    _hessians: dict = field(default_factory=dict, repr=False)

    def hessian(self, layer: Layer) -> np.ndarray | None:
        """The layer's input Hessian ``2 X^T X / S`` [K, K] (None without rows)."""
        from pyedge.compress.gptq import hessian

        x = self.rows.get(layer.name)
        if x is None or x.ndim != 2:
            return None
        h = self._hessians.get(layer.name)
        if h is None:
            h = self._hessians[layer.name] = hessian(x)
        return h


def patches(layer: Layer, x: np.ndarray) -> np.ndarray:
    """Input rows of ``layer`` for NHWC input ``x``: [S, K] (depthwise [S, KH*KW, C])."""
    a = layer.node.attrs
    if layer.kind in ("pointwise", "linear"):
        return x.reshape(-1, x.shape[-1])  # [S, K]
    cout, kh, kw, cin = layer.w_shape
    t, lf, b, r = a.get("pads", [0, 0, 0, 0])
    sh, sw = a.get("strides", [1, 1])
    dh, dw = a.get("dilations", [1, 1])
    xp = np.pad(x, ((0, 0), (t, b), (lf, r), (0, 0)))
    n, hp, wp, c = xp.shape
    oh = (hp - dh * (kh - 1) - 1) // sh + 1
    ow = (wp - dw * (kw - 1) - 1) // sw + 1
    taps = [xp[:, i * dh:i * dh + sh * (oh - 1) + 1:sh, j * dw:j * dw + sw * (ow - 1) + 1:sw]
            for i in range(kh) for j in range(kw)]  # each [N, OH, OW, C]
    p = np.stack(taps, axis=3)  # [N, OH, OW, KH*KW, C]
    if layer.kind == "depthwise":
        return p.reshape(-1, kh * kw, c)
    return p.reshape(-1, kh * kw * c)  # OHWI order: (kh, kw, cin)


def layer_output(layer: Layer, rows: np.ndarray, w2d: np.ndarray) -> np.ndarray:
    """Pre-bias output of ``layer`` with weight ``w2d`` on its input ``rows``: [S, N]."""
    if rows.ndim == 3:  # depthwise: [S, KH*KW, C] with w2d [C, KH*KW]
        return (rows * w2d.T[None]).sum(axis=1)  # [S, C]
    return rows @ w2d.T


def _observer(name: str):
    from pyedge.compress.observers import make_observer

    return make_observer(name)


def _batches(feeds: dict, batch: int):
    n = len(next(iter(feeds.values())))
    for s in range(0, n, batch):
        yield {k: v[s:s + batch] for k, v in feeds.items()}


def calibrate(model: Model, layers: list[Layer], feeds: dict, *, observer: str = "minmax",
              seed: int = 0, batch: int = 100, progress: bool = True) -> Calibration:
    """Run ``model`` (float) on ``feeds`` in batches; observe every layer input and output.

    Deterministic for a given ``seed`` (which rows are kept).
    """
    g = model.graph
    wanted = []
    for layer in layers:
        for v in (layer.node.inputs[0], layer.node.outputs[0]):
            if v not in wanted:
                wanted.append(v)
    probe = Model(Graph(list(g.inputs), wanted, list(g.nodes)), model._weights)
    obs = {v: _observer(observer) for v in wanted}
    cal = Calibration(feeds=feeds)
    n = len(next(iter(feeds.values())))
    chunks: dict[str, list] = {layer.name: [] for layer in layers}
    seen = 0
    it = _batches(feeds, batch)
    if progress:
        from tqdm import tqdm

        it = tqdm(it, total=-(-n // batch), desc="calibrating", unit="batch", leave=False)
    for fb in it:
        out = probe.run(fb)
        for v, o in obs.items():
            o.update(out[v])
        if seen < SAMPLE_IMAGES:
            take = SAMPLE_IMAGES - seen
            for layer in layers:
                chunks[layer.name].append(patches(layer, out[layer.node.inputs[0]][:take]))
        seen += len(next(iter(fb.values())))
    rng = np.random.default_rng(seed)
    for layer in layers:
        rows = np.concatenate(chunks[layer.name])
        if len(rows) > MAX_ROWS:
            rows = rows[np.sort(rng.choice(len(rows), MAX_ROWS, replace=False))]
        cal.rows[layer.name] = np.ascontiguousarray(rows, dtype=np.float32)
    for v, o in obs.items():
        scale, zp = o.qparams("uint8")
        cal.qparams[v] = (float(scale), int(zp))
    return cal
