"""Mixed precision under a budget: pick one encoding per layer (multiple-choice knapsack).

Each layer's candidates (the recipe's ``candidates`` plus float32) are encoded once; their
cost is the bytes they add to the file (or their measured kernel time) and their damage the
model-output noise with only that layer compressed (:mod:`pyedge.compress.sensitivity`).
A dynamic program over the cost minimises the summed noise within the budget; the built
model's real file size is then checked and the budget tightened until it fits.
"""

from __future__ import annotations

import numpy as np

from pyedge.compress.recipe import LayerRecipe, _layer_recipe
from pyedge.compress.report import file_bytes
from pyedge.compress.sensitivity import layer_sensitivity

UNIT = 16  # bytes per DP cost unit
PARETO_FRACTIONS = (0.08, 0.1, 0.125, 0.15, 0.2, 0.3)


def _tensor_bytes(model, name: str) -> int:
    return sum(w.nbytes for k, w in model._weights.items() if k.startswith(f"{name}."))


def _knapsack(costs: dict, noise: dict, budget: float) -> dict[str, str] | None:
    """Per layer the candidate minimising summed noise with summed cost <= budget."""
    names = list(costs)
    cap = int(budget)
    if cap < 0:
        return None
    inf = float("inf")
    best = np.full(cap + 1, inf)
    best[0] = 0.0
    choice = []
    for name in names:
        new = np.full(cap + 1, inf)
        arg = np.full(cap + 1, -1)
        opts = list(costs[name])
        for j, c in enumerate(opts):
            w = int(costs[name][c])
            if w > cap:
                continue
            cand = np.full(cap + 1, inf)
            cand[w:] = best[:cap + 1 - w] + noise[name][c]
            better = cand < new
            new[better], arg[better] = cand[better], j
        choice.append((opts, arg))
        best = new
    end = int(np.argmin(best))
    if best[end] == inf:
        return None
    picked, b = {}, end
    for name, (opts, arg) in zip(reversed(names), reversed(choice), strict=True):
        c = opts[arg[b]]
        picked[name] = c
        b -= int(costs[name][c])
    return picked


def choose_encodings(comp, evaluate=None, *, progress: bool = True):
    """``(encoded per layer, search facts)`` for the recipe's size or latency budget."""
    recipe = comp.recipe
    if comp.cal is None:
        raise ValueError("recipe auto needs calibration data (calib=...)")
    budget = recipe.budget or {"size": 0.1}
    kind, frac = next(iter(budget.items()))
    cands: dict[str, dict] = {}
    for layer in comp.layers:
        opts = {"float": comp.encode(layer, LayerRecipe("float"))}
        asked = recipe.for_layer(layer.name)
        names = recipe.candidates if asked.encoding == "auto" else (asked.encoding,)
        for c in names:
            lr = _layer_recipe(c, "candidates")
            e = comp.encode(layer, lr)
            if not e.reason:
                opts[c] = e
        cands[layer.name] = opts
    sens = layer_sensitivity(comp, cands, evaluate=None, measure_time=kind == "latency",
                             progress=progress)
    float_bytes = file_bytes(comp.model)
    noise = {n: {c: sens[n][c]["noise"] for c in cands[n]} for n in cands}
    for n in noise:
        noise[n]["float"] = 0.0
    if kind == "size":
        single = {n: {c: _tensor_bytes(comp.build({n: e}), n) for c, e in cands[n].items()}
                  for n in cands}
        costs = {n: {c: -(-b // UNIT) for c, b in single[n].items()} for n in cands}
        cheapest = {n: min(cands[n], key=lambda c, n=n: single[n][c]) for n in cands}
        smallest = comp.build({n: cands[n][c] for n, c in cheapest.items()})
        fixed = file_bytes(smallest) - sum(single[n][c] for n, c in cheapest.items())

        def solve(f):
            target = f * float_bytes
            slack = 0
            for _ in range(6):
                pick = _knapsack(costs, noise, (target - fixed - slack) / UNIT)
                if pick is None:
                    return cheapest, "budget below the smallest encoding"
                m = comp.build({n: cands[n][c] for n, c in pick.items()})
                size = file_bytes(m)
                if size <= target:
                    return pick, ""
                slack += size - target
            return pick, "budget not met after 6 refinements"
    else:
        base_t = {n: sens[n]["float"]["time_s"] if "float" in sens[n] else None for n in cands}
        times = {n: {c: (sens[n][c]["time_s"] or 0) for c in cands[n]} for n in cands}
        for n in times:
            times[n]["float"] = base_t[n] or max(times[n].values())
        scale = 1e6  # microseconds per unit
        costs = {n: {c: max(1, int(t * scale)) for c, t in times[n].items()} for n in cands}

        def solve(f):
            total = sum(costs[n]["float"] for n in cands)
            pick = _knapsack(costs, noise, f * total)
            if pick is None:
                return {n: min(cands[n], key=lambda c, n=n: costs[n][c]) for n in cands}, \
                    "budget below the fastest encodings"
            return pick, ""

    pick, note = solve(frac)
    points = []
    if kind == "size":
        for f in PARETO_FRACTIONS:
            p, _ = solve(f)
            m = comp.build({n: cands[n][c] for n, c in p.items()})
            points.append({"label": f"auto {f:g}", "bytes": file_bytes(m),
                           "metric": evaluate(m) if evaluate else None,
                           "encodings": dict(p)})
    encoded = {n: cands[n][c] for n, c in pick.items()}
    if note:
        for n in pick:
            encoded[n].info = {**encoded[n].info, "budget": note}
    search = {"budget": {kind: frac}, "choice": pick, "note": note, "points": points,
              "sensitivity": sens}
    return encoded, search
