"""Command line: ``pyedge demo | bench | config``."""

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
        result = bench.run(tables, threads=args.threads, min_time=args.min_time)
        print(json.dumps(result, indent=1) if args.json else bench.format_table(result))
        return 0
    if args.what == "conv":
        from pyedge.benchmarks import conv as bench

        tables = tuple(args.shapes) if args.shapes else ("mobilenet_v2_conv",)
        result = bench.run(tables, threads=args.threads, min_time=args.min_time)
        print(json.dumps(result, indent=1) if args.json else bench.format_table(result))
        return 0
    raise SystemExit(f"pyedge bench: unknown target {args.what!r}")


def _cmd_demo(args) -> int:
    """Until the compression demo exists: kernel self-check, then a short benchmark summary."""
    from pyedge import show_config
    from pyedge.benchmarks import kernels as bench
    from pyedge.selfcheck import selfcheck

    show_config()
    print()
    ok = selfcheck(verbose=True)
    print()
    result = bench.run(("gemm",), threads=1, min_time=0.05)
    print(bench.format_table(result))
    return 0 if ok else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="pyedge", description=__doc__)
    sub = p.add_subparsers(dest="command", required=True)
    d = sub.add_parser("demo", help="self-check every kernel and print a benchmark summary")
    d.set_defaults(func=_cmd_demo)
    c = sub.add_parser("config", help="print backend, CPU features, kernels and threads")
    c.set_defaults(func=_cmd_config)
    b = sub.add_parser("bench", help="benchmark kernels against NumPy and onnxruntime")
    b.add_argument("what", choices=["kernels", "conv"], help="what to benchmark (conv: every "
                   "MobileNetV2 conv layer, float32 and int8, vs PyTorch)")
    b.add_argument("--threads", type=int, default=1, help="threads for every library (1)")
    b.add_argument("--shapes", nargs="*", help="shape tables (default: gemm "
                   "mobilenet_v2_pointwise)")
    b.add_argument("--min-time", type=float, default=0.2, help="seconds per measurement")
    b.add_argument("--json", action="store_true", help="print JSON instead of a table")
    b.set_defaults(func=_cmd_bench)
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
