"""Measure pyedge.train's goals on the Fashion-MNIST demo model (issue 7).

Development tool (needs the Fashion-MNIST IDX files; torch==2.13.0 for ``speed``). Each task
prints one JSON line and appends it to ``--log``:

    nice -n 10 python tools/measure_training.py speed   --threads 2   # epoch time vs PyTorch
    nice -n 10 python tools/measure_training.py qat     --threads 2   # w4/a8 QAT, 3 epochs
    nice -n 10 python tools/measure_training.py prune   --threads 2 --sparsity 0.8
    nice -n 10 python tools/measure_training.py rewrite --threads 2   # dw-separable stem

Accuracy is always measured on the 10,000 test images with the runtime (``pyedge.load`` of
the written .pedge file, or the exported integer model for QAT).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

MODEL = ROOT / "pyedge" / "demo_data" / "fmnist_dwsep.pedge"


def accuracy(model, x: np.ndarray, y: np.ndarray, batch: int = 1000) -> float:
    """Top-1 accuracy of a runtime Model on (x, y)."""
    hits = 0
    for s in range(0, len(x), batch):
        hits += int((model(x[s:s + batch]).argmax(1) == y[s:s + batch]).sum())
    return hits / len(x)


def torch_epoch(module, x: np.ndarray, y: np.ndarray, batch: int, lr: float, seed: int
                ) -> float:
    """Seconds for one Adam epoch of the same network (Conv+bias+ReLU, channels_last)."""
    import torch
    from torch import nn

    torch.manual_seed(seed)
    layers = []
    for node in module.graph.nodes:
        if node.op == "Conv":
            w = module.params[node.inputs[1]]
            cout, kh, kw, cin_g = w.shape
            g = int(node.attrs.get("group", 1))
            conv = nn.Conv2d(cin_g * g, cout, (kh, kw), tuple(node.attrs.get("strides", (1, 1))),
                             tuple(node.attrs.get("pads", (0, 0, 0, 0))[:2]), groups=g)
            with torch.no_grad():
                conv.weight.copy_(torch.from_numpy(w.transpose(0, 3, 1, 2).copy()))
                conv.bias.copy_(torch.from_numpy(module.params[node.inputs[2]]))
            layers += [conv, nn.ReLU(inplace=True)]
        elif node.op == "GlobalAveragePool":
            layers += [nn.AdaptiveAvgPool2d(1), nn.Flatten()]
        elif node.op == "Gemm":
            fc = nn.Linear(*module.params[node.inputs[1]].shape[::-1])
            with torch.no_grad():
                fc.weight.copy_(torch.from_numpy(module.params[node.inputs[1]]))
                fc.bias.copy_(torch.from_numpy(module.params[node.inputs[2]]))
            layers.append(fc)
    net = nn.Sequential(*layers).to(memory_format=torch.channels_last)
    opt = torch.optim.Adam(net.parameters(), lr=lr)
    loss_fn = nn.CrossEntropyLoss()
    xt, yt = torch.from_numpy(x), torch.from_numpy(y)
    order = torch.from_numpy(np.random.default_rng(seed).permutation(len(x)))
    t0 = time.perf_counter()
    for s in range(0, len(x), batch):
        idx = order[s:s + batch]
        xb = xt[idx].contiguous(memory_format=torch.channels_last)
        opt.zero_grad(set_to_none=True)
        loss = loss_fn(net(xb), yt[idx])
        loss.backward()
        opt.step()
    return time.perf_counter() - t0


def main(argv=None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("task", choices=["speed", "qat", "prune", "rewrite"])
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--epochs", type=int, default=None)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=None)
    p.add_argument("--sparsity", type=float, default=0.8)
    p.add_argument("--bits", type=int, default=4)
    p.add_argument("--rank", type=int, default=None, help="rewrite: depthwise multiplier")
    p.add_argument("--ramp", type=float, default=0.5,
                   help="prune: fraction of the steps over which sparsity rises")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--out", type=Path, default=Path("/tmp/pyedge_train_runs"))
    p.add_argument("--log", type=Path, default=None)
    p.add_argument("--no-progress", action="store_true")
    p.add_argument("--limit", type=int, default=None, help="smoke test: first N images only")
    args = p.parse_args(argv)

    import torch
    from threadpoolctl import threadpool_limits

    import pyedge
    import pyedge.format as pedge_format
    from pyedge import config
    from pyedge.train import GraphModule
    from pyedge.train.data import fashion_mnist
    from pyedge.train.loop import TrainConfig, fit

    config.set_num_threads(args.threads)
    torch.set_num_threads(args.threads)
    args.out.mkdir(parents=True, exist_ok=True)
    x, y = fashion_mnist("train")
    xt, yt = fashion_mnist("test")
    if args.limit:
        x, y, xt, yt = x[:args.limit], y[:args.limit], xt[:args.limit], yt[:args.limit]
    float_model = pyedge.load(MODEL)
    float_acc = accuracy(float_model, xt, yt)
    result = {"task": args.task, "threads": args.threads, "batch": args.batch,
              "float_accuracy": float_acc}
    progress = not args.no_progress

    def evaluate_file(path) -> float:
        return accuracy(pyedge.load(path), xt, yt)

    with threadpool_limits(args.threads):
        if args.task == "speed":
            lr = args.lr or 1e-4
            student = GraphModule.load(MODEL)
            t_torch = torch_epoch(student, x, y, args.batch, lr, args.seed)
            cfg = TrainConfig(epochs=1, batch_size=args.batch, lr=lr, seed=args.seed,
                              schedule="constant", progress=progress)
            hist = fit(student, x, y, config=cfg)
            t_pyedge = hist[0]["seconds"]
            result.update(pyedge_epoch_s=round(t_pyedge, 1), torch_epoch_s=round(t_torch, 1),
                          ratio=round(t_pyedge / t_torch, 2),
                          accuracy_after=accuracy(student.to_model(), xt, yt))
        elif args.task == "qat":
            from pyedge.runtime.session import Model
            from pyedge.train.qat import export_quantized, prepare_qat

            teacher = GraphModule.load(MODEL)
            student = GraphModule.load(MODEL)
            prepare_qat(student, weight_bits=args.bits, act_bits=8)
            for s in range(0, min(len(x), 2000), 500):  # calibrate the activation ranges
                student.forward({"input": x[s:s + 500]}, train=True)
            exported0 = Model(*export_quantized(student)[:2])
            result["ptq_accuracy"] = accuracy(exported0, xt, yt)
            epochs = args.epochs or 3
            cfg = TrainConfig(epochs=epochs, batch_size=args.batch, lr=args.lr or 2e-4,
                              alpha=0.5, temperature=4.0, seed=args.seed, progress=progress)
            hist = fit(student, x, y, teacher=teacher, config=cfg,
                       checkpoint=args.out / f"qat_w{args.bits}a8.ckpt.pedge",
                       evaluate=lambda m: accuracy(Model(*export_quantized(m)[:2]), xt, yt))
            graph, weights, report = export_quantized(student)
            path = args.out / f"qat_w{args.bits}a8.pedge"
            pedge_format.write(path, weights, graph=graph.to_json(),
                               recipe={"qat": f"w{args.bits}a8"})
            result.update(epochs=epochs, history=hist, accuracy=evaluate_file(path),
                          encodings=report)
        elif args.task == "prune":
            from pyedge.compress.schedule import polynomial
            from pyedge.train.pruning import GradualPruning, prunable_weights, sparsity

            teacher = GraphModule.load(MODEL)
            student = GraphModule.load(MODEL)
            epochs = args.epochs or 2
            steps = -(-len(x) // args.batch) * epochs
            sched = polynomial(0.0, args.sparsity, 0, int(steps * args.ramp), frequency=25)
            # pointwise convolutions and the classifier (92 % of the weights); the stem and
            # the depthwise kernels (9 weights per channel) stay dense
            names = prunable_weights(student, min_size=1000, depthwise=False)
            pruner = GradualPruning(student, sched, names)
            cfg = TrainConfig(epochs=epochs, batch_size=args.batch, lr=args.lr or 1e-3,
                              alpha=0.7, temperature=4.0, seed=args.seed, progress=progress)
            hist = fit(student, x, y, teacher=teacher, config=cfg, callbacks=[pruner],
                       checkpoint=args.out / f"prune{args.sparsity}.ckpt.pedge",
                       evaluate=lambda m: accuracy(m.to_model(), xt, yt))
            path = args.out / f"prune{args.sparsity}.pedge"
            student.save(path, recipe={"pruned": args.sparsity})
            result.update(epochs=epochs, history=hist, accuracy=evaluate_file(path),
                          sparsity_pruned_layers=sparsity(student, pruner.names),
                          sparsity_all_weights=sparsity(student, prunable_weights(student)),
                          pruned_layers=pruner.names, target=args.sparsity)
        elif args.task == "rewrite":
            from pyedge.train.rewrite import multiply_adds, rewrite_depthwise_separable

            teacher = GraphModule.load(MODEL)
            graph, weights, info = rewrite_depthwise_separable(
                teacher.graph, teacher.weights(), rank=args.rank)
            student = GraphModule(graph, weights)
            shape = (1, 1, 28, 28)
            macs_before = multiply_adds(teacher.graph, teacher.weights(), shape)
            macs_after = multiply_adds(graph, weights, shape)
            result["init_accuracy"] = accuracy(student.to_model(), xt, yt)
            features = {v: v for v in info["outputs"]}
            epochs = args.epochs or 2
            cfg = TrainConfig(epochs=epochs, batch_size=args.batch, lr=args.lr or 5e-4,
                              alpha=0.7, temperature=4.0, features=features, seed=args.seed,
                              progress=progress)
            hist = fit(student, x, y, teacher=teacher, config=cfg,
                       checkpoint=args.out / "rewrite.ckpt.pedge",
                       evaluate=lambda m: accuracy(m.to_model(), xt, yt))
            path = args.out / "rewrite.pedge"
            student.save(path, recipe={"rewrite": info["rewritten"]})
            result.update(epochs=epochs, history=hist, accuracy=evaluate_file(path),
                          macs_before=macs_before, macs_after=macs_after,
                          rewritten=info["rewritten"])
    if "accuracy" in result:
        result["drop_pt"] = round(100 * (float_acc - result["accuracy"]), 2)
    result["command"] = "python tools/measure_training.py " + " ".join(
        sys.argv[1:] if argv is None else argv)
    line = json.dumps(result)
    print(line, flush=True)
    if args.log:
        with open(args.log, "a") as f:
            f.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
