"""Model loading, running, input validation, memory plan, kernels and thread safety."""

import subprocess
import sys
import threading
from pathlib import Path

import numpy as np
import pytest

import pyedge
import pyedge.kernels
from pyedge.runtime import GraphBuilder, GraphError, load

ROOT = Path(__file__).resolve().parents[2]


def mlp(rng, n_in=16, hidden=32, n_out=10):
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", n_in))
    w1 = rng.standard_normal((hidden, n_in)).astype(np.float32)
    w2 = rng.standard_normal((n_out, hidden)).astype(np.float32)
    h = b.node("Linear", [x, b.weight("fc1.w", w1), b.weight("fc1.b", np.ones(hidden,
                                                                            np.float32))],
               name="fc1", activation="relu")
    y = b.node("Linear", [h, b.weight("fc2.w", w2)], name="fc2")
    b.output(b.node("Softmax", [y], name="prob", axis=-1))

    def ref(xv):
        z = np.maximum(xv.astype(np.float64) @ w1.T + 1, 0) @ w2.T
        e = np.exp(z - z.max(-1, keepdims=True))
        return e / e.sum(-1, keepdims=True)

    return b, ref


def test_save_load_run_any_batch(tmp_path, rng):
    b, ref = mlp(rng)
    path = tmp_path / "mlp.pedge"
    b.save(path, recipe={"quantize": None})
    model = pyedge.load(path)
    assert model.recipe == {"quantize": None}
    for n in (1, 5, 64, 3):
        x = rng.standard_normal((n, 16)).astype(np.float32)
        np.testing.assert_allclose(model(x), ref(x), rtol=1e-5, atol=1e-6)
        out = model.run({"x": x})
        assert list(out) == ["prob"] and out["prob"].shape == (n, 10)


def test_outputs_are_fresh_each_run(rng):
    b, _ = mlp(rng)
    model = b.build()
    x = rng.standard_normal((2, 16)).astype(np.float32)
    y1 = model(x)
    y1_copy = y1.copy()
    model(x * 3)
    np.testing.assert_array_equal(y1, y1_copy)


def test_kernels_and_memory_plan(rng):
    b, _ = mlp(rng)
    model = b.build()
    assert [k["node"] for k in model.kernels()] == ["fc1", "fc2", "prob"]
    assert model.kernels()[0]["kernel"] == "f32_gemm__blas"
    plan = model.memory_plan(N=4)
    # fc1 (4x32 f32 = 512 B) and fc2 (4x10 = 160 -> 192 B) live together; prob is an output
    assert plan.arena_bytes == 512 + 192 and plan.live_bytes == 704
    assert plan.output_bytes == 4 * 10 * 4 and plan.input_bytes == 4 * 16 * 4
    assert plan.peak_bytes == 704 + 256 + 2 * 160
    assert model.memory_plan(shapes={"x": (8, 16)}).arena_bytes == 1024 + 320


def test_arena_reuses_dead_buffers():
    b = GraphBuilder()
    v = b.input("x", "float32", ("N", 256))
    for _ in range(20):
        v = b.node("Relu", [v])
    b.output(v)
    plan = b.build().memory_plan(N=1)
    assert plan.arena_bytes == 2 * 1024  # a chain ping-pongs between two buffers


def _random_graph(rng, n_nodes):
    b = GraphBuilder()
    vals = [b.input("x", "float32", ("N", 8))]
    for _ in range(n_nodes):
        a, c = rng.choice(len(vals), 2)
        op = rng.choice(["Add", "Mul", "Relu", "Reshape", "Tanh"])
        if op in ("Add", "Mul"):
            vals.append(b.node(op, [vals[a], vals[c]]))
        elif op == "Reshape":
            vals.append(b.node("Reshape", [vals[a]], shape=[0, 8]))
        else:
            vals.append(b.node(op, [vals[a]]))
    b.output(vals[-1], vals[len(vals) // 2]) if len(vals) > 2 else b.output(vals[-1])
    return b


@pytest.mark.parametrize("seed", range(8))
def test_planner_never_overlaps_live_tensors(seed):
    rng = np.random.default_rng(seed)
    b = _random_graph(rng, 40)
    model = b.build()
    plan = model.memory_plan(N=3)
    items = list(plan.offsets.items())
    for i, (t, (o, n)) in enumerate(items):
        for u, (p, m) in items[i + 1:]:
            (f1, l1), (f2, l2) = plan.lifetimes[t], plan.lifetimes[u]
            if f1 <= l2 and f2 <= l1:
                assert o + n <= p or p + m <= o, (t, u)
    assert plan.arena_bytes >= plan.live_bytes
    # and the arena-backed run equals a plain NumPy evaluation of the same graph
    x = rng.standard_normal((3, 8)).astype(np.float32)
    env = {"x": x}
    fns = {"Add": np.add, "Mul": np.multiply, "Relu": lambda a: np.maximum(a, 0),
           "Tanh": np.tanh, "Reshape": lambda a: a.reshape(a.shape[0], 8)}
    for node in model.graph.nodes:
        env[node.outputs[0]] = fns[node.op](*[env[i] for i in node.inputs])
    got = model.run({"x": x})
    for name, value in got.items():
        np.testing.assert_allclose(value, env[name], rtol=1e-6)


def test_input_validation(rng):
    b, _ = mlp(rng)
    model = b.build()
    x = rng.standard_normal((2, 16)).astype(np.float32)
    with pytest.raises(TypeError, match="input 'x' must have dtype float32, got float64"):
        model(x.astype(np.float64))
    with pytest.raises(ValueError, match=r"input 'x' must have shape \(N, 16\), got \(2, 15\)"):
        model(x[:, :15])
    with pytest.raises(ValueError, match="must have shape"):
        model(x[0])
    with pytest.raises(TypeError, match="numpy.ndarray"):
        model([[1.0] * 16])
    with pytest.raises(ValueError, match=r"missing \['x'\], unknown \['y'\]"):
        model.run({"y": x})
    with pytest.raises(TypeError, match="dict"):
        model.run(x)
    np.testing.assert_allclose(model(np.asfortranarray(x)), model(x))  # non-contiguous is fine


def test_symbols_must_agree_across_inputs(rng):
    b = GraphBuilder()
    a, c = b.input("a", "float32", ("N", 4)), b.input("c", "float32", ("N", 4))
    b.output(b.node("Add", [a, c]))
    model = b.build()
    with pytest.raises(ValueError, match=r"input 'c' axis 0 \(N\) is 3 but N=2 in input 'a'"):
        model.run({"a": np.zeros((2, 4), np.float32), "c": np.zeros((3, 4), np.float32)})
    with pytest.raises(TypeError, match="use|call model.run"):
        model(np.zeros((2, 4), np.float32))


def test_load_errors_name_the_node(rng):
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 16))
    b.output(b.node("Linear", [x, np.zeros((4, 15), np.float32)], name="fc"))
    with pytest.raises(GraphError, match=r"node 'fc' \(Linear\): inner dimensions differ"):
        b.build()
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 16))
    y = b.node("Frobnicate", [x], name="f1")
    b.output(b.node("Warp", [y], name="w1"))
    with pytest.raises(GraphError, match=r"unsupported ops: Frobnicate \(f1\), Warp \(w1\)"):
        b.build()
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 16))
    b.output(b.node("Add", [x, "ghost"], name="a"))
    with pytest.raises(GraphError, match="node 'a' \\(Add\\): input 'ghost' is not"):
        b.build()


def test_run_time_shape_error_names_node(rng):
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 6))
    b.output(b.node("Reshape", [x], shape=[4, -1], name="r"))
    model = b.build()
    model(np.zeros((2, 6), np.float32))
    with pytest.raises(ValueError, match=r"node 'r' \(Reshape\): cannot reshape \(3, 6\)"):
        model(np.zeros((3, 6), np.float32))


@pytest.mark.skipif(hasattr(pyedge.kernels, "conv2d"), reason="conv kernels present")
def test_conv_needs_the_conv_kernels():
    b = GraphBuilder()
    x = b.input("x", "float32", ("N", 8, 8, 3))
    b.output(b.node("Conv", [x, np.zeros((4, 3, 3, 3), np.float32)], name="c1"))
    with pytest.raises(NotImplementedError, match="op Conv needs pyedge.kernels.conv2d"):
        b.build()


def test_graph_from_file_is_validated(tmp_path):
    path = tmp_path / "m.pedge"
    pyedge.format.write(path, {"w": np.zeros(3, np.float32)},
                        graph={"inputs": [], "outputs": ["y"], "nodes": "oops"})
    with pytest.raises(GraphError, match="graph nodes must be a list"):
        load(path)
    pyedge.format.write(path, {"w": np.zeros(3, np.float32)})
    with pytest.raises(pyedge.FormatError, match="no graph"):
        load(path)


def test_weights_are_the_mapped_arrays(tmp_path, rng):
    b, _ = mlp(rng)
    b.save(tmp_path / "m.pedge")
    model = load(tmp_path / "m.pedge")
    w = model._weights["fc1.w"]
    assert not w.flags.writeable and w.base is not None  # a view of the map, never copied


def test_threads_share_one_model(rng):
    b, ref = mlp(rng, n_in=64, hidden=256, n_out=32)
    model = b.build()
    xs = [rng.standard_normal((1 + i % 5, 64)).astype(np.float32) for i in range(8)]
    errors = []

    def work(x):
        try:
            for _ in range(40):
                np.testing.assert_allclose(model(x), ref(x), rtol=1e-5, atol=1e-6)
        except Exception as exc:  # noqa: BLE001 -- reported below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(x,)) for x in xs]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[0]


def test_import_runtime_stays_light():
    code = ("import sys, pyedge.runtime\n"
            "heavy = {'scipy', 'numba', 'onnx', 'onnxruntime', 'matplotlib', 'tqdm', 'torch',"
            " 'safetensors'}\n"
            "print(sorted(heavy & {m.split('.')[0] for m in sys.modules}))\n")
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "[]"


def test_model_save_round_trip(tmp_path, rng):
    b, ref = mlp(rng)
    b.build().save(tmp_path / "m.pedge", recipe={"from": "builder"})
    model = load(tmp_path / "m.pedge")
    x = rng.standard_normal((2, 16)).astype(np.float32)
    np.testing.assert_allclose(model(x), ref(x), rtol=1e-5, atol=1e-6)
    assert model.recipe == {"from": "builder"}


def test_empty_batch(rng):
    b, _ = mlp(rng)
    assert b.build()(np.zeros((0, 16), np.float32)).shape == (0, 10)


def test_failure_during_run_names_the_node(rng):
    b, _ = mlp(rng)
    model = b.build()

    def broken(ins, outs):
        raise FloatingPointError("boom")

    run, *rest = model._steps[1]
    model._steps[1] = (broken, *rest)
    with pytest.raises(RuntimeError, match=r"node 'fc2' \(Linear\) failed: boom"):
        model(np.zeros((2, 16), np.float32))
