"""Train the demo model (a depthwise-separable CNN for Fashion-MNIST) and write pyedge/demo_data.

Development-time tool, not part of the package: needs PyTorch (``pip install torch==2.13.0``),
onnx and onnxruntime, and the Fashion-MNIST IDX files of Debian's ``dataset-fashion-mnist``
package (MIT licence) in ``/usr/share/datasets/fashion-mnist``. Seeded and single-process:
the same command on the same machine writes the same files.

    nice -n 10 python tools/train_demo_model.py            # ~ a few minutes on 2 cores

Writes (into ``--out``, default ``pyedge/demo_data``):

- ``fmnist_dwsep.pedge``  the float32 model (ONNX -> ``pyedge.from_onnx``), its recipe holds
  the float accuracy on the full 10,000-image test set (pyedge runtime and onnxruntime);
- ``fmnist_dwsep.json``   the same numbers, the training settings and timings;
- ``fmnist_test2k.npz``   2,000 test images (200 per class; uint8 ``images`` [N, 28, 28],
  ``labels``, ``indices`` into the test set) on which ``pyedge demo`` measures accuracy;
- ``fmnist_calib1k.npz``  1,000 training images (100 per class), for calibrating compression.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
DATA = Path("/usr/share/datasets/fashion-mnist")
NAME = "fmnist_dwsep"
OPSET = 13
CLASSES = ("T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker",
           "Bag", "Ankle boot")
PREPROCESS = "input = float32(uint8 image) / 255, NCHW [N, 1, 28, 28]; output = logits [N, 10]"


def read_idx(path: Path) -> np.ndarray:
    """An IDX file (gzip-compressed) as a uint8 array: [N, 28, 28] images or [N] labels."""
    with gzip.open(path, "rb") as f:
        raw = f.read()
    if raw[:2] != b"\0\0" or raw[2] != 0x08:
        raise ValueError(f"{path}: not an unsigned-byte IDX file")
    ndim = raw[3]
    dims = tuple(int.from_bytes(raw[4 + 4 * i:8 + 4 * i], "big") for i in range(ndim))
    data = np.frombuffer(raw, np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise ValueError(f"{path}: {data.size} bytes of data for dims {dims}")
    return data.reshape(dims)


def load_split(split: str) -> tuple[np.ndarray, np.ndarray]:
    """(images uint8 [N, 28, 28], labels uint8 [N]) of ``train`` or ``t10k``."""
    return (read_idx(DATA / f"{split}-images-idx3-ubyte.gz"),
            read_idx(DATA / f"{split}-labels-idx1-ubyte.gz"))


def stratified(labels: np.ndarray, per_class: int, seed: int) -> np.ndarray:
    """Sorted indices of ``per_class`` random examples of each class."""
    rng = np.random.default_rng(seed)
    picks = [rng.choice(np.flatnonzero(labels == c), per_class, replace=False)
             for c in range(len(CLASSES))]
    return np.sort(np.concatenate(picks))


def to_input(images: np.ndarray) -> np.ndarray:
    """uint8 [N, 28, 28] -> the model's float32 input [N, 1, 28, 28]."""
    return (images.astype(np.float32) / np.float32(255))[:, None]  # [N, 1, 28, 28]


def build_model(width: int):
    """Conv stem (stride 2), three depthwise-separable blocks (one with stride 2), global
    average pool, linear: 28x28 -> 14x14 -> 7x7, widths w, 2w, 4w."""
    from collections import OrderedDict

    from torch import nn

    def unit(name: str, conv) -> list:
        c = conv.out_channels
        return [(name, conv), (f"{name}_bn", nn.BatchNorm2d(c)),
                (f"{name}_relu", nn.ReLU(inplace=True))]

    def dwsep(name: str, cin: int, cout: int, stride: int) -> list:
        return (unit(f"{name}_dw", nn.Conv2d(cin, cin, 3, stride, 1, groups=cin, bias=False))
                + unit(f"{name}_pw", nn.Conv2d(cin, cout, 1, bias=False)))

    w = width
    return nn.Sequential(OrderedDict([
        *unit("stem", nn.Conv2d(1, w, 3, 2, 1, bias=False)),
        *dwsep("block1", w, 2 * w, 1), *dwsep("block2", 2 * w, 4 * w, 2),
        *dwsep("block3", 4 * w, 4 * w, 1),
        ("pool", nn.AdaptiveAvgPool2d(1)), ("flatten", nn.Flatten()),
        ("fc", nn.Linear(4 * w, len(CLASSES)))]))


def train(model, images: np.ndarray, labels: np.ndarray, args) -> list[dict]:
    """AdamW + one-cycle schedule, random horizontal flips; returns per-epoch loss/accuracy."""
    import torch

    model.to(memory_format=torch.channels_last)  # much faster on CPU
    x_all = torch.from_numpy(to_input(images))
    y_all = torch.from_numpy(labels.astype(np.int64))
    steps = -(-len(images) // args.batch)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=args.weight_decay)
    sched = torch.optim.lr_scheduler.OneCycleLR(opt, max_lr=args.lr, total_steps=steps *
                                                args.epochs, pct_start=0.25)
    loss_fn = torch.nn.CrossEntropyLoss(label_smoothing=0.05)
    rng = np.random.default_rng(args.seed)
    log = []
    for epoch in range(args.epochs):
        model.train()
        t0, total, correct, seen = time.perf_counter(), 0.0, 0, 0
        order = torch.from_numpy(rng.permutation(len(images)))
        for s in range(steps):
            idx = order[s * args.batch:(s + 1) * args.batch]
            x, y = x_all[idx], y_all[idx]
            flip = torch.from_numpy(rng.random(len(idx)) < 0.5)
            x = torch.where(flip[:, None, None, None], x.flip(3), x)
            x = x.contiguous(memory_format=torch.channels_last)
            opt.zero_grad(set_to_none=True)
            out = model(x)
            loss = loss_fn(out, y)
            loss.backward()
            opt.step()
            sched.step()
            total += loss.item() * len(idx)
            correct += int((out.argmax(1) == y).sum())
            seen += len(idx)
        row = {"epoch": epoch + 1, "loss": round(total / seen, 4),
               "train_accuracy": round(correct / seen, 4),
               "seconds": round(time.perf_counter() - t0, 1)}
        log.append(row)
        print(f"epoch {row['epoch']}: loss {row['loss']:.4f}, train accuracy "
              f"{100 * row['train_accuracy']:.2f} %, {row['seconds']} s", flush=True)
    return log


def export_onnx(model, path: Path) -> None:
    """TorchScript-based export (opset 13, dynamic batch); IR version capped for onnxruntime."""
    import onnx
    import torch

    model.eval().to(memory_format=torch.contiguous_format)
    torch.onnx.export(model, (torch.zeros(1, 1, 28, 28),), str(path), dynamo=False,
                      opset_version=OPSET, input_names=["input"], output_names=["logits"],
                      dynamic_axes={"input": {0: "N"}, "logits": {0: "N"}})
    proto = onnx.load(str(path))
    proto.ir_version = min(proto.ir_version, 10)
    proto.producer_name, proto.doc_string = "pyedge tools/train_demo_model.py", PREPROCESS
    for node in proto.graph.node:  # "/block1_dw/Conv" -> "block1_dw" (the module's name)
        node.name = node.name.strip("/").split("/")[0]
    consts = {i.name for i in proto.graph.initializer}
    rename = {}  # "onnx::Conv_70" -> "block1_dw.weight"
    for node in proto.graph.node:
        for j, role in ((1, "weight"), (2, "bias")):
            if len(node.input) > j and node.input[j] in consts:
                rename.setdefault(node.input[j], f"{node.name}.{role}")
    for init in proto.graph.initializer:
        init.name = rename.get(init.name, init.name)
    for node in proto.graph.node:
        node.input[:] = [rename.get(x, x) for x in node.input]
    onnx.checker.check_model(proto)
    onnx.save(proto, str(path))


def accuracy(predict, images: np.ndarray, labels: np.ndarray, batch: int = 500) -> float:
    """Top-1 accuracy of ``predict(float32 [n, 1, 28, 28]) -> logits [n, 10]``."""
    hits = 0
    for s in range(0, len(images), batch):
        logits = predict(to_input(images[s:s + batch]))
        hits += int((logits.argmax(1) == labels[s:s + batch]).sum())
    return hits / len(images)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--out", type=Path, default=ROOT / "pyedge" / "demo_data",
                   help="directory for the model, its JSON and the data slices")
    p.add_argument("--onnx", type=Path, help="also keep the exported ONNX model here")
    p.add_argument("--epochs", type=int, default=4)
    p.add_argument("--batch", type=int, default=128)
    p.add_argument("--lr", type=float, default=4e-3, help="peak learning rate (one-cycle)")
    p.add_argument("--weight-decay", type=float, default=5e-4)
    p.add_argument("--width", type=int, default=32, help="stem channels (blocks: 2x, 4x)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--threads", type=int, default=1, help="PyTorch threads (results may "
                   "differ in the last bits between thread counts)")
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    import onnxruntime as ort
    import torch

    import pyedge

    args = parse_args(argv)
    torch.manual_seed(args.seed)
    torch.use_deterministic_algorithms(True)
    torch.set_num_threads(args.threads)
    train_x, train_y = load_split("train")
    test_x, test_y = load_split("t10k")

    model = build_model(args.width)
    t0 = time.perf_counter()
    log = train(model, train_x, train_y, args)
    train_seconds = time.perf_counter() - t0
    model.eval()
    with torch.no_grad():
        acc_torch = accuracy(lambda x: model(torch.from_numpy(x)).numpy(), test_x, test_y)

    args.out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        onnx_path = args.onnx or Path(tmp) / f"{NAME}.onnx"
        export_onnx(model, onnx_path)
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = 1
        sess = ort.InferenceSession(str(onnx_path), opts, providers=["CPUExecutionProvider"])
        acc_ort = accuracy(lambda x: sess.run(None, {"input": x})[0], test_x, test_y)
        imported = pyedge.from_onnx(onnx_path)
    acc_pyedge = accuracy(lambda x: imported(x), test_x, test_y)

    test_idx = stratified(test_y, 200, args.seed)
    calib_idx = stratified(train_y, 100, args.seed + 1)
    acc_slice = accuracy(lambda x: imported(x), test_x[test_idx], test_y[test_idx])
    float_acc = {"test10k_pyedge": acc_pyedge, "test10k_onnxruntime": acc_ort,
                 "test10k_torch": acc_torch, "test2k_pyedge": acc_slice}
    recipe = {"source": "onnx", "opset": OPSET, "encoding": "float32",
              "model": NAME, "dataset": "Fashion-MNIST (Debian dataset-fashion-mnist, MIT)",
              "classes": list(CLASSES), "preprocess": PREPROCESS, "float_accuracy": float_acc,
              "training": {k: v for k, v in vars(args).items() if k not in ("out", "onnx")}}
    pedge_path = args.out / f"{NAME}.pedge"
    imported.save(pedge_path, recipe=recipe, producer="pyedge tools/train_demo_model.py")
    np.savez_compressed(args.out / "fmnist_test2k.npz", images=test_x[test_idx],
                        labels=test_y[test_idx], indices=test_idx.astype(np.int32))
    np.savez_compressed(args.out / "fmnist_calib1k.npz", images=train_x[calib_idx],
                        labels=train_y[calib_idx], indices=calib_idx.astype(np.int32))
    params = sum(p.numel() for p in model.parameters())
    info = {"model": f"{NAME}.pedge", "bytes": pedge_path.stat().st_size,
            "sha256": hashlib.sha256(pedge_path.read_bytes()).hexdigest(),
            "parameters": params, "float_accuracy": float_acc, "preprocess": PREPROCESS,
            "training": recipe["training"], "epochs": log,
            "train_seconds": round(train_seconds, 1), "torch": torch.__version__,
            "command": "nice -n 10 python tools/train_demo_model.py " + " ".join(
                sys.argv[1:] if argv is None else argv)}
    (args.out / f"{NAME}.json").write_text(json.dumps(info, indent=1) + "\n")
    print(f"{pedge_path}: {info['bytes']} bytes, {params} parameters; float32 accuracy on "
          f"the 10,000 test images: pyedge {100 * acc_pyedge:.2f} %, onnxruntime "
          f"{100 * acc_ort:.2f} %, torch {100 * acc_torch:.2f} %; on the 2,000-image slice: "
          f"{100 * acc_slice:.2f} % ({train_seconds:.0f} s of training)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
