"""Training on pyedge graphs without a framework: gradients, losses, optimizers, QAT, pruning."""

from pyedge.train.module import GraphModule

__all__ = ["GraphModule"]
