#!/usr/bin/python3
"""Writes tests/SemiSeg.Tests/Fixtures/official/: a checkpoint saved the way the official U2PL trainer saves one,
the state-dict keys of the official networks, and NumPy scalars as torch.save pickles them.

Rerun (from the repository root, with the Debian python3-torch and python3-numpy):

    /usr/bin/python3 tools/make_official_checkpoint.py [U2PL_REPO]

U2PL_REPO is a git clone (bare or not) of github.com/Haochen-Wang409/U2PL holding commit ab3d2be; by default the
mirror this project was built next to (/work/.mirror/Haochen-Wang409+U2PL/repo). The script extracts u2pl/ and
experiments/ of that commit into a temporary folder with `git archive` and imports the official modules from there.

It writes:
  - official_state_keys.json  state-dict keys and shapes, in PyTorch's order, of the networks that the official
                              ModelBuilder builds from the four official configs (pascal/1464 ours and suponly,
                              cityscapes/744 ours and suponly; sync_bn True as they say, so SyncBatchNorm layers)
  - official_checkpoint.pth   {"epoch", "model_state", "optimizer_state", "teacher_state", "best_miou"} as
                              train_semi.py saves it: state dicts of DistributedDataParallel-wrapped student and
                              teacher ("module." prefix), the SGD state dict with the official param groups
                              (encoder at lr, then auxor and decoder at lr x times), best_miou an np.float64.
                              The network is small: ResNet-18 (deep stem) DeepLabv3+ with representation and aux
                              heads at narrow widths. The official modules hard-wire 256-channel decoder layers
                              (and their ResNet-18 refuses dilation), so a small network cannot be built from them;
                              it is built with tools/make_model_fixtures.py's modules, whose parameter names this
                              script first checks, key for key and shape for shape, against the official modules
                              for all four official configs.
  - official_checkpoint_expected.pth  one input and the eval-mode outputs of the student and the teacher
  - numpy_scalars_p2.pth, numpy_scalars_p4.pth  a dict of NumPy scalars saved with pickle protocol 2 (torch.save's
                              default, bytes as _codecs.encode) and protocol 4 (bytes as BINBYTES)
  - numpy_array.pth           a NumPy array, which the reader refuses by name
"""
import copy
import json
import os
import subprocess
import sys
import tempfile

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F
import yaml

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "tests", "SemiSeg.Tests", "Fixtures", "official")
COMMIT = "ab3d2be313d4d6b2885e7a0213d4fce82a803b79"
DEFAULT_REPO = "/work/.mirror/Haochen-Wang409+U2PL/repo"
CONFIGS = {
    "pascal_1464_ours": "experiments/pascal/1464/ours/config.yaml",
    "pascal_1464_suponly": "experiments/pascal/1464/suponly/config.yaml",
    "cityscapes_744_ours": "experiments/cityscapes/744/ours/config.yaml",
    "cityscapes_744_suponly": "experiments/cityscapes/744/suponly/config.yaml",
}

sys.path.insert(0, HERE)
from make_model_fixtures import Net  # noqa: E402  (same folder; its main() does not run on import)


def extract_official(repo, folder):
    archive = subprocess.run(["git", "-C", repo, "archive", COMMIT, "u2pl", "experiments"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", folder], input=archive, check=True)
    sys.path.insert(0, folder)


def official_net_config(folder, name):
    with open(os.path.join(folder, CONFIGS[name])) as f:
        net = yaml.safe_load(f)["net"]
    net["encoder"]["kwargs"]["pretrained"] = False  # resnet101() would load ImageNet weights from /path/to/...
    return net


def state_keys(module):
    return [[k, list(v.shape)] for k, v in module.state_dict().items()]


def our_modules_net(net_cfg):
    """The same network from make_model_fixtures.Net, configured from an official net: section."""
    dec = net_cfg["decoder"]["kwargs"]
    return Net(depth=101, num_classes=net_cfg["num_classes"], rep_head=dec.get("rep_head", True),
               aux="aux_loss" in net_cfg, inner=dec["inner_planes"], dilations=tuple(dec["dilations"]))


def official_keys(folder):
    from u2pl.models.model_helper import ModelBuilder
    keys = {}
    for name in CONFIGS:
        net_cfg = official_net_config(folder, name)
        official = ModelBuilder(copy.deepcopy(net_cfg))
        keys[name] = state_keys(official)
        # The modules the checkpoint below is built with name and shape every tensor as the official ones do.
        assert state_keys(our_modules_net(net_cfg)) == keys[name], f"make_model_fixtures.Net differs from the official {name}"
    return keys


class DistributedNames(nn.Module):
    """What DistributedDataParallel adds to a state dict: the wrapped network under the attribute "module"."""

    def __init__(self, module):
        super().__init__()
        self.module = module


SMALL = dict(depth=18, num_classes=19, width=4, deep_stem=True, dilate=(False, True, True), multi_grid=True,
             aux=True, inner=8, head=8, rep=8, aux_hidden=8, dilations=(12, 24, 36))
LR, MOMENTUM, WEIGHT_DECAY, TIMES, EPOCHS, STEPS_PER_EPOCH = 0.01, 0.9, 0.0005, 1, 200, 3  # cityscapes values


def randomise_batchnorm(net):
    """Random affine parameters, so that loading the wrong tensor into a BatchNorm shows in the outputs."""
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)


def official_checkpoint():
    """A few steps of train_semi.py's loop on random data, then its torch.save(state, "ckpt.pth")."""
    torch.manual_seed(2)
    student = Net(**SMALL)
    randomise_batchnorm(student)
    teacher = copy.deepcopy(student)
    for p in teacher.parameters():
        p.requires_grad = False
    # modules_back = [encoder], modules_head = [auxor, decoder] (aux_loss on), heads at lr * times.
    params_list = [dict(params=student.encoder.parameters(), lr=LR)]
    params_list += [dict(params=m.parameters(), lr=LR * TIMES) for m in (student.auxor, student.decoder)]
    optimizer = torch.optim.SGD(params_list, lr=LR, momentum=MOMENTUM, weight_decay=WEIGHT_DECAY)
    base_lrs = [g["lr"] for g in optimizer.param_groups]
    student.train()
    teacher.train()
    for step in range(STEPS_PER_EPOCH):
        image = torch.randn(2, 3, 33, 33)
        label = torch.randint(0, SMALL["num_classes"], (2, 33, 33))
        out = student(image)
        pred = F.interpolate(out["pred"], size=(33, 33), mode="bilinear", align_corners=True)
        aux = F.interpolate(out["aux"], size=(33, 33), mode="bilinear", align_corners=True)
        loss = F.cross_entropy(pred, label) + 0.4 * F.cross_entropy(aux, label)
        optimizer.zero_grad()
        loss.backward()
        optimizer.step()
        # LRScheduler (poly, power 0.9) over epochs * len(loader) iterations.
        for group, base in zip(optimizer.param_groups, base_lrs):
            group["lr"] = base * (1 - (step + 1) / (EPOCHS * STEPS_PER_EPOCH)) ** 0.9
        with torch.no_grad():
            teacher(image)  # the teacher runs in train mode too: its BatchNorm statistics move on their own
            decay = min(1 - 1 / (step + 1), 0.99)
            for t, s in zip(teacher.parameters(), student.parameters()):
                t.data = decay * t.data + (1 - decay) * s.data
    state = {
        "epoch": 1,
        "model_state": DistributedNames(student).state_dict(),
        "optimizer_state": optimizer.state_dict(),
        "teacher_state": DistributedNames(teacher).state_dict(),
        # validate() returns np.mean(iou_class) over float64 arrays: an np.float64.
        "best_miou": np.float64(0.4217391304347826),
    }
    torch.save(state, os.path.join(OUT, "official_checkpoint.pth"))

    student.eval()
    teacher.eval()
    x = torch.randn(1, 3, 41, 37)
    with torch.no_grad():
        s, t = student(x), teacher(x)
    expected = {"input": x, "student_pred": s["pred"], "student_rep": s["rep"], "student_aux": s["aux"],
                "teacher_pred": t["pred"], "teacher_rep": t["rep"], "teacher_aux": t["aux"]}
    torch.save(expected, os.path.join(OUT, "official_checkpoint_expected.pth"))
    return {k: (list(v) if isinstance(v, tuple) else v) for k, v in SMALL.items()}


def numpy_scalars():
    values = {
        "float64": np.float64(0.4217391304347826), "float32": np.float32(0.25), "float16": np.float16(-1.5),
        "int64": np.int64(-3_000_000_000), "int32": np.int32(-7), "int16": np.int16(300), "int8": np.int8(-128),
        "uint8": np.uint8(200), "uint64": np.uint64(2 ** 40), "bool_true": np.bool_(True), "bool_false": np.bool_(False),
    }
    torch.save(values, os.path.join(OUT, "numpy_scalars_p2.pth"))
    torch.save(values, os.path.join(OUT, "numpy_scalars_p4.pth"), pickle_protocol=4)
    torch.save({"iou_class": np.array([0.5, 0.25])}, os.path.join(OUT, "numpy_array.pth"))  # an array, which is refused


def main():
    repo = sys.argv[1] if len(sys.argv) > 1 else DEFAULT_REPO
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    with tempfile.TemporaryDirectory() as folder:
        extract_official(repo, folder)
        keys = official_keys(folder)
    small = official_checkpoint()
    numpy_scalars()
    with open(os.path.join(OUT, "official_state_keys.json"), "w") as f:
        json.dump({"torch": torch.__version__, "numpy": np.__version__, "u2pl_commit": COMMIT,
                   "checkpoint_network": small, "networks": keys}, f)


if __name__ == "__main__":
    main()
