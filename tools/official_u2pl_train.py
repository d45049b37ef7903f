#!/usr/bin/python3
"""Trains with the official U2PL code (Haochen-Wang409/U2PL: train_semi.py, or train_sup.py with --sup)
on the CPU, with the settings of one of our configs, on data written by `semiseg data export-voc`,
and records the run in our format (metrics.jsonl, summary.json) so `semiseg table` and `semiseg
report` read it beside our runs. Issue 15's cross-check; docs/official-crosscheck.md says how to run it.

    ./semiseg data export-voc --root data/fashion-scenes --out data/fashion-scenes-voc
    git clone -q /work/.mirror/Haochen-Wang409+U2PL/repo /tmp/u2pl-official
    OMP_WAIT_POLICY=PASSIVE /usr/bin/python3 tools/official_u2pl_train.py --official /tmp/u2pl-official \\
        --data data/fashion-scenes-voc --config configs/fashion/crosscheck/u2pl.yaml --out runs/official-u2pl-s0 --seed 0

Their code runs unchanged: this script adds the checkout to sys.path, translates our config into
theirs (official-config.yaml in the run folder), sets sys.argv and calls their main(). What had to
change for CPU processes and today's Python is patched from outside at run time, and listed in
PATCHES (also in summary.json): see official_patches.py. Their train()/validate() are wrapped only
to read what they compute (loss meters, intersection and union counts) and to write our records.
Needs Debian's python3-torch, python3-numpy, python3-yaml, python3-pil; no cv2, scipy, skimage,
torchvision or tensorboardX (stubs: the paths that use them are switched off in the translated
config, and a stub raises if reached).
"""
import argparse
import json
import os
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import official_patches  # noqa: E402  (stubs first: their modules import cv2 and scipy at load time)
import official_config  # noqa: E402


def parse_args():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--official", required=True, help="checkout of Haochen-Wang409/U2PL (holds train_semi.py)")
    p.add_argument("--data", required=True, help="folder written by `semiseg data export-voc` from the config's data_root")
    p.add_argument("--config", required=True, help="our config (configs/fashion/...): method u2pl, or suponly with --sup")
    p.add_argument("--out", required=True, help="run folder: metrics.jsonl, summary.json, official-config.yaml, checkpoints/")
    p.add_argument("--world-size", type=int, default=None, help="gloo processes (default: the config's trainer.world_size, else 1)")
    p.add_argument("--seed", type=int, default=None, help="their --seed (default: the config's seed, else 0)")
    p.add_argument("--sup", action="store_true", help="run train_sup.py (SupOnly) instead of train_semi.py")
    p.add_argument("--threads", type=int, default=None, help="torch threads per process (default: cores / world size)")
    p.add_argument("--epochs", type=int, default=None, help="override trainer.epochs (smoke runs)")
    p.add_argument("--max-steps-per-epoch", type=int, default=None, help="override trainer.max_steps_per_epoch (smoke runs)")
    p.add_argument("--set", action="append", default=[], metavar="KEY=VALUE",
                   help="override one of our config's keys before translation, as `semiseg train --set` does "
                        "(VALUE is YAML; paths stay relative to the config's folder); repeatable")
    return p.parse_args()


def official_commit(checkout):
    try:
        return subprocess.run(["git", "-C", checkout, "rev-parse", "HEAD"], check=True, capture_output=True, text=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "unknown (not a git checkout)"


def write_atomic(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, temp = tempfile.mkstemp(prefix="." + os.path.basename(path) + ".", suffix=".tmp", dir=directory)
    with os.fdopen(fd, "w") as f:
        f.write(text)
    os.replace(temp, path)


class Records:
    """Our run records, written by rank 0 after every evaluation: a metrics.jsonl line, then summary.json."""

    def __init__(self, out, plan, provenance):
        self.out, self.plan, self.provenance = out, plan, provenance
        self.best, self.best_epoch, self.train_seconds = float("nan"), -1, 0.0
        self.metrics = os.path.join(out, "metrics.jsonl")
        open(self.metrics, "w").close()

    def add(self, epoch, step, miou, per_class, losses, lr, evaluated, data_wait, seconds):
        self.train_seconds += seconds
        record = {"epoch": epoch, "step": step, "miou": miou, "per_class_iou": per_class, "losses": losses,
                  "learning_rate": lr, "evaluated_model": evaluated, "data_wait_seconds": data_wait, "seconds": seconds}
        with open(self.metrics, "a") as f:
            f.write(json.dumps(record) + "\n")
            f.flush()
            os.fsync(f.fileno())
        if not (miou <= self.best):  # the first, or a better one (their `prec > best_prec`)
            self.best, self.best_epoch = miou, epoch
        summary = {"method": self.plan.method, "best_miou": self.best, "best_epoch": self.best_epoch, "final_miou": miou,
                   "per_class_iou": per_class, "class_names": self.plan.class_names, "train_seconds": self.train_seconds,
                   "labeled": self.plan.labeled, "unlabeled": self.plan.unlabeled, "epochs": self.plan.epochs,
                   "seed": self.plan.seed, "profile": "official", "world_size": self.plan.world_size, "implementation": "official-code", "official": self.provenance}
        write_atomic(os.path.join(self.out, "summary.json"), json.dumps(summary, indent=2) + "\n")


def instrument(module, plan, records, rank):
    """Wraps their train() and validate() to read what they compute; their code inside runs unchanged."""
    import numpy as np
    import torch
    import torch.distributed as dist

    meters = []
    base_meter = module.AverageMeter

    class TotallingMeter(base_meter):
        """Their AverageMeter (train() keeps a window of 10) that also keeps the epoch's total and count."""

        def __init__(self, *a, **k):
            super().__init__(*a, **k)
            self.total, self.n = 0.0, 0
            meters.append(self)

        def update(self, val, num=1):
            super().update(val, num)
            if np.ndim(val) == 0:
                self.total, self.n = self.total + float(val) * num, self.n + num

    module.AverageMeter = TotallingMeter
    counts = {}
    intersection_and_union = module.intersectionAndUnion

    def counting(output, target, k, ignore_index=255):
        intersection, union, area_target = intersection_and_union(output, target, k, ignore_index)
        counts["i"] = counts.get("i", 0) + intersection.astype(np.float64)
        counts["u"] = counts.get("u", 0) + union.astype(np.float64)
        return intersection, union, area_target

    module.intersectionAndUnion = counting
    state = {"epoch_start": time.time()}
    train, validate = module.train, module.validate

    def train_wrapped(*args):
        meters.clear()
        state["epoch_start"] = time.time()
        optimizer = args[2] if plan.semi else args[1]
        loader = args[5] if plan.semi else args[4]
        epoch = args[7] if plan.semi else args[5]
        result = train(*args)
        # Their meters hold all_reduce sums over ranks; divided by the world size: the mean per replica.
        w = plan.world_size
        mean = lambda m: m.total / max(m.n, 1) / w  # noqa: E731
        if plan.semi:
            sup, uns, con, data = meters[0], meters[1], meters[2], meters[3]
            losses = {"sup": mean(sup), "unsup": mean(uns), "contrastive": mean(con)}
        else:
            sup, data = meters[0], meters[1]
            losses = {"sup": mean(sup)}
        losses["total"] = sum(losses.values())
        state.update(losses=losses, data_wait=data.total, lr=optimizer.param_groups[0]["lr"],
                     step=(epoch + 1) * len(loader), train_epoch=epoch)
        return result

    def validate_wrapped(*args):
        counts.clear()
        epoch = args[2]
        miou = validate(*args)
        totals = torch.from_numpy(np.stack([counts["i"], counts["u"]]))
        dist.all_reduce(totals)  # every rank validates; the same sums their validate() reduces
        if rank == 0:
            i, u = totals[0].numpy(), totals[1].numpy()
            per_class = [None if u[c] == 0 else float(i[c] / (u[c] + 1e-10)) for c in range(len(u))]
            evaluated = "teacher" if plan.semi and epoch >= plan.sup_only_epoch else "student"
            records.add(epoch, state["step"], float(miou), per_class, state["losses"], state["lr"], evaluated,
                        state["data_wait"], time.time() - state["epoch_start"])
            print(f"[official_u2pl_train] epoch {epoch}: mIoU {miou * 100:.2f} ({evaluated}), losses "
                  + ", ".join(f"{k} {v:.4f}" for k, v in state["losses"].items()), flush=True)
        return miou

    module.train, module.validate = train_wrapped, validate_wrapped


def worker(rank, args, plan, config_path, store, provenance):
    # torch.multiprocessing.spawn starts each rank with "spawn", which its DataLoader workers would
    # inherit (and re-import their modules without our stubs); under torchrun a rank forks its workers.
    import multiprocessing
    multiprocessing.set_start_method("fork", force=True)
    official_patches.apply(args.official, rank, plan.world_size, store, plan.backbone_file, plan.encoder_name,
                           plan.max_steps_per_epoch, args.threads)
    script = "train_semi" if plan.semi else "train_sup"
    module = __import__(script)
    records = Records(args.out, plan, provenance) if rank == 0 else None
    instrument(module, plan, records, rank)
    sys.argv = [script + ".py", "--config", config_path, "--seed", str(plan.seed)]
    module.main()
    import torch.distributed as dist
    dist.barrier()
    dist.destroy_process_group()


def main():
    args = parse_args()
    args.official = os.path.abspath(args.official)
    if not os.path.isfile(os.path.join(args.official, "train_semi.py")):
        sys.exit(f"error: {args.official}: not a U2PL checkout (no train_semi.py)")
    args.out = os.path.abspath(args.out)
    os.makedirs(args.out, exist_ok=True)
    try:
        plan, official_cfg = official_config.translate(args)
    except official_config.ConfigError as e:
        sys.exit(f"error: {e}")
    except KeyError as e:
        sys.exit(f"error: {args.config}: no key {e} where the translation needs one")
    if args.threads is None:
        args.threads = max(1, (os.cpu_count() or 1) // plan.world_size)
    config_path = os.path.join(args.out, "official-config.yaml")
    write_atomic(config_path, official_config.dump(official_cfg))
    if args.set:  # our config as this run read it, as `semiseg train --set` records its own
        write_atomic(os.path.join(args.out, "config.yaml"), official_config.dump(plan.our_config))
    else:
        with open(args.config) as f:
            write_atomic(os.path.join(args.out, "config.yaml"), f.read())
    provenance = {
        "repository": "https://github.com/Haochen-Wang409/U2PL", "commit": official_commit(args.official),
        "script": "train_semi.py" if plan.semi else "train_sup.py", "world_size": plan.world_size,
        "threads_per_process": args.threads, "config": "official-config.yaml", "our_config": os.path.abspath(args.config),
        "data": os.path.abspath(args.data), "patches": official_patches.PATCHES, "translation": plan.notes,
    }
    write_atomic(os.path.join(args.out, "official.json"), json.dumps(provenance, indent=2) + "\n")
    store = os.path.join(tempfile.mkdtemp(prefix="u2pl-gloo-"), "store")
    started = time.time()
    if plan.world_size == 1:
        worker(0, args, plan, config_path, store, provenance)
    else:
        import torch.multiprocessing as mp
        mp.spawn(worker, args=(args, plan, config_path, store, provenance), nprocs=plan.world_size, join=True)
    print(f"[official_u2pl_train] done in {time.time() - started:.0f} s -> {args.out}", flush=True)


if __name__ == "__main__":
    main()
