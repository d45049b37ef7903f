#!/usr/bin/python3
"""Times the official U2PL training step (Haochen-Wang409/U2PL, train_semi.py's train()) on the CPU
in the reference setting of bench/u2pl_step.sh: ResNet-50 DeepLabv3+ with the official VOC network
settings (experiments/pascal/1464/ours/config.yaml: output stride 8, multi-grid, ASPP dilations
12/24/36, representation head, 21 classes), 2 labelled + 2 unlabelled random images of 97x97, a
memory bank filled to its size before timing.

Nothing of the official code is copied here: the script adds a checkout of it to sys.path and calls
its own train() for a few steps, with stand-in loaders of random tensors. Extract a checkout with
    git -C /work/.mirror/Haochen-Wang409+U2PL/repo archive HEAD | tar -x -C /tmp/u2pl-official
and run (needs Debian's python3-torch and numpy; the bench script passes these):
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tools/official_u2pl_step.py --official /tmp/u2pl-official --threads 2

What had to change for a single CPU process, all from outside their code (see PATCHES below):
  - torch.Tensor.cuda and nn.Module.cuda return their object: the step calls .cuda() on tensors.
  - net.sync_bn is False: nn.SyncBatchNorm raises on CPU tensors; with one process it computes
    F.batch_norm, which is what nn.BatchNorm2d computes.
  - net.encoder.kwargs.pretrained is False (their resnet50 defaults to loading ImageNet weights
    from a local path); the weights do not change the step's cost.
  - Modules imported at load time but not used by the step are stubs: scipy, scipy.ndimage, cv2,
    skimage.measure, torchvision.transforms, tensorboardX (not installed here).
  - torch.distributed: a gloo group of one process (world size 1), so all_reduce, barrier and
    all_gather_object run as in their code. The student and teacher are wrapped in
    DistributedDataParallel as in their main() (--no-ddp leaves them bare).
Timing hooks (forward hooks, wrappers of their functions) record where the time goes; they add a
few perf_counter calls per step. Prints one JSON object on stdout.

On a GPU (--device cuda; bench/gpu-check.sh) .cuda() is left as it is, cuDNN benchmark mode is on as
their main() sets it, their memory bank stays on the CPU as theirs does, and each step's end waits for
the GPU (torch.cuda.synchronize) before its time is taken; the phase breakdown then only says where the
host waited. --amp bf16 runs their train() under torch.autocast(bfloat16): their code has no mixed
precision, so that row is their step under PyTorch's autocast, our addition.
"""
import argparse
import contextlib
import copy
import json
import logging
import os
import sys
import tempfile
import time
import types
import official_stubs  # tools/official_stubs.py (the script's folder is on sys.path)

PATCHES = [
    "torch.Tensor.cuda / nn.Module.cuda return self (CPU run)",
    "net.sync_bn False (nn.SyncBatchNorm rejects CPU tensors; world size 1 computes plain batch norm)",
    "net.encoder.type resnet50 with pretrained False (no ImageNet file; weights do not change the cost)",
    "stub modules for imports the step does not use: scipy, scipy.ndimage, cv2, skimage.measure, torchvision.transforms, tensorboardX",
    "torch.distributed: gloo process group of world size 1",
]


# The parts bench/SemiSeg.Bench/StepReport.cs reports, with the same names; unnamed phases go to "other".
# The official memory-bank sampling (a clone of the whole class queue, then an index) sits inside
# compute_contra_memobank_loss and so counts as contrastive loss here.
GROUPS = [
    ("data wait", ["data (random batch)"]),
    ("teacher forward (pseudo-label pass + second pass)", ["teacher pseudo-labels (eval)", "teacher second pass (train mode)"]),
    ("student forward + backward", ["student forward", "backward"]),
    ("contrastive loss (without memory bank)", ["contrastive loss"]),
    ("memory bank (enqueue + sample)", ["memory bank enqueue"]),
    ("optimizer + EMA", ["optimizer (SGD step)", "EMA, loss all_reduce and logging"]),
    ("other (mix, supervised and unsupervised losses, loss read, freeing)", []),
]


def grouped(breakdown):
    named = {p for _, phases in GROUPS for p in phases}
    return {group: sum(v for k, v in breakdown.items() if (k in phases if phases else k not in named))
            for group, phases in GROUPS}


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--official", required=True, help="folder of an extracted U2PL checkout (has train_semi.py)")
    p.add_argument("--threads", type=int, default=2)
    p.add_argument("--steps", type=int, default=20, help="timed steps")
    p.add_argument("--warmup", type=int, default=3, help="untimed steps first")
    p.add_argument("--crop", type=int, default=97)
    p.add_argument("--batch", type=int, default=2, help="labelled and unlabelled images per step, each")
    p.add_argument("--encoder", default="u2pl.models.resnet.resnet50")
    p.add_argument("--no-ddp", action="store_true", help="do not wrap the models in DistributedDataParallel")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", choices=["cpu", "cuda"], default="cpu")
    p.add_argument("--amp", choices=["none", "bf16"], default="none", help="run train() under torch.autocast (cuda only)")
    p.add_argument("--backend", choices=["gloo", "nccl"], help="torch.distributed backend (default: nccl on cuda, gloo on cpu)")
    return p.parse_args()


def install_stubs():
    """Empty modules for imports that exist only for code the step never runs."""
    official_stubs.install("tools/official_u2pl_step.py")


class PhaseTimer:
    """Exclusive seconds per phase: time goes to the innermost open phase, else to `base`."""

    def __init__(self):
        self.seconds = {}
        self.stack = []
        self.base = "train() body"
        self.last = time.perf_counter()

    def _charge(self):
        now = time.perf_counter()
        name = self.stack[-1] if self.stack else self.base
        self.seconds[name] = self.seconds.get(name, 0.0) + now - self.last
        self.last = now

    def begin(self, name):
        self._charge()
        self.stack.append(name)

    def end(self):
        self._charge()
        self.stack.pop()

    def set_base(self, name):
        self._charge()
        self.base = name

    def wrap(self, name, fn):
        def timed(*args, **kwargs):
            self.begin(name)
            try:
                return fn(*args, **kwargs)
            finally:
                self.end()
        return timed

    def hook_module(self, module, name_of):
        module.register_forward_pre_hook(lambda m, _: self.begin(name_of(m)))
        module.register_forward_hook(lambda m, _, __: self.end())


class RandomLoader:
    """Stands in for their DataLoader: `steps` batches of random images and labels, timestamped."""

    class _Sampler:
        def set_epoch(self, _):
            pass

    def __init__(self, steps, batch, crop, classes, generator, timer, on_next=None):
        self.steps, self.batch, self.crop, self.classes = steps, batch, crop, classes
        self.generator, self.timer, self.on_next = generator, timer, on_next
        self.sampler = self._Sampler()

    def __len__(self):
        return self.steps

    def __iter__(self):
        return self

    def next(self):  # their loop calls it.next()
        import torch
        if self.on_next:
            self.on_next()
        self.timer.begin("data (random batch)")
        images = torch.randn(self.batch, 3, self.crop, self.crop, generator=self.generator)
        labels = torch.randint(0, self.classes, (self.batch, self.crop, self.crop), generator=self.generator)
        self.timer.end()
        return images, labels

    __next__ = next


def main():
    args = parse_args()
    install_stubs()
    sys.path.insert(0, os.path.abspath(args.official))
    import numpy as np
    import torch
    import torch.distributed as dist
    import torch.nn as nn
    import yaml

    cuda = args.device == "cuda"
    if not cuda:
        torch.Tensor.cuda = lambda self, *a, **k: self
        nn.Module.cuda = lambda self, *a, **k: self
    else:
        torch.backends.cudnn.enabled = True
        torch.backends.cudnn.benchmark = True  # train_semi.py main()
    if args.amp != "none" and not cuda:
        raise SystemExit("--amp needs --device cuda")
    torch.set_num_threads(args.threads)
    torch.manual_seed(args.seed)
    np.random.seed(args.seed)

    store = tempfile.NamedTemporaryFile(prefix="u2pl-gloo-", delete=False)
    store.close()
    os.remove(store.name)
    # Their runs use NCCL (u2pl/utils/dist_helper.py); on the CPU gloo, the CPU's backend. Gloo cannot
    # all_gather CUDA tensors, which their memory bank's enqueue does.
    backend = args.backend or ("nccl" if cuda else "gloo")
    dist.init_process_group(backend, init_method=f"file://{store.name}", rank=0, world_size=1)

    import train_semi
    from u2pl.models.model_helper import ModelBuilder
    from u2pl.utils import loss_helper
    from u2pl.utils.lr_helper import get_optimizer, get_scheduler

    with open(os.path.join(args.official, "experiments/pascal/1464/ours/config.yaml")) as f:
        cfg = yaml.load(f, Loader=yaml.Loader)
    cfg["net"]["sync_bn"] = False
    cfg["net"]["encoder"]["type"] = args.encoder
    cfg["net"]["encoder"]["kwargs"]["pretrained"] = False
    cfg["dataset"]["batch_size"] = args.batch
    train_semi.cfg = cfg
    num_classes = cfg["net"]["num_classes"]

    # As their main(): student, backbone lr x1 and heads x10 (pascal), teacher without gradients.
    model = ModelBuilder(copy.deepcopy(cfg["net"]))
    cfg_optim = cfg["trainer"]["optimizer"]
    params_list = [dict(params=model.encoder.parameters(), lr=cfg_optim["kwargs"]["lr"]),
                   dict(params=model.decoder.parameters(), lr=cfg_optim["kwargs"]["lr"] * 10)]
    optimizer = get_optimizer(params_list, cfg_optim)
    teacher = ModelBuilder(copy.deepcopy(cfg["net"]))
    teacher.load_state_dict(model.state_dict())
    if cuda:  # as their main(): model.cuda(), model_teacher.cuda()
        model, teacher = model.cuda(), teacher.cuda()
    student_net, teacher_net = model, teacher
    if not args.no_ddp:
        model = nn.parallel.DistributedDataParallel(model, find_unused_parameters=False)
        teacher = nn.parallel.DistributedDataParallel(teacher, find_unused_parameters=False)
    for p in teacher.parameters():
        p.requires_grad = False
    sup_loss_fn = loss_helper.get_criterion(cfg)
    parameters = sum(p.numel() for p in student_net.parameters())

    # Their memory bank layout, filled to its size (standard normal features) before timing.
    feat = 256
    queue_size = [50000] + [30000] * (num_classes - 1)
    memobank = [[torch.randn(queue_size[c], feat)] for c in range(num_classes)]
    queue_ptrlis = [torch.zeros(1, dtype=torch.long) for _ in range(num_classes)]

    timer = PhaseTimer()
    timer.hook_module(student_net, lambda m: "student forward")
    timer.hook_module(teacher_net, lambda m: "teacher second pass (train mode)" if m.training else "teacher pseudo-labels (eval)")
    timer.hook_module(sup_loss_fn, lambda m: "supervised loss")
    train_semi.generate_unsup_data = timer.wrap("strong mix (cutmix)", train_semi.generate_unsup_data)
    train_semi.compute_unsupervised_loss = timer.wrap("unsupervised loss", train_semi.compute_unsupervised_loss)
    train_semi.compute_contra_memobank_loss = timer.wrap("contrastive loss", train_semi.compute_contra_memobank_loss)
    loss_helper.dequeue_and_enqueue = timer.wrap("memory bank enqueue", loss_helper.dequeue_and_enqueue)
    torch.Tensor.backward = timer.wrap("backward", torch.Tensor.backward)
    optimizer_step = timer.wrap("optimizer (SGD step)", optimizer.step)

    def step_then_ema(*a, **k):
        result = optimizer_step(*a, **k)
        timer.set_base("EMA, loss all_reduce and logging")
        return result

    optimizer.step = step_then_ema

    logger = logging.getLogger("official_u2pl_step")
    logger.addHandler(logging.NullHandler())
    logger.propagate = False
    tb = types.SimpleNamespace(add_scalar=lambda *a, **k: None)
    generator = torch.Generator().manual_seed(args.seed)
    # Past the warm start (sup_only_epoch is 1 when absent) and past epoch 1, in which their loop points the
    # teacher's parameters at the student's before every step; the C# benchmark times the same epoch.
    epoch = 2

    def run(steps, stamps):
        def mark():
            if cuda:
                torch.cuda.synchronize()
            timer.set_base("train() body")
            stamps.append(time.perf_counter())
        loader_l = RandomLoader(steps, args.batch, args.crop, num_classes, generator, timer, on_next=mark)
        loader_u = RandomLoader(steps, args.batch, args.crop, num_classes, generator, timer)
        optimizer_start = get_optimizer(params_list, cfg_optim)
        scheduler = get_scheduler(cfg["trainer"], steps, optimizer_start, start_epoch=epoch)
        autocast = torch.autocast("cuda", dtype=torch.bfloat16) if args.amp == "bf16" else contextlib.nullcontext()
        with autocast:
            train_semi.train(model, teacher, optimizer, scheduler, sup_loss_fn, loader_l, loader_u, epoch, tb, logger,
                             memobank, queue_ptrlis, queue_size)
        if cuda:
            torch.cuda.synchronize()
        stamps.append(time.perf_counter())

    load_before = os.getloadavg()
    run(args.warmup, [])
    timer.seconds.clear()
    timer.last = time.perf_counter()
    stamps = []
    run(args.steps, stamps)
    load_after = os.getloadavg()
    times = [b - a for a, b in zip(stamps, stamps[1:])]
    breakdown = {k: v / args.steps for k, v in sorted(timer.seconds.items(), key=lambda kv: -kv[1])}
    print(json.dumps({
        "torch": torch.__version__,
        "device": torch.cuda.get_device_name(0) if cuda else "cpu",
        "amp": args.amp,
        "max_memory_allocated_gib": torch.cuda.max_memory_allocated() / 2**30 if cuda else None,
        "threads": torch.get_num_threads(),
        "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY", "unset"),
        "ddp": not args.no_ddp,
        "encoder": args.encoder,
        "batch": f"{args.batch}+{args.batch}",
        "crop": args.crop,
        "parameters": parameters,
        "steps": args.steps,
        "warmup": args.warmup,
        "step_seconds": times,
        "mean_seconds": sum(times) / len(times),
        "median_seconds": sorted(times)[len(times) // 2],
        "breakdown_seconds": breakdown,
        "groups": grouped(breakdown),
        "bank_sizes": [int(q[0].shape[0]) for q in memobank],
        "load_before": load_before,
        "load_after": load_after,
        "patches": ([p for p in PATCHES[1:] if "gloo" not in p] + [f"torch.distributed: {backend} process group of world size 1"])
                   if cuda else PATCHES,
        "backend": backend,
    }, indent=1))
    dist.destroy_process_group()


if __name__ == "__main__":
    main()
