"""Losses returning (mean loss, gradient w.r.t. the prediction): cross-entropy, knowledge
distillation (soft teacher targets at temperature T) and feature-map MSE."""

from __future__ import annotations

import numpy as np


def log_softmax(z: np.ndarray) -> np.ndarray:
    """Row-wise log-softmax of logits ``z[N, C]``, computed stably."""
    z = z - z.max(axis=1, keepdims=True)
    return z - np.log(np.exp(z).sum(axis=1, keepdims=True))


def _check(logits: np.ndarray) -> None:
    if not isinstance(logits, np.ndarray) or logits.ndim != 2:
        raise ValueError(f"logits must be a 2-D array [N, C], got "
                         f"{getattr(logits, 'shape', type(logits).__name__)}")


def cross_entropy(logits: np.ndarray, labels: np.ndarray, *,
                  label_smoothing: float = 0.0) -> tuple[float, np.ndarray]:
    """Mean cross-entropy of ``logits[N, C]`` against integer ``labels[N]``.

    Returns
    -------
    (loss, dloss/dlogits) with the gradient in the logits' dtype.
    """
    _check(logits)
    labels = np.asarray(labels)
    if labels.shape != (logits.shape[0],) or labels.dtype.kind not in "iu":
        raise ValueError(f"labels must be integers of shape ({logits.shape[0]},)")
    n, c = logits.shape
    logp = log_softmax(logits.astype(np.float64))
    target = np.full((n, c), label_smoothing / c)
    target[np.arange(n), labels] += 1 - label_smoothing
    loss = -(target * logp).sum() / n
    grad = (np.exp(logp) - target) / n
    return float(loss), grad.astype(logits.dtype)


def kd_loss(student: np.ndarray, teacher: np.ndarray, labels: np.ndarray | None = None, *,
            alpha: float = 0.9, temperature: float = 4.0) -> tuple[float, np.ndarray]:
    """Hinton distillation: ``alpha * T^2 * KL(softmax(t/T) || softmax(s/T)) + (1 - alpha) * CE``.

    Parameters
    ----------
    student, teacher : logits [N, C]
    labels : integer labels [N]; None for unlabelled data, where the teacher's arg-max
        labels stand in for them (teacher labels only)
    alpha : weight of the soft term in [0, 1]
    temperature : T > 0
    """
    _check(student)
    if teacher.shape != student.shape:
        raise ValueError(f"teacher logits {teacher.shape} differ from student {student.shape}")
    if not 0 <= alpha <= 1 or temperature <= 0:
        raise ValueError(f"need 0 <= alpha <= 1 and temperature > 0, got {alpha}, "
                         f"{temperature}")
    if labels is None:
        labels = teacher.argmax(axis=1)
    n = student.shape[0]
    t = float(temperature)
    ls = log_softmax(student.astype(np.float64) / t)
    lt = log_softmax(teacher.astype(np.float64) / t)
    pt = np.exp(lt)
    kl = (pt * (lt - ls)).sum() / n
    soft_grad = (np.exp(ls) - pt) * (t / n)  # d(T^2 KL)/ds
    loss = alpha * t * t * kl
    grad = alpha * soft_grad
    if alpha < 1:
        ce, ce_grad = cross_entropy(student.astype(np.float64), labels)
        loss += (1 - alpha) * ce
        grad = grad + (1 - alpha) * ce_grad
    return float(loss), grad.astype(student.dtype)


def feature_mse(student: np.ndarray, teacher: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean squared difference of two same-shape feature maps (layer-wise distillation)."""
    if student.shape != teacher.shape:
        raise ValueError(f"feature shapes differ: student {student.shape}, teacher "
                         f"{teacher.shape}")
    d = student.astype(np.float64) - teacher
    return float((d * d).mean()), (2 * d / d.size).astype(student.dtype)
