"""Mixed precision under a budget: pick one encoding per layer (multiple-choice knapsack).

Each layer's candidates (the recipe's ``candidates`` plus float32) are encoded once; their
cost is the bytes they add to the file (or their measured kernel time) and their damage the
model-output noise with only that layer compressed (:mod:`pyedge.compress.sensitivity`).
A dynamic program over the cost minimises the summed noise within the budget; the built
model's exact file size is then checked and the budget tightened until it fits. With
``evaluate`` and the recipe's ``max_drop``, a budget that costs more metric than that is
relaxed to the smallest searched model within ``max_drop`` (and the report says so).
"""

from __future__ import annotations

import numpy as np

from pyedge.compress.recipe import LayerRecipe
from pyedge.compress.report import file_bytes
from pyedge.compress.sensitivity import layer_sensitivity

UNIT = 16  # bytes per DP cost unit
PARETO_FRACTIONS = (0.1, 0.15, 0.2, 0.25, 0.3)


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


def _candidates(comp) -> dict[str, dict]:
    """Layer name -> {label: Encoded} of every candidate the layer can really take."""
    recipe = comp.recipe
    cands: dict[str, dict] = {}
    for layer in comp.layers:
        opts = {"float": comp.encode(layer, LayerRecipe("float"))}
        asked = recipe.for_layer(layer.name)
        for lr in (recipe.candidates if asked.encoding == "auto" else (asked,)):
            e = comp.encode(layer, lr)
            if not e.reason:
                opts[lr.label] = e
        cands[layer.name] = opts
    return cands


def choose_encodings(comp, evaluate=None, *, progress: bool = True):
    """``(encoded per layer, search facts)`` for the recipe's size or latency budget."""
    recipe = comp.recipe
    if comp.cal is None:
        raise ValueError("recipe auto needs calibration data (calib=...)")
    kind, frac = next(iter((recipe.budget or {"size": 0.1}).items()))
    cands = _candidates(comp)
    sens = layer_sensitivity(comp, cands, measure_time=kind == "latency", progress=progress)
    noise = {n: {c: sens[n][c]["noise"] for c in cands[n]} for n in cands}
    float_bytes = file_bytes(comp.model)

    def build(pick):
        return comp.build({n: cands[n][c] for n, c in pick.items()})

    if kind == "size":
        single = {n: {c: _tensor_bytes(comp.build({n: e}), n) for c, e in cands[n].items()}
                  for n in cands}
        costs = {n: {c: -(-b // UNIT) for c, b in single[n].items()} for n in cands}
        cheapest = {n: min(cands[n], key=lambda c, n=n: single[n][c]) for n in cands}
        fixed = file_bytes(build(cheapest)) - sum(single[n][c] for n, c in cheapest.items())

        def solve(f):
            target, slack = f * float_bytes, 0
            for _ in range(6):
                pick = _knapsack(costs, noise, (target - fixed - slack) / UNIT)
                if pick is None:
                    return cheapest, "the budget is below the smallest encodings"
                size = file_bytes(build(pick))
                if size <= target:
                    return pick, ""
                slack += size - target
            return pick, "budget not met after 6 refinements"
    else:
        times = {n: {c: sens[n][c]["time_s"] or 0.0 for c in cands[n]} for n in cands}
        costs = {n: {c: max(1, int(t * 1e6)) for c, t in times[n].items()} for n in cands}
        fastest = {n: min(cands[n], key=lambda c, n=n: costs[n][c]) for n in cands}

        def solve(f):
            pick = _knapsack(costs, noise, f * sum(costs[n]["float"] for n in cands))
            return (fastest, "the budget is below the fastest encodings") if pick is None \
                else (pick, "")

    pick, note = solve(frac)
    points = []
    if kind == "size":
        base_metric = evaluate(comp.model) if evaluate else None
        seen = set()
        for f in sorted({*PARETO_FRACTIONS, frac}):
            p, _ = solve(f)
            key = tuple(sorted(p.items()))
            if key in seen:
                continue
            seen.add(key)
            m = build(p)
            points.append({"label": f"auto {f:g}", "bytes": file_bytes(m),
                           "metric": evaluate(m) if evaluate else None, "encodings": dict(p),
                           "noise": float(sum(noise[n][c] for n, c in p.items()))})
        if evaluate and recipe.max_drop is not None:
            ok = [q for q in points if base_metric - q["metric"] <= recipe.max_drop]
            chosen = next((q for q in points if q["encodings"] == pick), None)
            if ok and (chosen is None or chosen not in ok):
                best = min(ok, key=lambda q: q["bytes"])
                note = (f"size budget {frac:g} costs more than max_drop={recipe.max_drop:g}; "
                        f"chose the smallest model within it ({best['label']}, "
                        f"{best['bytes']:,} B)")
                pick = best["encodings"]
    encoded = {n: cands[n][c] for n, c in pick.items()}
    search = {"budget": {kind: frac}, "choice": pick, "note": note, "points": points,
              "sensitivity": sens}
    return encoded, search
