"""MobileNetV2 (224x224, batch 1, random weights) latency: pyedge vs onnxruntime.

float32, and with ``--int8`` the same model quantized by onnxruntime's quantize_static (QDQ,
per-channel int8 weights, uint8 activations, random calibration data).

Run from the repository root: ``python benches/bench_mobilenet_v2.py [--threads 1]``.
The ONNX model is built with the fixture helpers of tests/importers (torchvision's layer
table: stem 32, inverted residuals t/c/n/s, 1280-channel head), so no torch is needed.
Needs onnx, onnxruntime and a build with pyedge.kernels.conv2d.
"""

import argparse
import sys
import tempfile
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from onnx import TensorProto, helper  # noqa: E402

from tests.importers.make_onnx_fixtures import G, conv_bn, head, inverted_residual  # noqa: E402

SETTINGS = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1),
            (6, 160, 3, 2), (6, 320, 1, 1)]  # expansion t, channels c, repeats n, stride s


def mobilenet_v2(path: Path) -> None:
    g = G(7, 13)
    x, c = conv_bn(g, "x", 3, 32, 3, 2), 32
    for t, ch, n, s in SETTINGS:
        for i in range(n):
            x = inverted_residual(g, x, c, ch, s if i == 0 else 1, t)
            c = ch
    x = conv_bn(g, x, c, 1280, 1)
    head(g, x, 1280, 1000)
    g.save(path, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 224, 224])],
           [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 1000])])


def _quantize(path: Path) -> Path:
    from onnxruntime import quantization as q

    class Reader(q.CalibrationDataReader):
        def __init__(self):
            rng = np.random.default_rng(0)
            self.it = iter([{"x": rng.standard_normal((1, 3, 224, 224)).astype(np.float32)}
                            for _ in range(4)])

        def get_next(self):
            return next(self.it, None)

    out = path.with_name("mobilenet_v2_qdq.onnx")
    q.quantize_static(str(path), str(out), Reader(), quant_format=q.QuantFormat.QDQ,
                      per_channel=True, activation_type=q.QuantType.QUInt8,
                      weight_type=q.QuantType.QInt8)
    return out


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--threads", type=int, default=1)
    p.add_argument("--min-time", type=float, default=2.0)
    p.add_argument("--int8", action="store_true", help="QDQ-quantize the model first")
    args = p.parse_args()
    import onnxruntime as ort
    from threadpoolctl import threadpool_limits

    import pyedge
    from pyedge.benchmarks.timing import median_time

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "mobilenet_v2.onnx"
        mobilenet_v2(path)
        if args.int8:
            path = _quantize(path)
        so = ort.SessionOptions()
        so.intra_op_num_threads = args.threads
        so.inter_op_num_threads = 1
        sess = ort.InferenceSession(str(path), so, providers=["CPUExecutionProvider"])
        with threadpool_limits(args.threads):
            pyedge.set_num_threads(args.threads)
            model = pyedge.from_onnx(path)
            x = np.random.default_rng(0).standard_normal((1, 3, 224, 224)).astype(np.float32)
            feeds = {"x": x}
            want = sess.run(None, feeds)[0]
            got = model.run(feeds)["y"]
            t_ort = median_time(lambda: sess.run(None, feeds), args.min_time)
            t_pe = median_time(lambda: model.run(feeds), args.min_time)
    err = np.abs(got - want).max() / np.abs(want).max()
    kind = "int8 QDQ" if args.int8 else "float32"
    print(f"MobileNetV2 224x224 {kind}, batch 1, {args.threads} thread(s)")
    print(f"  pyedge      {t_pe * 1e3:7.2f} ms  ({len(model.graph.nodes)} nodes)")
    print(f"  onnxruntime {t_ort * 1e3:7.2f} ms")
    print(f"  speed vs onnxruntime: {t_ort / t_pe:.2f}x (goal >= 1.0x); "
          f"max |diff| / max |y| = {err:.1e}")


if __name__ == "__main__":
    main()
