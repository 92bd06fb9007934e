"""Latency of the ONNX test fixtures: pyedge vs onnxruntime, float32 and QDQ int8.

Run from the repository root: ``python benches/bench_onnx_fixtures.py [--threads 1]``.
QDQ models are made with onnxruntime.quantization.quantize_static (per-channel, uint8
activations, int8 weights) on random calibration data.
"""

import argparse
import logging
import sys
import tempfile
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

FIXTURES = ROOT / "tests" / "importers" / "fixtures"
CASES = [("mlp", (1, 20)), ("mlp", (64, 20)), ("transformer_opset13", (1, 8, 32)),
         ("transformer_opset20", (1, 8, 32)), ("transformer_opset20", (16, 8, 32))]


def _qdq(src: Path, dst: Path, shape) -> None:
    from onnxruntime import quantization as q

    class Reader(q.CalibrationDataReader):
        def __init__(self):
            rng = np.random.default_rng(0)
            self.it = iter([{"x": rng.standard_normal(shape).astype(np.float32)}
                            for _ in range(8)])

        def get_next(self):
            return next(self.it, None)

    q.quantize_static(str(src), str(dst), Reader(), quant_format=q.QuantFormat.QDQ,
                      per_channel=True, activation_type=q.QuantType.QUInt8,
                      weight_type=q.QuantType.QInt8)


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--min-time", type=float, default=0.5)
    args = p.parse_args()
    logging.getLogger().setLevel(logging.ERROR)
    import onnxruntime as ort
    from threadpoolctl import threadpool_limits

    import pyedge
    from pyedge.benchmarks.timing import median_time

    print(f"{'model':22} {'kind':5} {'batch':>5} {'nodes':>5} {'pyedge us':>10} "
          f"{'ORT us':>9} {'ORT/pyedge':>10}")
    with tempfile.TemporaryDirectory() as tmp, threadpool_limits(args.threads):
        pyedge.set_num_threads(args.threads)
        for name, shape in CASES:
            for kind in ("float", "qdq"):
                path = FIXTURES / f"{name}.onnx"
                if kind == "qdq":
                    path, src = Path(tmp) / f"{name}_qdq.onnx", path
                    if not path.exists():
                        _qdq(src, path, (4,) + shape[1:])
                so = ort.SessionOptions()
                so.intra_op_num_threads = args.threads
                so.inter_op_num_threads = 1
                so.log_severity_level = 3
                sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
                model = pyedge.from_onnx(path)
                feeds = {"x": np.random.default_rng(1).standard_normal(shape).astype(
                    np.float32)}
                t_ort = median_time(lambda s=sess, f=feeds: s.run(None, f), args.min_time)
                t_pe = median_time(lambda m=model, f=feeds: m.run(f), args.min_time)
                print(f"{name:22} {kind:5} {shape[0]:5d} {len(model.graph.nodes):5d} "
                      f"{t_pe * 1e6:10.1f} {t_ort * 1e6:9.1f} {t_ort / t_pe:10.2f}")


if __name__ == "__main__":
    main()
