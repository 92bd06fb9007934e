"""``pyedge finetune`` end to end on a tiny model and .npz data."""

import numpy as np
import pytest

import pyedge
from pyedge.cli import main
from pyedge.train import GraphModule
from pyedge.train.finetune_cli import parse_distill, parse_prune_schedule
from tests.train.models import tiny_cnn
from tests.train.test_loop import _data


@pytest.fixture()
def files(tmp_path):
    graph, w = tiny_cnn(width=8)
    GraphModule(graph, w).save(tmp_path / "float.pedge")
    x, y = _data(64)
    np.savez(tmp_path / "train.npz", x=x, y=y)
    return tmp_path


def test_finetune_with_distillation_pruning_and_qat(files, capsys):
    out = files / "out.pedge"
    rc = main(["finetune", str(files / "float.pedge"), "--teacher", str(files / "float.pedge"),
               "--data", str(files / "train.npz"), "--epochs", "2", "--batch", "16",
               "--qat", "w8a8", "--prune-schedule", "poly:0.5:0:0.5:2", "--distill", "0.5,2",
               "--eval", str(files / "train.npz"), "--quiet", "-o", str(out)])
    assert rc == 0
    assert "wrote" in capsys.readouterr().out
    model = pyedge.load(out)
    assert {"QConv", "QGemm"} <= {n.op for n in model.graph.nodes}
    x, _ = _data(8)
    assert model(x).shape == (8, 3)
    w = {k: v for k, v in model._weights.items() if k.endswith(".wq")}
    assert np.mean([np.mean(v == 0) for v in w.values()]) > 0.3  # pruned codes are zero


def test_finetune_errors(files, capsys):
    rc = main(["finetune", str(files / "float.pedge"), "--data", str(files / "train.npz"),
               "--distill", "0.5,2", "-o", str(files / "o.pedge")])
    assert rc == 2 and "--teacher" in capsys.readouterr().err
    with pytest.raises(ValueError, match="prune-schedule"):
        parse_prune_schedule("cubic:0.5", 100)
    with pytest.raises(ValueError, match="distill"):
        parse_distill("0.5")
    assert parse_prune_schedule("poly:0.8", 100)(60) == pytest.approx(0.8)
