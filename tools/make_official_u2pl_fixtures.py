#!/usr/bin/python3
"""Writes tests/SemiSeg.Tests/Fixtures/official/u2pl_official_step.json by EXECUTING the official U2PL
code (Haochen-Wang409/U2PL): its label_onehot, and the lines of train_semi.py's train() from
"# forward" to the contrastive loss's scaling (the student forward, supervised loss, teacher second
pass, unsupervised loss, entropy masks, one-hot maps, compute_contra_memobank_loss with its memory
bank, all_reduce and division by world_size), then `loss = sup_loss + unsup_loss + contra_loss` and
its backward, in a gloo process group of 1, 2 and 4 processes on the CPU. Nothing of their logic is
restated here: the lines are read from the checkout's train_semi.py and run with exec().

    git -C /work/.mirror/Haochen-Wang409+U2PL/repo archive ab3d2be | tar -x -C /tmp/u2pl-official
    /usr/bin/python3 tools/make_official_u2pl_fixtures.py --official /tmp/u2pl-official

What stands in for the parts around those lines (none changes what the lines compute):
  - `model` / `model_teacher`: stubs returning fixed outputs {"pred": (B, C, h, w), "rep": (B, D, h, w)}
    for the rank's joined batch (labelled then unlabelled); the student's are leaf tensors with
    gradients, so the backward gives the gradient of the rank's loss with respect to them.
    DistributedDataParallel averages the replicas' parameter gradients, which is the same as
    back-propagating rank r's output gradient / world_size through rank r's rows: the fixture's
    "effective gradient" is that, joined in our batch order (all labelled rows, then all unlabelled).
  - `.cuda()` is a no-op (CPU run); scipy.ndimage, cv2, skimage, torchvision.transforms and
    tensorboardX are empty stubs (imported by their modules, not used by these lines).
  - The memory bank, queue pointers and sizes are built by the lines of train_semi.py's main() that
    build them (read from the file as well).
  - Random draws: the contrastive loss draws anchors and negatives with torch.randint from the global
    generator. Our single process simulates the replicas one after another with one generator, so
    rank r's global generator is set, at its first draw, to the state rank r - 1's generator had after
    its last draw (rank 0 starts from torch.manual_seed(SEED)); a rank that draws nothing passes the
    state on. This changes which numbers a rank draws, never how they are used. The tests also check
    separately that our generator draws what torch.randint draws for the same state.
Records the official commit (git rev-parse in the checkout, or --commit).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

from fixture_json import put  # tools/fixture_json.py (the script's folder is on sys.path)
import official_stubs  # tools/official_stubs.py (the script's folder is on sys.path)

SEED = 1234
C, D = 5, 8                 # classes, representation width
H = W = 16                  # crop (labels); outputs at h = w = 8
BL = BU = 2                 # per-replica labelled and unlabelled images
EPOCH, EPOCHS = 1, 4
NUM_QUERIES, NUM_NEGATIVES = 16, 6
WORLD_SIZES = [int(s) for s in os.environ.get("U2PL_FIXTURE_WORLD_SIZES", "1,2,4").split(",")]
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "SemiSeg.Tests", "Fixtures", "official", "u2pl_official_step.json")


def install_stubs():
    official_stubs.install("tools/make_official_u2pl_fixtures.py")


def source_lines(path, start_marker, end_marker, include_end=True):
    """The lines of `path` from the one containing start_marker to the one containing end_marker,
    dedented to their common indentation."""
    import textwrap
    lines = open(path).read().split("\n")
    first = next(i for i, l in enumerate(lines) if start_marker in l)
    last = next(i for i in range(first, len(lines)) if end_marker in lines[i])
    block = lines[first:last + (1 if include_end else 0)]
    return textwrap.dedent("\n".join(block)), first + 1, last + 1


def inputs(world_size):
    """The global batch (world_size x (BL + BU) images), made from a fixed seed."""
    import torch
    g = torch.Generator().manual_seed(SEED + world_size)
    n_l, n_u = world_size * BL, world_size * BU
    labels = torch.randint(0, C, (n_l, H, W), generator=g)
    labels[torch.rand(n_l, H, W, generator=g) < 0.1] = 255
    pseudo = torch.randint(0, C, (n_u, H, W), generator=g)
    pseudo[:, :3, :4] = 255                        # a cutout-like ignored block in every unlabelled image
    # A class missing from a replica's images is where the official class loop goes wrong
    # (anchors of the k-th class, queue of the k-th present class): replica r has no class 2 when r
    # is even (it becomes 3) and no class 1 when r is odd (it becomes 0).
    for r in range(world_size):
        for t, n in ((labels, BL), (pseudo, BU)):
            rows = t[r * n:(r + 1) * n]
            rows[rows == (2 if r % 2 == 0 else 1)] = 3 if r % 2 == 0 else 0
    pred = torch.randn(n_l + n_u, C, H // 2, W // 2, generator=g) * 2
    rep = torch.randn(n_l + n_u, D, H // 2, W // 2, generator=g)
    pred_t = pred * 0.7 + torch.randn(pred.shape, generator=g)
    rep_t = rep * 0.5 + torch.randn(rep.shape, generator=g) * 0.5
    return labels, pseudo, pred, rep, pred_t, rep_t


def rank_rows(t, rank, world_size, n_l):
    """Rank r's rows of a joined batch: its labelled rows, then its unlabelled rows."""
    import torch
    bl, bu = n_l // world_size, (t.shape[0] - n_l) // world_size
    return torch.cat((t[rank * bl:(rank + 1) * bl], t[n_l + rank * bu:n_l + (rank + 1) * bu]))


def worker(rank, world_size, official, store, cfg, result_dir):
    install_stubs()
    sys.path.insert(0, official)
    import numpy as np
    import torch
    import torch.distributed as dist
    import torch.nn as nn
    import torch.nn.functional as F

    torch.Tensor.cuda = lambda self, *a, **k: self
    nn.Module.cuda = lambda self, *a, **k: self
    torch.set_num_threads(1)
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=world_size)

    import train_semi
    from u2pl.utils.loss_helper import get_criterion

    labels, pseudo, pred, rep, pred_t, rep_t = inputs(world_size)   # before the draws are rerouted below
    n_l = labels.shape[0]

    # Random-stream plumbing (see the header): rank r starts where rank r - 1 stopped.
    state_file = lambda r: os.path.join(result_dir, f"rng-{world_size}-{r}.pt")
    stream = {"started": False}

    def take_state():
        if stream["started"]:
            return
        stream["started"] = True
        if rank == 0:
            torch.manual_seed(SEED)
            return
        while not os.path.exists(state_file(rank - 1) + ".done"):
            time.sleep(0.01)
        torch.set_rng_state(torch.load(state_file(rank - 1)))

    original_randint = torch.randint

    def randint(*args, **kwargs):
        take_state()
        return original_randint(*args, **kwargs)

    torch.randint = randint

    def publish():
        """Hands this rank's generator state to the next rank, before the step's first all_reduce
        (train_semi.py's all_reduce of contra_loss), which would otherwise wait on the next rank."""
        if stream.get("published"):
            return
        stream["published"] = True
        take_state()
        torch.save(torch.get_rng_state(), state_file(rank))
        open(state_file(rank) + ".done", "w").close()

    original_all_reduce = dist.all_reduce

    def all_reduce(*args, **kwargs):
        publish()
        return original_all_reduce(*args, **kwargs)

    dist.all_reduce = all_reduce

    bl, bu = n_l // world_size, pseudo.shape[0] // world_size
    pred_r = rank_rows(pred, rank, world_size, n_l).clone().requires_grad_(True)
    rep_r = rank_rows(rep, rank, world_size, n_l).clone().requires_grad_(True)
    teacher_out = {"pred": rank_rows(pred_t, rank, world_size, n_l), "rep": rank_rows(rep_t, rank, world_size, n_l)}

    class Student:
        def __call__(self, images):
            return {"pred": pred_r, "rep": rep_r}

    class Teacher:
        def train(self):
            return self

        def __call__(self, images):
            return teacher_out

    # main()'s memory bank lines, then train()'s step lines, executed as written.
    path = os.path.join(official, "train_semi.py")
    bank_code, _, _ = source_lines(path, "memobank = []", "queue_size[0] = 50000")
    step_code, step_first, step_last = source_lines(path, "num_labeled = len(image_l)", "contra_loss = 0 * rep_all.sum()")
    scope = dict(vars(train_semi))
    scope.update(
        cfg=cfg, model=Student(), model_teacher=Teacher(), epoch=EPOCH, world_size=world_size, rank=rank,
        image_l=torch.zeros(bl, 3, H, W), image_u_aug=torch.zeros(bu, 3, H, W),
        label_l=labels[rank * bl:(rank + 1) * bl].clone(), label_u_aug=pseudo[rank * bu:(rank + 1) * bu].clone(),
        logits_u_aug=torch.ones(bu, H, W), h=H, w=W, sup_loss_fn=get_criterion(cfg), prototype=None,
    )
    exec(compile(bank_code, path, "exec"), scope)
    memobank = scope["memobank"]
    for i in range(C):  # the bank is built for 21 classes in main(); keep the first C
        memobank[i][0] = torch.zeros(0, D)
    scope["memobank"] = memobank[:C]
    scope["queue_ptrlis"] = scope["queue_ptrlis"][:C]
    scope["queue_size"] = scope["queue_size"][:C]
    exec(compile(step_code, path, "exec"), scope)
    loss = scope["sup_loss"] + scope["unsup_loss"] + scope["contra_loss"]  # train_semi.py: loss = sup_loss + unsup_loss + contra_loss
    loss.backward()

    publish()
    onehot = scope.get("label_u_small")
    result = {
        "rank": rank,
        "sup": float(scope["sup_loss"]), "unsup": float(scope["unsup_loss"]),
        # contra_loss now holds the all-reduced sum / world_size (times loss_weight, 1): the replicas'
        # mean, the value the official log shows; each rank's backward used its own loss / world_size.
        "contra_mean": float(scope["contra_loss"]),
        "grad_pred": pred_r.grad / world_size, "grad_rep": rep_r.grad / world_size,
        "bank": [memobank[i][0].clone() for i in range(C)],
        "step_lines": [step_first, step_last],
    }
    torch.save(result, os.path.join(result_dir, f"result-{world_size}-{rank}.pt"))
    dist.barrier()
    dist.destroy_process_group()


def label_onehot_case(official):
    install_stubs()
    sys.path.insert(0, official)
    import torch
    torch.Tensor.cuda = lambda self, *a, **k: self
    from u2pl.utils.utils import label_onehot
    g = torch.Generator().manual_seed(SEED)
    labels = torch.randint(0, C, (3, 6, 7), generator=g)
    labels[torch.rand(3, 6, 7, generator=g) < 0.2] = 255
    return {"labels": put(labels), "onehot": put(label_onehot(labels, C))}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--official", required=True, help="a checkout of Haochen-Wang409/U2PL")
    p.add_argument("--commit", help="the checkout's commit (default: git rev-parse HEAD in it)")
    args = p.parse_args()
    official = os.path.abspath(args.official)
    commit = args.commit or subprocess.run(["git", "-C", official, "rev-parse", "HEAD"], capture_output=True, text=True).stdout.strip()
    if not commit:
        sys.exit("give --commit: the checkout is not a git work tree")

    import torch
    import torch.multiprocessing as mp
    import yaml

    cfg = yaml.safe_load(open(os.path.join(official, "experiments", "pascal", "1464", "ours", "config.yaml")))
    cfg["net"]["num_classes"] = C
    cfg["trainer"]["epochs"] = EPOCHS
    cfg["trainer"]["contrastive"].update(num_queries=NUM_QUERIES, num_negatives=NUM_NEGATIVES)

    fixture = {
        "official_commit": commit,
        "generated_by": "tools/make_official_u2pl_fixtures.py",
        "config": {"num_classes": C, "rep_dim": D, "epoch": EPOCH, "epochs": EPOCHS, "seed": SEED,
                   "trainer": cfg["trainer"], "criterion": cfg["criterion"]},
        "label_onehot": label_onehot_case(official),
        "randint_after_seed": torch.manual_seed(SEED) and torch.randint(0, 1000, (12,)).tolist(),
        "steps": {},
    }
    with tempfile.TemporaryDirectory() as tmp:
        for world_size in WORLD_SIZES:
            store = os.path.join(tmp, f"store-{world_size}")
            mp.spawn(worker, args=(world_size, official, store, cfg, tmp), nprocs=world_size, join=True)
            results = [torch.load(os.path.join(tmp, f"result-{world_size}-{r}.pt")) for r in range(world_size)]
            labels, pseudo, pred, rep, pred_t, rep_t = inputs(world_size)
            n_l = labels.shape[0]

            def joined(key):  # rank rows back into our order: all labelled rows, then all unlabelled rows
                parts = [r[key] for r in results]
                return torch.cat([p[:BL] for p in parts] + [p[BL:] for p in parts])

            fixture["steps"][str(world_size)] = {
                "labels": put(labels), "pseudo_labels": put(pseudo),
                "student_pred": put(pred), "student_rep": put(rep),
                "teacher_pred": put(pred_t), "teacher_rep": put(rep_t),
                "sup": sum(r["sup"] for r in results) / world_size,
                "unsup": sum(r["unsup"] for r in results) / world_size,
                "contra_mean": results[0]["contra_mean"],
                "grad_pred": put(joined("grad_pred")), "grad_rep": put(joined("grad_rep")),
                "bank": [put(b) for b in results[0]["bank"]],
                "train_semi_lines": results[0]["step_lines"],
            }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT + ".tmp", "w") as f:
        json.dump(fixture, f, separators=(",", ":"))
    os.replace(OUT + ".tmp", OUT)
    print(f"wrote {OUT} (official commit {commit})")


if __name__ == "__main__":
    main()
