"""The compression report: per-layer encodings, sizes, SQNR, kernel times, metric changes,
model totals; written as Markdown and JSON, plus a size-accuracy Pareto plot (matplotlib)."""

from __future__ import annotations

import json
import os
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from pyedge.compress.calibrate import layer_output
from pyedge.runtime import Graph, Model
from pyedge.runtime.graph import ValueInfo

TIMING_BATCH = 32  # images per timed layer / model run


def sqnr_db(ref: np.ndarray, test: np.ndarray) -> float:
    """Signal-to-quantization-noise ratio ``10 log10(|ref|^2 / |ref - test|^2)`` in dB."""
    ref = np.asarray(ref, np.float64)
    noise = float(np.sum((ref - test) ** 2))
    signal = float(np.sum(ref ** 2))
    if noise == 0:
        return float("inf")
    return 10 * np.log10(signal / noise) if signal > 0 else float("-inf")


def file_bytes(model: Model) -> int:
    """Bytes of the .pedge file ``model.save`` writes (computed exactly, nothing written)."""
    from pyedge.format.writer import file_size

    return file_size(model._weights, graph=model.graph.to_json(), recipe=model.recipe)


def median_time(fn, *, min_runs: int = 5, budget_s: float = 0.05, best: bool = False) -> float:
    """Median (``best``: minimum) seconds of ``fn()`` over at least ``min_runs`` runs (or
    ``budget_s`` seconds)."""
    fn()  # warm up (plans, packs, binds)
    times, start = [], time.perf_counter()
    while len(times) < min_runs or time.perf_counter() - start < budget_s:
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
        if len(times) >= 200:
            break
    return float(np.min(times) if best else np.median(times))


def _one_node(model: Model, name: str, batch: int, rng) -> tuple[Model, dict] | None:
    """A model of node ``name`` alone with a random input of its inferred type."""
    node = next((n for n in model.graph.nodes if n.name == name), None)
    if node is None:
        return None
    x = node.inputs[0]
    t = model._types[x]
    shape = tuple(d if isinstance(d, int) else batch for d in t.shape)
    if t.dtype == np.float32:
        feed = rng.standard_normal(shape).astype(np.float32)
    else:
        feed = rng.integers(0, 256, shape).astype(t.dtype)
    weights = {w: model._weights[w] for w in node.inputs[1:] if w}
    g = Graph([ValueInfo(x, t.dtype, shape)], [node.outputs[0]], [node])
    return Model(g, weights), {x: feed}


def layer_time(model: Model, name: str, batch: int = TIMING_BATCH) -> float | None:
    """Best-of-runs seconds of node ``name`` of ``model`` alone on a batch of random inputs
    (the minimum: robust on a shared, busy machine)."""
    one = _one_node(model, name, batch, np.random.default_rng(0))
    if one is None:
        return None
    m, feeds = one
    return median_time(lambda: m.run(feeds), budget_s=0.01, best=True)


def model_latency(model: Model, feeds: dict, batch: int = TIMING_BATCH) -> float:
    """Median seconds of one run of ``model`` on the first ``batch`` inputs of ``feeds``."""
    fb = {k: v[:batch] for k, v in feeds.items()}
    return median_time(lambda: model.run(fb), min_runs=7, budget_s=0.03)


@dataclass
class Report:
    """Per-layer rows, model totals and Pareto points of one compression run."""

    recipe: dict
    layers: list[dict]
    totals: dict
    pareto: list[dict] = field(default_factory=list)
    sensitivity: dict = field(default_factory=dict)  # auto: layer -> candidate -> facts

    def to_json(self) -> dict:
        return {"recipe": self.recipe, "totals": self.totals, "layers": self.layers,
                "pareto": self.pareto, "sensitivity": self.sensitivity}

    def kept(self) -> list[dict]:
        """Layers not compressed as asked, with the reason."""
        return [r for r in self.layers if r["reason"]]

    def to_markdown(self) -> str:
        t = self.totals
        lines = [f"# pyedge compression report ({self.recipe.get('preset', 'custom')})", ""]
        lines.append(f"- file size: {t['bytes_before']:,} B -> {t['bytes_after']:,} B "
                     f"({t['size_ratio']:.2f}x smaller)")
        if t.get("latency_before_s"):
            lines.append(f"- latency (batch {TIMING_BATCH}, p50): "
                         f"{1e3 * t['latency_before_s']:.2f} ms -> "
                         f"{1e3 * t['latency_after_s']:.2f} ms "
                         f"({t['latency_ratio']:.2f}x of float)")
        if t.get("metric_before") is not None:
            lines.append(f"- metric: {t['metric_before']:.4f} -> {t['metric_after']:.4f} "
                         f"({t['metric_delta']:+.4f})")
        lines.append(f"- weight bytes: {t['weight_bytes_before']:,} -> "
                     f"{t['weight_bytes_after']:,}")
        if t.get("budget"):
            lines.append(f"- budget: {t['budget']}" + (f"; {t['budget_note']}"
                                                        if t.get("budget_note") else ""))
        lines += ["", "| layer | op | shape | encoding | bytes before | bytes after | "
                  "weight SQNR dB | output SQNR dB | logits SQNR dB | time f32 ms | time ms | "
                  "speed | metric delta | note |", "|" + "---|" * 14]
        for r in self.layers:
            def ms(v):
                return "-" if v is None else f"{1e3 * v:.3f}"
            speed = (f"{r['time_float_s'] / r['time_s']:.2f}x"
                     if r.get("time_s") and r.get("time_float_s") else "-")
            delta = "-" if r.get("metric_delta") is None else f"{r['metric_delta']:+.4f}"
            lines.append(" | ".join([
                f"| {r['name']}", r["op"], "x".join(map(str, r["shape"])), r["encoding"],
                f"{r['bytes_before']:,}", f"{r['bytes_after']:,}", _db(r["weight_sqnr_db"]),
                _db(r["output_sqnr_db"]), _db(r.get("logits_sqnr_db")),
                ms(r.get("time_float_s")), ms(r.get("time_s")), speed, delta,
                r["reason"] or ""]) + " |")
        lines += self._codebook_lines() + self._sensitivity_lines()
        if self.pareto:
            lines += ["", "## Pareto front (size vs metric)", "",
                      "| point | bytes | size ratio | metric | on front |", "|---|---|---|---|---|"]
            for p in self.pareto:
                lines.append(f"| {p['label']} | {p['bytes']:,} | {p['size_ratio']:.2f}x | "
                             f"{_fmt(p.get('metric'))} | {'yes' if p.get('front') else ''} |")
        return "\n".join(lines) + "\n"

    def _codebook_lines(self) -> list[str]:
        rows = [r for r in self.layers if "mse_ratio" in r["info"]]
        if not rows:
            return []
        out = ["", "## Non-uniform codebooks", "", "| layer | method | per | distribution | "
               "mean KS gaussian | mean KS laplace | weight MSE | best uniform MSE | ratio |",
               "|---|---|---|---|---|---|---|---|---|"]
        for r in rows:
            i = r["info"]
            dist = i.get("distribution_counts", i["distribution"])
            out.append(f"| {r['name']} | {i['method']} | {i['per']} | {dist} | "
                       f"{np.mean(i['ks_gaussian']):.4f} | {np.mean(i['ks_laplace']):.4f} | "
                       f"{i['mse']:.3g} | {i['uniform_mse']:.3g} ({i['uniform']}) | "
                       f"{i['mse_ratio']:.3f} |")
        return out

    def _sensitivity_lines(self) -> list[str]:
        if not self.sensitivity:
            return []
        cands = sorted({c for v in self.sensitivity.values() for c in v})
        out = ["", "## Per-layer sensitivity (model output SQNR dB, only that layer "
               "compressed)", "", "| layer | " + " | ".join(cands) + " |",
               "|---|" + "---|" * len(cands)]
        for name, v in self.sensitivity.items():
            out.append(f"| {name} | " + " | ".join(
                _db(v[c]["logits_sqnr_db"]) if c in v else "-" for c in cands) + " |")
        return out

    def save(self, directory: str | os.PathLike, stem: str = "report", *,
             plot: bool = True) -> list[Path]:
        """Write ``<stem>.md``, ``<stem>.json`` and (``plot`` and matplotlib installed)
        ``<stem>_pareto.png``."""
        d = Path(directory)
        d.mkdir(parents=True, exist_ok=True)
        paths = [d / f"{stem}.md", d / f"{stem}.json"]
        paths[0].write_text(self.to_markdown())
        paths[1].write_text(json.dumps(self.to_json(), indent=1, default=_json_default))
        png = plot_pareto(self.pareto, d / f"{stem}_pareto.png") if plot else None
        return paths + ([png] if png else [])


def _json_default(x):
    if isinstance(x, np.generic):
        return x.item()
    raise TypeError(f"{type(x).__name__} is not JSON serialisable")


def _db(v) -> str:
    return "-" if v is None else ("inf" if v == float("inf") else f"{v:.1f}")


def _fmt(v) -> str:
    return "-" if v is None else f"{v:.4f}"


def mark_front(points: list[dict]) -> list[dict]:
    """Set ``front`` on points not dominated in (fewer bytes, higher metric)."""
    for p in points:
        m = p.get("metric")
        p["front"] = m is not None and not any(
            q is not p and q.get("metric") is not None and q["bytes"] <= p["bytes"]
            and q["metric"] >= m and (q["bytes"] < p["bytes"] or q["metric"] > m)
            for q in points)
    return points


def plot_pareto(points: list[dict], path: str | os.PathLike) -> Path | None:
    """PNG of metric vs size (front highlighted); None when matplotlib or data is missing."""
    pts = [p for p in points if p.get("metric") is not None]
    if len(pts) < 2:
        return None
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return None
    fig, ax = plt.subplots(figsize=(6, 4), dpi=100)
    ax.scatter([p["bytes"] / 1024 for p in pts], [100 * p["metric"] for p in pts],
               c=["tab:red" if p.get("front") else "tab:gray" for p in pts], zorder=3)
    front = sorted((p for p in pts if p.get("front")), key=lambda p: p["bytes"])
    ax.plot([p["bytes"] / 1024 for p in front], [100 * p["metric"] for p in front],
            "r--", zorder=2)
    for p in pts:
        ax.annotate(p["label"], (p["bytes"] / 1024, 100 * p["metric"]), fontsize=7,
                    xytext=(3, 3), textcoords="offset points")
    ax.set_xscale("log")
    ax.set_xlabel("file size (KiB, log)")
    ax.set_ylabel("metric (%)")
    ax.set_title("size vs metric (red: Pareto front)")
    ax.grid(True, alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, metadata={"Software": None})
    plt.close(fig)
    return Path(path)


def _layer_bytes(weights: dict, name: str) -> int:
    return sum(w.nbytes for k, w in weights.items() if k.startswith(f"{name}."))


def build_report(comp, encoded: dict, out: Model, *, evaluate=None, search=None,
                 measure: bool = True, progress: bool = True) -> Report:
    """Measure the compressed model ``out`` against the float model of ``comp``."""
    base = comp.model
    cal = comp.cal
    rows = []
    ref_logits = None
    sample = None
    if cal is not None:
        sample = {k: v[:TIMING_BATCH * 4] for k, v in cal.feeds.items()}
        ref_logits = next(iter(base.run(sample).values()))
    metric_before = evaluate(base) if evaluate else None
    it = comp.layers
    if progress and (measure or evaluate or cal is not None):
        from tqdm import tqdm

        it = tqdm(it, desc="measuring layers", unit="layer", leave=False)
    for layer in it:
        e = encoded[layer.name]
        before = layer.w2d.nbytes + (0 if layer.bias is None else layer.bias.nbytes)
        row = {"name": layer.name, "op": layer.node.op, "kind": layer.kind,
               "shape": list(layer.w_shape), "encoding": e.encoding, "asked": e.asked,
               "reason": e.reason, "bytes_before": int(before),
               "bytes_after": int(_layer_bytes(out._weights, layer.name)),
               "weight_sqnr_db": sqnr_db(layer.w2d, e.w_deq), "output_sqnr_db": None,
               "logits_sqnr_db": None, "time_float_s": None, "time_s": None,
               "metric_delta": None, "info": e.info}
        if e.form == "float":
            row["bytes_after"] = row["bytes_before"]
        if cal is not None:
            x = cal.rows[layer.name]
            row["output_sqnr_db"] = sqnr_db(layer_output(layer, x, layer.w2d),
                                            layer_output(layer, x, e.w_deq))
        alone = None
        if e.form != "float" and (cal is not None or evaluate):
            alone = comp.build({layer.name: e})
            if cal is not None:
                row["logits_sqnr_db"] = sqnr_db(ref_logits,
                                                next(iter(alone.run(sample).values())))
            if evaluate:
                row["metric_delta"] = evaluate(alone) - metric_before
        if measure:
            row["time_float_s"] = layer_time(base, layer.name)
            row["time_s"] = layer_time(out, layer.name)
        rows.append(row)
    bytes_before, bytes_after = file_bytes(base), file_bytes(out)
    totals = {"bytes_before": bytes_before, "bytes_after": bytes_after,
              "size_ratio": bytes_before / bytes_after,
              "weight_bytes_before": int(sum(w.nbytes for w in base._weights.values())),
              "weight_bytes_after": int(sum(w.nbytes for w in out._weights.values())),
              "layers": len(rows), "kept": sum(1 for r in rows if r["reason"])}
    if measure and sample is not None:
        totals["latency_before_s"] = model_latency(base, sample)
        totals["latency_after_s"] = model_latency(out, sample)
        totals["latency_ratio"] = totals["latency_after_s"] / totals["latency_before_s"]
    if evaluate:
        after = evaluate(out)
        totals.update(metric_before=metric_before, metric_after=after,
                      metric_delta=after - metric_before)
    if search:
        totals["budget"], totals["budget_note"] = search["budget"], search["note"]
    pareto = list(search["points"]) if search else []
    pareto = [{"label": "float32", "bytes": bytes_before, "metric": metric_before},
              *pareto,
              {"label": comp.recipe.name, "bytes": bytes_after, "metric": totals.get(
                  "metric_after")}]
    for p in pareto:
        p["size_ratio"] = bytes_before / p["bytes"]
    sens = {n: {c: {k: v[k] for k in ("logits_sqnr_db", "noise", "time_s")}
                for c, v in cs.items()} for n, cs in (search or {}).get("sensitivity", {}).items()}
    return Report(comp.recipe.to_json(), rows, totals, mark_front(pareto), sens)
