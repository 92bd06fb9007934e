# Measure pruning on the demo model: SparseGPT vs magnitude, channel pruning speed, encodings.
"""Usage: ``PYTHONPATH=. python tools/prune_demo_numbers.py [--batch 1]`` (1 thread; tables).

1. Output error ``||(W - W') X^T|| / ||W X^T||`` of magnitude vs SparseGPT pruning of the demo
   model's pointwise convs and fc on its calibration activations, and test-slice accuracy with
   all of them pruned.
2. p50 latency and accuracy of the model after channel pruning (ratio 0.1 / 0.25 / 0.5) vs
   the original, without and with the calibrated least-squares refit.
3. fastest_sparse_encoding of each pointwise layer at 50 / 80 / 90 % (magnitude and 16x1
   block masks), float32 and int8, with the measured seconds of every option.
"""

from __future__ import annotations

import argparse
import time

import numpy as np

import pyedge
import pyedge.format as pedge_format
from pyedge.compress.channel import prune_channels
from pyedge.compress.encoding_choice import fastest_sparse_encoding
from pyedge.compress.gptq import hessian
from pyedge.compress.masks import block_mask, magnitude_mask
from pyedge.compress.sparsegpt import sparsegpt
from pyedge.demo_data import __file__ as demo_init
from pyedge.runtime import Graph, Model

DATA = demo_init.replace("__init__.py", "")
LAYERS = {"block1_pw": "/block1_dw_relu/Relu_output_0",  # layer -> its input value
          "block2_pw": "/block2_dw_relu/Relu_output_0",
          "block3_pw": "/block3_dw_relu/Relu_output_0", "fc": "/flatten/Flatten_output_0"}


def _images(name: str, n: int) -> tuple[np.ndarray, np.ndarray]:
    d = np.load(DATA + name)
    x = (d["images"][:n].astype(np.float32) / 255).reshape(-1, 1, 28, 28)
    return x, d["labels"][:n]


def _weight_name(layer: str) -> str:
    return "fc.weight" if layer == "fc" else f"{layer}.weight.ohwi"


def _p50s(models: list[Model], x: np.ndarray, rounds: int = 100) -> list[float]:
    """Median seconds per run of each model, timed interleaved (round robin) so that load
    changes on a shared machine hit every model alike."""
    times: list[list[float]] = [[] for _ in models]
    for m in models:
        m.run({"input": x})
    for _ in range(rounds):
        for m, t in zip(models, times, strict=True):
            t0 = time.perf_counter()
            m.run({"input": x})
            t.append(time.perf_counter() - t0)
    return [float(np.median(t)) for t in times]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--batch", type=int, default=1)
    args = ap.parse_args()
    pyedge.set_num_threads(1)
    f = pedge_format.read(DATA + "fmnist_dwsep.pedge")
    graph, weights = Graph.from_json(f.graph), dict(f.tensors)
    calib, _ = _images("fmnist_calib1k.npz", 1000)
    test, labels = _images("fmnist_test2k.npz", 2000)
    acts = Model(Graph(graph.inputs, list(LAYERS.values()), graph.nodes), weights).run(
        {"input": calib[:256]})
    base = Model(graph, weights)
    acc0 = float((base.run({"input": test})["logits"].argmax(1) == labels).mean())
    print(f"float accuracy on the 2k test slice: {acc0:.4f}\n")

    print("| sparsity | layer | magnitude rel. error | SparseGPT rel. error | ratio |")
    print("|---|---|---|---|---|")
    for s in (0.5, 0.75):
        pruned = {}
        for layer, value in LAYERS.items():
            w = weights[_weight_name(layer)]
            w2 = w.reshape(w.shape[0], -1)
            x = acts[value].reshape(-1, w2.shape[1]).astype(np.float64)
            ref = np.linalg.norm(w2 @ x.T)
            mag = np.linalg.norm((w2 - w2 * magnitude_mask(w2, s)) @ x.T) / ref
            wp, _ = sparsegpt(w2, hessian(x), s)
            sg = np.linalg.norm((w2 - wp) @ x.T) / ref
            pruned[_weight_name(layer)] = wp.reshape(w.shape)
            print(f"| {s:.2f} | {layer} | {mag:.4f} | {sg:.4f} | {sg / mag:.2f} |")
        for name, kind in (("SparseGPT", pruned), ("magnitude", None)):
            w2 = dict(weights)
            for layer in LAYERS:
                wn = _weight_name(layer)
                w2[wn] = kind[wn] if kind else weights[wn] * magnitude_mask(weights[wn], s)
            acc = float((Model(graph, w2).run({"input": test})["logits"].argmax(1)
                         == labels).mean())
            print(f"|  | all pointwise + fc, {name} | accuracy {acc:.4f} | | |")

    print(f"\nchannel pruning, batch {args.batch}, 1 thread, p50 of 100 interleaved runs")
    print("| ratio | parameters | p50 ms | speed-up | accuracy | accuracy, refit on 256 "
          "calib images |")
    print("|---|---|---|---|---|---|")
    ratios = (0.1, 0.25, 0.5)
    pruned = [prune_channels(graph, weights, r) for r in ratios]
    models = [base] + [Model(g2, w2) for g2, w2 in pruned]
    p50 = _p50s(models, test[:args.batch])
    n_base = sum(w.size for w in weights.values())
    print(f"| 0 | {n_base} | {p50[0] * 1e3:.3f} | 1.00x | {acc0:.4f} | |")
    for ratio, (_, w2), model, t in zip(ratios, pruned, models[1:], p50[1:], strict=True):
        acc = float((model.run({"input": test})["logits"].argmax(1) == labels).mean())
        g3, w3 = prune_channels(graph, weights, ratio, calib={"input": calib[:256]})
        acc_refit = float((Model(g3, w3).run({"input": test})["logits"].argmax(1)
                           == labels).mean())
        print(f"| {ratio} | {sum(w.size for w in w2.values())} | {t * 1e3:.3f} | "
              f"{p50[0] / t:.2f}x | {acc:.4f} | {acc_refit:.4f} |")

    rows = {"block1_pw": 196, "block2_pw": 49, "block3_pw": 49}
    print(f"\nencoding choice, batch {args.batch} (rows = batch * H * W), 1 thread, "
          "median us per call")
    for dtype in (np.float32, np.int8):
        for layer, m in rows.items():
            w = weights[_weight_name(layer)]
            w2 = w.reshape(w.shape[0], -1)
            for s in (0.5, 0.8, 0.9):
                for mname, mask in (("magnitude", magnitude_mask(w2, s)),
                                    ("block16x1", block_mask(w2, s, (16, 1)))):
                    choice, secs = fastest_sparse_encoding(
                        w2, mask, (m * args.batch, w2.shape[1]), dtype=dtype)
                    opts = " ".join(f"{o}={t * 1e6:.1f}" for o, t in secs.items())
                    print(f"{np.dtype(dtype).name} {layer} {tuple(w2.shape)} s={s} {mname}: "
                          f"-> {choice} | {opts}")


if __name__ == "__main__":
    main()
