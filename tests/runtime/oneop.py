"""Build and run a one-node model: arrays are graph inputs, W(...) wraps a weight."""

from dataclasses import dataclass

import numpy as np

from pyedge.runtime import GraphBuilder


@dataclass
class W:
    """A weight input of the node."""

    value: np.ndarray


def run_op(op, args, outputs=1, symbolic=True, **attrs):
    """Run ``op`` once; graph inputs get a symbolic first dim unless ``symbolic=False``."""
    b = GraphBuilder()
    names = []
    for i, a in enumerate(args):
        if a is None:
            names.append(None)
        elif isinstance(a, W):
            names.append(b.weight(f"w{i}", a.value))
        else:
            shape = (("N",) + a.shape[1:]) if symbolic and a.ndim else a.shape
            names.append(b.input(f"in{i}", a.dtype, shape))
    out = b.node(op, names, name="op", outputs=outputs, **attrs)
    outs = out if isinstance(out, tuple) else (out,)
    b.output(*outs)
    model = b.build()
    feeds = {f"in{i}": a for i, a in enumerate(args) if isinstance(a, np.ndarray)}
    res = model.run(feeds)
    got = [res[o] for o in outs]
    return got[0] if outputs == 1 else got
