"""Run-time patches that let the official U2PL code (Haochen-Wang409/U2PL, commit ab3d2be) train on
CPU processes with Debian 12's Python 3.11 and torch 1.13, without changing a file of it. Used by
tools/official_u2pl_train.py; PATCHES is recorded in every run's summary.json and official.json.
"""
import collections
import collections.abc
import math
import os
import sys
import official_stubs  # tools/official_stubs.py (the script's folder is on sys.path)

PATCHES = [
    "torch.Tensor.cuda, nn.Module.cuda and torch.UntypedStorage.cuda return their object (CPU processes; the last for "
    "load_state's map_location, which moves every loaded storage with storage.cuda(), reached with saver.pretrain)",
    "u2pl.utils.dist_helper.setup_distributed: a gloo process group of --world-size processes (file store) "
    "instead of NCCL with SLURM/torch.cuda.set_device; returns (rank, world size) as theirs",
    "torch.nn.parallel.DistributedDataParallel: device_ids/output_device dropped (they name a GPU; a CPU module takes none), "
    "and its check that refuses SyncBatchNorm layers in a CPU module skipped",
    "nn.SyncBatchNorm.forward on CPU tensors (torch rejects them): torch's own code path, with the synchronised "
    "statistics computed by differentiable all_reduce over the gloo group (global mean and biased variance for the "
    "output, unbiased for the running variance, gradients through the statistics summed over ranks, as torch's "
    "CUDA sync_batch_norm); with one process or in eval mode it is torch's F.batch_norm fallback, unchanged",
    "DataLoader iterators get .next (= __next__): train()/train_sup use iter.next(), removed from torch after 1.8",
    "collections.Iterable = collections.abc.Iterable: augmentation.py's RandResize/Crop/Resize checks (removed in Python 3.10)",
    "stub modules for imports on paths the translated config does not take: scipy.ndimage (OHEM zoom, GaussianBlur), "
    "skimage.measure, torchvision.transforms, tensorboardX (SummaryWriter records nothing); each stub raises if reached",
    "cv2.getRotationMatrix2D (RandRotate, only with rand_rotation): the same 2x3 matrix computed with math, OpenCV's formula",
    "u2pl.models.resnet.model_urls[<encoder>]: our encoder weights, key-checked and saved as official-backbone.pth "
    "(their '/path/to/resnetNN.pth' placeholder); loaded by their resnetNN(pretrained=True) into student and teacher",
    "u2pl.dataset.builder.get_loader: train loaders' len() capped at trainer.max_steps_per_epoch when the config sets it "
    "(ours: a CPU epoch cap; their loop and poly schedule run over len(loader_l))",
]


def install_stubs():
    """Modules their files import at load time but the translated config never reaches."""

    class SummaryWriter:  # their train_semi.py creates one on rank 0 and writes scalars to it
        def __init__(self, *_, **__):
            pass

        def add_scalar(self, *_, **__):
            pass

    official_stubs.install("tools/official_patches.py", replace={
        "cv2": lambda: official_stubs.module("cv2", getRotationMatrix2D=rotation_matrix),
        "tensorboardX": lambda: official_stubs.module("tensorboardX", SummaryWriter=SummaryWriter),
    })


def rotation_matrix(center, angle, scale):
    """cv2.getRotationMatrix2D: [[a, b, (1-a)cx - b cy], [-b, a, b cx + (1-a)cy]], a = s cos, b = s sin (degrees)."""
    import numpy as np
    a = scale * math.cos(math.radians(angle))
    b = scale * math.sin(math.radians(angle))
    cx, cy = center
    return np.array([[a, b, (1 - a) * cx - b * cy], [-b, a, b * cx + (1 - a) * cy]], dtype=np.float64)


def apply(official, rank, world_size, store, backbone_file, encoder_name, max_steps_per_epoch, threads):
    """Every patch in PATCHES, before their train_semi/train_sup module is imported (they import names from u2pl.*)."""
    install_stubs()
    if official not in sys.path:
        sys.path.insert(0, official)
    os.environ.update(RANK=str(rank), WORLD_SIZE=str(world_size), LOCAL_RANK="0")
    import torch
    import torch.distributed as dist
    import torch.nn as nn
    import torch.utils.data.dataloader as dataloader

    torch.set_num_threads(threads)
    torch.Tensor.cuda = lambda self, *a, **k: self
    nn.Module.cuda = lambda self, *a, **k: self
    torch.UntypedStorage.cuda = lambda self, *a, **k: self
    collections.Iterable = collections.abc.Iterable
    dataloader._BaseDataLoaderIter.next = dataloader._BaseDataLoaderIter.__next__

    nn.SyncBatchNorm.forward = cpu_sync_batch_norm_forward
    ddp = torch.nn.parallel.DistributedDataParallel

    class CpuDistributedDataParallel(ddp):
        def __init__(self, module, device_ids=None, output_device=None, **kwargs):
            super().__init__(module, **kwargs)

        def _passing_sync_batchnorm_handle(self, module):
            pass  # torch refuses SyncBatchNorm in a CPU module; its forward is patched above

    torch.nn.parallel.DistributedDataParallel = CpuDistributedDataParallel

    import u2pl.utils.dist_helper as dist_helper

    def setup_distributed(backend="nccl", port=None):
        dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=world_size)
        return rank, world_size

    dist_helper.setup_distributed = setup_distributed

    if backbone_file:
        import u2pl.models.resnet as resnet
        resnet.model_urls[encoder_name] = backbone_file

    if max_steps_per_epoch:
        import u2pl.dataset.builder as builder
        get_loader = builder.get_loader

        def capped_get_loader(cfg, seed=0):
            loaders = get_loader(cfg, seed=seed)
            train_loaders = [CappedLoader(loader, max_steps_per_epoch) for loader in loaders[:-1]]
            return (*train_loaders, loaders[-1])

        builder.get_loader = capped_get_loader


def cpu_sync_batch_norm_forward(self, input):
    """torch 1.13's SyncBatchNorm.forward with CPU tensors allowed and a CPU synchronised branch."""
    import torch
    import torch.distributed as dist
    import torch.distributed.nn.functional as dist_nn
    import torch.nn.functional as F
    self._check_input_dim(input)
    self._check_non_zero_input_channels(input)
    factor = 0.0 if self.momentum is None else self.momentum
    if self.training and self.track_running_stats:
        self.num_batches_tracked.add_(1)
        factor = 1.0 / self.num_batches_tracked.item() if self.momentum is None else self.momentum
    bn_training = self.training or (self.running_mean is None and self.running_var is None)
    running_mean = self.running_mean if not self.training or self.track_running_stats else None
    running_var = self.running_var if not self.training or self.track_running_stats else None
    group = self.process_group or dist.group.WORLD
    if not (bn_training and self.training) or dist.get_world_size(group) == 1:
        return F.batch_norm(input, running_mean, running_var, self.weight, self.bias, bn_training, factor, self.eps)
    channels = input.shape[1]
    x = input.transpose(0, 1).reshape(channels, -1)  # (C, N*H*W) of this rank
    count = torch.tensor([float(x.shape[1])], dtype=x.dtype)
    total = dist_nn.all_reduce(torch.cat([x.sum(1), count]), group=group)  # differentiable: backward sums over ranks
    n = total[-1]
    mean = total[:channels] / n
    squares = dist_nn.all_reduce(((x - mean[:, None]) ** 2).sum(1), group=group)
    var = squares / n  # biased, as batch norm normalises with
    if running_mean is not None:
        with torch.no_grad():
            running_mean.mul_(1 - factor).add_(factor * mean)
            running_var.mul_(1 - factor).add_(factor * var * n / (n - 1))
    shape = [1, channels] + [1] * (input.dim() - 2)
    out = (input - mean.view(shape)) * torch.rsqrt(var.view(shape) + self.eps)
    if self.weight is not None:
        out = out * self.weight.view(shape) + self.bias.view(shape)
    return out


class CappedLoader:
    """A DataLoader whose len() is at most `cap`: their train() runs range(len(loader)) steps of it."""

    def __init__(self, loader, cap):
        self.loader, self.cap = loader, cap
        self.sampler, self.dataset, self.batch_size = loader.sampler, loader.dataset, loader.batch_size

    def __len__(self):
        return min(len(self.loader), self.cap)

    def __iter__(self):
        return iter(self.loader)
