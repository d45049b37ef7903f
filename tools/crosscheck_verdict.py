#!/usr/bin/python3
"""Issue 15's verdict from finished cross-check runs: per-seed best mIoU of the official code and of
ours, and whether the two agree (the difference of the means within two standard errors of that
difference, Welch's form: sqrt(s_o^2 / n_o + s_u^2 / n_u) with sample variances). Reads only the run
records (summary.json, metrics.jsonl) that bench/crosscheck committed; writes one JSON file:

    /usr/bin/python3 tools/crosscheck_verdict.py --runs bench/runs-crosscheck-suponly-start --seeds 0 1 2 \\
        --start suponly --out docs/results/official-crosscheck.json
"""
import argparse
import json
import math
import os
import statistics
import sys


def read_run(folder):
    with open(os.path.join(folder, "summary.json")) as f:
        summary = json.load(f)
    with open(os.path.join(folder, "metrics.jsonl")) as f:
        metrics = [json.loads(line) for line in f if line.strip()]
    if len(metrics) < summary["epochs"]:
        sys.exit(f"{folder}: {len(metrics)} of {summary['epochs']} epochs recorded; the run has not finished")
    return summary, metrics


def agreement(values):
    """The issue's rule on per-seed values of both sides: means, sample deviations, the difference of the
    means (ours - official), its standard error (Welch's form) and whether it is within two of them."""
    mean = {side: statistics.fmean(v) for side, v in values.items()}
    sd = {side: statistics.stdev(v) for side, v in values.items()}
    difference = mean["ours"] - mean["official"]
    error = math.sqrt(sum(sd[s] ** 2 / len(values[s]) for s in values))
    return {"mean": {s: round(m, 2) for s, m in mean.items()}, "std": {s: round(v, 2) for s, v in sd.items()},
            "difference": round(difference, 2), "error": round(error, 2), "agree": abs(difference) <= 2 * error}


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", required=True)
    p.add_argument("--seeds", nargs="+", type=int, required=True)
    p.add_argument("--split", default="1of16")
    p.add_argument("--start", choices=["suponly", "encoder"], required=True,
                   help="what both sides started from (bench/crosscheck --start): a SupOnly network or the encoder alone")
    p.add_argument("--out", required=True)
    args = p.parse_args()
    sides = {"official": "official-u2pl", "ours": "u2pl"}
    best, final, steps, profiles, runs = {}, {}, set(), set(), {}
    for side, prefix in sides.items():
        best[side], final[side] = [], []
        for seed in args.seeds:
            name = f"{prefix}-{args.split}-s{seed}"
            summary, metrics = read_run(os.path.join(args.runs, name))
            best[side].append(round(100 * summary["best_miou"], 2))
            final[side].append(round(100 * metrics[-1]["miou"], 2))
            steps.add(metrics[-1]["step"])
            profiles.add(summary.get("profile"))
            runs.setdefault(side, []).append(name)
    if len(steps) != 1:
        sys.exit(f"the runs trained for different numbers of steps ({sorted(steps)}): not the same budget")
    if profiles != {"official"}:
        sys.exit(f"profiles {sorted(map(str, profiles))}: every run must be profile official")
    if len(args.seeds) < 2:
        sys.exit("the agreement rule needs a spread: give at least two seeds per implementation (the issue asks three)")
    on_best, on_final = agreement(best), agreement(final)
    verdict = {
        "split": args.split.replace("of", "/"),
        "official": best["official"],
        "ours": best["ours"],
        "steps": steps.pop(),
        "start": args.start,
        "profile": "official",
        "mean": on_best["mean"],
        "std": on_best["std"],
        "difference_of_means": on_best["difference"],
        "standard_error_of_difference": on_best["error"],
        "agree": on_best["agree"],
        # The same rule on the last epoch's teacher: "best" may be the warm start's student, which U2PL's
        # semi-supervised part has not touched yet.
        "final": final,
        "final_mean": on_final["mean"],
        "final_std": on_final["std"],
        "final_difference_of_means": on_final["difference"],
        "final_standard_error_of_difference": on_final["error"],
        "final_agree": on_final["agree"],
        "rule": "agree when |mean(ours) - mean(official)| <= 2 * sqrt(sd_official^2/n + sd_ours^2/n)",
        "runs": runs,
    }
    temp = args.out + ".tmp"
    with open(temp, "w") as f:
        f.write(json.dumps(verdict, indent=2) + "\n")
    os.replace(temp, args.out)
    print(json.dumps(verdict))


if __name__ == "__main__":
    main()
