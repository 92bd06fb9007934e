"""Command line: ``pyedge demo | bench | config | run | inspect | import | compress``."""

from __future__ import annotations

import argparse
import json
import sys


def _cmd_config(args) -> int:
    from pyedge import show_config

    show_config()
    return 0


def _cmd_bench(args) -> int:
    if args.what == "kernels":
        from pyedge.benchmarks import kernels as bench

        tables = tuple(args.shapes) if args.shapes else ("gemm", "mobilenet_v2_pointwise")
        result = bench.run(tables, threads=args.threads, min_time=args.min_time,
                           families=tuple(args.families), numba=args.numba,
                           kernels=tuple(args.kernel or ("auto",)))
        print(json.dumps(result, indent=1) if args.json else bench.format_table(result))
        return 0
    if args.what == "runtime":
        from pyedge.benchmarks import runtime as rbench

        result = rbench.run(min_time=args.min_time)
        print(json.dumps(result, indent=1) if args.json else rbench.format_report(result))
        return 0
    if args.what.endswith(".pedge"):
        from pyedge.benchmarks import runtime as rbench

        result = rbench.bench_model(args.what, runs=args.runs, threads=args.threads,
                                    batch=args.batch)
        print(json.dumps(result, indent=1))
        return 0
    if args.what == "sparse":
        from pyedge.benchmarks import sparse as bench_sparse

        tables = tuple(args.shapes) if args.shapes else ("sparse",)
        result = bench_sparse.run(tables, threads=args.threads, min_time=args.min_time)
        print(json.dumps(result, indent=1) if args.json else bench_sparse.format_table(result))
        return 0
    if args.what == "conv":
        from pyedge.benchmarks import conv as bench

        tables = tuple(args.shapes) if args.shapes else ("mobilenet_v2_conv",)
        result = bench.run(tables, threads=args.threads, min_time=args.min_time)
        print(json.dumps(result, indent=1) if args.json else bench.format_table(result))
        return 0
    raise SystemExit(f"pyedge bench: unknown target {args.what!r}")


def _cmd_demo(args) -> int:
    """Compress the shipped model with several recipes, measure each, self-check kernels."""
    from pyedge.demo import run

    return run(threads=args.threads, report_dir=args.report_dir,
               progress=not args.no_progress)


def _read_feeds(model, specs: list[str]) -> dict:
    """``--input`` values: ``x.npy`` (single-input model), ``name=x.npy``, or an ``.npz``."""
    import zipfile

    import numpy as np

    feeds = {}
    for spec in specs:
        name, sep, path = spec.rpartition("=")
        try:
            if path.endswith(".npz"):
                with np.load(path, allow_pickle=False) as z:
                    feeds.update({k: z[k] for k in z.files})
                continue
            if not sep:
                if len(model.inputs) != 1:
                    raise ValueError(f"the model has inputs {[v.name for v in model.inputs]}; "
                                     f"pass --input name=file.npy for each")
                name = model.inputs[0].name
            feeds[name] = np.load(path, allow_pickle=False)
        except (zipfile.BadZipFile, EOFError) as exc:  # corrupt or truncated .npz / .npy
            raise ValueError(f"{path}: not a readable .npy/.npz file ({exc})") from None
    return feeds


def _cmd_run(args) -> int:
    import numpy as np

    import pyedge

    try:
        model = pyedge.load(args.model)
        out = model.run(_read_feeds(model, args.input))
    except (NotImplementedError, OSError, RuntimeError) as exc:
        print(f"pyedge run: error: {exc}", file=sys.stderr)
        return 2
    if args.output:
        np.savez(args.output, **out)
    for name, value in out.items():
        print(f"{name}: {value.dtype}{list(value.shape)} "
              f"min {value.min() if value.size else '-'} max {value.max() if value.size else '-'}")
    return 0


def _cmd_inspect(args) -> int:
    import pyedge
    from pyedge.runtime.summary import format_table, summarize

    try:
        model = pyedge.load(args.model, verify=not args.no_verify)
    except (NotImplementedError, OSError) as exc:
        print(f"pyedge inspect: error: {exc}", file=sys.stderr)
        return 2
    rows = summarize(model)
    if args.json:
        print(json.dumps(rows, indent=1))
        return 0
    f = model._source
    print(f"{args.model}: format version {f.format_version}, producer {f.producer!r}, "
          f"{f.nbytes} bytes")
    print("inputs:  " + ", ".join(f"{v.name} {v.type}" for v in model.inputs))
    print("outputs: " + ", ".join(f"{v.name} {v.type}" for v in model.outputs))
    plan = model.memory_plan()
    print(f"activations (all symbolic dims = 1): arena {plan.arena_bytes} B, "
          f"outputs {plan.output_bytes} B")
    if "compress" in model.recipe:
        r = model.recipe["compress"]
        print(f"compressed by pyedge: preset {r.get('preset')!r}, default encoding "
              f"{r.get('encoding')!r}, seed {model.recipe.get('seed')}")
    print()
    print(format_table(rows))
    return 0


def _cmd_import(args) -> int:
    try:
        from pyedge.importers.onnx import from_onnx

        model = from_onnx(args.model)
        model.save(args.output)
    except (NotImplementedError, OSError, ImportError) as exc:
        print(f"pyedge import: error: {exc}", file=sys.stderr)
        return 2
    print(f"{args.model} -> {args.output}: {len(model.graph.nodes)} nodes, "
          f"{sum(w.nbytes for w in model._weights.values())} weight bytes")
    return 0


def add_runtime_commands(sub) -> None:
    """``pyedge run``, ``pyedge inspect`` and ``pyedge import``."""
    m = sub.add_parser("import", help="convert an ONNX model to a .pedge file")
    m.add_argument("model", help="the .onnx file")
    m.add_argument("--output", "-o", required=True, help="the .pedge file to write")
    m.set_defaults(func=_cmd_import)
    r = sub.add_parser("run", help="run a .pedge model on .npy/.npz inputs")
    r.add_argument("model", help="the .pedge file")
    r.add_argument("--input", "-i", action="append", required=True,
                   help="x.npy, name=x.npy or inputs.npz (repeatable)")
    r.add_argument("--output", "-o", help="write all outputs to this .npz")
    r.set_defaults(func=_cmd_run)
    i = sub.add_parser("inspect", help="table of a .pedge model's nodes")
    i.add_argument("model", help="the .pedge file")
    i.add_argument("--json", action="store_true", help="print JSON rows instead of a table")
    i.add_argument("--no-verify", action="store_true", help="skip the CRC32 checks")
    i.set_defaults(func=_cmd_inspect)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pyedge", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="compress the shipped Fashion-MNIST model (int8, w4, nu4, "
                       "sparse50-int8, auto 10x), measure each on 2,000 test images, write "
                       "reports and a plot, self-check every kernel")
    d.add_argument("--threads", type=int, default=1, help="threads for the model runs (1)")
    d.add_argument("--report-dir", default="pyedge-demo-report",
                   help="directory for the reports, models and plot (pyedge-demo-report)")
    d.add_argument("--no-progress", action="store_true", help="no progress bars")
    d.set_defaults(func=_cmd_demo)
    c = sub.add_parser("config", help="print backend, CPU features, kernels and threads")
    c.set_defaults(func=_cmd_config)
    b = sub.add_parser("bench", help="benchmark kernels against NumPy and onnxruntime")
    b.add_argument("what", help="kernels | sparse | conv | runtime | a .pedge model file")
    b.add_argument("--threads", type=int, default=1, help="threads for every library (1)")
    b.add_argument("--shapes", nargs="*", help="shape tables (default: gemm "
                   "mobilenet_v2_pointwise)")
    b.add_argument("--min-time", type=float, default=0.2, help="seconds per measurement")
    b.add_argument("--json", action="store_true", help="print JSON instead of a table")
    b.add_argument("--runs", type=int, default=100, help="timed runs of a model (100)")
    b.add_argument("--batch", type=int, default=1, help="size of symbolic input dims (1)")
    b.add_argument("--families", nargs="*", default=["qgemm", "qc4w", "lut4"],
                   help="kernel families: qgemm qc4w lut4 (default: all)")
    b.add_argument("--numba", action="store_true", help="also time the Numba twins")
    b.add_argument("--kernel", action="append", metavar="NAME",
                   help="time this qgemm implementation (a name from `pyedge config`, or "
                   "'auto' for the default choice); repeat for one row per kernel and shape "
                   "(default: auto)")
    b.set_defaults(func=_cmd_bench)
    add_runtime_commands(sub)
    from pyedge.train.finetune_cli import add_finetune_command

    add_finetune_command(sub)
    from pyedge.compress.cli import add_compress_command

    add_compress_command(sub)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.func(args)
    except (ValueError, TypeError, FileNotFoundError, KeyError) as exc:
        print(f"pyedge {args.command}: error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
