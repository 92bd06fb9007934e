"""Fake quantization with straight-through gradients: weight hooks (per-channel int8/int4
grids, grouped int4 exactly as pyedge.tensors.Int4Grouped encodes, codebooks with fixed or
learned levels) and activation hooks (uint8 affine, EMA or learned ranges)."""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

from pyedge.tensors import Codebook, Int4Grouped

WEIGHT_MODES = ("channel", "group", "codebook")


def channel_grid(w2d: np.ndarray, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Symmetric per-output-channel codes of ``w2d[N, K]``: (int8 q in [-qmax, qmax], float32
    scale[N]) with ``scale = max|w| / qmax`` (the runtime's int8 per-channel layout)."""
    qmax = 2 ** (bits - 1) - 1
    w32 = w2d.astype(np.float32)
    scale = np.abs(w32).max(axis=1) / np.float32(qmax)
    scale = np.where(scale > 0, scale, np.float32(1)).astype(np.float32)
    q = np.clip(np.rint(w32 / scale[:, None]), -qmax, qmax).astype(np.int8)
    return q, scale


class WeightFakeQuant:
    """Weight hook: the forward sees the dequantized weight, the gradient passes straight
    through (max-scaled grids never clip).

    Parameters
    ----------
    bits : 8 or 4 (channel), 4 (group), 2..4 (codebook)
    mode : ``channel`` (symmetric per output channel), ``group`` (Int4Grouped, group_size
        along K) or ``codebook`` (nearest of 2**bits levels per output channel)
    group_size : for ``group``: 32, 64 or 128
    levels : initial codebook levels [N or 1, 2**bits] (default: k-means of the weight)
    learn_levels : codebook levels are trained (gradient = sum of the gradients of the
        weights assigned to each level); otherwise they stay fixed
    """

    def __init__(self, bits: int = 8, mode: str = "channel", *, group_size: int = 32,
                 levels: np.ndarray | None = None, learn_levels: bool = False):
        if mode not in WEIGHT_MODES:
            raise ValueError(f"mode {mode!r} is not one of {WEIGHT_MODES}")
        if mode == "channel" and bits not in (2, 3, 4, 5, 6, 7, 8):
            raise ValueError(f"bits must be 2..8 for per-channel weights, got {bits}")
        if mode == "group" and bits != 4:
            raise ValueError("grouped weights are int4 (bits=4)")
        self.bits, self.mode, self.group_size = int(bits), mode, int(group_size)
        self.learn_levels = bool(learn_levels)
        self.levels = None if levels is None else np.asarray(levels, np.float32)
        self.params: dict[str, np.ndarray] = {}

    def encode(self, w: np.ndarray):
        """The integer encoding of ``w`` (OHWI or [N, K]) this hook simulates:
        (q, scale) for ``channel``, Int4Grouped for ``group``, Codebook for ``codebook``."""
        w2d = w.reshape(w.shape[0], -1)
        if self.mode == "channel":
            return channel_grid(w2d, self.bits)
        if self.mode == "group":
            return Int4Grouped.from_float(w2d.astype(np.float32), self.group_size)
        if self.levels is None:
            self.levels = Codebook.from_float(w2d.astype(np.float32), self.bits).levels
            if self.learn_levels:
                self.params["levels"] = self.levels
        return Codebook.from_float(w2d.astype(np.float32), self.bits, levels=self.levels)

    def apply(self, w: np.ndarray, train: bool):
        enc = self.encode(w)
        if self.mode == "channel":
            q, scale = enc
            wq = q.astype(np.float32) * scale[:, None]
            saved = None  # max-scaled grids never clip: the gradient passes everywhere
        elif self.mode == "group":
            wq = enc.to_float()
            saved = None
        else:
            wq = enc.to_float()
            saved = enc.index_array()
        return wq.reshape(w.shape).astype(w.dtype), saved

    def grad(self, saved, g: np.ndarray):
        extra = {}
        if self.mode == "codebook" and self.learn_levels:
            g2 = g.reshape(g.shape[0], -1).astype(np.float64)
            nlev = 2 ** self.bits
            if self.levels.shape[0] == 1:
                gl = np.bincount(saved.reshape(-1), g2.reshape(-1), nlev)[None]
            else:
                rows = np.arange(g2.shape[0])[:, None] * nlev + saved
                gl = np.bincount(rows.reshape(-1), g2.reshape(-1),
                                 g2.shape[0] * nlev).reshape(-1, nlev)
            extra["levels"] = gl.astype(np.float32)
        return g, extra

    def state(self) -> dict[str, np.ndarray]:
        return {} if self.levels is None else {"levels": self.levels}

    def load_state(self, state: Mapping[str, np.ndarray]) -> None:
        if "levels" in state:
            lv = np.asarray(state["levels"], np.float32)
            if self.levels is None:
                self.levels = lv.copy()
            else:
                self.levels[...] = lv
            if self.learn_levels:
                self.params["levels"] = self.levels


class BiasFakeQuant:
    """Bias hook: round the bias to the int32 grid ``s_x * s_w[c]`` the integer kernels add
    (``s_x`` from the input's activation hook, ``s_w`` from the codes of ``weight()``, the
    weight as the weight hook sees it); straight-through gradient."""

    def __init__(self, act: ActFakeQuant, weight_hook: WeightFakeQuant,
                 weight: Callable[[], np.ndarray]):
        self.act, self.weight_hook, self.weight = act, weight_hook, weight
        self.params: dict[str, np.ndarray] = {}

    def apply(self, b: np.ndarray, train: bool):
        if not self.act.initialised[0]:
            return b, None
        s_x, _ = self.act.qparams()
        _, s_w = self.weight_hook.encode(self.weight())
        step = (s_x * s_w).astype(np.float64)
        return (np.rint(b.astype(np.float64) / step) * step).astype(b.dtype), None

    def grad(self, saved, g: np.ndarray):
        return g, {}

    def state(self) -> dict[str, np.ndarray]:
        return {}

    def load_state(self, state: Mapping[str, np.ndarray]) -> None:
        pass


class ActFakeQuant:
    """Activation hook: uint8 affine fake quantization ``s * (clip(rint(x / s) + zp) - zp)``.

    ``mode="ema"``: the range [lo, hi] (always containing 0) follows an exponential moving
    average of the batch min/max while training; ``mode="learned"``: lo and hi are
    parameters (gradient of the clipped entries, PACT-style), initialised from the first
    batch. Gradients pass straight through inside the range and are zero outside.
    """

    def __init__(self, bits: int = 8, mode: str = "ema", momentum: float = 0.99):
        if mode not in ("ema", "learned"):
            raise ValueError(f"mode {mode!r} is not 'ema' or 'learned'")
        if bits != 8:
            raise ValueError("activations are quantized to 8 bits (uint8)")
        self.mode, self.momentum = mode, float(momentum)
        self.range = np.zeros(2, np.float32)  # lo, hi
        self.initialised = np.zeros(1, np.int8)
        self.params: dict[str, np.ndarray] = {}

    def qparams(self) -> tuple[np.float32, int]:
        """(scale, zero_point) of the uint8 encoding of the current range."""
        lo, hi = min(float(self.range[0]), 0.0), max(float(self.range[1]), 0.0)
        scale = np.float32(max(hi - lo, 1e-8) / 255)
        zp = int(np.clip(np.rint(-lo / scale), 0, 255))
        return scale, zp

    def apply(self, x: np.ndarray, train: bool):
        if train or not self.initialised[0]:
            lo, hi = float(x.min(initial=0)), float(x.max(initial=0))
            if not self.initialised[0]:
                self.range[:] = lo, hi
                self.initialised[0] = 1
                if self.mode == "learned":
                    self.params["range"] = self.range
            elif self.mode == "ema":
                m = self.momentum
                self.range[:] = m * self.range + (1 - m) * np.array([lo, hi], np.float32)
        scale, zp = self.qparams()
        q = np.rint(np.divide(x, scale, dtype=np.float32))
        q += np.float32(zp)
        inside = (q >= 0) & (q <= 255)
        np.clip(q, 0, 255, out=q)
        q -= np.float32(zp)
        q *= scale
        return q.astype(x.dtype, copy=False), (inside, q <= 0) if self.mode == "learned" \
            else inside

    def grad(self, saved, g: np.ndarray):
        if self.mode == "learned":
            inside, low = saved
            out = ~inside
            glo = float(np.where(out & low, g, 0).sum())
            ghi = float(np.where(out & ~low, g, 0).sum())
            return np.where(inside, g, 0).astype(g.dtype), {
                "range": np.array([glo, ghi], np.float32)}
        return np.where(saved, g, 0).astype(g.dtype), {}

    def state(self) -> dict[str, np.ndarray]:
        return {"range": self.range, "initialised": self.initialised}

    def load_state(self, state: Mapping[str, np.ndarray]) -> None:
        if "range" in state:
            self.range[...] = state["range"]
        if "initialised" in state:
            self.initialised[...] = state["initialised"]
