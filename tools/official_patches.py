"""Run-time patches that let the official U2PL code (Haochen-Wang409/U2PL, commit ab3d2be) train on
CPU processes with Debian 12's Python 3.11 and torch 1.13, without changing a file of it. Used by
tools/official_u2pl_train.py; PATCHES is recorded in every run's summary.json and official.json.
"""
import collections
import collections.abc
import math
import os
import sys
import types

PATCHES = [
    "torch.Tensor.cuda and nn.Module.cuda return their object (CPU processes)",
    "u2pl.utils.dist_helper.setup_distributed: a gloo process group of --world-size processes (file store) "
    "instead of NCCL with SLURM/torch.cuda.set_device; returns (rank, world size) as theirs",
    "torch.nn.parallel.DistributedDataParallel: device_ids/output_device dropped (they name a GPU; a CPU module takes none)",
    "net.sync_bn: True with world size 1 runs as False (nn.SyncBatchNorm rejects CPU tensors; one process computes "
    "plain batch norm, as SyncBatchNorm does with a group of one); True with world size > 1 is refused",
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

    def unused(name):
        def fail(*_, **__):
            raise RuntimeError(f"{name} is a stub in tools/official_patches.py: this config reaches code the CPU run does not support")
        return fail

    def module(name, **attrs):
        m = types.ModuleType(name)
        for key, value in attrs.items():
            setattr(m, key, value)
        sys.modules[name] = m
        return m

    ndimage = module("scipy.ndimage", gaussian_filter=unused("scipy.ndimage.gaussian_filter"), zoom=unused("scipy.ndimage.zoom"))
    module("scipy", ndimage=ndimage)
    module("cv2", getRotationMatrix2D=rotation_matrix)
    measure = module("skimage.measure", label=unused("skimage.measure.label"), regionprops=unused("skimage.measure.regionprops"))
    module("skimage", measure=measure)
    transforms = module("torchvision.transforms")
    module("torchvision", transforms=transforms)

    class SummaryWriter:
        def __init__(self, *_, **__):
            pass

        def add_scalar(self, *_, **__):
            pass

    module("tensorboardX", SummaryWriter=SummaryWriter)


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
    collections.Iterable = collections.abc.Iterable
    dataloader._BaseDataLoaderIter.next = dataloader._BaseDataLoaderIter.__next__

    ddp = torch.nn.parallel.DistributedDataParallel

    class CpuDistributedDataParallel(ddp):
        def __init__(self, module, device_ids=None, output_device=None, **kwargs):
            super().__init__(module, **kwargs)

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


class CappedLoader:
    """A DataLoader whose len() is at most `cap`: their train() runs range(len(loader)) steps of it."""

    def __init__(self, loader, cap):
        self.loader, self.cap = loader, cap
        self.sampler, self.dataset, self.batch_size = loader.sampler, loader.dataset, loader.batch_size

    def __len__(self):
        return min(len(self.loader), self.cap)

    def __iter__(self):
        return iter(self.loader)
