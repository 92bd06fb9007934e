"""The demo model and data shipped with pyedge (written by tools/train_demo_model.py).

- ``MODEL``: a float32 depthwise-separable CNN for Fashion-MNIST (input: uint8 image / 255,
  float32 NCHW [N, 1, 28, 28]; output: logits [N, 10]); its recipe holds the float accuracy
  measured on the full 10,000-image test set.
- ``TEST_SLICE``: 2,000 test images (200 per class), ``CALIBRATION``: 1,000 training images
  (100 per class); each an .npz of uint8 ``images`` [N, 28, 28], ``labels`` and ``indices``
  into the original split.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
MODEL = HERE / "fmnist_dwsep.pedge"
MODEL_INFO = HERE / "fmnist_dwsep.json"
TEST_SLICE = HERE / "fmnist_test2k.npz"
CALIBRATION = HERE / "fmnist_calib1k.npz"


def load_images(path: str | Path = TEST_SLICE) -> tuple[np.ndarray, np.ndarray]:
    """(model input float32 [N, 1, 28, 28], labels int64 [N]) from a demo .npz file."""
    with np.load(path, allow_pickle=False) as z:
        images, labels = z["images"], z["labels"]
    x = (images.astype(np.float32) / np.float32(255))[:, None]  # [N, 1, 28, 28]
    return np.ascontiguousarray(x), labels.astype(np.int64)
