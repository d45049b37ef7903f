#!/usr/bin/python3
"""Writes tests/SemiSeg.Tests/Fixtures/loss_fixtures.json: small inputs and the values PyTorch
gives for them when the U2PL and iMAS loss formulas are evaluated the way the official code
evaluates them (Haochen-Wang409/U2PL u2pl/utils/loss_helper.py and train_semi.py, ZhenZHAO/iMAS
imas/utils/loss_helper.py and dataset/cutmix_tensor.py). The formulas are restated here from
reading that code; nothing is imported from it.

Rerun from the repository root (needs Debian's python3-torch and numpy):
    /usr/bin/python3 tools/make_loss_fixtures.py
"""
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

IGNORE = 255
OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "SemiSeg.Tests", "Fixtures", "loss_fixtures.json")


def put(t):
    t = torch.as_tensor(t).detach().cpu()
    if t.dtype == torch.bool:
        kind, data = "bool", t.long().flatten().tolist()
    elif t.dtype in (torch.int64, torch.int32):
        kind, data = "int64", t.long().flatten().tolist()
    else:
        kind, data = "float32" if t.dtype == torch.float32 else "float64", [float(v) for v in t.flatten().tolist()]
    return {"shape": list(t.shape), "dtype": kind, "data": data}


def entropy_of(prob):
    return -torch.sum(prob * torch.log(prob + 1e-10), dim=1)


def one_hot_ignoring(labels, num_classes):
    # label_onehot: ignored pixels get an all-zero vector
    safe = labels.clone()
    safe[labels == IGNORE] = 0
    out = F.one_hot(safe, num_classes).permute(0, 3, 1, 2).float()
    return out * (labels != IGNORE).unsqueeze(1).float()


def partition_case(gen):
    prob = torch.softmax(torch.randn(2, 4, 5, 6, generator=gen) * 2, dim=1)
    labels = prob.argmax(1)
    labels[0, 0, :3] = IGNORE
    labels[1, 4, 2:] = IGNORE
    entropy = entropy_of(prob)
    valid = labels != IGNORE
    flat = entropy[valid].numpy().flatten()
    case = {"probabilities": put(prob), "labels": put(labels), "entropy": put(entropy), "percentiles": {}}
    for q in (0.0, 20.0, 37.5, 50.0, 80.0, 86.0, 100.0):
        thresh = np.percentile(flat, q)
        case["percentiles"][str(q)] = {
            "threshold": float(thresh),
            "ge_mask": put(entropy.ge(thresh) & valid),
            "le_mask": put(entropy.le(thresh) & valid),
        }
    return case


def unsupervised_case(gen):
    student = torch.randn(2, 4, 5, 6, generator=gen)
    teacher = torch.randn(2, 4, 5, 6, generator=gen) * 1.5
    labels = torch.softmax(teacher, 1).argmax(1)
    labels[1, :2, :2] = IGNORE                              # a cutout corner
    epoch, epochs, drop_percent = 3, 10, 80
    percent_unreliable = (100 - drop_percent) * (1 - epoch / epochs)
    percent = 100 - percent_unreliable
    # compute_unsupervised_loss restated
    target = labels.clone()
    prob = torch.softmax(teacher, dim=1)
    entropy = entropy_of(prob)
    thresh = np.percentile(entropy[target != IGNORE].numpy().flatten(), percent)
    drop = entropy.ge(thresh).bool() & (target != IGNORE).bool()
    target[drop] = IGNORE
    b, _, h, w = student.shape
    weight = b * h * w / torch.sum(target != IGNORE)
    loss = weight * F.cross_entropy(student, target, ignore_index=IGNORE)
    return {"student": put(student), "teacher": put(teacher), "labels": put(labels), "epoch": epoch, "epochs": epochs,
            "drop_percent": drop_percent, "unreliable_percent": percent_unreliable, "loss": float(loss),
            "weight": float(weight), "kept": int((target != IGNORE).sum())}


def ohem_restated(pred, target, thresh, min_kept):
    # OhemCrossEntropy2dTensor restated
    b, c, h, w = pred.size()
    target = target.reshape(-1).clone()
    valid = target.ne(IGNORE)
    target = target * valid.long()
    num_valid = valid.sum()
    prob = F.softmax(pred, dim=1).transpose(0, 1).reshape(c, -1)
    if min_kept > num_valid:
        pass
    elif num_valid > 0:
        prob = prob.masked_fill(~valid, 1)
        p_true = prob[target, torch.arange(len(target))]
        threshold = thresh
        if min_kept > 0:
            order = p_true.argsort()
            kth = p_true[order[min(len(order), min_kept) - 1]]
            if kth > thresh:
                threshold = kth
            kept = p_true.le(threshold)
            target = target * kept.long()
            valid = valid & kept
    target = target.masked_fill(~valid, IGNORE).reshape(b, h, w)
    return F.cross_entropy(pred, target, ignore_index=IGNORE), target


def ohem_cases(gen):
    logits = torch.randn(2, 4, 6, 7, generator=gen) * 4
    labels = logits.argmax(1)                              # mostly right, so many true-class probabilities exceed 0.7
    labels[1, 3:, :] = torch.randint(0, 4, (3, 7), generator=gen)
    labels[0, :2, :] = IGNORE
    cases = []
    for min_kept in (0, 5, 40, 60, 70, 1000):      # 70 labelled pixels: 1000 disables mining
        loss, target = ohem_restated(logits, labels, 0.7, min_kept)
        cases.append({"min_kept": min_kept, "loss": float(loss), "target": put(target)})
    return {"logits": put(logits), "labels": put(labels), "thresh": 0.7, "cases": cases}


def targets_case(gen):
    # train_semi.py's mask and one-hot construction before compute_contra_memobank_loss, restated
    num_classes, alpha_t = 4, 20.0
    label_l = torch.randint(0, num_classes, (2, 12, 12), generator=gen)
    label_l[0, :3, :4] = IGNORE
    prob_u = torch.softmax(torch.randn(2, num_classes, 12, 12, generator=gen) * 2, 1)
    label_u = prob_u.argmax(1)
    label_u[1, 6:, 8:] = IGNORE
    entropy = entropy_of(prob_u)
    valid = label_u != IGNORE
    flat = entropy[valid].numpy().flatten()
    low_thresh = np.percentile(flat, alpha_t)
    low_entropy = entropy.le(low_thresh).float() * valid
    high_thresh = np.percentile(flat, 100 - alpha_t)
    high_entropy = entropy.ge(high_thresh).float() * valid
    size = (5, 5)
    low_all = F.interpolate(torch.cat(((label_l.unsqueeze(1) != IGNORE).float(), low_entropy.unsqueeze(1))), size=size, mode="nearest")
    high_all = F.interpolate(torch.cat(((label_l.unsqueeze(1) != IGNORE).float(), high_entropy.unsqueeze(1))), size=size, mode="nearest")
    label_l_small = F.interpolate(one_hot_ignoring(label_l, num_classes), size=size, mode="nearest")
    label_u_small = F.interpolate(one_hot_ignoring(label_u, num_classes), size=size, mode="nearest")
    return {"num_classes": num_classes, "alpha": alpha_t, "height": size[0], "width": size[1],
            "label_l": put(label_l), "label_u": put(label_u), "prob_u": put(prob_u),
            "low_mask": put(low_all.squeeze(1) > 0), "high_mask": put(high_all.squeeze(1) > 0),
            "one_hot": put(torch.cat((label_l_small, label_u_small)))}


def contrastive_case(gen, rule):
    """compute_contra_memobank_loss restated (rule 'official'), or with Eq. 14-15 as written
    (rule 'paper'); FIFO queues as dequeue_and_enqueue; all draws from one seeded generator."""
    num_l, num_u, dim, num_classes, h, w = 2, 2, 8, 5, 5, 5
    q, n, temp, low_rank, high_rank, delta_p, delta_n = 6, 4, 0.5, 2, 4, 0.3, 1.0
    batch = num_l + num_u
    rep = torch.randn(batch, dim, h, w, generator=gen)
    rep_teacher = rep + 0.3 * torch.randn(batch, dim, h, w, generator=gen)
    prob = torch.softmax(torch.randn(batch, num_classes, h, w, generator=gen) * 1.5, 1)
    labels = prob.argmax(1)
    labels[:num_l] = torch.randint(0, num_classes, (num_l, h, w), generator=gen)   # ground truth disagrees at places
    labels[0, 0, :2] = IGNORE
    # second-pass teacher ranks differ from the first-pass pseudo-labels at some pixels
    labels[num_l:, 1, :] = torch.randint(0, num_classes, (num_u, w), generator=gen)
    low_mask = torch.rand(batch, h, w, generator=gen) < 0.6
    high_mask = torch.rand(batch, h, w, generator=gen) < 0.5
    low_mask[:num_l] = labels[:num_l] != IGNORE
    high_mask[:num_l] = labels[:num_l] != IGNORE
    queue_sizes = [7] + [5] * (num_classes - 1)
    bank = [torch.randn(3 + c, dim, generator=gen) for c in range(num_classes)]
    initial_bank = [b.clone() for b in bank]
    seed = 1234

    onehot = one_hot_ignoring(labels, num_classes)
    low_valid = onehot * low_mask.unsqueeze(1).float()
    high_valid = onehot * high_mask.unsqueeze(1).float()
    rep_p = rep.permute(0, 2, 3, 1)
    rep_t = rep_teacher.permute(0, 2, 3, 1)
    order = torch.sort(prob, 1, True)[1].permute(0, 2, 3, 1)
    negatives_masks = []
    anchors, protos, present = [], [], []
    for c in range(num_classes):
        anchor_mask = (prob[:, c] > delta_p) & low_valid[:, c].bool()
        anchors.append(rep_p[anchor_mask])
        protos.append(torch.mean(rep_t[low_valid[:, c].bool()], dim=0, keepdim=True))
        in_u = torch.sum(order[num_l:, :, :, low_rank:high_rank].eq(c), dim=3).bool()
        in_l = torch.sum(order[:num_l, :, :, :low_rank].eq(c), dim=3).bool() & (labels[:num_l] != c)
        rank_ok = torch.cat((in_l, in_u))
        if rule == "official":
            candidate = (prob[:, c] < delta_n) & high_valid[:, c].bool()
        else:
            candidate = (prob[:, c] < delta_n) & high_mask
        negative = candidate & rank_ok
        negatives_masks.append(negative)
        keys = rep_t[negative]
        bank[c] = torch.cat((bank[c], keys), 0)
        if bank[c].shape[0] >= queue_sizes[c]:
            bank[c] = bank[c][-queue_sizes[c]:]
        if low_valid[:, c].sum() > 0:
            present.append(c)
    g = torch.Generator().manual_seed(seed)
    total = torch.tensor(0.0)
    assert present == list(range(len(present))), "keep the present classes contiguous (official indexing)"
    for c in present:
        if len(anchors[c]) == 0 or bank[c].shape[0] == 0:
            continue
        a = anchors[c][torch.randint(len(anchors[c]), size=(q,), generator=g)]
        neg = bank[c][torch.randint(len(bank[c]), size=(q * n,), generator=g)].reshape(q, n, dim)
        pos = protos[c].unsqueeze(0).repeat(q, 1, 1)
        logits = torch.cosine_similarity(a.unsqueeze(1), torch.cat((pos, neg), 1), dim=2)
        total = total + F.cross_entropy(logits / temp, torch.zeros(q).long())
    loss = total / len(present)
    return {"rule": rule, "num_labeled": num_l, "num_classes": num_classes, "num_queries": q, "num_negatives": n,
            "temperature": temp, "low_rank": low_rank, "high_rank": high_rank, "seed": seed,
            "queue_sizes": queue_sizes, "rep": put(rep), "rep_teacher": put(rep_teacher), "prob": put(prob),
            "labels": put(labels), "low_mask": put(low_mask), "high_mask": put(high_mask),
            "initial_bank": [put(b) for b in initial_bank], "final_bank": [put(b) for b in bank],
            "negative_mask": put(torch.stack(negatives_masks, 1)), "loss": float(loss)}


def imas_case(gen):
    b, c, h, w = 3, 4, 6, 6
    student = torch.randn(b, c, h, w, generator=gen) * 3
    teacher = student + torch.randn(b, c, h, w, generator=gen) * 2
    teacher[2, 0] += 20                                     # the third image is all background for the teacher
    tau = 0.7
    prob_s, prob_t = torch.softmax(student, 1), torch.softmax(teacher, 1)
    max_s, pred_s = prob_s.max(1)
    max_t, pred_t = prob_t.max(1)

    def per_image_iou(pred, ref, weighted, ignore_bg):
        # meanIOU.evaluate restated: hist[ref, pred]; iu = diag / (row + col - diag)
        out = []
        for i in range(b):
            r, p = ref[i].numpy().flatten(), pred[i].numpy().flatten()
            hist = np.bincount(c * r + p, minlength=c * c).reshape(c, c).astype(np.float64)
            with np.errstate(divide="ignore", invalid="ignore"):
                iu = np.diag(hist) / (hist.sum(1) + hist.sum(0) - np.diag(hist))
                if weighted:
                    counts = np.array([(r == k).sum() for k in range(c)], dtype=np.float64)
                    if ignore_bg:
                        counts[0] = 0
                    out.append(np.nansum(iu * counts / counts.sum()))
                else:
                    out.append(np.nanmean(iu))
        return torch.from_numpy(np.array(out, dtype=np.float32))

    result = {"student": put(student), "teacher": put(teacher), "threshold": tau}
    for weighted, ignore_bg, name in ((True, True, "weighted_nobg"), (True, False, "weighted_bg"), (False, True, "plain")):
        iou_t = per_image_iou(pred_s, pred_t, weighted, ignore_bg)
        iou_s = per_image_iou(pred_t, pred_s, weighted, ignore_bg)
        ratio_t = max_t.ge(tau).float().mean(dim=[1, 2])
        ratio_s = max_s.ge(tau).float().mean(dim=[1, 2])
        v1 = (iou_t * ratio_t + iou_s * ratio_s) / 2
        both = ratio_t + ratio_s
        v2 = (ratio_t / both) * iou_t + (ratio_s / both) * iou_s
        result[name] = {"iou_t": put(iou_t), "iou_s": put(iou_s), "v1": put(v1), "v2": put(v2)}
    # compute_unsupervised_loss_by_threshold restated, with and without scores
    logits = torch.randn(b, c, h, w, generator=gen)
    conf, labels = prob_t.max(1)
    labels = labels.clone()
    labels[0, 0, :] = IGNORE
    keep = conf.ge(tau) & (labels != IGNORE)
    target = labels.clone()
    target[~keep] = IGNORE
    per_pixel = F.cross_entropy(logits, target, ignore_index=IGNORE, reduction="none")
    scores = result["weighted_nobg"]["v1"]
    result["unsup"] = {"logits": put(logits), "labels": put(labels), "confidence": put(conf),
                       "plain": float(per_pixel.mean()),
                       "weighted": float((per_pixel.mean(dim=[1, 2]) * torch.tensor(scores["data"])).mean())}
    return result


def main():
    gen = torch.Generator().manual_seed(2022)
    fixtures = {
        "torch_version": torch.__version__,
        "partition": partition_case(gen),
        "unsupervised": unsupervised_case(gen),
        "ohem": ohem_cases(gen),
        "targets": targets_case(gen),
        "contrastive_official": contrastive_case(gen, "official"),
        "contrastive_paper": contrastive_case(gen, "paper"),
        "imas": imas_case(gen),
    }
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        json.dump(fixtures, f, separators=(",", ":"))
    print("wrote", os.path.normpath(OUT))


if __name__ == "__main__":
    main()
