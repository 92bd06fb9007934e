"""``pyedge finetune``: distillation, quantization-aware training and gradual pruning from the
command line."""

from __future__ import annotations


def parse_prune_schedule(spec: str, total_steps: int):
    """``poly:FINAL[:START:END[:FREQ]]`` (START/END as fractions of the run, default 0 and
    0.6; FREQ steps between mask updates, default 50) or ``const:SPARSITY``."""
    from pyedge.compress.schedule import constant, polynomial

    parts = spec.split(":")
    try:
        if parts[0] == "const" and len(parts) == 2:
            return constant(float(parts[1]), 0)
        if parts[0] == "poly" and len(parts) in (2, 4, 5):
            start, end = (float(parts[2]), float(parts[3])) if len(parts) >= 4 else (0.0, 0.6)
            freq = int(parts[4]) if len(parts) == 5 else 50
            return polynomial(0.0, float(parts[1]), int(start * total_steps),
                              max(int(end * total_steps), int(start * total_steps)),
                              frequency=freq)
    except ValueError as exc:
        raise ValueError(f"--prune-schedule {spec!r}: {exc}") from None
    raise ValueError(f"--prune-schedule {spec!r} must be poly:FINAL[:START:END[:FREQ]] or "
                     f"const:SPARSITY")


def parse_distill(spec: str) -> tuple[float, float]:
    """``alpha,T`` -> (alpha, temperature)."""
    try:
        alpha, t = (float(v) for v in spec.split(","))
    except ValueError:
        raise ValueError(f"--distill must be alpha,T (e.g. 0.7,4), got {spec!r}") from None
    return alpha, t


def _cmd_finetune(args) -> int:
    from pyedge import config
    from pyedge.train import GraphModule
    from pyedge.train.data import load_data
    from pyedge.train.loop import TrainConfig, fit

    if args.threads:
        config.set_num_threads(args.threads)
    student = GraphModule.load(args.model)
    teacher = GraphModule.load(args.teacher) if args.teacher else None
    x, y = load_data(args.data)
    if args.unlabelled:
        y = None
    alpha, temperature = parse_distill(args.distill) if args.distill else (0.0, 1.0)
    if teacher is None and (args.distill or y is None):
        raise ValueError("--distill and unlabelled data need --teacher")
    steps = -(-len(x) // args.batch) * args.epochs
    callbacks = []
    if args.prune_schedule:
        from pyedge.train.pruning import GradualPruning

        callbacks.append(GradualPruning(student, parse_prune_schedule(args.prune_schedule,
                                                                      steps)))
    if args.qat:
        from pyedge.train.qat import prepare_qat

        table = {"w8a8": 8, "w4a8": 4}
        if args.qat not in table:
            raise ValueError(f"--qat must be one of {sorted(table)}, got {args.qat!r}")
        prepare_qat(student, weight_bits=table[args.qat], act_bits=8)
        for s in range(0, min(len(x), 2048), 512):  # initial activation ranges
            student.forward({student.graph.inputs[0].name: x[s:s + 512]}, train=True)
    cfg = TrainConfig(epochs=args.epochs, batch_size=args.batch, optimizer=args.optimizer,
                      lr=args.lr, weight_decay=args.weight_decay, schedule=args.schedule,
                      seed=args.seed, alpha=alpha, temperature=temperature,
                      progress=not args.quiet)
    evaluate = None
    if args.eval:
        xe, ye = load_data(args.eval)

        def evaluate(m):
            out = m.forward({m.graph.inputs[0].name: xe}, train=False)
            return float((out[m.graph.outputs[0]].argmax(1) == ye).mean())

    hist = fit(student, x, y, teacher=teacher, config=cfg, callbacks=callbacks,
               checkpoint=args.checkpoint, resume=args.resume, evaluate=evaluate)
    recipe = dict(student.recipe)
    recipe["finetune"] = {"epochs": args.epochs, "qat": args.qat,
                          "prune_schedule": args.prune_schedule, "distill": args.distill,
                          "history": hist}
    if args.qat:
        import pyedge.format as pedge_format
        from pyedge.train.qat import export_quantized

        graph, weights, _ = export_quantized(student)
        pedge_format.write(args.output, weights, graph=graph.to_json(), recipe=recipe)
    else:
        student.save(args.output, recipe=recipe)
    for row in hist:
        acc = f", accuracy {100 * row['accuracy']:.2f} %" if "accuracy" in row else ""
        print(f"epoch {row['epoch']}: loss {row['loss']:.4f}{acc} ({row['seconds']:.0f} s)")
    print(f"wrote {args.output}")
    return 0


def add_finetune_command(sub) -> None:
    """``pyedge finetune`` (appended to the CLI's subcommands)."""
    f = sub.add_parser("finetune", help="fine-tune a .pedge model: distillation, QAT, "
                       "gradual pruning")
    f.add_argument("model", help="the .pedge model to train (the student)")
    f.add_argument("--teacher", help="float .pedge teacher for distillation")
    f.add_argument("--data", required=True,
                   help="train.npz (x or images, optional y or labels) or fashion-mnist")
    f.add_argument("--unlabelled", action="store_true", help="ignore labels (teacher only)")
    f.add_argument("--epochs", type=int, default=1)
    f.add_argument("--batch", type=int, default=128)
    f.add_argument("--lr", type=float, default=1e-3)
    f.add_argument("--optimizer", choices=["adam", "sgd"], default="adam")
    f.add_argument("--weight-decay", type=float, default=0.0)
    f.add_argument("--schedule", choices=["cosine", "step", "constant"], default="cosine")
    f.add_argument("--qat", help="w4a8 or w8a8: fake-quantize, export integer encodings")
    f.add_argument("--prune-schedule", help="poly:FINAL[:START:END[:FREQ]] or const:S")
    f.add_argument("--distill", help="alpha,T (e.g. 0.7,4)")
    f.add_argument("--eval", help="evaluation data after each epoch (.npz or "
                   "fashion-mnist:test)")
    f.add_argument("--checkpoint", help="checkpoint .pedge rewritten after every epoch")
    f.add_argument("--resume", action="store_true", help="continue from --checkpoint")
    f.add_argument("--seed", type=int, default=0)
    f.add_argument("--threads", type=int, default=None)
    f.add_argument("--quiet", action="store_true", help="no progress bars")
    f.add_argument("--output", "-o", required=True, help="the .pedge file to write")
    f.set_defaults(func=_cmd_finetune)
