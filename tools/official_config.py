"""Translates one of our configs (configs/fashion/...) into the official U2PL config dict, for
tools/official_u2pl_train.py. Official keys are copied; ours are dropped and listed in the run's
official.json, and any of ours the official code cannot honour is refused with the key named
(a different head width, a head learning-rate factor other than PASCAL's 10, other queue sizes).
Also maps our encoder weights (saver.backbone) onto the official ResNet's state dict.
"""
import copy
import os
import sys

import yaml

OFFICIAL_TRAIN_KEYS = ["flip", "GaussianBlur", "rand_resize", "rand_rotation", "resize", "crop"]
OFFICIAL_UNSUP_KEYS = ["TTA", "drop_percent", "apply_aug", "loss_weight"]
OFFICIAL_CONTRA_KEYS = ["negative_high_entropy", "low_rank", "high_rank", "current_class_threshold",
                        "current_class_negative_threshold", "unsupervised_entropy_ignore", "low_entropy_threshold",
                        "num_negatives", "num_queries", "temperature", "loss_weight", "binary", "anchor_ema"]
OFFICIAL_ENCODER_KWARGS = ["multi_grid", "zero_init_residual", "fpn", "replace_stride_with_dilation"]
OFFICIAL_DECODER_KWARGS = ["inner_planes", "dilations", "rep_head"]
# Their train_semi.py builds queues of 30000 (50000 for class 0) and dec_deeplabv3_plus 256-channel heads.
FIXED = {("trainer", "contrastive", "queue_size"): 30000, ("trainer", "contrastive", "background_queue_size"): 50000,
         ("net", "decoder", "kwargs", "head_planes"): 256, ("net", "decoder", "kwargs", "rep_planes"): 256,
         ("net", "encoder", "kwargs", "width"): 64, ("trainer", "optimizer", "head_lr_times"): 10}
VOC_IMAGES = 10582  # build_voc_semi_loader resamples both streams to 10582 - n_sup images


class ConfigError(Exception):
    pass


class Plan:
    """What the workers need besides the official config (picklable for torch.multiprocessing)."""

    def __init__(self, **fields):
        self.__dict__.update(fields)


def _get(cfg, path):
    for key in path:
        if not isinstance(cfg, dict) or key not in cfg:
            return None
        cfg = cfg[key]
    return cfg


def _ids(path):
    with open(path) as f:
        return [line.strip() for line in f if line.strip()]


def _full_name(kind, name):
    return name if "." in name else f"u2pl.models.{kind}.{name}"


def translate(args):
    """Returns (Plan, official config dict). Raises ConfigError naming the key or file at fault."""
    if not os.path.isfile(args.config):
        raise ConfigError(f"{args.config}: config file does not exist")
    with open(args.config) as f:
        ours = yaml.safe_load(f)
    for assignment in getattr(args, "set", None) or []:
        apply_override(ours, assignment, args.config)
    base = os.path.dirname(os.path.abspath(args.config))
    resolve = lambda p: os.path.normpath(os.path.join(base, p))  # noqa: E731  (our paths are relative to the config)
    method = ours.get("method", "u2pl")
    if args.sup != (method == "suponly") or method not in ("u2pl", "suponly"):
        raise ConfigError(f"{args.config}: method '{method}' with{'' if args.sup else 'out'} --sup; the official code trains "
                          "u2pl (train_semi.py) and suponly (train_sup.py, pass --sup)")
    notes = {"dropped_keys": {}}
    for path, value in FIXED.items():
        got = _get(ours, path)
        if got is not None and got != value:
            raise ConfigError(f"{args.config}: {'.'.join(path)} is {got}; the official code has only {value} "
                              "(see docs/official-crosscheck.md for a network both implementations build)")
    ds, tr, net = ours["dataset"], ours["trainer"], ours["net"]
    data = os.path.abspath(args.data)
    source = resolve(ds["train"]["data_root"])
    export_note = os.path.join(data, "export-voc.txt")
    if not os.path.isfile(export_note):
        raise ConfigError(f"{data}: no export-voc.txt (write it with: semiseg data export-voc --root {source} --out {data})")
    with open(export_note) as f:
        first = f.readline()
    if not first.startswith(f"VOC export of {source}:"):
        raise ConfigError(f"{export_note}: exported from elsewhere ({first.strip()}); the config's data_root is {source}")

    def exported_list(ours_list):
        ours_list = resolve(ours_list)
        relative = os.path.relpath(ours_list, os.path.join(source, "splits"))
        if relative.startswith(".."):
            raise ConfigError(f"{ours_list}: not below {source}/splits, so not in the export")
        theirs = os.path.join(data, "splits", "pascal", relative)
        if not os.path.isfile(theirs) or _ids(theirs) != _ids(ours_list):
            raise ConfigError(f"{theirs}: missing or not the same ids as {ours_list}; export again")
        return theirs

    if "cityscapes" in data:
        raise ConfigError(f"{data}: base.py parses a list whose path holds 'cityscapes' as Cityscapes; export to another folder")
    labeled = exported_list(ds["train"]["data_list"])
    unlabeled = labeled.replace("labeled.txt", "unlabeled.txt")  # their build_voc_semi_loader's rule
    val = exported_list(ds["val"]["data_list"])
    n_labeled = len(_ids(labeled))
    n_unlabeled = len(_ids(unlabeled)) if os.path.isfile(unlabeled) else 0
    if not args.sup and n_unlabeled == 0:
        raise ConfigError(f"{unlabeled}: missing; train_semi.py needs the unlabelled list beside labeled.txt")

    world = args.world_size or tr.get("world_size", 1)
    if args.world_size and tr.get("world_size", args.world_size) != args.world_size:
        raise ConfigError(f"{args.config}: trainer.world_size is {tr['world_size']} but --world-size is {args.world_size}")
    seed = ours.get("seed", 0) if args.seed is None else args.seed
    epochs = args.epochs or tr["epochs"]
    cap = args.max_steps_per_epoch or tr.get("max_steps_per_epoch")
    if not tr.get("eval_on", True):
        raise ConfigError(f"{args.config}: trainer.eval_on is False; the records come from their validate() after every epoch")

    label_pad = (ds["train"].get("crop") or {}).get("label_pad", 255)
    if label_pad != 0:
        raise ConfigError(f"{args.config}: dataset.train.crop.label_pad is {label_pad}; the official Crop pads labels with 0 "
                          "(u2pl/dataset/augmentation.py:241-243): set label_pad: 0 so both sides train the same crops")
    train = {k: copy.deepcopy(ds["train"][k]) for k in OFFICIAL_TRAIN_KEYS if k in ds["train"]}
    if "crop" in train:
        train["crop"].pop("label_pad", None)
        notes["dropped_keys"]["dataset.train.crop.label_pad"] = label_pad
    if train.get("GaussianBlur"):
        raise ConfigError(f"{args.config}: dataset.train.GaussianBlur needs scipy's gaussian_filter, not available to the CPU run")
    train.update(data_root=data, data_list=labeled)
    val_cfg = {"data_root": data, "data_list": val}
    mode = ds["val"].get("mode", "center")
    if mode == "center":
        val_cfg["crop"] = {"type": "center", "size": copy.deepcopy(ds["val"].get("crop", {}).get("size", ds["train"]["crop"]["size"]))}
    elif mode != "full":
        raise ConfigError(f"{args.config}: dataset.val.mode {mode}; the official VOC validate() evaluates center crops or whole images")
    if "batch_size" in ds["val"]:
        val_cfg["batch_size"] = ds["val"]["batch_size"]
    dataset = {"type": "pascal" if args.sup else "pascal_semi", "train": train, "val": val_cfg,
               "batch_size": ds["batch_size"], "n_sup": n_labeled if args.sup else VOC_IMAGES - n_unlabeled,
               "workers": ds.get("workers", 2), "mean": ds["mean"], "std": ds["std"], "ignore_label": ds.get("ignore_label", 255)}

    optimizer = {"type": tr["optimizer"]["type"], "kwargs": copy.deepcopy(tr["optimizer"]["kwargs"])}
    trainer = {"epochs": epochs, "eval_on": tr.get("eval_on", True), "optimizer": optimizer,
               "lr_scheduler": copy.deepcopy(tr["lr_scheduler"])}
    if "sup_only_epoch" in tr:
        trainer["sup_only_epoch"] = tr["sup_only_epoch"]
    if not args.sup:
        trainer["unsupervised"] = {k: v for k, v in tr["unsupervised"].items() if k in OFFICIAL_UNSUP_KEYS}
        contra = tr.get("contrastive")
        if contra and contra.get("enabled", True):
            trainer["contrastive"] = {k: v for k, v in contra.items() if k in OFFICIAL_CONTRA_KEYS}
    for k, v in tr.items():
        if k not in trainer and k not in ("unsupervised", "contrastive"):
            notes["dropped_keys"][f"trainer.{k}"] = v
    for section, keys in (("unsupervised", OFFICIAL_UNSUP_KEYS), ("contrastive", OFFICIAL_CONTRA_KEYS)):
        for k, v in (tr.get(section) or {}).items():
            if k not in keys:
                notes["dropped_keys"][f"trainer.{section}.{k}"] = v
    for k, v in tr["optimizer"].items():
        if k not in ("type", "kwargs"):
            notes["dropped_keys"][f"trainer.optimizer.{k}"] = v
    for k, v in ds["train"].items():
        if k not in OFFICIAL_TRAIN_KEYS + ["data_root", "data_list"]:
            notes["dropped_keys"][f"dataset.train.{k}"] = v
    for k, v in ds["val"].items():
        if k not in ("data_root", "data_list", "batch_size", "crop"):
            notes["dropped_keys"][f"dataset.val.{k}"] = v
    encoder_type = _full_name("resnet", net["encoder"]["type"])
    decoder_type = _full_name("decoder", net["decoder"]["type"])
    sync_bn = net.get("sync_bn", True)  # their default; nn.SyncBatchNorm runs on CPU through official_patches
    if args.sup and net["decoder"].get("kwargs", {}).get("rep_head", True):
        raise ConfigError(f"{args.config}: --sup needs net.decoder.kwargs.rep_head: False (as the official suponly configs): "
                          "train_sup.py's DistributedDataParallel refuses the unused representation head")
    backbone = _get(ours, ["saver", "backbone"])
    pretrain = _get(ours, ["saver", "pretrain"])
    if pretrain and args.sup:
        raise ConfigError(f"{args.config}: saver.pretrain with --sup: the official train_sup.py cannot load one "
                          "(it calls load_state(..., keys=\"model_state\"), a TypeError: load_state takes key=)")
    official_net = {
        "num_classes": net["num_classes"], "sync_bn": sync_bn, "ema_decay": net["ema_decay"],
        "encoder": {"type": encoder_type,
                    "kwargs": {**{k: v for k, v in net["encoder"].get("kwargs", {}).items() if k in OFFICIAL_ENCODER_KWARGS},
                               "pretrained": bool(backbone)}},
        "decoder": {"type": decoder_type,
                    "kwargs": {k: v for k, v in net["decoder"].get("kwargs", {}).items() if k in OFFICIAL_DECODER_KWARGS}},
    }
    for part, keys in (("encoder", OFFICIAL_ENCODER_KWARGS), ("decoder", OFFICIAL_DECODER_KWARGS)):
        for k, v in net[part].get("kwargs", {}).items():
            if k not in keys:
                notes["dropped_keys"][f"net.{part}.kwargs.{k}"] = v
    if "aux_loss" in net:
        official_net["aux_loss"] = copy.deepcopy(net["aux_loss"])
    cfg = {"dataset": dataset, "trainer": trainer,
           "saver": {"snapshot_dir": os.path.join(os.path.abspath(args.out), "checkpoints"), "pretrain": ""},
           "criterion": copy.deepcopy(ours["criterion"]), "net": official_net}
    for key in ("method", "seed", "threads", "device"):
        if key in ours:
            notes["dropped_keys"][key] = ours[key]

    backbone_file = None
    if backbone:
        backbone_file = os.path.join(os.path.abspath(args.out), "official-backbone.pth")
        notes["backbone"] = map_backbone(args.official, resolve(backbone), official_net, backbone_file, ds["train"]["crop"]["size"])
    else:
        check_network(args.official, official_net, ds["train"]["crop"]["size"])
    if pretrain:
        pretrain_file = os.path.join(os.path.abspath(args.out), "official-pretrain.pth")
        notes["pretrain"] = map_pretrain(args.official, resolve(pretrain), official_net, pretrain_file, ds["train"]["crop"]["size"])
        cfg["saver"]["pretrain"] = pretrain_file
    with open(os.path.join(data, "classes.txt")) as f:
        class_names = [line.strip() for line in f if line.strip()]
    plan = Plan(method=method, semi=not args.sup, world_size=world, seed=seed, epochs=epochs,
                sup_only_epoch=tr.get("sup_only_epoch", 1), max_steps_per_epoch=cap, labeled=n_labeled,
                unlabeled=n_unlabeled, class_names=class_names, backbone_file=backbone_file,
                encoder_name=encoder_type.rsplit(".", 1)[1], notes=notes, our_config=ours)
    notes["max_steps_per_epoch"] = cap
    return plan, cfg


def build_official(official, official_net, crop):
    """Their ModelBuilder on this net section, run once on a crop: proves the official code builds the network."""
    import official_patches
    official_patches.install_stubs()
    if official not in sys.path:
        sys.path.insert(0, official)
    import torch
    from u2pl.models.model_helper import ModelBuilder
    net = copy.deepcopy(official_net)
    net["encoder"]["kwargs"]["pretrained"] = False
    net["sync_bn"] = False  # the same layers; SyncBatchNorm's CPU forward is patched only in the workers
    try:
        model = ModelBuilder(net)
        model.eval()
        with torch.no_grad():
            model(torch.zeros(1, 3, crop[0], crop[1]))
    except Exception as e:  # their constructors raise ValueError, NotImplementedError, RuntimeError
        raise ConfigError(f"the official code cannot build or run net (encoder {net['encoder']['type']}, decoder "
                          f"{net['decoder']['type']}): {type(e).__name__}: {e}. docs/official-crosscheck.md: a network both build")
    return model


def check_network(official, official_net, crop):
    build_official(official, official_net, crop)


def map_backbone(official, our_file, official_net, out_file, crop):
    """Our encoder state dict, key-checked against the official encoder, saved for their pretrained loader."""
    import torch
    if not os.path.isfile(our_file):
        raise ConfigError(f"{our_file}: saver.backbone does not exist (semiseg data fashion-backbone --config ... --out {our_file})")
    ours = torch.load(our_file, map_location="cpu")
    for key in ("state_dict", "model_state", "model"):
        if isinstance(ours, dict) and key in ours and isinstance(ours[key], dict):
            ours = ours[key]
    theirs = build_official(official, official_net, crop).encoder.state_dict()
    mapped, dropped, missing = match_state(ours, theirs, ("module.", "encoder."), our_file, "encoder tensor")
    if missing:
        raise ConfigError(f"{our_file}: no weights for {len(missing)} official encoder tensors, e.g. " + ", ".join(missing)[:300])
    counters = [k for k in theirs if k not in mapped]
    torch.save(mapped, out_file)
    return {"file": our_file, "loaded": len(mapped), "dropped": dropped,
            "missing_batch_counters": len(counters), "prefix_stripped": any(k not in mapped for k in ours if k not in dropped)}


def match_state(ours, theirs, prefixes, our_file, what):
    """
    Our tensors under the official names (the prefixes stripped), each checked against the official
    tensor's shape (a mismatch stops with both named) and cast to its dtype. Returns the matched tensors,
    our keys without an official twin, and the official keys left without a tensor (batch-norm counters
    aside: their loaders start those at 0).
    """
    matched, unused = {}, []
    for key, value in ours.items():
        name = key
        for prefix in prefixes:
            name = name[len(prefix):] if name.startswith(prefix) else name
        if name not in theirs:
            unused.append(key)
            continue
        if tuple(value.shape) != tuple(theirs[name].shape):
            raise ConfigError(f"{our_file}: {what} {key} has shape {tuple(value.shape)}, the official network's {name} "
                              f"{tuple(theirs[name].shape)}: the two networks differ")
        matched[name] = value.to(theirs[name].dtype)
    missing = [k for k in theirs if k not in matched and not k.endswith("num_batches_tracked")]
    return matched, unused, missing


def apply_override(ours, assignment, config):
    """KEY=VALUE (dotted key, YAML value) into our config dict, as `semiseg train --set` does."""
    key, sep, text = assignment.partition("=")
    if not sep or not key:
        raise ConfigError(f"--set {assignment}: expected KEY=VALUE (e.g. saver.pretrain=/path/ckpt.pth)")
    *parents, leaf = key.split(".")
    node = ours
    for i, part in enumerate(parents):
        if not isinstance(node.get(part), dict):
            raise ConfigError(f"--set {assignment}: {config} has no section {'.'.join(parents[:i + 1])}")
        node = node[part]
    node[leaf] = yaml.safe_load(text) if text else None


def map_pretrain(official, our_file, official_net, out_file, crop):
    """
    A whole network of ours (a checkpoint's model_state, and its teacher_state when it has one; else the
    student for both, as our trainer does) key-checked against the official network and saved the way
    their train_semi.py loads saver.pretrain: load_state(..., key="model_state") and key="teacher_state"
    into DistributedDataParallel-wrapped models, so every key gets their "module." prefix. Their
    load_state loads with strict=False, so a key that does not match would be skipped silently: here
    every official tensor must be matched (batch-norm counters aside) and every one of ours used.
    """
    import torch
    if not os.path.isfile(our_file):
        raise ConfigError(f"{our_file}: saver.pretrain does not exist")
    checkpoint = torch.load(our_file, map_location="cpu")
    if not isinstance(checkpoint, dict):
        raise ConfigError(f"{our_file}: saver.pretrain is not a state dict or checkpoint")
    student = checkpoint.get("model_state", checkpoint)
    teacher = checkpoint.get("teacher_state", student)
    theirs = build_official(official, official_net, crop).state_dict()

    def mapped(state, which):
        matched, unused, missing = match_state(state, theirs, ("module.",), our_file, which)
        if missing or unused:
            raise ConfigError(f"{our_file}: {which} does not match the official network: "
                              f"{len(missing)} of their tensors without weights ({', '.join(missing[:5])}), "
                              f"{len(unused)} of ours unused ({', '.join(unused[:5])})")
        return {"module." + name: value for name, value in matched.items()}

    torch.save({"model_state": mapped(student, "model_state"), "teacher_state": mapped(teacher, "teacher_state")}, out_file)
    return {"file": our_file, "tensors": len(student), "teacher": "teacher_state" if "teacher_state" in checkpoint else "model_state"}


def dump(cfg):
    return yaml.safe_dump(cfg, sort_keys=False, default_flow_style=None)
