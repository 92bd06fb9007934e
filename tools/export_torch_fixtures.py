"""Export small PyTorch models to ONNX parity fixtures: ``python tools/export_torch_fixtures.py``.

Writes tests/importers/fixtures/torch/<name>.onnx (torch.onnx.export, TorchScript exporter,
opset 17, dynamic batch "N", ir_version 8) and <name>.npz holding the input ``x`` and torch's
output ``y`` for it, so the parity tests (tests/importers/test_torch_fixtures.py) need
neither torch nor network at CI time. Needs torch (``pip install torch==2.13.0``) and onnx.
"""

from __future__ import annotations

import io
from pathlib import Path

import numpy as np
import onnx
import torch
from torch import nn

OUT = Path(__file__).resolve().parents[1] / "tests" / "importers" / "fixtures" / "torch"
OPSET = 17
IR_VERSION = 8


class InvertedResidual(nn.Module):
    """MobileNetV2 block: 1x1 expand + BN + ReLU6, 3x3 depthwise + BN + ReLU6, 1x1 project."""

    def __init__(self, cin: int, cout: int, stride: int, expand: int):
        super().__init__()
        mid = cin * expand
        self.skip = stride == 1 and cin == cout
        self.body = nn.Sequential(
            nn.Conv2d(cin, mid, 1, bias=False), nn.BatchNorm2d(mid), nn.ReLU6(),
            nn.Conv2d(mid, mid, 3, stride, 1, groups=mid, bias=False), nn.BatchNorm2d(mid),
            nn.ReLU6(),
            nn.Conv2d(mid, cout, 1, bias=False), nn.BatchNorm2d(cout))

    def forward(self, x):
        y = self.body(x)
        return x + y if self.skip else y


class MobileNetV2Blocks(nn.Module):
    """Stem, six inverted-residual blocks (three with skip adds), pooled linear head."""

    def __init__(self):
        super().__init__()
        self.stem = nn.Sequential(nn.Conv2d(3, 16, 3, 2, 1, bias=False), nn.BatchNorm2d(16),
                                  nn.ReLU6())
        cfg = [(16, 16, 1, 1), (16, 24, 2, 4), (24, 24, 1, 4), (24, 32, 2, 4), (32, 32, 1, 4),
               (32, 32, 1, 4)]
        self.blocks = nn.Sequential(*(InvertedResidual(*c) for c in cfg))
        self.head = nn.Sequential(nn.Conv2d(32, 64, 1, bias=False), nn.BatchNorm2d(64),
                                  nn.ReLU6())
        self.fc = nn.Linear(64, 10)

    def forward(self, x):
        y = self.head(self.blocks(self.stem(x)))
        return self.fc(torch.flatten(nn.functional.adaptive_avg_pool2d(y, 1), 1))


class EncoderLayer(nn.Module):
    """Pre-norm transformer encoder layer: LayerNorm, softmax attention, LayerNorm, GELU MLP."""

    def __init__(self, d: int, heads: int):
        super().__init__()
        self.heads = heads
        self.ln1, self.ln2 = nn.LayerNorm(d), nn.LayerNorm(d)
        self.qkv, self.proj = nn.Linear(d, 3 * d), nn.Linear(d, d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x):
        n, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).chunk(3, dim=-1)
        q, k, v = (z.reshape(n, t, self.heads, d // self.heads).transpose(1, 2)
                   for z in (q, k, v))  # [N, heads, T, d_head]
        att = torch.softmax(q @ k.transpose(-1, -2) / (d // self.heads) ** 0.5, dim=-1)
        x = x + self.proj((att @ v).transpose(1, 2).reshape(n, t, d))
        return x + self.mlp(self.ln2(x))


class TinyTransformer(nn.Module):
    """Two encoder layers over [N, T, 32] tokens, final LayerNorm and a linear head."""

    def __init__(self):
        super().__init__()
        self.layers = nn.Sequential(EncoderLayer(32, 4), EncoderLayer(32, 4))
        self.norm = nn.LayerNorm(32)
        self.head = nn.Linear(32, 6)

    def forward(self, x):
        return self.head(self.norm(self.layers(x)))


class UpsampleNet(nn.Module):
    """Encoder-decoder conv net: MaxPool down, ConvTranspose and Resize up, Concat skips."""

    def __init__(self):
        super().__init__()
        self.enc1 = nn.Sequential(nn.Conv2d(3, 8, 3, 1, 1), nn.ReLU())
        self.enc2 = nn.Sequential(nn.MaxPool2d(2), nn.Conv2d(8, 16, 3, 1, 1), nn.ReLU())
        self.enc3 = nn.Sequential(nn.AvgPool2d(2), nn.Conv2d(16, 16, 3, 1, 1), nn.ReLU())
        self.up3 = nn.ConvTranspose2d(16, 16, 2, 2)
        self.dec2 = nn.Sequential(nn.Conv2d(32, 8, 3, 1, 1), nn.LeakyReLU(0.1))
        self.dec1 = nn.Sequential(nn.Conv2d(16, 4, 3, 1, 1), nn.Sigmoid())

    def forward(self, x):
        e1 = self.enc1(x)
        e2 = self.enc2(e1)
        d2 = self.dec2(torch.cat([self.up3(self.enc3(e2)), e2], dim=1))
        up = nn.functional.interpolate(d2, scale_factor=2.0, mode="bilinear",
                                       align_corners=False)
        return self.dec1(torch.cat([up, e1], dim=1))


MODELS = {"mobilenetv2_blocks": (MobileNetV2Blocks, (2, 3, 32, 32)),
          "tiny_transformer": (TinyTransformer, (2, 8, 32)),
          "upsample_net": (UpsampleNet, (2, 3, 16, 16))}


def export(name: str, cls, shape: tuple, seed: int) -> None:
    """Export one model and record an input and torch's output for it."""
    torch.manual_seed(seed)
    model = cls().eval()
    for m in model.modules():  # non-trivial BatchNorm statistics
        if isinstance(m, nn.BatchNorm2d):
            m.running_mean.uniform_(-0.5, 0.5)
            m.running_var.uniform_(0.5, 2.0)
    x = torch.randn(shape, generator=torch.Generator().manual_seed(seed + 1))
    with torch.no_grad():
        y = model(x)
    buf = io.BytesIO()
    torch.onnx.export(model, (x,), buf, dynamo=False, opset_version=OPSET,
                      input_names=["x"], output_names=["y"],
                      dynamic_axes={"x": {0: "N"}, "y": {0: "N"}})
    proto = onnx.load_from_string(buf.getvalue())
    proto.ir_version = IR_VERSION
    proto.producer_name = f"pytorch {torch.__version__} (tools/export_torch_fixtures.py)"
    onnx.checker.check_model(proto, full_check=True)
    onnx.save(proto, str(OUT / f"{name}.onnx"))
    np.savez_compressed(OUT / f"{name}.npz", x=x.numpy(), y=y.numpy())


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    torch.set_num_threads(1)
    for seed, (name, (cls, shape)) in enumerate(MODELS.items()):
        export(name, cls, shape, seed)
        print(f"wrote {OUT / name}.onnx and .npz")


if __name__ == "__main__":
    main()
