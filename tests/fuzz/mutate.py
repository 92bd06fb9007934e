"""Structure-aware mutations of .pedge files for the fuzzers (pure Python, deterministic).

A mutation parses the file (8-byte length, JSON header, data section), changes one thing a
hostile or damaged file could change -- header entries (dtype, shape, offsets), the pyedge
JSON (graph nodes, order, names, attributes, inputs), tensor values, the length prefix, the
file length -- and writes it back. Checksums are recomputed most of the time so mutations
reach the graph and kernel checks behind the CRC test.
"""

from __future__ import annotations

import json
import random
import zlib

from pyedge.runtime.ops import MODULES

DTYPES = ["BOOL", "U8", "I8", "U16", "I16", "F16", "U32", "I32", "F32", "U64", "I64", "F64",
          "BF16", "F8_E4M3", "", 7, None]
ITEMSIZE = {"BOOL": 1, "U8": 1, "I8": 1, "U16": 2, "I16": 2, "F16": 2, "U32": 4, "I32": 4,
            "F32": 4, "U64": 8, "I64": 8, "F64": 8}
VALUE_DTYPES = ["float32", "float16", "float64", "int8", "uint8", "int32", "int64", "bool",
                "complex64", "object", ""]
INTS = [0, 1, 2, 3, -1, -2, 4, 7, 8, 16, 31, 32, 64, 127, 128, 255, 256, 65535, 65536,
        2**31 - 1, 2**31, 2**32, 2**53 + 1, 2**63 - 1, 2**63, 2**64, -2**63, 10**30, -10**30]
OPS = sorted(MODULES) + ["NoSuchOp", ""]
SPECIAL_BYTES = {  # element patterns written into tensor data
    1: [b"\x00", b"\x01", b"\x7f", b"\x80", b"\xff"],
    2: [b"\x00\x00", b"\xff\xff", b"\x00\x7c", b"\x00\xfc", b"\x00\x7e", b"\x00\x80"],
    4: [b"\x00\x00\x00\x00", b"\xff\xff\xff\xff", b"\x00\x00\x80\x7f", b"\x00\x00\x80\xff",
        b"\x00\x00\xc0\x7f", b"\xff\xff\xff\x7f", b"\x00\x00\x00\x80", b"\x01\x00\x00\x00",
        b"\x00\x00\x01\x00", b"\x00\x00\x00\x00"],
    8: [b"\x00" * 8, b"\xff" * 8, b"\xff" * 7 + b"\x7f", b"\x00" * 7 + b"\x80",
        b"\x00" * 6 + b"\xf0\x7f"],
}


def weird(rng: random.Random, depth: int = 0):
    """A JSON value a careless or hostile producer might write."""
    r = rng.random()
    if r < 0.45:
        return rng.choice(INTS)
    if r < 0.55:
        return rng.choice([0.0, -0.0, 0.5, 1.5, -1.0, 1e-45, 1e38, 1e308, 3.4028235e38])
    if r < 0.7:
        return rng.choice(["", "x", "none", "relu", "relu6", "clamp", "float32", "uint8",
                           "int8", "f32", "qd8", "N", "N*2", "-1", "\x00", "é" * 3])
    if r < 0.75:
        return rng.choice([None, True, False])
    if r < 0.95 and depth < 2:
        return [weird(rng, depth + 1) for _ in range(rng.choice([0, 1, 2, 2, 3, 4, 8]))]
    return {} if depth else {"k": weird(rng, depth + 1)}


class PedgeBytes:
    """A file split into its header entries, pyedge JSON document and data section."""

    def __init__(self, data: bytes):
        n = int.from_bytes(data[:8], "little")
        if len(data) < 8 or n > len(data) - 8:
            raise ValueError("not a safetensors file")
        self.header = json.loads(data[8:8 + n])
        if not isinstance(self.header, dict):
            raise ValueError("header is not an object")
        meta = self.header.get("__metadata__", {})
        self.doc = json.loads(meta["pyedge"]) if isinstance(meta, dict) and isinstance(
            meta.get("pyedge"), str) else None
        self.data = bytearray(data[8 + n:])

    def entries(self) -> list[str]:
        return [k for k, v in self.header.items() if k != "__metadata__" and isinstance(v, dict)]

    def tensors(self) -> list[str]:
        return [k for k in self.entries() if not k.startswith("__pad__")]

    def fix_crc(self) -> None:
        if not isinstance(self.doc, dict) or not isinstance(self.doc.get("crc32"), dict):
            return
        for name in self.tensors():
            offs = self.header[name].get("data_offsets")
            if (isinstance(offs, list) and len(offs) == 2 and all(type(o) is int for o in offs)
                    and 0 <= offs[0] <= offs[1] <= len(self.data)):
                self.doc["crc32"][name] = zlib.crc32(self.data[offs[0]:offs[1]])

    def to_bytes(self, align: bool = True) -> bytes:
        if self.doc is not None:
            self.header.setdefault("__metadata__", {})["pyedge"] = json.dumps(self.doc)
        raw = json.dumps(self.header, separators=(",", ":")).encode()
        if align:
            raw += b" " * (-(8 + len(raw)) % 64)
        return len(raw).to_bytes(8, "little") + raw + bytes(self.data)


# -- one mutation each; they return False when the file has nothing to mutate -------------

def _entry(f: PedgeBytes, rng) -> dict | None:
    names = f.tensors() or f.entries()
    return f.header[rng.choice(names)] if names else None


def m_entry_dtype(f, rng):
    e = _entry(f, rng)
    if e is None:
        return False
    e["dtype"] = rng.choice(DTYPES)
    return True


def m_entry_retype(f, rng):
    """Same bytes, another dtype: the shape is rescaled so offsets stay valid."""
    e = _entry(f, rng)
    if e is None or e.get("dtype") not in ITEMSIZE or not isinstance(e.get("shape"), list):
        return False
    nbytes = ITEMSIZE[e["dtype"]]
    for d in e["shape"]:
        nbytes *= d if isinstance(d, int) else 1
    tok = rng.choice(list(ITEMSIZE))
    if nbytes % ITEMSIZE[tok]:
        return False
    e["dtype"], e["shape"] = tok, [nbytes // ITEMSIZE[tok]]
    return True


def m_entry_shape(f, rng):
    e = _entry(f, rng)
    if e is None or not isinstance(e.get("shape"), list):
        return False
    shape = list(e["shape"])
    how = rng.randrange(6)
    total = 1
    for d in shape:
        total *= d if isinstance(d, int) else 1
    if how == 0:
        rng.shuffle(shape)  # same size, another layout
    elif how == 1:
        shape = [total]
    elif how == 2:
        shape.insert(rng.randrange(len(shape) + 1), 1)
    elif how == 3 and shape:
        shape[rng.randrange(len(shape))] = weird(rng)
    elif how == 4:
        shape = [total, 0] if rng.random() < 0.5 else []
    else:
        shape = [rng.choice(INTS) for _ in range(rng.randrange(4))]
    e["shape"] = shape
    return True


def m_entry_offsets(f, rng):
    e = _entry(f, rng)
    if e is None or not isinstance(e.get("data_offsets"), list):
        return False
    offs = list(e["data_offsets"])
    how = rng.randrange(4)
    if how == 0 and len(offs) == 2:
        offs = [offs[1], offs[0]]
    elif how == 1 and offs:
        i = rng.randrange(len(offs))
        offs[i] = offs[i] + rng.choice([-64, -1, 1, 64]) if isinstance(offs[i], int) else 0
    elif how == 2 and offs:
        offs[rng.randrange(len(offs))] = weird(rng)
    else:
        offs = weird(rng)
    e["data_offsets"] = offs
    return True


def m_entry_drop_or_dup(f, rng):
    names = f.entries()
    if not names:
        return False
    name = rng.choice(names)
    if rng.random() < 0.5:
        del f.header[name]
    else:
        f.header[name + rng.choice(["", "_", ".w"]) + "x"] = dict(f.header[name])
    return True


def m_tensor_values(f, rng):
    """Overwrite some elements with special values (NaN, Inf, extremes, big indices)."""
    name = rng.choice(f.tensors()) if f.tensors() else None
    if name is None:
        return False
    e = f.header[name]
    offs, size = e.get("data_offsets"), ITEMSIZE.get(e.get("dtype"))
    if not (isinstance(offs, list) and len(offs) == 2 and size and all(
            type(o) is int for o in offs) and 0 <= offs[0] < offs[1] <= len(f.data)):
        return False
    count = (offs[1] - offs[0]) // size
    for _ in range(rng.choice([1, 1, 2, 5, count])):
        i = offs[0] + size * rng.randrange(count)
        f.data[i:i + size] = rng.choice(SPECIAL_BYTES[size])
    return True


def _nodes(f) -> list:
    g = f.doc.get("graph") if isinstance(f.doc, dict) else None
    return g.get("nodes") if isinstance(g, dict) and isinstance(g.get("nodes"), list) else []


def m_node_order(f, rng):
    """Swap, reverse or duplicate nodes (use before definition, double definition)."""
    nodes = _nodes(f)
    if len(nodes) < 1:
        return False
    how = rng.randrange(4)
    if how == 0 and len(nodes) > 1:
        i, j = rng.sample(range(len(nodes)), 2)
        nodes[i], nodes[j] = nodes[j], nodes[i]
    elif how == 1:
        nodes.reverse()
    elif how == 2:
        nodes.insert(rng.randrange(len(nodes) + 1), json.loads(json.dumps(rng.choice(nodes))))
    else:
        del nodes[rng.randrange(len(nodes))]
    return True


def m_node_wiring(f, rng):
    """Cycles (read a later or own output), dangling names, swapped inputs."""
    nodes = [n for n in _nodes(f) if isinstance(n, dict) and isinstance(n.get("inputs"), list)]
    if not nodes:
        return False
    i = rng.randrange(len(nodes))
    n = nodes[i]
    ins = n["inputs"]
    later = [y for m in nodes[i:] for y in (m.get("outputs") or []) if isinstance(y, str)]
    how = rng.randrange(6)
    if how == 0 and later and ins:
        ins[rng.randrange(len(ins))] = rng.choice(later)  # cycle / use before definition
    elif how == 1 and ins:
        ins[rng.randrange(len(ins))] = rng.choice(["dangling", "", "x", "N"])
    elif how == 2 and len(ins) > 1:
        i, j = rng.sample(range(len(ins)), 2)
        ins[i], ins[j] = ins[j], ins[i]
    elif how == 3:
        if ins and rng.random() < 0.5:
            ins.pop(rng.randrange(len(ins)))
        else:
            ins.append(rng.choice(ins + [""]) if ins else "")
    elif how == 4:
        names = f.tensors() + [str(y) for m in nodes for y in (m.get("outputs") or [])]
        if not names or not ins:
            return False
        ins[rng.randrange(len(ins))] = rng.choice(names)
    else:
        n["outputs"] = rng.choice([[], [""], list(n.get("outputs") or []) * 2,
                                   [rng.choice(ins)] if ins else ["y"]])
    return True


def m_node_op(f, rng):
    nodes = [n for n in _nodes(f) if isinstance(n, dict)]
    if not nodes:
        return False
    rng.choice(nodes)["op"] = rng.choice(OPS) if rng.random() < 0.9 else weird(rng)
    return True


def m_node_attr(f, rng):
    nodes = [n for n in _nodes(f) if isinstance(n, dict) and isinstance(n.get("attrs"), dict)]
    if not nodes:
        return False
    attrs = rng.choice(nodes)["attrs"]
    keys = list(attrs) + ["axis", "shape", "group", "pads", "strides", "k", "bits", "block",
                          "group_size", "kernel_shape", "dilations", "perm", "to", "scales"]
    key = rng.choice(keys)
    if key in attrs and rng.random() < 0.2:
        del attrs[key]
    elif isinstance(attrs.get(key), list) and attrs[key] and rng.random() < 0.6:
        attrs[key][rng.randrange(len(attrs[key]))] = weird(rng)
    elif isinstance(attrs.get(key), int) and rng.random() < 0.5:
        attrs[key] += rng.choice([-2, -1, 1, 2])
    else:
        attrs[key] = weird(rng)
    return True


def m_node_keys(f, rng):
    nodes = _nodes(f)
    if not nodes:
        return False
    i = rng.randrange(len(nodes))
    if isinstance(nodes[i], dict) and nodes[i] and rng.random() < 0.7:
        key = rng.choice(list(nodes[i]))
        nodes[i][key] = weird(rng)
    else:
        nodes[i] = weird(rng)
    return True


def m_graph_io(f, rng):
    g = f.doc.get("graph") if isinstance(f.doc, dict) else None
    if not isinstance(g, dict):
        return False
    ins = g.get("inputs")
    how = rng.randrange(5)
    if how < 3 and isinstance(ins, list) and ins and isinstance(ins[0], dict):
        v = rng.choice([v for v in ins if isinstance(v, dict)] or [{}])
        if how == 0:
            v["dtype"] = rng.choice(VALUE_DTYPES)
        elif how == 1 and isinstance(v.get("shape"), list):
            shape = v["shape"]
            if shape and rng.random() < 0.7:
                shape[rng.randrange(len(shape))] = weird(rng)
            else:
                shape.append(rng.choice([1, 2, "N", "M"]))
        else:
            v["name"] = rng.choice(["", "dangling"] + f.tensors()[:3] + [weird(rng)])
    elif how == 3 and isinstance(g.get("outputs"), list):
        outs = g["outputs"]
        outs.append(rng.choice(outs + f.tensors()[:2] + ["dangling", ""]) if outs else "y")
        if rng.random() < 0.5:
            outs.pop(0)
    else:
        g[rng.choice(["inputs", "outputs", "nodes", "extra"])] = weird(rng)
    return True


def m_doc(f, rng):
    if not isinstance(f.doc, dict):
        return False
    key = rng.choice(["format_version", "producer", "recipe", "crc32", "graph"])
    f.doc[key] = rng.choice([weird(rng), 2, 0, None])
    return True


STRUCTURAL = (  # weighted: graph and value mutations get past the reader to the runtime
    [m_entry_dtype, m_entry_retype, m_entry_shape, m_entry_offsets, m_entry_drop_or_dup]
    + [m_tensor_values] * 3 + [m_node_order] * 2 + [m_node_wiring] * 3 + [m_node_op] * 2
    + [m_node_attr] * 5 + [m_node_keys, m_doc] + [m_graph_io] * 2)


def raw_mutation(data: bytes, rng: random.Random) -> bytes:
    """Byte-level damage: truncate, flip, insert or overwrite the length prefix."""
    b = bytearray(data)
    how = rng.randrange(5)
    if how == 0 and b:
        del b[rng.randrange(len(b)):]
    elif how == 1 and b:
        for _ in range(rng.choice([1, 2, 8])):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif how == 2:
        pos = rng.randrange(len(b) + 1)
        b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.choice([1, 4, 64])))
    elif how == 3 and len(b) >= 8:
        n = int.from_bytes(b[:8], "little")
        n = (n + rng.choice([-64, -8, -1, 1, 8, 64, 2**40])) % 2**64
        b[:8] = n.to_bytes(8, "little")
    elif b:
        pos = rng.randrange(len(b))
        b[pos:pos + 8] = rng.choice(list(SPECIAL_BYTES[8]))
    return bytes(b)


def parses(data: bytes) -> bool:
    """True when ``data`` splits into a header and data (the structural mutations apply)."""
    try:
        PedgeBytes(data)
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, RecursionError):
        return False
    return True


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to three structural mutations (checksums usually repaired), or raw damage."""
    try:
        f = PedgeBytes(data)
    except (ValueError, UnicodeDecodeError, KeyError, TypeError, RecursionError):
        return raw_mutation(data, rng)
    if rng.random() < 0.1:
        return raw_mutation(data, rng)
    for _ in range(rng.choice([1, 1, 1, 2, 3])):
        try:
            rng.choice(STRUCTURAL)(f, rng)
        except (TypeError, AttributeError, ValueError, KeyError, IndexError):
            pass  # an earlier mutation left a shape this one does not expect
    if rng.random() < 0.9:
        f.fix_crc()
    return f.to_bytes(align=rng.random() < 0.95)
