#!/usr/bin/python3
"""Writes tests/SemiSeg.Tests/Fixtures/ael/official_ael.json by EXECUTING the AEL parts of the official
U2PL repository's `with_AEL` branch (Haochen-Wang409/U2PL): its functions `cal_category_confidence`,
`dynamic_copy_paste`, `update_cutmix_bank`, `sample_from_bank`, `generate_cutmix_mask`
(u2pl/utils/utils.py), `get_criterion(cfg, cons=True)` / `Criterion_cons` (u2pl/utils/loss_helper.py),
and the statements of train.py that have no function of their own (the confidence bank's
`torch.rand(3, C)` start and momentum update, the copy-paste categories and their probabilities),
read from the checkout's train.py and run with exec(); and one whole step: train.py's lines from
"# student model forward" to `loss = (...)` (474-789), exec'd as written in a one-process gloo group
with stub networks that return fixed outputs (leaf tensors for the student, so the backward gives the
gradient with respect to each output) and main()'s memory-bank lines. Nothing of their logic is
restated here.

    git clone -q /work/.mirror/Haochen-Wang409+U2PL/repo /tmp/u2pl-ael
    git -C /tmp/u2pl-ael checkout -q origin/with_AEL        # 4e520ccf4074c5b3d3d142a8b11b8f25ac7879e1
    apt-get install python3-skimage                          # generate_cutmix calls skimage.measure.label
    /usr/bin/python3 tools/make_official_ael_fixtures.py --official /tmp/u2pl-ael

Run-time patches (none changes what the code computes): `torch.Tensor.cuda` returns the tensor (CPU
run); scipy.ndimage, cv2, torchvision and tensorboardX are empty stubs when missing (imported by the
modules, unused by these functions); `np.random.choice` is wrapped to record the probabilities it is
given (then calls the real one). No process group is needed: these functions do not communicate.

Random draws:
  - torch draws are pinned: Criterion_cons's sampling draws `torch.rand(h, w)` per class from the
    global generator and `class_criterion` starts as `torch.rand(3, C)`; the script seeds
    torch.manual_seed(seed) right before, and our Generator (libtorch's CPU mt19937) with the same seed
    draws the same numbers in the same order.
  - numpy and Python draws are not: the branch draws the copy-paste categories and the CutMix class
    with np.random.choice, the bank image with random.choice / random.randint, the component order with
    random.shuffle and the fallback box with np.random.uniform. The fixture therefore records the
    probabilities (not the draws), and chooses inputs where any correct sampler gives the same value:
      * sample_from_bank: every non-zero bank entry lies in one image's column, so whichever class is
        drawn the image is that one; and a one-image empty bank, where randint(0, 0) is 0.
      * generate_cutmix_mask: the sampled class has exactly one 8-connected component above the area
        threshold (the others are smaller), so whatever order random.shuffle gives, the box is that
        component's bounding box.
Records the branch commit (git rev-parse in the checkout, or --commit).
"""
import argparse
import json
import os
import subprocess
import sys

from fixture_json import put  # tools/fixture_json.py (the script's folder is on sys.path)
import official_stubs  # tools/official_stubs.py (the script's folder is on sys.path)

SEED = 4321
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "SemiSeg.Tests", "Fixtures", "ael", "official_ael.json")


def install_patches():
    import importlib
    import torch

    # Only what is missing: generate_cutmix needs the real skimage (checked below).
    official_stubs.install("tools/make_official_ael_fixtures.py", only_missing=True,
                           replace={"skimage.measure": lambda: None})
    try:
        import skimage.measure  # noqa: F401  (generate_cutmix needs the real label / regionprops)
    except ImportError:
        sys.exit("skimage is needed (apt-get install python3-skimage): generate_cutmix calls skimage.measure.label")
    torch.Tensor.cuda = lambda self, *a, **k: self


def statement(path, marker, after=None):
    """The statement of `path` that starts on the line containing `marker` (the first after the line
    containing `after`, if given), continued until its brackets balance; dedented. Returns (code, line)."""
    import textwrap
    lines = open(path).read().split("\n")
    start = 0
    if after is not None:
        start = next(i for i, l in enumerate(lines) if after in l)
    first = next(i for i in range(start, len(lines)) if marker in lines[i])
    depth, last = 0, first
    for last in range(first, len(lines)):
        depth += sum(lines[last].count(c) for c in "([{") - sum(lines[last].count(c) for c in ")]}")
        if depth <= 0:
            break
    return textwrap.dedent("\n".join(lines[first:last + 1])), first + 1


def run(path, ns, *markers, after=None):
    """exec() the statements of train.py named by markers, in order, in namespace ns; returns their lines."""
    where = []
    for marker in markers:
        code, line = statement(path, marker, after)
        exec(compile(code, f"{path}:{line}", "exec"), ns)
        where.append(line)
    return where


def confidence_case(train_py, utils):
    import numpy as np
    import torch
    C, B, H, W = 6, 2, 8, 8
    g = torch.Generator().manual_seed(SEED + 1)
    labels = torch.randint(0, C, (B, H, W), generator=g)
    labels[labels == 4] = 3                      # class 4 absent: its confidence is 0
    labels[torch.rand(B, H, W, generator=g) < 0.15] = 255
    student_sup = torch.randn(B, C, H, W, generator=g) * 2
    student_unsup = torch.randn(1, C, H, W, generator=g)
    teacher_unsup = torch.randn(1, C, H, W, generator=g)
    ns = {"torch": torch, "np": np, "cfg": {"net": {"num_classes": C}}}
    torch.manual_seed(SEED)
    lines = run(train_py, ns, "class_criterion = (", after="if acp or acm or sample:")
    start = ns["class_criterion"].clone()
    category = utils.cal_category_confidence(student_sup, student_unsup, labels, teacher_unsup, C)
    ns.update(category_entropy=category, class_momentum=0.9)
    lines += run(train_py, ns, "class_criterion = (", after="# perform momentum update")
    return {"seed": SEED, "num_classes": C, "momentum": 0.9, "labels": put(labels), "student_sup": put(student_sup),
            "start": put(start), "category_confidence": put(category), "updated": put(ns["class_criterion"]),
            "train_py_lines": lines}


def consistency_case(loss_helper, cfg):
    import torch
    C, B, H, W = 5, 2, 10, 12
    g = torch.Generator().manual_seed(SEED + 2)
    logits = (torch.randn(B, C, H, W, generator=g) * 2).requires_grad_()
    teacher = torch.randn(B, C, H, W, generator=g) * 2
    conf, pseudo = torch.softmax(teacher, 1).max(1)
    pseudo[torch.rand(B, H, W, generator=g) < 0.2] = 255
    class_conf = torch.tensor([0.9, 0.2, 0.55, 0.7, 0.35])
    out = {"num_classes": C, "seed": SEED, "logits": put(logits), "confidence": put(conf), "pseudo_labels": put(pseudo),
           "class_confidence": put(class_conf), "cases": {}}
    for name, cons in (("sample", dict(cfg["criterion"]["cons"])), ("sample_gamma2", dict(cfg["criterion"]["cons"], gamma2=2)),
                       ("no_sample", dict(cfg["criterion"]["cons"], sample=False))):
        c = dict(cfg, criterion=dict(cfg["criterion"], cons=cons))
        criterion = loss_helper.get_criterion(c, cons=True)
        logits.grad = None
        torch.manual_seed(SEED)
        loss = criterion(logits, conf, pseudo, class_conf)
        loss.backward()
        out["cases"][name] = {"gamma": float(cons["gamma"]), "sample": bool(cons.get("sample", False)),
                              "gamma2": float(cons.get("gamma2", 1)), "loss": float(loss), "grad": put(logits.grad)}
    return out


def copy_paste_case(train_py, utils, choice_log):
    import numpy as np
    import torch
    C, B, H, W = 19, 3, 8, 8
    g = torch.Generator().manual_seed(SEED + 3)
    class_criterion = torch.rand(3, C, generator=g)
    ns = {"torch": torch, "np": np, "num_classes": C, "class_criterion": class_criterion, "cfg": {"dataset": {"acp": {}}}}
    lines = run(train_py, ns, "all_cat = [", "ignore_cat = [", "target_cat = list(", after="if acp:")
    lines += run(train_py, ns, "conf = 1 - class_criterion[0]", "conf = conf[target_cat]", "conf = (conf ** 0.5)",
                 "conf = np.exp(conf)", after="if acp or acm:")
    images = torch.randn(B, 3, H, W, generator=g)
    labels = torch.randint(0, C, (B, H, W), generator=g)
    paste_images = torch.randn(B, 3, H, W, generator=g)
    paste_labels = torch.randint(0, C, (B, H, W), generator=g)
    paste_labels[1] = 0                           # image 1 has no partner (the dataset's zeros)
    paste_images[1] = 0
    query = [3, 11, 13]
    # The dataset joins image and partner on the channel axis and labels on the row axis (cityscapes_semi_cp.py:120-131).
    pasted_images, pasted_labels = utils.dynamic_copy_paste(torch.cat((images, paste_images), 1),
                                                            torch.cat((labels, paste_labels), 1), query)
    return {"num_classes": C, "class_criterion": put(class_criterion), "target_cat": [int(c) for c in ns["target_cat"]],
            "probabilities": put(torch.as_tensor(ns["conf"], dtype=torch.float64)), "images": put(images), "labels": put(labels),
            "paste_images": put(paste_images), "paste_labels": put(paste_labels), "query_cat": query,
            "pasted_images": put(pasted_images), "pasted_labels": put(pasted_labels), "train_py_lines": lines}


def cutmix_bank_case(utils, choice_log):
    import torch
    C, N, H = 5, 7, 8
    g = torch.Generator().manual_seed(SEED + 4)
    bank = (torch.rand(C, N, generator=g) < 0.5).float()
    preds = torch.randn(2, C, H, H, generator=g)
    preds[0, 2] -= 10                              # class 2 absent from image 0
    preds[1, 0] += 1.5                             # class 0 dominant in image 1
    start = bank.clone()
    updated = utils.update_cutmix_bank(bank, preds, 2, 5, 0.05)
    conf = torch.tensor([0.8, 0.3, 0.6, 0.1, 0.45])
    # every non-zero entry in column 4: whichever class is drawn, the image is 4
    single = torch.zeros(C, N)
    single[[0, 2, 3], 4] = 1
    single[1, 4] = 1
    single[4, 4] = 1
    choice_log.clear()
    sample_id, class_id = utils.sample_from_bank(single, conf)
    probabilities = choice_log[-1]
    empty_id, _ = utils.sample_from_bank(torch.zeros(C, 1), conf)
    return {"num_classes": C, "images": N, "start": put(start), "teacher_logits": put(preds), "image_id": 2, "sample_id": 5,
            "area_thresh": 0.05, "updated": put(updated), "confidence": put(conf), "probabilities": put(torch.as_tensor(probabilities)),
            "single_column_bank": put(single), "single_column_sample": int(sample_id), "empty_one_image_sample": int(empty_id)}


def cutmix_mask_case(utils):
    import numpy as np
    H = 16
    pred = np.zeros((H, H), dtype=np.int64)
    # class 3: a diagonal line of 12 pixels, one component only under 8-connectivity (rows 2-13, cols 1-12) ...
    for k in range(12):
        pred[2 + k, 1 + k] = 3
    # ... and two small blobs (4 and 2 pixels) under the threshold
    pred[12:14, 14:16] = 3
    pred[0, 14:16] = 3
    pred[0:4, 8:12] = 1                            # class 1: one block of 16 pixels
    thresh = 10 / (H * H)                          # components need more than 10 pixels
    mask = utils.generate_cutmix_mask(pred, 3, thresh, no_pad=True, no_slim=True)
    mask1 = utils.generate_cutmix_mask(pred, 1, thresh, no_pad=True, no_slim=True)
    return {"prediction": put(pred), "area_thresh": thresh,
            "cases": [{"category": 3, "mask": put(mask)}, {"category": 1, "mask": put(mask1)}]}


STEP_C, STEP_D, STEP_H, STEP_BL, STEP_N = 5, 8, 16, 2, 6     # classes, representation width, crop, labelled images, unlabelled set


def step_case(official, cfg_all):
    """train.py's step lines from the student forward to `loss = ...` (474-789), exec'd as written in
    a one-process gloo group, with stub networks that return fixed outputs."""
    import tempfile
    import numpy as np
    import torch
    import torch.distributed as dist
    C, D, H, BL, N = STEP_C, STEP_D, STEP_H, STEP_BL, STEP_N
    h = H // 2
    with tempfile.TemporaryDirectory() as tmp:
        dist.init_process_group("gloo", init_method=f"file://{tmp}/store", rank=0, world_size=1)
        import train
        from u2pl.utils.loss_helper import get_criterion
        cfg = json.loads(json.dumps(cfg_all))
        cfg["net"]["num_classes"] = C
        cfg["trainer"]["contrastive"].update(num_queries=16, num_negatives=6, high_rank=4)
        g = torch.Generator().manual_seed(SEED + 5)
        labels = torch.randint(0, C, (BL, H, H), generator=g)
        labels[torch.rand(BL, H, H, generator=g) < 0.1] = 255
        leaf = lambda *shape: (torch.randn(*shape, generator=g) * 2).requires_grad_()
        s_sup = {"pred": leaf(BL, C, h, h), "aux": leaf(BL, C, h, h), "rep": leaf(BL, D, h, h)}
        s_unsup = {"pred": leaf(1, C, h, h), "aux": leaf(1, C, h, h), "rep": leaf(1, D, h, h)}
        t_sup = {"pred": torch.randn(BL, C, h, h, generator=g) * 2, "rep": torch.randn(BL, D, h, h, generator=g)}
        t_weak = torch.randn(2, C, h, h, generator=g) * 0.5
        sample_cat = 3
        t_weak[1, sample_cat] = -5                   # the sampled class only in one block of the sampled image
        t_weak[1, sample_cat, 1:4, 2:6] = 5
        t_weak_out = {"pred": t_weak, "rep": torch.randn(2, D, h, h, generator=g)}
        t_strong = {"pred": torch.randn(1, C, h, h, generator=g), "rep": torch.randn(1, D, h, h, generator=g)}
        class_criterion = torch.rand(3, C, generator=g)
        cutmix_bank = (torch.rand(C, N, generator=g) < 0.5).float()
        images_unsup = torch.randn(2, 3, H, H, generator=g)

        class Student:
            calls = [s_sup, s_unsup]

            def __call__(self, images):
                return self.calls.pop(0)

        class Teacher:
            calls = [t_sup, t_weak_out, t_strong]

            def train(self):
                return self

            def eval(self):
                return self

            def __call__(self, images):
                return self.calls.pop(0)

        train_py = os.path.join(official, "train.py")
        scope = dict(vars(train))
        acm_cfg = cfg["dataset"]["train"]["acm"]
        scope.update(cfg=cfg, epoch=20, world_size=1, rank=0, num_classes=C, model=Student(), model_teacher=Teacher(),
                     images_sup=torch.zeros(BL, 3, H, H), labels_sup=labels.clone(), images_unsup=images_unsup,
                     images_unsup_weak=images_unsup.clone(), sample_cat=sample_cat, img_id=1, sample_id=4,
                     area_thresh=acm_cfg["area_thresh"], area_thresh2=acm_cfg["area_thresh2"], no_pad=acm_cfg["no_pad"],
                     no_slim=acm_cfg["no_slim"], cutmix=False, acm=True, acp=True, sample=True, threshold=0,
                     class_momentum=cfg["dataset"]["acp"]["momentum"], class_criterion=class_criterion.clone(),
                     cutmix_bank=cutmix_bank.clone(), criterion=get_criterion(cfg), criterion_cons=get_criterion(cfg, cons=True),
                     consist_weight=cfg["criterion"].get("consist_weight", 1), contra_weight=cfg["criterion"].get("contra_weight", 1),
                     prototype=None)
        lines = run(train_py, scope, "percent = cfg[", after="def train(")
        text = open(train_py).read().split("\n")
        b0 = next(i for i, l in enumerate(text) if "memobank = []" in l)
        b1 = next(i for i in range(b0, len(text)) if "queue_size[0] = 50000" in text[i])
        import textwrap
        exec(compile(textwrap.dedent("\n".join(text[b0:b1 + 1])), train_py, "exec"), scope)   # main()'s memory bank
        lines += [b0 + 1, b1 + 1]
        # The branch's queues hold 256-wide keys; ours D. They start with keys from "earlier steps": the
        # branch's own rule almost never enqueues (docs/u2pl-ael.md #39), so an empty bank would leave
        # the contrastive loss 0 and its sampling untested.
        earlier = [torch.randn(3 + 2 * c, D, generator=g) for c in range(C)]
        scope["memobank"] = [[e.clone()] for e in earlier]
        lines_text = open(train_py).read().split("\n")
        first = next(i for i, l in enumerate(lines_text) if "# student model forward" in l)
        last = next(i for i in range(first, len(lines_text)) if "contra_loss = 0 * reps_student_sup.sum()" in lines_text[i])
        import textwrap
        block = textwrap.dedent("\n".join(lines_text[first:last + 1]))
        torch.manual_seed(SEED)
        exec(compile(block, train_py, "exec"), scope)
        lines += [first + 1, last + 1]
        lines += run(train_py, scope, "loss = (", after="contra_losses.update(")
        scope["loss"].backward()
        dist.destroy_process_group()
    grads = {f"grad_{part}_{k}": put(v.grad if v.grad is not None else torch.zeros_like(v)) for part, out in (("sup", s_sup), ("unsup", s_unsup)) for k, v in out.items()}
    return dict({
        "seed": SEED, "num_classes": C, "epoch": 20, "epochs": cfg["trainer"]["epochs"], "config": {"trainer": cfg["trainer"], "criterion": cfg["criterion"],
        "acm": acm_cfg, "momentum": cfg["dataset"]["acp"]["momentum"]}, "labels": put(labels),
        "student_sup": {k: put(v) for k, v in s_sup.items()}, "student_unsup": {k: put(v) for k, v in s_unsup.items()},
        "teacher_sup": {k: put(v) for k, v in t_sup.items()}, "teacher_weak": put(t_weak), "teacher_strong_rep": put(t_strong["rep"]),
        "bank_start": [put(e) for e in earlier], "class_criterion_start": put(class_criterion), "cutmix_bank_start": put(cutmix_bank), "sample_cat": sample_cat, "img_id": 1, "sample_id": 4,
        "mask": put(scope["valid_mask_mix"]), "class_criterion": put(scope["class_criterion"]), "cutmix_bank": put(scope["cutmix_bank"]),
        "sup": float(scope["loss_sup_student"]), "cons1": float(scope["loss_consistency1"]), "cons2": float(scope["loss_consistency2"]),
        "contra": float(scope["contra_loss"]), "loss": float(scope["loss"]),
        "bank": [put(q[0]) for q in scope["memobank"]], "train_py_lines": lines}, **grads)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--official", required=True, help="a checkout of Haochen-Wang409/U2PL at the with_AEL branch")
    p.add_argument("--commit", help="the checkout's commit (default: git rev-parse HEAD in it)")
    args = p.parse_args()
    official = os.path.abspath(args.official)
    commit = args.commit or subprocess.run(["git", "-C", official, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    if not commit:
        sys.exit("give --commit: the checkout is not a git work tree")
    train_py = os.path.join(official, "train.py")
    if "cal_category_confidence" not in open(train_py).read():
        sys.exit(f"{train_py} is not the with_AEL branch's (no cal_category_confidence)")

    install_patches()
    sys.path.insert(0, official)
    import numpy as np
    import yaml
    from u2pl.utils import loss_helper, utils

    choice_log = []
    real_choice = np.random.choice

    def recording_choice(a, size=None, replace=True, p=None):
        choice_log.append(None if p is None else [float(v) for v in p])
        return real_choice(a, size, replace, p)

    np.random.choice = recording_choice
    cfg = yaml.safe_load(open(os.path.join(official, "experiments", "city_744", "config.yaml")))
    fixture = {
        "source": {"repository": "https://github.com/Haochen-Wang409/U2PL", "branch": "with_AEL", "commit": commit},
        "generated_by": "tools/make_official_ael_fixtures.py",
        "confidence": confidence_case(train_py, utils),
        "consistency": consistency_case(loss_helper, cfg),
        "copy_paste": copy_paste_case(train_py, utils, choice_log),
        "cutmix_bank": cutmix_bank_case(utils, choice_log),
        "cutmix_mask": cutmix_mask_case(utils),
        "step": step_case(official, cfg),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT + ".tmp", "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    os.replace(OUT + ".tmp", OUT)
    print(f"wrote {OUT} (with_AEL commit {commit})")


if __name__ == "__main__":
    main()
