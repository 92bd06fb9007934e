"""The .pedge writer and reader: round trips, zero-copy read-only arrays, safetensors interop."""

import mmap

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from safetensors import safe_open
from safetensors.numpy import load_file, save_file

import pyedge
from pyedge import format as pf
from tests.format.files import sample, split


def test_round_trip_every_dtype(tmp_path, rng):
    tensors = sample(rng)
    path = tmp_path / "m.pedge"
    graph = {"nodes": [{"op": "Relu", "inputs": ["x"], "outputs": ["y"]}]}
    pf.write(path, tensors, graph=graph, recipe={"int8": {"layers": ["fc"]}}, producer="test")
    f = pf.read(path)
    assert list(f.tensors) == list(tensors)
    for name, want in tensors.items():
        got = f.tensors[name]
        assert got.dtype == want.dtype and got.shape == want.shape, name
        np.testing.assert_array_equal(got, want)
    assert f.graph == graph and f.recipe == {"int8": {"layers": ["fc"]}}
    assert f.producer == "test" and f.format_version == pf.FORMAT_VERSION


def test_data_is_aligned_and_hole_free(tmp_path, rng):
    path = tmp_path / "m.pedge"
    pf.write(path, sample(rng))
    header, data = split(path)
    header.pop("__metadata__")
    start = path.stat().st_size - len(data)
    assert start % 64 == 0
    spans = sorted(tuple(v["data_offsets"]) for v in header.values())
    assert spans[0][0] == 0 and spans[-1][1] == len(data)
    assert all(a[1] == b[0] for a, b in zip(spans, spans[1:], strict=False))
    for name, v in header.items():
        if not name.startswith("__pad__.") and v["data_offsets"][1] > v["data_offsets"][0]:
            assert (start + v["data_offsets"][0]) % 64 == 0, name


def test_big_endian_and_strided_inputs_are_canonicalised(tmp_path):
    x = np.arange(24, dtype=">f4").reshape(4, 6)[:, ::2]
    pf.write(tmp_path / "m.pedge", {"x": x})
    got = pf.read(tmp_path / "m.pedge").tensors["x"]
    assert got.dtype == np.float32 and got.flags.c_contiguous
    np.testing.assert_array_equal(got, x)


def test_arrays_are_read_only_and_share_the_map(tmp_path, rng):
    path = tmp_path / "m.pedge"
    pf.write(path, {"w": rng.standard_normal((64, 33)).astype(np.float32)})
    f = pf.read(path)
    w = f.tensors["w"]
    assert not w.flags.writeable
    with pytest.raises(ValueError):
        w[0, 0] = 1.0
    with pytest.raises(ValueError):
        w.flags.writeable = True
    base = w
    while isinstance(base, np.ndarray):
        base = base.base
    if isinstance(base, memoryview):
        base = base.obj
    assert isinstance(base, mmap.mmap) and base is f._mmap
    assert w.ctypes.data % 64 == 0
    with pytest.raises(TypeError):
        f.tensors["w"] = w  # the mapping itself is read-only


def test_safetensors_reads_pedge(tmp_path, rng):
    tensors = sample(rng)
    path = tmp_path / "m.pedge"
    pf.write(path, tensors, graph={"nodes": []})
    loaded = load_file(path)
    for name, want in tensors.items():
        np.testing.assert_array_equal(loaded[name], want)
    assert all(k in tensors or k.startswith("__pad__.") for k in loaded)
    with safe_open(path, "np") as g:
        assert '"format_version":1' in g.metadata()["pyedge"]


def test_pedge_reads_safetensors(tmp_path, rng):
    tensors = sample(rng)
    path = tmp_path / "plain.safetensors"
    save_file(tensors, path)
    got = pf.read_safetensors(path)
    assert set(got) == set(tensors)
    for name, want in tensors.items():
        np.testing.assert_array_equal(got[name], want)
        assert not got[name].flags.writeable
    with pytest.raises(pyedge.FormatError, match="not a .pedge file"):
        pf.read(path)


def test_format_error_is_exported_value_error():
    assert pyedge.FormatError is pf.FormatError and issubclass(pf.FormatError, ValueError)


@pytest.mark.parametrize("bad,exc,match", [
    ({"__x": np.zeros(1)}, ValueError, "reserved"),
    ({"": np.zeros(1)}, ValueError, "non-empty"),
    ({"x": [1, 2]}, TypeError, "numpy.ndarray"),
    ({"x": np.zeros(2, np.complex64)}, TypeError, "cannot be stored"),
    ({"x": np.array(["a"])}, TypeError, "cannot be stored"),
])
def test_writer_rejects_bad_tensors(tmp_path, bad, exc, match):
    with pytest.raises(exc, match=match):
        pf.write(tmp_path / "m.pedge", bad)
    assert list(tmp_path.iterdir()) == []


def test_writer_rejects_unserialisable_graph(tmp_path):
    with pytest.raises(ValueError, match="JSON"):
        pf.write(tmp_path / "m.pedge", {}, graph={"alpha": float("nan")})
    with pytest.raises(TypeError, match="graph"):
        pf.write(tmp_path / "m.pedge", {}, graph=[1])
    assert list(tmp_path.iterdir()) == []


def test_large_tensor_readable_after_checksum_drops_pages(tmp_path, rng):
    w = rng.standard_normal((700, 1000)).astype(np.float32)  # 2.8 MB: pages dropped after CRC
    pf.write(tmp_path / "big.pedge", {"w": w, "b": np.arange(3, dtype=np.int64)})
    got = pf.read(tmp_path / "big.pedge")
    np.testing.assert_array_equal(got.tensors["w"], w)
    np.testing.assert_array_equal(got.tensors["b"], [0, 1, 2])


_DTYPES = [np.float32, np.float16, np.float64, np.int8, np.uint8, np.int16, np.uint16,
           np.int32, np.uint32, np.int64, np.uint64, np.bool_]


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_round_trip_and_safetensors_agree(tmp_path, data):
    names = data.draw(st.lists(st.text(min_size=1, max_size=12).filter(
        lambda s: not s.startswith("__")), min_size=0, max_size=6, unique=True))
    tensors = {}
    for name in names:
        dt = np.dtype(data.draw(st.sampled_from(_DTYPES)))
        shape = tuple(data.draw(st.lists(st.integers(0, 5), max_size=3)))
        raw = data.draw(st.binary(min_size=int(np.prod(shape)) * dt.itemsize,
                                  max_size=int(np.prod(shape)) * dt.itemsize))
        arr = np.frombuffer(raw, np.uint8).view(dt).reshape(shape) if raw else np.zeros(
            shape, dt)
        tensors[name] = np.asarray(arr != 0) if dt == np.bool_ else arr
    path = tmp_path / "r.pedge"
    pf.write(path, tensors, recipe={"n": len(tensors)})
    got = pf.read(path)
    assert list(got.tensors) == list(tensors)
    other = load_file(path)
    for name, want in tensors.items():
        np.testing.assert_array_equal(got.tensors[name], want)
        np.testing.assert_array_equal(other[name], want)
        assert got.tensors[name].dtype == want.dtype and got.tensors[name].shape == want.shape
