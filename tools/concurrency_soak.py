"""8 threads x 1000 runs of each concurrency test model: differences and RSS before/after.

    python tools/concurrency_soak.py [--threads 8] [--runs 1000]

For each model (float demo CNN, int8, sparse + codebook + int4) it loads the file, runs a
warm-up (every thread 50 runs), records the process RSS, runs ``threads x runs`` more and
records RSS again; it prints one line per model with the number of runs whose outputs differ
bitwise from a single-threaded run, and the RSS after warm-up and at the end (flat = no leak).
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import pyedge  # noqa: E402
from tests.runtime.test_concurrency import model_files, run_threads  # noqa: E402

WARMUP = 50


def rss_mib() -> float:
    """Resident set size of this process (Linux /proc)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--threads", type=int, default=8)
    p.add_argument("--runs", type=int, default=1000)
    args = p.parse_args()
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        for name, path in model_files(Path(tmp)).items():
            model = pyedge.load(path)
            run_threads(model, args.threads, WARMUP)
            before = rss_mib()
            t0 = time.perf_counter()
            differ = run_threads(model, args.threads, args.runs)
            seconds = time.perf_counter() - t0
            after = rss_mib()
            failed += differ
            print(f"{name:16s} {args.threads} threads x {args.runs} runs: {differ} differing; "
                  f"RSS after warm-up {before:.1f} MiB, after runs {after:.1f} MiB "
                  f"({after - before:+.1f}); {seconds:.1f} s", flush=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
