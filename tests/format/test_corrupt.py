"""Malformed, truncated and mutated .pedge files: each one a clear pyedge.FormatError."""

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pyedge import FormatError
from pyedge import format as pf
from tests.format.files import join, meta, set_meta, split

TENSORS = {"w": np.arange(12, dtype=np.float32).reshape(3, 4),
           "b": np.array([True, False, True]), "q": np.arange(-5, 5, dtype=np.int8)}


@pytest.fixture
def good(tmp_path):
    path = tmp_path / "m.pedge"
    pf.write(path, TENSORS, graph={"nodes": []})
    return path


def _read_fails(path, match):
    with pytest.raises(FormatError, match=match) as info:
        pf.read(path)
    assert str(path) in str(info.value)
    return info.value


@pytest.mark.parametrize("raw,match", [
    (b"", "too short"),
    (b"\x05\x00\x00", "too short"),
    ((2**63).to_bytes(8, "little") + b"{}", "exceeds"),
    ((1).to_bytes(8, "little") + b"{", "too small"),
    ((500).to_bytes(8, "little") + b"{}", "runs past the end"),
    ((4).to_bytes(8, "little") + b"[1] ", "does not start with"),
    ((4).to_bytes(8, "little") + b"{\"a\"", "not valid JSON"),
    ((4).to_bytes(8, "little") + b"{\xff\xfe}", "not UTF-8"),
    ((2).to_bytes(8, "little") + b"{}", "not a .pedge file"),
])
def test_raw_garbage(tmp_path, raw, match):
    path = tmp_path / "bad.pedge"
    path.write_bytes(raw)
    _read_fails(path, match)


def test_deeply_nested_json(tmp_path):
    path = tmp_path / "bad.pedge"
    body = b"{\"a\":" + b"[" * 100000 + b"]" * 100000 + b"}"
    path.write_bytes(len(body).to_bytes(8, "little") + body)
    _read_fails(path, "JSON|must have exactly")


def _mutate_w(fn):
    def go(h):
        fn(h["w"])
    return go


HEADER_CASES = [
    (_mutate_w(lambda w: w.update(dtype="BF16")), r"'w'.*unsupported dtype 'BF16'"),
    (_mutate_w(lambda w: w.update(dtype=7)), r"'w'.*unsupported dtype 7"),
    (_mutate_w(lambda w: w.update(shape=[3, -4])), r"'w'.*negative or non-integer"),
    (_mutate_w(lambda w: w.update(shape=[3, 4.0])), r"'w'.*negative or non-integer"),
    (_mutate_w(lambda w: w.update(shape=[True, 12])), r"'w'.*negative or non-integer"),
    (_mutate_w(lambda w: w.update(shape="3x4")), r"'w'.*shape must be a list"),
    (_mutate_w(lambda w: w.update(shape=[1] * 40)), r"'w'.*at most 32"),
    (_mutate_w(lambda w: w.update(shape=[10**6, 10**6])), r"'w'.*needs 4000000000000 bytes"),
    (_mutate_w(lambda w: w.update(shape=[4, 4])), r"'w'.*needs 64 bytes but data_offsets"),
    (_mutate_w(lambda w: w.update(data_offsets=[48, 0])), r"'w'.*negative or reversed"),
    (_mutate_w(lambda w: w.update(data_offsets=[0, 10**12])), r"'w'.*run past the end"),
    (_mutate_w(lambda w: w.update(data_offsets=[0])), r"'w'.*two ints"),
    (_mutate_w(lambda w: w.update(data_offsets=[0.0, 48.0])), r"'w'.*two ints"),
    (_mutate_w(lambda w: w.update(extra=1)), r"'w'.*exactly the keys"),
    (_mutate_w(lambda w: w.pop("dtype")), r"'w'.*exactly the keys"),
    (lambda h: h.update(w=[1, 2]), r"'w'.*exactly the keys"),
    (lambda h: h.update(__metadata__={"pyedge": 3}), "must map strings to strings"),
    (lambda h: h.update(__metadata__={}), "not a .pedge file"),
    (lambda h: h.update(__metadata__=[]), "must map strings to strings"),
    (lambda h: h["__metadata__"].update(pyedge="{bad"), r"\['pyedge'\] is not valid JSON"),
    (lambda h: h["__metadata__"].update(pyedge="[]"), "must be a JSON object"),
    (lambda h: h.update({"": h["w"]}), "empty tensor name"),
]


@pytest.mark.parametrize("mutate,match", HEADER_CASES)
def test_mutated_header(good, mutate, match):
    header, data = split(good)
    mutate(header)
    join(good, header, data)
    _read_fails(good, match)


def _edit_meta(fn):
    def go(h):
        doc = meta(h)
        fn(doc)
        set_meta(h, doc)
    return go


META_CASES = [
    (_edit_meta(lambda d: d.update(format_version=2)),
     r"written by a newer pyedge \(format version 2 > 1\)"),
    (_edit_meta(lambda d: d.update(format_version="1")), "format_version must be a positive int"),
    (_edit_meta(lambda d: d.pop("format_version")), "format_version must be a positive int"),
    (_edit_meta(lambda d: d.update(format_version=0)), "format_version must be a positive int"),
    (_edit_meta(lambda d: d.update(producer=None)), "producer must be a str"),
    (_edit_meta(lambda d: d.update(recipe=[])), "recipe must be a dict"),
    (_edit_meta(lambda d: d.update(graph=[])), "graph must be a JSON object"),
    (_edit_meta(lambda d: d["crc32"].pop("w")), r"'w' has no CRC32"),
    (_edit_meta(lambda d: d["crc32"].update(ghost=1)), r"'ghost', which is not in the file"),
    (_edit_meta(lambda d: d["crc32"].update(w=2**32)), r"'w': CRC32 .* not a 32-bit int"),
    (_edit_meta(lambda d: d["crc32"].update(w=d["crc32"]["w"] ^ 1)), r"'w': CRC32 mismatch"),
]


@pytest.mark.parametrize("mutate,match", META_CASES)
def test_mutated_metadata(good, mutate, match):
    header, data = split(good)
    mutate(header)
    join(good, header, data)
    _read_fails(good, match)


def test_duplicate_keys(good):
    header, data = split(good)
    raw = json.dumps(header).encode()
    raw = raw[:-1] + b', "w": ' + json.dumps(header["w"]).encode() + b"}"
    join(good, raw, data)
    _read_fails(good, "duplicate key 'w'")


def test_nan_in_header(good):
    header, data = split(good)
    raw = json.dumps(header).encode()[:-1] + b', "x": NaN}'
    join(good, raw, data)
    _read_fails(good, "NaN")


def _spans(header):
    return {k: v["data_offsets"] for k, v in header.items() if k != "__metadata__"}


def test_overlap(good):
    header, data = split(good)
    q = header["q"]["data_offsets"]
    header["q"]["data_offsets"] = [q[0] - 64, q[1] - 64]
    join(good, header, data)
    _read_fails(good, "'q'.*overlaps|leaves a hole")


def test_hole_and_trailing_bytes(good):
    header, data = split(good)
    join(good, header, data + b"\0" * 64)
    _read_fails(good, "64 bytes after the last tensor")
    last = max(_spans(header).items(), key=lambda kv: kv[1][0])[0]
    header.pop(last)
    join(good, header, data)
    _read_fails(good, "bytes after the last tensor|leaves a hole")


def test_hole_in_the_middle(good):
    header, data = split(good)
    pads = [k for k in header if k.startswith("__pad__.")]
    header.pop(pads[0])
    join(good, header, data)
    _read_fails(good, "leaves a hole before it")


def test_unaligned_data_section(good):
    header, data = split(good)
    join(good, header, data, align=8)
    path_size = good.stat().st_size
    if (path_size - len(data)) % 64:
        _read_fails(good, "not 64-byte aligned")


def test_unaligned_tensor(tmp_path):
    path = tmp_path / "m.pedge"
    pf.write(path, {"a": np.zeros(3, np.int8), "b": np.ones(4, np.float32)})
    header, data = split(path)
    pads = [k for k in header if k.startswith("__pad__.")]
    header.pop(pads[0])  # move "b" right after "a"
    header["b"]["data_offsets"] = [3, 19]
    data = data[:3] + data[64:]
    join(path, header, data)
    _read_fails(path, "'b' data is not 64-byte aligned")


def test_nonzero_padding(good):
    header, data = split(good)
    pad = next(v for k, v in header.items() if k.startswith("__pad__."))
    i = pad["data_offsets"][0]
    join(good, header, data[:i] + b"\1" + data[i + 1:])
    _read_fails(good, "padding tensor .* non-zero")


def test_reserved_name(good):
    header, data = split(good)
    header["__evil"] = header.pop("w")
    doc = meta(header)
    doc["crc32"]["__evil"] = doc["crc32"].pop("w")
    set_meta(header, doc)
    join(good, header, data)
    _read_fails(good, "'__evil' uses the reserved prefix")


def test_bool_out_of_range(good):
    header, data = split(good)
    i = header["b"]["data_offsets"][0]
    data = data[:i] + b"\2" + data[i + 1:]
    doc = meta(header)
    doc["crc32"]["b"] = __import__("zlib").crc32(data[i:header["b"]["data_offsets"][1]])
    set_meta(header, doc)
    join(good, header, data)
    _read_fails(good, "'b': BOOL data holds bytes other than 0 and 1")


def test_flipped_data_byte_names_the_tensor(good):
    header, data = split(good)
    i = header["q"]["data_offsets"][0] + 3
    join(good, header, data[:i] + bytes([data[i] ^ 0x40]) + data[i + 1:])
    _read_fails(good, "'q': CRC32 mismatch")
    pf.read(good, verify=False)  # structure still fine; checksums skipped on request


def test_every_truncation_fails(good):
    raw = good.read_bytes()
    for cut in list(range(0, 80)) + list(range(80, len(raw), 7)):
        good.write_bytes(raw[:cut])
        with pytest.raises(FormatError):
            pf.read(good)


@settings(max_examples=150, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_random_byte_flip_is_caught_or_harmless(good, data):
    raw = bytearray(good.read_bytes())
    i = data.draw(st.integers(0, len(raw) - 1))
    raw[i] ^= data.draw(st.integers(1, 255))
    path = good.with_suffix(".flip")
    path.write_bytes(bytes(raw))
    try:
        f = pf.read(path)
    except FormatError:
        return
    for name, want in TENSORS.items():  # accepted only if nothing that matters changed
        np.testing.assert_array_equal(f.tensors[name], want)
