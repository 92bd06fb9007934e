"""Activation calibration observers: min-max, percentile, MSE-optimal and entropy (KL) ranges.

Feed an observer every calibration batch of one tensor with ``update(x)``, then ask for the
8-bit affine parameters with ``qparams("uint8" | "int8")``: ``real = scale * (q - zero_point)``.
Histogram observers keep one histogram whose bins are ``[i * w, (i + 1) * w)`` with ``w`` a power
of two; when new data falls outside, the array grows and, past ``max_bins``, neighbouring bins
merge pairwise (exactly, since the grid is anchored at 0), so the result does not depend on how
the data was split into batches. Ranges always contain 0 so that 0.0 is exactly representable.
"""

from __future__ import annotations

import math

import numpy as np

DTYPES = ("uint8", "int8")
_F32_TINY = float(np.finfo(np.float32).tiny)


_CHUNK = 1 << 20  # values converted to float64 at a time


def _as_batch(x) -> np.ndarray:
    """Flat view of ``x`` after checking it is numeric and finite (no copy)."""
    if not isinstance(x, np.ndarray):
        raise TypeError(f"x must be a numpy.ndarray, got {type(x).__name__}")
    if x.dtype.kind not in "fiu":
        raise TypeError(f"x must be a numeric array, got dtype {x.dtype}")
    x = x.reshape(-1)
    if x.dtype.kind == "f" and not np.all(np.isfinite(x)):
        raise ValueError("x holds NaN or Inf")
    return x


def affine_qparams(lo: float, hi: float, dtype: str = "uint8", symmetric: bool | None = None
                   ) -> tuple[float, int]:
    """8-bit ``(scale, zero_point)`` covering ``[lo, hi]`` (widened to contain 0).

    Symmetric (default for int8): int8 zero point 0 and scale = max|.| / 127; uint8 zero
    point 128 and scale = 2 max|.| / 255. Asymmetric (default for uint8): scale =
    (hi - lo) / 255 and an integer zero point, so 0.0 maps exactly to an integer. A range of
    width 0 (all zeros) gives scale 1.0.
    """
    if dtype not in DTYPES:
        raise ValueError(f"dtype must be one of {DTYPES}, got {dtype!r}")
    if not (math.isfinite(lo) and math.isfinite(hi)) or lo > hi:
        raise ValueError(f"invalid range [{lo}, {hi}]")
    symmetric = dtype == "int8" if symmetric is None else bool(symmetric)
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    qmin = 0 if dtype == "uint8" else -128
    if symmetric:
        amax = max(-lo, hi)
        scale = amax / 127.0 if dtype == "int8" else 2.0 * amax / 255.0
        zp = 0 if dtype == "int8" else 128
    else:
        scale = (hi - lo) / 255.0
        zp = None
    scale = float(np.float32(scale))
    if not scale > _F32_TINY:
        return 1.0, (128 if dtype == "uint8" and symmetric else 0)
    if zp is None:
        zp = int(min(max(round(qmin - lo / scale), qmin), qmin + 255))
    return scale, zp


class Observer:
    """Base class: ``update(x)`` any number of times, then ``qparams(dtype)``."""

    def __init__(self):
        self.min = math.inf
        self.max = -math.inf
        self.count = 0

    def update(self, x: np.ndarray) -> Observer:
        """Observe one batch (any shape, float or integer); NaN/Inf raise ValueError."""
        x = _as_batch(x)
        for i in range(0, x.size, _CHUNK):
            c = x[i:i + _CHUNK].astype(np.float64)
            self.min = min(self.min, float(c.min()))
            self.max = max(self.max, float(c.max()))
            self.count += c.size
            self._add(c)
        return self

    def _add(self, x: np.ndarray) -> None:
        pass

    def _check_seen(self) -> None:
        if self.count == 0:
            raise ValueError(f"{type(self).__name__} has observed no data; call update() first")

    def range(self, dtype: str = "uint8", symmetric: bool | None = None) -> tuple[float, float]:
        """Calibrated ``(lo, hi)`` before 8-bit rounding (MinMax: the observed extremes)."""
        self._check_seen()
        return self.min, self.max

    def qparams(self, dtype: str = "uint8", symmetric: bool | None = None) -> tuple[float, int]:
        """``(scale, zero_point)`` for ``dtype`` "uint8" (asymmetric by default) or "int8"
        (symmetric by default)."""
        if dtype not in DTYPES:
            raise ValueError(f"dtype must be one of {DTYPES}, got {dtype!r}")
        lo, hi = self.range(dtype, symmetric)
        return affine_qparams(lo, hi, dtype, symmetric)


class MinMax(Observer):
    """Range = the smallest and largest value observed."""


class _Histogram(Observer):
    """Power-of-two-width histogram over all observed values (see the module docstring)."""

    def __init__(self, max_bins: int = 8192):
        super().__init__()
        if not isinstance(max_bins, int) or max_bins < 256:
            raise ValueError(f"max_bins must be an int >= 256, got {max_bins!r}")
        self.max_bins = max_bins
        self.width = 0.0
        self.i0 = 0
        self.counts = np.zeros(0, np.float64)

    def _add(self, x: np.ndarray) -> None:
        lo, hi = min(float(x.min()), 0.0), max(float(x.max()), 0.0)  # the grid spans 0
        if not self.counts.size:  # the finest power-of-two width that fits: order-independent
            w = 2.0 ** max(-100, math.ceil(math.log2(max(hi - lo, 2.0**-100) / self.max_bins)))
            while w > 2.0**-100 and self._bins(lo, hi, w / 2) <= self.max_bins:
                w /= 2
            while self._bins(lo, hi, w) > self.max_bins:
                w *= 2
            self.width = w
            self.i0 = math.floor(lo / w)
            self.counts = np.zeros(1, np.float64)
        while True:
            a = min(self.i0, math.floor(lo / self.width))
            b = max(self.i0 + self.counts.size, math.floor(hi / self.width) + 1)
            if b - a <= self.max_bins:
                break
            self._coarsen()
        self.counts = np.concatenate([np.zeros(self.i0 - a), self.counts,
                                      np.zeros(b - self.i0 - self.counts.size)])
        self.i0 = a
        idx = np.floor(x / self.width).astype(np.int64) - a
        self.counts += np.bincount(idx, minlength=b - a)

    @staticmethod
    def _bins(lo: float, hi: float, w: float) -> int:
        return math.floor(hi / w) + 1 - math.floor(lo / w)

    def _coarsen(self) -> None:
        """Double the bin width, merging bins 2j and 2j+1 of the grid anchored at 0."""
        c = self.counts
        if self.i0 % 2:
            c = np.concatenate([[0.0], c])
            self.i0 -= 1
        if c.size % 2:
            c = np.concatenate([c, [0.0]])
        self.counts = c.reshape(-1, 2).sum(axis=1)
        self.i0 //= 2
        self.width *= 2.0

    def edges(self) -> np.ndarray:
        """Bin edges float64 ``[bins + 1]``."""
        return (self.i0 + np.arange(self.counts.size + 1)) * self.width

    def abs_histogram(self) -> np.ndarray:
        """Counts of |x| on bins ``[j * w, (j + 1) * w)``, j = 0..: bin i < 0 folds onto -i-1."""
        idx = self.i0 + np.arange(self.counts.size)
        j = np.where(idx >= 0, idx, -idx - 1)
        return np.bincount(j, weights=self.counts)

    def _sym_or_range(self, dtype, symmetric) -> bool:
        """Whether a symmetric clip (one threshold on |x|) is asked for."""
        return (dtype == "int8") if symmetric is None else bool(symmetric)


class Percentile(_Histogram):
    """Range = the ``(100 - p)``-th and ``p``-th percentiles (|x| percentile when symmetric)."""

    def __init__(self, p: float = 99.99, max_bins: int = 8192):
        super().__init__(max_bins)
        if not 50.0 < float(p) <= 100.0:
            raise ValueError(f"p must be in (50, 100], got {p!r}")
        self.p = float(p)

    @staticmethod
    def _quantile(counts: np.ndarray, edges: np.ndarray, q: float) -> float:
        cdf = np.concatenate([[0.0], np.cumsum(counts)]) / counts.sum()
        return float(np.interp(q, cdf, edges))

    def range(self, dtype: str = "uint8", symmetric: bool | None = None) -> tuple[float, float]:
        self._check_seen()
        if self._sym_or_range(dtype, symmetric):
            h = self.abs_histogram()
            amax = self._quantile(h, np.arange(h.size + 1) * self.width, self.p / 100.0)
            amax = min(amax, max(-self.min, self.max))
            return -amax, amax
        e = self.edges()
        lo = max(self._quantile(self.counts, e, 1.0 - self.p / 100.0), self.min)
        hi = min(self._quantile(self.counts, e, self.p / 100.0), self.max)
        return min(lo, hi), hi


def _clip_errors(t: np.ndarray, c: np.ndarray, n: np.ndarray) -> np.ndarray:
    """sum_j n_j (c_j - t)^2 over c_j > t for each threshold t (c sorted ascending)."""
    s0 = np.concatenate([np.cumsum((n)[::-1])[::-1], [0.0]])
    s1 = np.concatenate([np.cumsum((n * c)[::-1])[::-1], [0.0]])
    s2 = np.concatenate([np.cumsum((n * c * c)[::-1])[::-1], [0.0]])
    k = np.searchsorted(c, t, side="right")
    return s2[k] - 2 * t * s1[k] + t * t * s0[k]


class MSE(_Histogram):
    """Range minimizing the expected squared error: clipping error + step**2 / 12 inside."""

    _CANDIDATES = 256

    def range(self, dtype: str = "uint8", symmetric: bool | None = None) -> tuple[float, float]:
        self._check_seen()
        w = self.width
        if self._sym_or_range(dtype, symmetric):
            h = self.abs_histogram()
            c = (np.arange(h.size) + 0.5) * w
            t = np.linspace(0.0, h.size * w, 4 * self._CANDIDATES + 1)[1:]
            levels = 127.0 if dtype == "int8" else 127.5
            inside = np.concatenate([[0.0], np.cumsum(h)])[np.searchsorted(c, t, side="right")]
            err = inside * (t / levels) ** 2 / 12.0 + _clip_errors(t, c, h)
            amax = min(float(t[np.argmin(err)]), max(-self.min, self.max))
            return -amax, amax
        n, e = self.counts, self.edges()
        c = 0.5 * (e[:-1] + e[1:])
        lo0, hi0 = min(self.min, 0.0), max(self.max, 0.0)
        lows = np.linspace(lo0, 0.0, self._CANDIDATES, endpoint=False) if lo0 < 0 else \
            np.zeros(1)
        highs = np.linspace(hi0, 0.0, self._CANDIDATES, endpoint=False) if hi0 > 0 else \
            np.zeros(1)
        below = _clip_errors(-lows, -c[::-1], n[::-1])  # [L]
        above = _clip_errors(highs, c, n)  # [H]
        cum = np.concatenate([[0.0], np.cumsum(n)])
        n_in = (cum[np.searchsorted(c, highs, side="right")][None, :]
                - cum[np.searchsorted(c, lows, side="left")][:, None])  # [L, H]
        step = (highs[None, :] - lows[:, None]) / 255.0
        err = n_in * step**2 / 12.0 + below[:, None] + above[None, :]
        i, j = np.unravel_index(np.argmin(err), err.shape)
        return float(lows[i]), float(highs[j])


class Entropy(_Histogram):
    """Threshold minimizing KL(P || Q) between the clipped histogram and its 8-bit version.

    TensorRT's calibration (Migacz, "8-bit Inference with TensorRT", GTC 2017): the histogram
    of |x| in at most 2048 bins; for each candidate i >= levels, P = the first i bins with the
    outliers added to the last, Q = those bins merged into ``levels`` groups and spread back
    over their non-empty bins; the threshold is the upper edge of bin i with the smallest
    divergence. As in NVIDIA's pytorch-quantization, the first bin's count is replaced by the
    second's so that a spike of exact zeros (ReLU outputs) does not decide the threshold.
    ``levels`` = 128 for a symmetric clip and 256 for uint8 data that is never
    negative; uint8 with negative values uses the symmetric threshold on both sides.
    """

    _BINS = 2048

    def _threshold(self, h: np.ndarray, width: float, levels: int) -> float:
        f = max(1, math.ceil(h.size / self._BINS))
        h = np.concatenate([h, np.zeros(-h.size % f)]).reshape(-1, f).sum(axis=1)
        width *= f
        if h.size > 1:  # the spike of exact zeros (ReLU) would dominate every merged group
            h[0] = h[1]
        if h.size <= levels:
            return h.size * width
        total = np.concatenate([np.cumsum(h[::-1])[::-1], [0.0]])  # total[i] = sum(h[i:])
        best, best_i = math.inf, h.size
        for i in range(levels, h.size + 1):
            p = h[:i].copy()
            p[-1] += total[i]
            nz = h[:i] > 0
            gid = (np.arange(i) * levels) // i
            sums = np.bincount(gid, weights=h[:i], minlength=levels)
            cnt = np.bincount(gid, weights=nz, minlength=levels)
            q = np.where(nz, sums[gid] / np.maximum(cnt[gid], 1), 0.0)
            m = p > 0
            if np.any(q[m] == 0):
                continue
            ps, qs = p[m] / p.sum(), q[m] / q.sum()
            kl = float(np.sum(ps * np.log(ps / qs)))
            if kl < best:
                best, best_i = kl, i
        return best_i * width

    def range(self, dtype: str = "uint8", symmetric: bool | None = None) -> tuple[float, float]:
        self._check_seen()
        if dtype == "uint8" and self.min >= 0 and not symmetric:
            h = self.abs_histogram()
            return 0.0, min(self._threshold(h, self.width, 256), self.max)
        t = self._threshold(self.abs_histogram(), self.width, 128)
        if self._sym_or_range(dtype, symmetric):
            t = min(t, max(-self.min, self.max))
            return -t, t
        return max(self.min, -t), min(self.max, t)


OBSERVERS = {"minmax": MinMax, "percentile": Percentile, "mse": MSE, "entropy": Entropy,
             "kl": Entropy}


def make_observer(name: str, **kwargs) -> Observer:
    """Observer by name: "minmax", "percentile" (``p=99.99``), "mse", "entropy" (or "kl")."""
    if name not in OBSERVERS:
        raise ValueError(f"observer must be one of {sorted(OBSERVERS)}, got {name!r}")
    return OBSERVERS[name](**kwargs)
