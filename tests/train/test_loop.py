"""fit(): learns, distils without labels, is reproducible, checkpoints and resumes."""

import numpy as np
import pytest

import pyedge
from pyedge.train import GraphModule
from pyedge.train.loop import TrainConfig, fit
from tests.train.models import tiny_cnn


def _data(n=96, seed=0):
    rng = np.random.default_rng(seed)
    y = rng.integers(0, 3, n)
    x = rng.random((n, 1, 8, 8), dtype=np.float32) * 0.3
    for c in range(3):  # class c: a bright band in rows 2c .. 2c+2
        x[y == c, 0, 2 * c:2 * c + 3] += 0.7
    return x, y


def _acc(m, x, y):
    return float((m.forward({"input": x}, train=False)["logits"].argmax(1) == y).mean())


def test_fit_learns_a_separable_task():
    x, y = _data()
    graph, w = tiny_cnn()
    m = GraphModule(graph, w)
    cfg = TrainConfig(epochs=8, batch_size=16, lr=0.02, progress=False)
    hist = fit(m, x, y, config=cfg, evaluate=lambda s: _acc(s, x, y))
    assert hist[-1]["loss"] < hist[0]["loss"]
    assert hist[-1]["accuracy"] >= 0.9


def test_distillation_without_labels_and_with_features():
    x, y = _data()
    graph, w = tiny_cnn()
    teacher = GraphModule(graph, w)
    fit(teacher, x, y, config=TrainConfig(epochs=8, batch_size=16, lr=0.02, progress=False))
    student = GraphModule(*tiny_cnn(seed=1))
    cfg = TrainConfig(epochs=8, batch_size=16, lr=0.03, alpha=0.5, temperature=1.0,
                      progress=False)
    fit(student, x, None, teacher=teacher, config=cfg)
    agree = (student.forward({"input": x}, train=False)["logits"].argmax(1)
             == teacher.forward({"input": x}, train=False)["logits"].argmax(1)).mean()
    assert agree >= 0.9
    student2 = GraphModule(*tiny_cnn(seed=6))
    cfg = TrainConfig(epochs=2, batch_size=32, lr=0.01, features={"p": "p"}, progress=False)
    hist = fit(student2, x, y, teacher=teacher, config=cfg)
    assert np.isfinite(hist[-1]["loss"])
    with pytest.raises(ValueError, match="teacher"):
        fit(student2, x, None)


@pytest.mark.parametrize("optimizer", ["sgd", "adam"])
def test_same_seed_gives_byte_identical_checkpoints(tmp_path, optimizer):
    x, y = _data()
    files = []
    for run in range(2):
        m = GraphModule(*tiny_cnn())
        path = tmp_path / f"run{run}.pedge"
        fit(m, x, y, config=TrainConfig(epochs=2, batch_size=16, lr=0.01, seed=3,
                                        optimizer=optimizer, weight_decay=1e-4,
                                        progress=False), checkpoint=path)
        files.append(path.read_bytes())
    assert files[0] == files[1]
    model = pyedge.load(tmp_path / "run0.pedge")  # a checkpoint is a loadable model
    assert model(x[:2]).shape == (2, 3)


def test_resume_after_interruption_equals_uninterrupted_run(tmp_path):
    x, y = _data()
    cfg = TrainConfig(epochs=3, batch_size=16, lr=0.01, seed=1, progress=False)
    full = GraphModule(*tiny_cnn())
    fit(full, x, y, config=cfg, checkpoint=tmp_path / "full.pedge")
    part = GraphModule(*tiny_cnn())
    short = TrainConfig(**{**cfg.__dict__, "epochs": 3})
    ck = tmp_path / "part.pedge"

    class Stop(Exception):
        pass

    class Interrupt:
        def on_step(self, step, module):
            if step == 7:  # mid-way through epoch 2 (6 steps per epoch)
                raise Stop

        def on_epoch_end(self, epoch, module):
            pass

    with pytest.raises(Stop):
        fit(part, x, y, config=short, checkpoint=ck, callbacks=[Interrupt()])
    resumed = GraphModule(*tiny_cnn())
    hist = fit(resumed, x, y, config=cfg, checkpoint=ck, resume=True)
    assert [h["epoch"] for h in hist] == [2, 3]
    assert ck.read_bytes() == (tmp_path / "full.pedge").read_bytes()
