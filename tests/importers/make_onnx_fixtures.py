"""Write tests/importers/fixtures/*.onnx: ``python -m tests.importers.make_onnx_fixtures``.

Built with onnx.helper, not exported from PyTorch (CI needs neither torch nor network), but
shaped like torch.onnx exports: dynamic batch "N", Shape/Gather/Concat chains feeding
Reshape, decomposed LayerNorm and erf-GELU in one layer and the fused ops in the other.
"""

from pathlib import Path

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

HERE = Path(__file__).parent / "fixtures"


class G:
    """Tiny graph writer: nodes, initializers, fresh names."""

    def __init__(self, seed: int, opset: int):
        self.opset = opset
        self.nodes, self.inits, self.k = [], [], 0
        self.rng = np.random.default_rng(seed)

    def name(self, stem: str) -> str:
        self.k += 1
        return f"/{stem}_{self.k}"

    def init(self, stem: str, value) -> str:
        n = self.name(stem)
        self.inits.append(numpy_helper.from_array(np.asarray(value), n))
        return n

    def w(self, stem: str, *shape, scale=None) -> str:
        scale = scale or 1 / np.sqrt(shape[0])
        return self.init(stem, (self.rng.standard_normal(shape) * scale).astype(np.float32))

    def op(self, op: str, inputs, n_out: int = 1, **attrs):
        outs = [self.name(f"{op}_out") for _ in range(n_out)]
        self.nodes.append(helper.make_node(op, list(inputs), outs, name=self.name(op), **attrs))
        return outs[0] if n_out == 1 else outs

    def const(self, value) -> str:
        out = self.name("Constant_out")
        self.nodes.append(helper.make_node("Constant", [], [out], name=self.name("Constant"),
                                           value=numpy_helper.from_array(np.asarray(value))))
        return out

    def mean(self, x: str, axes: list[int], keepdims: int = 1) -> str:
        if self.opset >= 18:
            return self.op("ReduceMean", [x, self.const(np.array(axes, np.int64))],
                           keepdims=keepdims)
        return self.op("ReduceMean", [x], axes=axes, keepdims=keepdims)

    def save(self, path: Path, inputs, outputs) -> None:
        opset = self.opset
        graph = helper.make_graph(self.nodes, path.stem, inputs, outputs, self.inits)
        model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", opset)],
                                  producer_name="pyedge-fixtures", ir_version=8)
        onnx.checker.check_model(model, full_check=True)
        onnx.save(model, path)


def linear(g: G, x: str, k: int, n: int, act: str | None = None) -> str:
    y = g.op("Add", [g.op("MatMul", [x, g.w("W", k, n)]), g.w("b", n, scale=0.1)])
    return g.op(act, [y]) if act else y


def mlp(path: Path) -> None:
    g = G(1, 13)
    h = linear(g, "x", 20, 64, "Relu")
    h = g.op("Clip", [linear(g, h, 64, 48), g.const(np.float32(0)), g.const(np.float32(6))])
    g.op("Softmax", [linear(g, h, 48, 10)], axis=-1)
    g.nodes[-1].output[0] = "y"
    g.save(path, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 20])],
           [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])])


def layer_norm_decomposed(g: G, x: str, d: int) -> str:
    mean = g.mean(x, [-1])
    c = g.op("Sub", [x, mean])
    var = g.mean(g.op("Pow", [c, g.const(np.float32(2))]), [-1])
    std = g.op("Sqrt", [g.op("Add", [var, g.const(np.float32(1e-5))])])
    n = g.op("Div", [c, std])
    gamma = g.init("ln_g", (1 + 0.1 * g.rng.standard_normal(d)).astype(np.float32))
    return g.op("Add", [g.op("Mul", [n, gamma]), g.w("ln_b", d, scale=0.1)])


def gelu_decomposed(g: G, x: str) -> str:
    e = g.op("Erf", [g.op("Div", [x, g.const(np.float32(np.sqrt(2)))])])
    return g.op("Mul", [g.op("Mul", [x, g.op("Add", [e, g.const(np.float32(1))])]),
                        g.const(np.float32(0.5))])


def split_heads(g: G, x: str, heads: int, dh: int) -> str:
    """[N, T, D] -> [N, H, T, dh] via a torch-style Shape/Gather/Concat reshape."""
    shape = g.op("Shape", [x])
    n = g.op("Unsqueeze", [g.op("Gather", [shape, g.const(np.int64(0))], axis=0),
                           g.const(np.array([0], np.int64))])
    t = g.op("Unsqueeze", [g.op("Gather", [shape, g.const(np.int64(1))], axis=0),
                           g.const(np.array([0], np.int64))])
    target = g.op("Concat", [n, t, g.const(np.array([heads, dh], np.int64))], axis=0)
    return g.op("Transpose", [g.op("Reshape", [x, target])], perm=[0, 2, 1, 3])


def encoder_layer(g: G, x: str, d: int, heads: int, ff: int, fused: bool) -> str:
    dh = d // heads
    h = (g.op("LayerNormalization", [x, g.init("ln_g", np.ones(d, np.float32)),
                                     g.w("ln_b", d, scale=0.1)], axis=-1, epsilon=1e-5)
         if fused else layer_norm_decomposed(g, x, d))
    q, k, v = (split_heads(g, linear(g, h, d, d), heads, dh) for _ in range(3))
    scores = g.op("Mul", [g.op("MatMul", [q, g.op("Transpose", [k], perm=[0, 1, 3, 2])]),
                          g.const(np.float32(1 / np.sqrt(dh)))])
    ctx = g.op("MatMul", [g.op("Softmax", [scores], axis=-1), v])
    ctx = g.op("Reshape", [g.op("Transpose", [ctx], perm=[0, 2, 1, 3]),
                           g.const(np.array([0, 0, d], np.int64))])
    x = g.op("Add", [x, linear(g, ctx, d, d)])
    h = (g.op("LayerNormalization", [x, g.init("ln_g", np.ones(d, np.float32)),
                                     g.w("ln_b", d, scale=0.1)], axis=-1, epsilon=1e-5)
         if fused else layer_norm_decomposed(g, x, d))
    f = linear(g, h, d, ff)
    f = g.op("Gelu", [f]) if fused else gelu_decomposed(g, f)
    return g.op("Add", [x, linear(g, f, ff, d)])


def transformer(path: Path, opset: int) -> None:
    g = G(2, opset)
    d, t = 32, 8
    x = encoder_layer(g, "x", d, 4, 64, fused=False)
    if opset >= 20:
        x = encoder_layer(g, x, d, 4, 64, fused=True)
    else:
        x = encoder_layer(g, x, d, 4, 64, fused=False)
    pooled = g.mean(x, [1], keepdims=0)
    linear(g, pooled, d, 5)
    g.nodes[-1].output[0] = "y"
    g.save(path, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", t, d])],
           [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 5])])


def ops_zoo(path: Path) -> None:
    """Shape-manipulation ops on a [N, 6, 8, 4] tensor (channels last)."""
    g = G(3, 18)
    p = g.op("Pad", ["x", g.const(np.array([0, 1, 0, 0, 0, 1, 2, 0], np.int64))], mode="reflect")
    r = g.op("Resize", [p, "", g.const(np.array([1, 2, 1.5, 1], np.float32))], mode="linear")
    s = g.op("Slice", [r, g.const(np.array([1, 0], np.int64)), g.const(np.array([-1, 12],
                                                                                np.int64)),
                       g.const(np.array([1, 2], np.int64))])
    a, b = g.op("Split", [s, g.const(np.array([1, 3], np.int64))], n_out=2, axis=3)
    c = g.op("Concat", [g.op("HardSwish", [a]), g.op("Sigmoid", [b])], axis=3)
    m = g.mean(c, [1, 2])
    f = g.op("Flatten", [m], axis=1)
    g.op("LeakyRelu", [linear(g, f, 4, 3)], alpha=0.1)
    g.nodes[-1].output[0] = "y"
    g.save(path, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 6, 8, 4])],
           [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 3])])


def conv_bn(g: G, x: str, cin: int, cout: int, k: int, stride: int = 1, group: int = 1,
            act: str | None = "Clip") -> str:
    """Conv (no bias, like torch exports before BN folding) -> BatchNormalization -> act."""
    w = g.w("conv_w", cout, cin // group, k, k, scale=np.sqrt(2 / (cin // group * k * k)))
    y = g.op("Conv", [x, w], kernel_shape=[k, k], strides=[stride, stride],
             pads=[k // 2] * 4, group=group)
    bn = [g.init("bn_s", (1 + 0.1 * g.rng.standard_normal(cout)).astype(np.float32)),
          g.w("bn_b", cout, scale=0.1),
          g.w("bn_m", cout, scale=0.1),
          g.init("bn_v", (0.5 + g.rng.random(cout)).astype(np.float32))]
    y = g.op("BatchNormalization", [y] + bn, epsilon=1e-5)
    if act == "Clip":
        return g.op("Clip", [y, g.const(np.float32(0)), g.const(np.float32(6))])
    return g.op(act, [y]) if act else y


def inverted_residual(g: G, x: str, cin: int, cout: int, stride: int, expand: int) -> str:
    hidden = cin * expand
    h = conv_bn(g, x, cin, hidden, 1)
    h = conv_bn(g, h, hidden, hidden, 3, stride, group=hidden)
    h = conv_bn(g, h, hidden, cout, 1, act=None)
    return g.op("Add", [x, h]) if stride == 1 and cin == cout else h


def head(g: G, x: str, c: int, classes: int) -> None:
    f = g.op("Flatten", [g.op("GlobalAveragePool", [x])], axis=1)
    g.op("Gemm", [f, g.w("fc_w", classes, c), g.w("fc_b", classes, scale=0.1)], transB=1)
    g.nodes[-1].output[0] = "y"


def mobilenet_like(path: Path) -> None:
    """MobileNetV2-style: stem, inverted residuals (depthwise, Relu6, linear bottleneck)."""
    g = G(4, 13)
    x = conv_bn(g, "x", 3, 16, 3, 2)
    x = inverted_residual(g, x, 16, 16, 1, 1)
    x = inverted_residual(g, x, 16, 24, 2, 6)
    x = inverted_residual(g, x, 24, 24, 1, 6)
    x = inverted_residual(g, x, 24, 32, 2, 6)
    x = conv_bn(g, x, 32, 64, 1)
    head(g, x, 64, 10)
    g.save(path, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 32, 32])],
           [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])])


def basic_block(g: G, x: str, cin: int, cout: int, stride: int) -> str:
    h = conv_bn(g, x, cin, cout, 3, stride, act="Relu")
    h = conv_bn(g, h, cout, cout, 3, act=None)
    short = x if stride == 1 and cin == cout else conv_bn(g, x, cin, cout, 1, stride, act=None)
    return g.op("Relu", [g.op("Add", [h, short])])


def resnet_like(path: Path) -> None:
    """ResNet-18-style: 3x3 stem, MaxPool, basic blocks with projection shortcuts."""
    g = G(5, 13)
    x = conv_bn(g, "x", 3, 16, 3, act="Relu")
    x = g.op("MaxPool", [x], kernel_shape=[3, 3], strides=[2, 2], pads=[1, 1, 1, 1])
    x = basic_block(g, x, 16, 16, 1)
    x = basic_block(g, x, 16, 32, 2)
    x = basic_block(g, x, 32, 64, 2)
    head(g, x, 64, 10)
    g.save(path, [helper.make_tensor_value_info("x", TensorProto.FLOAT, ["N", 3, 32, 32])],
           [helper.make_tensor_value_info("y", TensorProto.FLOAT, ["N", 10])])


def main() -> None:
    HERE.mkdir(exist_ok=True)
    mlp(HERE / "mlp.onnx")
    transformer(HERE / "transformer_opset13.onnx", 13)
    transformer(HERE / "transformer_opset20.onnx", 20)
    ops_zoo(HERE / "ops_zoo.onnx")
    mobilenet_like(HERE / "mobilenet_like.onnx")
    resnet_like(HERE / "resnet_like.onnx")


if __name__ == "__main__":
    main()
