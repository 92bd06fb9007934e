"""uint8 max pooling: every implementation on MobileNet/ResNet-like NHWC shapes, one thread.

Run from the repository root: ``python benches/bench_pool_u8.py [--rounds 25]``. Prints the
median time per implementation (interleaved in one run) and NumPy's time / the default's.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from pyedge.kernels import max_pool2d, registry, select  # noqa: E402

CASES = [((1, 112, 112, 64), 3, 2, 1), ((1, 112, 112, 16), 3, 2, 1), ((1, 56, 56, 24), 2, 2, 0),
         ((1, 28, 28, 32), 3, 2, 1), ((1, 28, 28, 32), 3, 1, 1), ((1, 14, 14, 96), 2, 2, 0),
         ((1, 7, 7, 320), 3, 1, 1)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--rounds", type=int, default=25)
    args = ap.parse_args()
    rng = np.random.default_rng(0)
    kernels = registry.kernels("u8_maxpool")
    best, numpy_k = select("u8_maxpool").name, kernels[-1].name
    total = dict.fromkeys((k.name for k in kernels), 0.0)
    print("shape, kernel, stride, pad | " + " ".join(k.name.split("__")[1] for k in kernels)
          + " (us) | numpy / default")
    for shape, k, s, p in CASES:
        x = rng.integers(0, 256, shape, dtype=np.uint8)
        times: dict[str, list[float]] = {kk.name: [] for kk in kernels}
        for _ in range(args.rounds):
            for kk in kernels:
                t = time.perf_counter()
                max_pool2d(x, k, s, p, num_threads=1, kernel_impl=kk)
                times[kk.name].append(time.perf_counter() - t)
        med = {n: float(np.median(v)) * 1e6 for n, v in times.items()}
        for n, v in med.items():
            total[n] += v
        print(f"{shape}, {k}, {s}, {p} | " + " ".join(f"{med[n]:.0f}" for n in med)
              + f" | {med[numpy_k] / med[best]:.2f}x")
    print("sum | " + " ".join(f"{v:.0f}" for v in total.values())
          + f" | {total[numpy_k] / total[best]:.2f}x (default: {best})")


if __name__ == "__main__":
    main()
