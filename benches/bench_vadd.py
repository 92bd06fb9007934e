"""int8 residual add (add_q): every implementation on MobileNetV2 residual shapes, one thread.

Run from the repository root: ``python benches/bench_vadd.py [--rounds 30]``. Prints the
median time per implementation (interleaved in one run) and NumPy's time / the default's.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyedge.kernels import add_q, registry, select  # noqa: E402

SHAPES = [(1, 56, 56, 24), (1, 28, 28, 32), (1, 14, 14, 64), (1, 14, 14, 96), (1, 7, 7, 160)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=30)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    kernels = registry.kernels("qu8_vadd_minmax")
    best, numpy_k = select("qu8_vadd_minmax").name, kernels[-1].name
    total = dict.fromkeys((k.name for k in kernels), 0.0)
    print("shape | " + " ".join(k.name.split("__")[1] for k in kernels) + " (us) | numpy / "
          "default")
    for shape in SHAPES:
        a = rng.integers(0, 256, shape, dtype=np.uint8)
        b = rng.integers(0, 256, shape, dtype=np.uint8)
        out = np.empty_like(a)
        times: dict[str, list[float]] = {k.name: [] for k in kernels}
        for _ in range(args.rounds):
            for k in kernels:
                t = time.perf_counter()
                add_q(a, 0.021, 120, b, 0.047, 131, 0.05, 128, out=out, num_threads=1,
                      kernel=k)
                times[k.name].append(time.perf_counter() - t)
        med = {n: float(np.median(v)) * 1e6 for n, v in times.items()}
        for n, v in med.items():
            total[n] += v
        print(f"{shape} | " + " ".join(f"{med[n]:.0f}" for n in med)
              + f" | {med[numpy_k] / med[best]:.2f}x")
    print("sum | " + " ".join(f"{v:.0f}" for v in total.values())
          + f" | {total[numpy_k] / total[best]:.2f}x (default: {best})")


if __name__ == "__main__":
    main()
