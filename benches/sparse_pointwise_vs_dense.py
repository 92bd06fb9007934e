"""Single-thread medians on the demo pointwise shapes: qspmm_t vs qgemm, spmm_t vs sgemm/NumPy.

Usage: OPENBLAS_NUM_THREADS=1 python benches/sparse_pointwise_vs_dense.py 49,196,3136
"""
import sys
import time
from functools import partial

import numpy as np

from pyedge.kernels.qgemm import pack_qc8w, qgemm
from pyedge.kernels.qsparse import qspmm_t
from pyedge.kernels.sgemm import pack_f32w, sgemm
from pyedge.kernels.sparse import spmm_t
from pyedge.tensors.bsr import BSR
from pyedge.tensors.csr import CSR


def med(f, reps=15):
    f()
    ts = []
    for _ in range(reps):
        t = time.perf_counter()
        f()
        ts.append(time.perf_counter() - t)
    return float(np.median(ts)) * 1e6


rng = np.random.default_rng(0)
ROWS = sys.argv[1] if len(sys.argv) > 1 else "49,196,3136"
shapes = [(int(b), n, k) for b in ROWS.split(",") for n, k in ((64, 32), (128, 64), (128, 128))]
print("| B | N | K | enc | sp | qgemm us | qspmm_t us | q ratio | sgemm us | numpy us "
      "| spmm_t us | f ratio(sgemm) |")
print("|---|---|---|---|---|---|---|---|---|---|---|---|")
for b, n, k in shapes:
    w = rng.standard_normal((n, k)).astype(np.float32)
    xq = rng.integers(0, 256, (b, k), dtype=np.uint8)
    xf = rng.standard_normal((b, k)).astype(np.float32)
    mult = np.full(n, 1e-3, np.float32)
    wq = np.clip(np.round(w * 30), -127, 127).astype(np.int8)
    pq = pack_qc8w(wq)
    pf = pack_f32w(w)
    tq = med(partial(qgemm, xq, 128, pq, None, mult, 0, np.uint8, num_threads=1))
    tf = med(partial(sgemm, xf, pf, num_threads=1))
    tn = med(partial(np.matmul, xf, w.T))
    for enc in ("csr", "1x4", "4x4", "16x1"):
        for sp in (0.5, 0.8, 0.9):
            if enc == "csr":
                mask = rng.random((n, k)) >= sp
                wi, wf = CSR.from_dense(w, mask, dtype=np.int8), CSR.from_dense(w, mask)
            else:
                r, c = map(int, enc.split("x"))
                mask = rng.random((n // r, k // c)) >= sp
                wi = BSR.from_dense(w, (r, c), mask, dtype=np.int8)
                wf = BSR.from_dense(w, (r, c), mask)
            ts = med(partial(qspmm_t, xq, wi, 128, None, mult, 0, np.uint8, num_threads=1))
            tsf = med(partial(spmm_t, xf, wf, num_threads=1))
            print(f"| {b} | {n} | {k} | {enc} | {int(sp*100)} | {tq:.1f} | {ts:.1f} | {tq/ts:.2f} "
                  f"| {tf:.1f} | {tn:.1f} | {tsf:.1f} | {tf/tsf:.2f} |", flush=True)
