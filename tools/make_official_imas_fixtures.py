#!/usr/bin/python3
"""Writes the iMAS parity fixtures by RUNNING the official code (github.com/ZhenZHAO/iMAS), never by
restating it:

  tests/SemiSeg.Tests/Fixtures/imas/official_imas.json   hardness, mixed strong view, adaptive CutMix
                                                         (box, pairing, pasted tensors), unsupervised loss
  tests/SemiSeg.Tests/Fixtures/models/imas_official_step.{json,bin}
                                                         one whole official training step (train_semi.py
                                                         train(), one iteration) on a tiny network: its
                                                         inputs, weights, losses, scores, batch-norm statistics

Rerun from the repository root with a checkout of the official repository (Debian's python3-torch and
python3-numpy; nothing else):

    git clone https://github.com/ZhenZHAO/iMAS /path/to/iMAS
    /usr/bin/python3 tools/make_official_imas_fixtures.py --official /path/to/iMAS

What is executed: imas/utils/loss_helper.py compute_ulb_hardness_all, compute_ulb_hardness_miou,
compute_unsupervised_loss_by_threshold; imas/dataset/cutmix_tensor.py cut_mix_by_hardness (with
rand_bbox_by_v); imas/models/decoder.py dec_deeplabv3_plus and Aux_Module (weights drawn as rand * a + b
from a seeded generator in state-dict order, recorded so that the test draws ours identically); the
"3. apply mixup between strong and weak" block of train_semi.py train() (its source lines, cut out by their
comment markers and exec'd); and train_semi.py train() itself for one iteration.
The official commit is recorded in both fixtures.

Patched at run time only, for a CPU machine without the official environment: Tensor.cuda and
Module.cuda return self; imports that the code run here never uses (scipy, cv2, torchvision, skimage,
yaml, pandas, torch.utils.tensorboard, and imas.dataset.hardness, which the repository does not
contain) are stubs that raise if called; np.int (removed in numpy 1.24, used by rand_bbox_by_v) is
int; torch.distributed is a real one-process gloo group (file rendezvous, no network).

Random draws. The official step draws from two generators: numpy's legacy mt19937 (the strong/weak pick
when flag_augs_mixup_by_hard is False, the CutMix trigger, the box centres) and Python's `random` (the
box side v). Our ImasMethod mirrors that with two libtorch CPU generators (mt19937 too, same seeding as
numpy's `np.random.seed(int)`), and the fixtures pin the draws as follows:
  * box centres: REPRODUCED. With the same seed, torch's randint(low, high) and numpy's legacy
    randint(low, high) return the same numbers when high - low is a power of two (torch takes a 32-bit
    draw modulo the range, numpy masks it and rejects values above the range; the two agree exactly
    then). The images are 17x17 and 34x34 (centres in [1, 17) and [2, 34)), and the script asserts the
    agreement before writing. numpy is seeded just before the call; our test seeds its generator the same.
  * CutMix trigger (uniform < p) and the strong/weak pick (uniform < score): ANY SAMPLER. p and the
    scores are 0 or 1 where a draw decides, so every uniform in [0, 1) gives the same answer. The
    trigger still consumes two 32-bit draws on both sides (numpy's random_sample, torch's float64),
    which keeps the centre draws aligned in the whole step.
  * box side v: ANY SAMPLER. use_cutmix_range is [r, r], so v = r whatever Python's random returns.
The whole step therefore uses the published VOC/Cityscapes settings (headers of the VOC logs,
exps/citys_semi744/config_semi.yaml) except: use_cutmix_range [0.5, 0.5], flag_cmix_trigger_by_hard
False with use_cutmix_trigger_prob 1.0 (CutMix always on), threshold 0.7 (the Cityscapes value; a
random network is rarely 0.95-confident), and dropout 0 in the tiny network.
"""
import argparse
import importlib
import inspect
import json
import logging
import os
import random
import subprocess
import sys
import tempfile
import textwrap
import types

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HERE = os.path.dirname(os.path.abspath(__file__))
FIXTURES = os.path.join(HERE, "..", "tests", "SemiSeg.Tests", "Fixtures")
sys.path.insert(0, HERE)
from make_model_fixtures import BlobWriter, Net  # noqa: E402  (our PyTorch build of the SemiSeg network)

STUBBED = ["scipy", "scipy.stats", "scipy.ndimage", "cv2", "torchvision", "torchvision.transforms", "skimage",
           "skimage.measure", "yaml", "pandas", "torch.utils.tensorboard", "imas.dataset.hardness"]


# ----------------------------------------------------------------------------------------------
# Loading the official code on a CPU
# ----------------------------------------------------------------------------------------------
class _Unused:
    def __init__(self, name):
        self._name = name

    def __call__(self, *args, **kwargs):
        raise RuntimeError(f"{self._name} is a stub: the code run by this script should not call it")

    def __getattr__(self, attr):
        return _Unused(f"{self._name}.{attr}")


class _StubModule(types.ModuleType):
    def __getattr__(self, attr):
        if attr.startswith("__"):
            raise AttributeError(attr)
        return _Unused(f"{self.__name__}.{attr}")


def load_official(path):
    sys.path.insert(0, os.path.abspath(path))
    stubbed = []
    for name in STUBBED:
        if name == "imas.dataset.hardness":
            sys.modules[name] = _StubModule(name)
            stubbed.append(name)
            continue
        try:
            importlib.import_module(name)
        except Exception:
            sys.modules[name] = _StubModule(name)
            stubbed.append(name)
    if not hasattr(np, "int"):
        np.int = int  # removed in numpy 1.24; rand_bbox_by_v calls np.int(W * v)
    torch.Tensor.cuda = lambda self, *a, **k: self
    nn.Module.cuda = lambda self, *a, **k: self
    loss_helper = importlib.import_module("imas.utils.loss_helper")
    cutmix = importlib.import_module("imas.dataset.cutmix_tensor")
    train_semi = importlib.import_module("train_semi")
    decoder = importlib.import_module("imas.models.decoder")
    return loss_helper, cutmix, train_semi, decoder, stubbed


def official_commit(path):
    return subprocess.check_output(["git", "-C", path, "rev-parse", "HEAD"], text=True).strip()


def where(function):
    lines, start = inspect.getsourcelines(function)
    return f"{os.path.relpath(inspect.getsourcefile(function), OFFICIAL)}:{start}"


# ----------------------------------------------------------------------------------------------
# JSON tensors, as tools/make_loss_fixtures.py writes them
# ----------------------------------------------------------------------------------------------
def put(t):
    t = torch.as_tensor(t).detach().cpu()
    if t.dtype == torch.bool:
        kind, data = "bool", t.long().flatten().tolist()
    elif t.dtype in (torch.int64, torch.int32):
        kind, data = "int64", t.long().flatten().tolist()
    else:
        kind, data = "float32" if t.dtype == torch.float32 else "float64", [float(v) for v in t.flatten().tolist()]
    assert all(v == v for v in data), "NaN in a fixture"
    return {"shape": list(t.shape), "dtype": kind, "data": data}


# ----------------------------------------------------------------------------------------------
# The cases
# ----------------------------------------------------------------------------------------------
def logits_pair(gen, batch=4, classes=4, height=6, width=7):
    student = torch.randn(batch, classes, height, width, generator=gen) * 3
    teacher = student + torch.randn(batch, classes, height, width, generator=gen) * 2
    # image 2: the teacher sees only background (its weighted IoU without background is 0/0 -> nansum 0)
    teacher[2, 0] += 20
    # image 3: both see only background, confidently
    student[3, 0] += 20
    teacher[3, 0] += 20
    return student, teacher


def hardness_cases(loss_helper):
    gen = torch.Generator().manual_seed(13)
    student, teacher = logits_pair(gen)
    threshold = 0.6
    case = {"function": where(loss_helper.compute_ulb_hardness_all), "threshold": threshold,
            "student": put(student), "teacher": put(teacher), "flags": {}}
    for weighted in (True, False):
        for ignore_bg in (True, False):
            v1, v2, ratio = loss_helper.compute_ulb_hardness_all(student, teacher, threshold,
                                                                 flag_using_cls_weighted_iou=weighted,
                                                                 flag_ignoring_background=ignore_bg)
            iou_t, iou_s = loss_helper.compute_ulb_hardness_miou(student.argmax(1), teacher.argmax(1), student.shape[1],
                                                                 flag_using_cls_weighted_iou=weighted,
                                                                 flag_ignoring_background=ignore_bg)
            case["flags"][f"weighted={weighted},ignore_bg={ignore_bg}"] = {
                "weighted": weighted, "ignore_bg": ignore_bg, "v1": put(v1), "v2": put(v2), "ratio_student": put(ratio),
                "iou_t": put(torch.from_numpy(iou_t)), "iou_s": put(torch.from_numpy(iou_s))}
    return case


def train_block(train_semi, start_marker, end_marker):
    """Source lines of train_semi.train() between two comment markers, dedented, and their line range."""
    lines, first = inspect.getsourcelines(train_semi.train)
    start = next(i for i, l in enumerate(lines) if start_marker in l)
    end = next(i for i, l in enumerate(lines) if end_marker in l)
    return textwrap.dedent("".join(lines[start:end])), f"train_semi.py:{first + start}-{first + end - 1}"


def mix_strong_cases(train_semi):
    code, lines = train_block(train_semi, "# 3. apply mixup between strong and weak", "# 4. apply cutmix on image_u_weak")
    gen = torch.Generator().manual_seed(21)
    weak = torch.randn(4, 3, 5, 6, generator=gen)
    strong = torch.randn(4, 3, 5, 6, generator=gen)
    cases = {"lines": lines}
    for name, blend, scores in (("blend", True, [0.25, 0.8, 0.0, 0.53]), ("pick", False, [1.0, 0.0, 0.0, 1.0])):
        scores32 = torch.tensor(scores, dtype=torch.float32)
        namespace = {"cfg": {"dataset": {"train": {"strong_aug": {"num_augs": 2}}}}, "flag_using_hardnness": True,
                     "flag_augs_mixup_by_hard": blend, "cur_hardness": scores32.numpy().tolist(),
                     "image_u_aug": strong.clone(), "image_u_weak": weak.clone(), "np": np, "torch": torch}
        np.random.seed(5)
        exec(code, namespace)
        cases[name] = {"blend": blend, "scores": put(scores32), "weak": put(weak), "strong": put(strong),
                       "mixed": put(namespace["image_u_aug"])}
    return cases


def numpy_and_torch_centres_agree(seed, size, batch):
    g = torch.Generator().manual_seed(seed)
    ours = torch.randint(size // 16, size, (2, batch), generator=g).tolist()
    np.random.seed(seed)
    theirs = [np.random.randint(size=[batch], low=int(size / 16), high=size).tolist() for _ in range(2)]
    return ours == theirs


def capture_locals(function, call):
    """Runs call() and returns the locals of `function`'s frame when it returns (instrumentation only)."""
    captured = {}

    def tracer(frame, event, arg):
        if frame.f_code is function.__code__:
            def local(frame, event, arg):
                if event == "return":
                    captured.update(frame.f_locals)
                return local
            return local
        return None

    sys.settrace(tracer)
    try:
        result = call()
    finally:
        sys.settrace(None)
    return result, captured


def cutmix_cases(cutmix):
    cases = {"function": where(cutmix.cut_mix_by_hardness), "box_function": where(cutmix.rand_bbox_by_v), "cases": []}
    gen = torch.Generator().manual_seed(34)
    for name, size, scores, side, seed, flag_random in (
            ("distinct scores 17x17", 17, [0.3, 0.9, 0.1, 0.6], 0.5, 3, False),
            ("ties, odd batch, 34x34", 34, [0.5, 0.2, 0.5], 0.7, 11, True)):
        batch = len(scores)
        assert numpy_and_torch_centres_agree(seed, size, batch), "torch and numpy centre draws differ"
        images = torch.randn(batch, 2, size, size, generator=gen)
        labels = torch.randint(0, 5, (batch, size, size), generator=gen)
        confidence = torch.rand(batch, size, size, generator=gen)
        scores32 = torch.tensor(scores, dtype=torch.float32)
        np.random.seed(seed)
        random.seed(seed)
        (mixed, mixed_labels, mixed_conf), frame = capture_locals(
            cutmix.cut_mix_by_hardness,
            lambda: cutmix.cut_mix_by_hardness(images.clone(), labels.clone(), confidence.clone(),
                                               hardness=scores32.numpy().tolist(), scale=[side, side],
                                               flag_hardness_random=flag_random, flag_hardness_gaussion=False))
        boxes = torch.tensor(np.stack([frame["u_bbx1"], frame["u_bby1"], frame["u_bbx2"], frame["u_bby2"]], 1), dtype=torch.int64)
        cases["cases"].append({
            "name": name, "seed": seed, "side_range": [side, side], "flag_mapping_random": flag_random, "v": frame["v"],
            "scores": put(scores32), "images": put(images), "labels": put(labels), "confidence": put(confidence),
            "partners": put(torch.tensor([int(i) for i in frame["u_rand_index"]])),
            "boxes_x1_y1_x2_y2": put(boxes),
            "mixed_images": put(mixed), "mixed_labels": put(mixed_labels), "mixed_confidence": put(mixed_conf)})
    return cases


def unsup_loss_cases(loss_helper):
    gen = torch.Generator().manual_seed(55)
    logits = torch.randn(3, 4, 5, 6, generator=gen)
    labels = torch.randint(0, 4, (3, 5, 6), generator=gen)
    labels[1, 0, :4] = 255
    confidence = torch.rand(3, 5, 6, generator=gen)
    scores = torch.tensor([0.2, 0.7, 0.4])
    threshold = 0.5
    plain = loss_helper.compute_unsupervised_loss_by_threshold(logits, labels.clone(), confidence, thresh=threshold)
    weighted = loss_helper.compute_unsupervised_loss_by_threshold(logits, labels.clone(), confidence, thresh=threshold,
                                                                  hardness_tensor=scores)
    return {"function": where(loss_helper.compute_unsupervised_loss_by_threshold), "threshold": threshold,
            "logits": put(logits), "labels": put(labels), "confidence": put(confidence), "scores": put(scores),
            "plain": float(plain), "weighted": float(weighted)}


# ----------------------------------------------------------------------------------------------
# iMAS's decoder and aux head (imas/models/decoder.py), with weights our test can regenerate
# ----------------------------------------------------------------------------------------------
def seeded_weights(module, gen):
    """Fills every float state entry, in state-dict order, with rand * a + b from `gen` (uniform draws are
    exact across PyTorch builds); returns [name, shape, a, b] so that the test fills ours the same way."""
    kinds = {}
    for prefix, m in module.named_modules():
        for name, _ in m.named_parameters(recurse=False):
            kinds[f"{prefix}.{name}" if prefix else name] = (type(m).__name__, name)
    recipe = []
    with torch.no_grad():
        for name, tensor in module.state_dict().items():
            if not tensor.is_floating_point():
                continue
            owner, leaf = kinds.get(name, ("buffer", name.rsplit(".", 1)[-1]))
            if name.endswith("running_var"):
                a, b = 0.5, 0.5
            elif name.endswith("running_mean") or leaf == "bias":
                a, b = 0.2, -0.1
            elif owner.startswith("BatchNorm"):
                a, b = 0.5, 0.75
            else:  # conv weight: uniform with variance 1 / fan_in
                bound = (3.0 / (tensor[0].numel())) ** 0.5
                a, b = 2 * bound, -bound
            tensor.copy_(torch.rand(tensor.shape, generator=gen) * a + b)
            recipe.append([name, list(tensor.shape), a, b])
    return recipe


def decoder_case(decoder_module):
    seed, classes, stage4, stage3, inner, low_planes, dilations = 41, 3, 32, 16, 8, 48, (1, 2, 3)
    decoder = decoder_module.dec_deeplabv3_plus(stage4, num_classes=classes, inner_planes=inner, sync_bn=False,
                                                dilations=dilations, rep_head=False, low_conv_planes=low_planes)
    aux = decoder_module.Aux_Module(stage3, num_classes=classes, sync_bn=False)
    gen = torch.Generator().manual_seed(seed)
    decoder_recipe = seeded_weights(decoder, gen)
    aux_recipe = seeded_weights(aux, gen)
    # stage 1 has 256 channels: the official low_conv assumes ResNet-50/101 (decoder.py:29)
    x1 = torch.rand(2, 256, 8, 8, generator=gen) * 2 - 1
    x3 = torch.rand(2, stage3, 4, 4, generator=gen) * 2 - 1
    x4 = torch.rand(2, stage4, 4, 4, generator=gen) * 2 - 1
    decoder.eval()
    aux.eval()
    with torch.no_grad():
        pred = decoder([x1, None, x3, x4])
        aux_pred = aux(x3)
    return {"function": where(decoder_module.dec_deeplabv3_plus), "aux_function": where(decoder_module.Aux_Module),
            "seed": seed, "num_classes": classes, "stage4": stage4, "stage3": stage3, "inner_planes": inner,
            "low_conv_planes": low_planes, "dilations": list(dilations), "head_planes": 256, "aux_hidden": 256,
            "decoder_weights": decoder_recipe, "aux_weights": aux_recipe,
            "inputs": {"stage1": [2, 256, 8, 8], "stage3": [2, stage3, 4, 4], "stage4": [2, stage4, 4, 4]},
            "pred": put(pred), "aux": put(aux_pred)}


# ----------------------------------------------------------------------------------------------
# One whole official step
# ----------------------------------------------------------------------------------------------
CLASSIFIER_SCALE = 6.0
STEP_NET = dict(depth=18, num_classes=4, width=4, deep_stem=True, dilate=(False, True, True), multi_grid=True,
                aux=False, inner=8, head=8, rep=8, aux_hidden=8)


class OfficialInterface(nn.Module):
    """The official ModelBuilder's contract around our network: logits upsampled to the input with
    align_corners=True, and no aux output. Records every batch it is given."""

    def __init__(self, net):
        super().__init__()
        self.net = net
        self.inputs = []

    def forward(self, x):
        self.inputs.append(x.detach().clone())
        pred = self.net(x)["pred"]
        return F.interpolate(pred, x.shape[-2:], mode="bilinear", align_corners=True), None


class OneBatch:
    """A loader of one batch with the interface train() uses (sampler.set_epoch, len, iterator.next())."""

    def __init__(self, batch):
        self.batch = batch
        self.sampler = types.SimpleNamespace(set_epoch=lambda epoch: None)

    def __len__(self):
        return 1

    def __iter__(self):
        return OneBatchIterator(self.batch)


class OneBatchIterator:
    """Python 2's iterator.next(), which train() calls."""

    def __init__(self, batch):
        self.batches = iter([batch])

    def __iter__(self):
        return self

    def __next__(self):
        return next(self.batches)

    next = __next__


class ConstantLr:
    def __init__(self, lr):
        self.lr = lr

    def get_lr(self):
        return [self.lr]

    def step(self):
        pass


def step_config(threshold, side):
    return {
        "dataset": {"type": "pascal_semi", "ignore_label": 255,
                    "train": {"strong_aug": {"num_augs": 2},
                              "hardness_aware": {"flag_using_v1": True, "flag_hardness_weighted_loss": True,
                                                 "flag_cal_iou_weighted": True, "flag_cal_iou_ignore_bg": True,
                                                 "flag_cmix_trigger_by_hard": False, "flag_augs_mixup_by_hard": True,
                                                 "flag_mapping_random": False, "flag_mapping_gaussian": False}}},
        "trainer": {"epochs": 1, "sup_only_epoch": 0,
                    "unsupervised": {"flag_ema_pseudo": True, "threshold": threshold, "use_cutmix": True,
                                     "use_cutmix_beta": False, "use_cutmix_range": [side, side],
                                     "use_cutmix_trigger_prob": 1.0, "loss_weight": 3.0}},
        "net": {"ema_decay": 0.996, "num_classes": STEP_NET["num_classes"]},
        "criterion": {"type": "CELoss", "kwargs": {"use_weight": False}},
    }


def official_step(train_semi, loss_helper, seed=7, size=34, labelled=2, unlabelled=4):
    torch.manual_seed(2024)
    student_net = Net(**STEP_NET, dropout=0.0)
    teacher_net = Net(**STEP_NET, dropout=0.0)
    with torch.no_grad():
        # Random affine batch norm, running statistics from one batch (momentum 1) for the student only,
        # so that student and teacher (which shares the student's parameters, not its buffers, as
        # train_semi.py initialises it) disagree in eval mode; a sharper classifier so that some pixels
        # pass the threshold.
        for m in student_net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.momentum = 1.0
        student_net.decoder.classifier[-1].weight.mul_(CLASSIFIER_SCALE)
        student_net.train()(torch.randn(6, 3, size, size))
        # The teacher's running statistics from another batch (it shares the student's parameters).
        teacher_net.load_state_dict(student_net.state_dict())
        teacher_net.train()(torch.randn(6, 3, size, size) * 1.2)
        for net in (student_net, teacher_net):
            for m in net.modules():
                if isinstance(m, nn.BatchNorm2d):
                    m.momentum = 0.1
    student, teacher = OfficialInterface(student_net), OfficialInterface(teacher_net)
    for t, s in zip(teacher.parameters(), student.parameters()):  # train_semi.py main(): t_params.data = s_params.data
        t.data = s.data
    student_state = {k: v.clone() for k, v in student_net.state_dict().items()}
    teacher_state = {k: v.clone() for k, v in teacher_net.state_dict().items()}

    gen = torch.Generator().manual_seed(99)
    image_l = torch.randn(labelled, 3, size, size, generator=gen)
    label_l = torch.randint(0, STEP_NET["num_classes"], (labelled, size, size), generator=gen)
    label_l[0, :3, :] = 255
    weak = torch.randn(unlabelled, 3, size, size, generator=gen)
    strong = weak + 0.5 * torch.randn(unlabelled, 3, size, size, generator=gen)
    index_u = torch.arange(unlabelled)

    threshold, side = 0.7, 0.5
    cfg = step_config(threshold, side)
    optimizer = torch.optim.SGD(student.parameters(), lr=0.001, momentum=0.9, weight_decay=0.0001)
    scores = {}
    original = loss_helper.compute_ulb_hardness_all

    def recording(*args, **kwargs):  # instrumentation: keep the scores the step computes
        result = original(*args, **kwargs)
        scores["v1"] = result[0].clone()
        return result

    train_semi.compute_ulb_hardness_all = recording
    assert numpy_and_torch_centres_agree(seed, size, unlabelled)
    np.random.seed(seed)
    random.seed(seed)
    torch.manual_seed(seed)
    sup, unsup, hardness = train_semi.train(
        student, teacher, optimizer, ConstantLr(0.001), train_semi.get_criterion(cfg),
        OneBatch((None, image_l, label_l)), OneBatch((index_u, weak, strong, None)),
        0, None, logging.getLogger("official-step"), cfg)
    train_semi.compute_ulb_hardness_all = original

    # The student saw: the weak view in eval mode, then one train-mode batch labelled + weak + cut-mixed + strong.
    assert len(student.inputs) == 2 and student.inputs[1].shape[0] == labelled + 3 * unlabelled, [x.shape for x in student.inputs]
    blob = BlobWriter()
    for k, v in student_state.items():
        blob.add("student/" + k, v)
    for k, v in teacher_state.items():
        blob.add("teacher/" + k, v)
    for name, t in (("image_l", image_l), ("label_l", label_l), ("weak", weak), ("strong", strong),
                    ("scores", scores["v1"]), ("student_batch", student.inputs[1])):
        blob.add(name, t)
    for k, v in student_net.state_dict().items():
        if "running_" in k:
            blob.add("after/" + k, v)
    meta = {"torch": torch.__version__, "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in STEP_NET.items()},
            "seed": seed, "threshold": threshold, "side": side, "loss_weight": 3.0, "ema_decay": 0.996,
            "sup_loss": sup, "unsup_loss": unsup, "hardness": [hardness[i] for i in range(unlabelled)],
            "function": where(train_semi.train),
            "no_strong_no_cutmix": no_strong_no_cutmix(train_semi, student_state, teacher_state, cfg,
                                                       (None, image_l, label_l), (index_u, weak, weak.clone(), None))}
    return blob, meta


def no_strong_no_cutmix(train_semi, student_state, teacher_state, cfg, labelled_batch, unlabelled_batch):
    """The same step without strong_aug and with use_cutmix False: the official loader then hands a copy of
    the weak image as the strong one (pascal_voc.py:82-89) and train() takes the loss on it (:514-518)."""
    student_net, teacher_net = Net(**STEP_NET, dropout=0.0), Net(**STEP_NET, dropout=0.0)
    student_net.load_state_dict(student_state)
    teacher_net.load_state_dict(teacher_state)
    student, teacher = OfficialInterface(student_net), OfficialInterface(teacher_net)
    for t, s in zip(teacher.parameters(), student.parameters()):
        t.data = s.data
    variant = json.loads(json.dumps(cfg))
    del variant["dataset"]["train"]["strong_aug"]
    variant["trainer"]["unsupervised"]["use_cutmix"] = False
    optimizer = torch.optim.SGD(student.parameters(), lr=0.001, momentum=0.9, weight_decay=0.0001)
    sup, unsup, _ = train_semi.train(student, teacher, optimizer, ConstantLr(0.001), train_semi.get_criterion(variant),
                                     OneBatch(labelled_batch), OneBatch(unlabelled_batch), 0, None,
                                     logging.getLogger("official-step"), variant)
    assert student.inputs[1].shape[0] == labelled_batch[1].shape[0] + 2 * unlabelled_batch[1].shape[0]
    return {"sup_loss": sup, "unsup_loss": unsup}


def main():
    global OFFICIAL
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--official", required=True, help="a checkout of github.com/ZhenZHAO/iMAS")
    args = parser.parse_args()
    OFFICIAL = os.path.abspath(args.official)
    torch.set_num_threads(1)
    commit = official_commit(OFFICIAL)
    loss_helper, cutmix, train_semi, decoder, stubbed = load_official(OFFICIAL)
    with tempfile.TemporaryDirectory() as rendezvous:
        torch.distributed.init_process_group("gloo", init_method=f"file://{rendezvous}/pg", rank=0, world_size=1)
        source = {"repository": "https://github.com/ZhenZHAO/iMAS", "commit": commit, "stubbed_imports": stubbed,
                  "torch": torch.__version__, "numpy": np.__version__,
                  "script": "tools/make_official_imas_fixtures.py"}
        fixtures = {"source": source, "hardness": hardness_cases(loss_helper), "mix_strong": mix_strong_cases(train_semi),
                    "cutmix": cutmix_cases(cutmix), "unsup_loss": unsup_loss_cases(loss_helper),
                    "decoder": decoder_case(decoder)}
        os.makedirs(os.path.join(FIXTURES, "imas"), exist_ok=True)
        with open(os.path.join(FIXTURES, "imas", "official_imas.json"), "w") as f:
            json.dump(fixtures, f)
        blob, meta = official_step(train_semi, loss_helper)
        blob.save(os.path.join(FIXTURES, "models", "imas_official_step"), {**meta, "source": source})
        torch.distributed.destroy_process_group()
    print(f"official commit {commit}; sup {meta['sup_loss']:.6f} unsup {meta['unsup_loss']:.6f} hardness {meta['hardness']}")


if __name__ == "__main__":
    main()
