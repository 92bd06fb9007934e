"""Per-layer sensitivity: model output SQNR (and metric change) with only one layer compressed."""

from __future__ import annotations

import numpy as np

from pyedge.compress.report import TIMING_BATCH, layer_time, sqnr_db


def layer_sensitivity(comp, candidates: dict[str, dict], *, evaluate=None, measure_time=False,
                      progress: bool = True) -> dict[str, dict[str, dict]]:
    """For each layer and candidate Encoded: ``{"logits_sqnr_db", "noise", "metric_delta",
    "time_s"}``; ``noise`` is the output noise power relative to the signal (additive
    across layers to first order), measured on the first calibration inputs."""
    sample = {k: v[:TIMING_BATCH * 4] for k, v in comp.cal.feeds.items()}
    ref = next(iter(comp.model.run(sample).values()))
    base_metric = evaluate(comp.model) if evaluate else None
    out: dict[str, dict[str, dict]] = {}
    todo = [(name, c) for name, cands in candidates.items() for c in cands]
    it = todo
    if progress:
        from tqdm import tqdm

        it = tqdm(todo, desc="sensitivity", unit="trial", leave=False)
    for name, c in it:
        e = candidates[name][c]
        m = comp.build({name: e})
        s = sqnr_db(ref, next(iter(m.run(sample).values())))
        row = {"logits_sqnr_db": s, "noise": 0.0 if s == float("inf") else 10 ** (-s / 10),
               "metric_delta": None if evaluate is None else evaluate(m) - base_metric,
               "time_s": layer_time(m, name) if measure_time else None}
        out.setdefault(name, {})[c] = row
    return out


def noise_floor(values) -> float:
    """Total relative noise of a set of per-layer noises (first-order additive)."""
    return float(np.sum(list(values)))
