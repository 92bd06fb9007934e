"""Data-free non-uniform weight quantization: Gaussian/Laplace fit + analytic Lloyd-Max codebook.

The method of Luqman, Qazi and Khan ("Post-Training Non-Uniform Quantization for CNNs",
arXiv 2412.07391): fit a Gaussian and a Laplace distribution to the weights (per tensor or per
output channel), keep the one with the smaller Kolmogorov-Smirnov statistic, and quantize
with the minimum-MSE (Lloyd-Max) quantizer of that distribution, computed from closed-form
truncated moments (no samples), scaled to the fitted spread. The empirical variant runs 1-D
k-means on the weights (the k-means of :mod:`pyedge.tensors.codebook`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np

from pyedge.compress.uniform import as_weights, quantize_uniform, weight_mse
from pyedge.tensors.codebook import BITS, Codebook, _assign, _kmeans

KINDS = ("gaussian", "laplace")
_B = 1.0 / math.sqrt(2.0)  # Laplace scale b of the unit-variance Laplace density
_MAX_ITERS = 200_000
_TOL = 1e-14


def _upper_moments(kind: str, x: float) -> tuple[float, float, float]:
    """Tail moments ``int_x^inf t**j f(t) dt`` (j = 0, 1, 2) of the unit-variance density, x >= 0.

    Gaussian: Q(x), phi(x), Q(x) + x phi(x). Laplace (b = 1/sqrt 2):
    e/2, (x + b) e/2, (x**2 + 2bx + 2b**2) e/2 with e = exp(-x / b). x = inf gives zeros.
    """
    if x == math.inf:
        return 0.0, 0.0, 0.0
    if kind == "gaussian":
        q = 0.5 * math.erfc(x / math.sqrt(2.0))
        phi = math.exp(-0.5 * x * x) / math.sqrt(2.0 * math.pi)
        return q, phi, q + x * phi
    e = 0.5 * math.exp(-x / _B)
    return e, (x + _B) * e, (x * x + 2 * _B * x + 2 * _B * _B) * e


def _cells(kind: str, t: list[float]) -> list[tuple[float, float, float]]:
    """Moments (P, first, second) of the positive-half cells [t[i], t[i+1]), t = [0, ..., inf]."""
    m = [_upper_moments(kind, x) for x in t]
    return [(a[0] - b[0], a[1] - b[1], a[2] - b[2]) for a, b in zip(m[:-1], m[1:], strict=True)]


def _check_kind(kind: str) -> str:
    if kind not in KINDS:
        raise ValueError(f"kind must be one of {KINDS}, got {kind!r}")
    return kind


@cache
def _solve(kind: str, bits: int) -> tuple[tuple, tuple, float]:
    """Symmetric Lloyd-Max quantizer of the unit-variance source: (t > 0, y > 0, mse)."""
    n = 1 << (bits - 1)  # cells on the positive half; the middle threshold is 0
    y = [(0.5 + 2.5 * i / max(n - 1, 1)) * bits / 2.0 for i in range(n)]
    for _ in range(_MAX_ITERS):
        t = [0.0] + [0.5 * (a + b) for a, b in zip(y[:-1], y[1:], strict=True)] + [math.inf]
        y_new = [m1 / p for p, m1, _ in _cells(kind, t)]  # centroids: conditional means
        done = max(abs(a - b) for a, b in zip(y_new, y, strict=True)) <= _TOL * y_new[-1]
        y = y_new
        if done:
            break
    else:
        raise RuntimeError(f"Lloyd-Max iteration for {kind} {bits}-bit did not converge")
    t = [0.0] + [0.5 * (a + b) for a, b in zip(y[:-1], y[1:], strict=True)] + [math.inf]
    mse = 2.0 * sum(m2 - 2.0 * c * m1 + c * c * p
                    for (p, m1, m2), c in zip(_cells(kind, t), y, strict=True))
    return tuple(t[1:-1]), tuple(y), mse


def lloyd_max(kind: str, bits: int) -> tuple[np.ndarray, np.ndarray]:
    """Minimum-MSE quantizer of a zero-mean unit-variance Gaussian or Laplace source.

    Iterates the Lloyd-Max conditions (thresholds halfway between levels; levels the
    conditional means of their cells, in closed form) to convergence in float64.

    Parameters
    ----------
    kind : "gaussian" or "laplace"
    bits : 1..6 (2**bits levels)

    Returns
    -------
    thresholds : float64 [2**bits - 1], sorted (the middle one is 0)
    levels : float64 [2**bits], sorted
    """
    _check_kind(kind)
    if isinstance(bits, bool) or not isinstance(bits, int | np.integer) or not 1 <= bits <= 6:
        raise ValueError(f"bits must be an int in [1, 6], got {bits!r}")
    t, y, _ = _solve(kind, int(bits))
    t, y = np.array(t), np.array(y)
    return np.concatenate([-t[::-1], [0.0], t]), np.concatenate([-y[::-1], y])


def lloyd_max_mse(kind: str, bits: int) -> float:
    """Mean squared error of :func:`lloyd_max` ``(kind, bits)`` on its unit-variance source."""
    lloyd_max(kind, bits)
    return _solve(kind, int(bits))[2]


@dataclass(frozen=True)
class Fit:
    """Gaussian and Laplace fits per table (one row per channel, or one for the tensor).

    ``kind[i]`` is the better fit by Kolmogorov-Smirnov statistic; ``mu``/``spread`` are its
    location and standard deviation (sigma, or b * sqrt 2 for the Laplace).
    """

    kind: list[str]
    mu: np.ndarray
    spread: np.ndarray
    sigma: np.ndarray
    laplace_b: np.ndarray
    ks_gaussian: np.ndarray
    ks_laplace: np.ndarray


def _ks(sorted_rows: np.ndarray, cdf: np.ndarray) -> np.ndarray:
    """Kolmogorov-Smirnov statistic per row from the model CDF at the sorted samples."""
    m = sorted_rows.shape[1]
    i = np.arange(1, m + 1, dtype=np.float64)
    return np.maximum(np.max(i / m - cdf, axis=1), np.max(cdf - (i - 1) / m, axis=1))


def fit_distribution(w: np.ndarray, per: str = "tensor") -> Fit:
    """Fit a Gaussian (mean, std) and a Laplace (median, mean |w - median|) by maximum likelihood.

    Parameters
    ----------
    w : float ndarray [N, K], finite
    per : "tensor" (one fit) or "channel" (one fit per row)
    """
    from scipy.special import ndtr

    w = as_weights(w)
    if per not in ("tensor", "channel"):
        raise ValueError(f"per must be 'tensor' or 'channel', got {per!r}")
    rows = np.sort((w.reshape(1, -1) if per == "tensor" else w).astype(np.float64), axis=1)
    mu_g = rows.mean(axis=1)
    sigma = rows.std(axis=1)
    med = np.median(rows, axis=1)
    b = np.mean(np.abs(rows - med[:, None]), axis=1)
    ok_g, ok_l = sigma > 0, b > 0
    z = (rows - mu_g[:, None]) / np.where(ok_g, sigma, 1.0)[:, None]
    ks_g = np.where(ok_g, _ks(rows, ndtr(z)), 0.0)
    u = (rows - med[:, None]) / np.where(ok_l, b, 1.0)[:, None]
    cdf_l = np.where(u < 0, 0.5 * np.exp(np.minimum(u, 0)), 1 - 0.5 * np.exp(-np.maximum(u, 0)))
    ks_l = np.where(ok_l, _ks(rows, cdf_l), 0.0)
    lap = (ks_l < ks_g) & ok_l
    kind = ["laplace" if v else "gaussian" for v in lap]
    mu = np.where(lap, med, mu_g)
    spread = np.where(lap, b * math.sqrt(2.0), sigma)
    return Fit(kind, mu, spread, sigma, b, ks_g, ks_l)


def analytic_levels(fit: Fit, bits: int, factor: np.ndarray | float = 1.0) -> np.ndarray:
    """Codebook levels float32 ``[tables, 2**bits]``: mu + factor * spread * Lloyd-Max levels."""
    unit = np.array([lloyd_max(kind, bits)[1] for kind in fit.kind])  # [C, L]
    f = np.broadcast_to(np.asarray(factor, np.float64), fit.mu.shape)
    return (fit.mu[:, None] + (f * fit.spread)[:, None] * unit).astype(np.float32)


def fitted_factor(rows: np.ndarray, fit: Fit, bits: int) -> np.ndarray:
    """Per table, the multiplier of the fitted spread in [0.5, 1.5] (41-point grid) that
    minimizes the squared error of the analytic levels on ``rows[C, M]`` (data-free: only
    the weights are used)."""
    grid = np.linspace(0.5, 1.5, 41)
    sse = np.stack([_table_sse(rows, analytic_levels(fit, bits, a)) for a in grid])  # [41, C]
    return grid[np.argmin(sse, axis=0)]


def _table_sse(rows: np.ndarray, levels: np.ndarray) -> np.ndarray:
    """Squared error per row of ``rows[C, M]`` coded with the sorted ``levels[C, L]``."""
    idx = _assign(rows, levels).astype(np.intp)
    err = rows - np.take_along_axis(levels, idx, axis=1)
    return np.einsum("cm,cm->c", err, err, dtype=np.float64)


def optimal_levels(rows: np.ndarray, nlev: int, max_points: int = 1024) -> np.ndarray:
    """Globally optimal 1-D k-means levels per row of ``rows[C, M]`` by dynamic programming.

    Clusters of a 1-D optimum are runs of the sorted values, so the best split of the
    sorted row into ``nlev`` runs is found exactly by DP over run boundaries (Wang & Song,
    Ckmeans.1d.dp, 2011) with O(1) run costs from prefix sums. Rows longer than
    ``max_points`` only place boundaries between ``max_points`` runs of equal count (costs
    stay exact); :func:`kmeans_levels` then polishes with Lloyd steps. Returns float32
    ``[C, nlev]`` sorted (rows with fewer distinct points repeat their last level).
    """
    c, m = rows.shape
    x = np.sort(rows.astype(np.float64), axis=1)
    b = min(m, max_points)
    cuts = (np.arange(b + 1) * m) // b  # group boundaries in the sorted row
    c1 = np.concatenate([np.zeros((c, 1)), np.cumsum(x, axis=1)], axis=1)[:, cuts]  # [C, B+1]
    c2 = np.concatenate([np.zeros((c, 1)), np.cumsum(x * x, axis=1)], axis=1)[:, cuts]
    cnt = cuts.astype(np.float64)
    k = min(nlev, b)
    out = np.empty((c, nlev), np.float32)
    i, j = np.arange(b + 1)[:, None], np.arange(b + 1)[None, :]
    chunk = max(1, (1 << 22) // ((b + 1) ** 2))
    for r0 in range(0, c, chunk):
        s1, s2 = c1[r0:r0 + chunk], c2[r0:r0 + chunk]
        n = np.maximum(cnt[j] - cnt[i], 1)
        d1 = s1[:, None, :] - s1[:, :, None]  # [R, i, j] sum of run i..j
        cost = s2[:, None, :] - s2[:, :, None] - d1 * d1 / n
        cost = np.where(i < j, np.maximum(cost, 0.0), np.inf)
        best = cost[:, 0, :]  # one run covering groups [0, j)
        args = []
        for _ in range(1, k):
            tot = best[:, :, None] + cost  # [R, i, j]
            args.append(np.argmin(tot, axis=1))
            best = np.take_along_axis(tot, args[-1][:, None, :], axis=1)[:, 0, :]
        for r in range(s1.shape[0]):
            end, lev = b, []
            for a in reversed(args):
                start = int(a[r, end])
                lev.append((s1[r, end] - s1[r, start]) / (cnt[end] - cnt[start]))
                end = start
            lev.append(s1[r, end] / cnt[end])
            lev = sorted(lev)
            out[r0 + r] = lev + [lev[-1]] * (nlev - k)
    return out


def kmeans_levels(rows: np.ndarray, init: np.ndarray, iters: int = 30) -> np.ndarray:
    """Empirical Lloyd (1-D k-means) levels per row of ``rows[C, M]``.

    Candidates: the k-means of :mod:`pyedge.tensors.codebook` (``iters`` rounds) started from
    the fitted analytic levels ``init[C, L]``, from the quantiles, and from the optimal
    dynamic-programming split of :func:`optimal_levels`; per row the one with the smallest
    squared error wins (never worse than the analytic levels: Lloyd steps never raise it).
    """
    nlev = init.shape[1]
    cands = [_kmeans(rows, nlev, iters, init=init), _kmeans(rows, nlev, iters),
             _kmeans(rows, nlev, iters, init=optimal_levels(rows, nlev))]
    sse = np.stack([_table_sse(rows, t) for t in cands])  # [3, C]
    pick = np.argmin(sse, axis=0)
    return np.ascontiguousarray(np.stack(cands)[pick, np.arange(rows.shape[0])],
                                dtype=np.float32)


def best_uniform_mse(w: np.ndarray, bits: int, per: str = "tensor") -> tuple[float, str]:
    """Weight MSE of the best uniform quantizer with MSE-optimal clipping (and which one).

    Tries the symmetric (zero point 0) and the affine grid, per tensor or per channel.
    """
    axis = "tensor" if per == "tensor" else "channel"
    best = None
    for symmetric in (True, False):
        u = quantize_uniform(w, bits, axis=axis, symmetric=symmetric, clip="mse")
        e = weight_mse(w, u.dequantize())
        if best is None or e < best[0]:
            best = (e, "symmetric" if symmetric else "asymmetric")
    return best


def quantize_nonuniform(w: np.ndarray, bits: int = 4, *, per: str = "channel",
                        method: str = "analytic", fit_scale: bool = False, iters: int = 30
                        ) -> tuple[Codebook, dict]:
    """Encode ``w[N, K]`` as a :class:`~pyedge.tensors.Codebook` of 2**bits levels.

    Parameters
    ----------
    w : float ndarray [N, K], finite
    bits : 2, 3 or 4
    per : "channel" (one table per output row) or "tensor" (one table)
    method : "analytic" (fitted distribution + Lloyd-Max, data-free) or "kmeans" (Lloyd's
        algorithm on the weights themselves, ``iters`` rounds, see :func:`kmeans_levels`)
    fit_scale : analytic levels scaled by the spread multiplier that minimizes the weight
        MSE (:func:`fitted_factor`) instead of the fitted spread itself (the paper's choice)

    Returns
    -------
    codebook : Codebook
    info : dict
        ``method``, ``per``, ``bits``, ``distribution`` (str for a tensor, list per channel),
        ``ks_gaussian`` / ``ks_laplace`` (float or list), ``spread_factor`` (1 unless
        ``fit_scale``), ``mse`` (weight MSE of the codebook),
        ``uniform_mse`` and ``uniform`` (best uniform quantizer with MSE-optimal clipping at
        the same bits and granularity) and ``mse_ratio`` = mse / uniform_mse.
    """
    w = as_weights(w)
    if bits not in BITS:
        raise ValueError(f"bits must be one of {BITS}, got {bits!r}")
    if method not in ("analytic", "kmeans"):
        raise ValueError(f"method must be 'analytic' or 'kmeans', got {method!r}")
    fit = fit_distribution(w, per)
    rows = w if per == "channel" else w.reshape(1, -1)
    factor = fitted_factor(rows, fit, bits) if fit_scale else np.ones(len(fit.kind))
    levels = analytic_levels(fit, bits, factor)
    if method == "kmeans":
        levels = kmeans_levels(rows, levels, iters)
    cb = Codebook.from_float(w, bits, levels=levels)
    mse = weight_mse(w, cb.to_float())
    umse, ukind = best_uniform_mse(w, bits, per)
    one = per == "tensor"
    info = {
        "method": method, "per": per, "bits": int(bits),
        "distribution": fit.kind[0] if one else list(fit.kind),
        "ks_gaussian": float(fit.ks_gaussian[0]) if one else fit.ks_gaussian.tolist(),
        "ks_laplace": float(fit.ks_laplace[0]) if one else fit.ks_laplace.tolist(),
        "spread_factor": float(factor[0]) if one else factor.tolist(),
        "mse": mse, "uniform_mse": umse, "uniform": ukind,
        "mse_ratio": mse / umse if umse > 0 else (0.0 if mse == 0 else float("inf")),
    }
    return cb, info
