"""``pyedge compress`` and the per-layer encoding view of ``pyedge inspect``."""

from __future__ import annotations

from pathlib import Path


def add_compress_command(sub) -> None:
    """Register ``pyedge compress`` on an argparse subparsers object."""
    from pyedge.compress.recipe import PRESETS

    c = sub.add_parser(
        "compress", help="compress a float .pedge/.onnx model with a recipe; write the "
        "model and a report (Markdown, JSON, Pareto PNG)")
    c.add_argument("model", help="the float model: a .pedge or .onnx file")
    c.add_argument("--output", "-o", required=True, help="the compressed .pedge file to write")
    c.add_argument("--recipe", "-r", required=True,
                   help=f"a preset ({', '.join(PRESETS)}) or a .toml/.json recipe file")
    c.add_argument("--calib", help="calibration inputs (.npz: arrays named like the model "
                   "inputs, or 'x', or uint8 'images' scaled by 1/255 as in the demo)")
    c.add_argument("--eval", help="evaluation set (.npz as --calib plus 'labels'): the "
                   "report gives top-1 accuracy changes of the model and of each layer")
    c.add_argument("--budget", help="size=FRACTION or latency=FRACTION of the float model "
                   "(for --recipe auto)")
    c.add_argument("--report-dir", help="directory for report.md/json/png (default: "
                   "<output stem>-report next to the output)")
    c.add_argument("--seed", type=int, default=0, help="seed (same seed: same file bytes)")
    c.add_argument("--no-progress", action="store_true", help="no progress bars")
    c.set_defaults(func=run_compress)


def _recipe_with_budget(recipe: str, budget: str | None):
    from pyedge.compress.recipe import PRESETS, parse_budget, parse_recipe

    if budget is None:
        return recipe
    b = parse_budget(budget)
    r = parse_recipe({"preset": recipe} if recipe in PRESETS else recipe)
    r.budget = b
    return r


def run_compress(args) -> int:
    """Compress, save the model and the report, print a summary; 0 on success."""
    from pyedge.compress.api import accuracy_metric, as_model, compress, read_npz_inputs

    recipe = _recipe_with_budget(args.recipe, args.budget)
    model = as_model(args.model)
    evaluate = None
    if args.eval:
        feeds, labels = read_npz_inputs(args.eval, model)
        if labels is None:
            raise ValueError(f"--eval {args.eval}: needs a 'labels' (or 'y') array")
        evaluate = accuracy_metric(feeds, labels)
    out, report = compress(model, recipe, calib=args.calib, evaluate=evaluate,
                           seed=args.seed, progress=not args.no_progress)
    out.save(args.output)
    out_path = Path(args.output)
    rdir = Path(args.report_dir) if args.report_dir else out_path.with_name(
        f"{out_path.stem}-report")
    written = report.save(rdir)
    t = report.totals
    print(f"{args.model} -> {args.output}: {t['bytes_before']:,} -> {t['bytes_after']:,} "
          f"bytes ({t['size_ratio']:.2f}x smaller)")
    if t.get("metric_before") is not None:
        print(f"accuracy {100 * t['metric_before']:.2f} % -> {100 * t['metric_after']:.2f} % "
              f"({100 * t['metric_delta']:+.2f} pt)")
    if t.get("latency_ratio"):
        print(f"latency {t['latency_ratio']:.2f}x of float (batch 32, p50)")
    for r in report.layers:
        note = f"  (asked {r['asked']}: {r['reason']})" if r["reason"] else ""
        print(f"  {r['name']:<20} {r['encoding']:<22} {r['bytes_before']:>8,} -> "
              f"{r['bytes_after']:>8,} B{note}")
    print("report: " + ", ".join(str(p) for p in written))
    return 0

