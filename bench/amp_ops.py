#!/usr/bin/python3
"""Seconds per forward+backward of single ops in float32 and under torch.autocast('cpu', bfloat16).

Rerun: /usr/bin/python3 bench/amp_ops.py [--threads 2]
Shows whether this CPU runs libtorch's bf16 kernels fast (AVX512-BF16 / AMX through oneDNN) or on a
fallback: the sizes are those of ResNet-50 DeepLabv3+'s ASPP at the reference setting (4 images, 256
channels, 25x25) and its upsampling to 97x97. Prints one line per op and the CPU's bf16 flags.
"""
import argparse
import time

import torch
import torch.nn.functional as F


def seconds(fn, repeats=3):
    fn()
    start = time.perf_counter()
    for _ in range(repeats):
        fn()
    return (time.perf_counter() - start) / repeats


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--threads", type=int, default=2)
    args = parser.parse_args()
    torch.set_num_threads(args.threads)
    x = torch.randn(4, 256, 25, 25, requires_grad=True)
    w = torch.randn(256, 256, 3, 3, requires_grad=True)
    bn = torch.nn.BatchNorm2d(256).train()
    ops = [("conv2d 3x3", lambda y: F.conv2d(y, w, padding=1)), ("batch_norm (train)", bn),
           ("bilinear upsample to 97x97", lambda y: F.interpolate(y, size=(97, 97), mode="bilinear", align_corners=True)),
           ("relu", F.relu)]
    flags = open("/proc/cpuinfo").read()
    print(f"torch {torch.__version__}, {args.threads} threads, avx512_bf16: {'avx512_bf16' in flags}, amx_bf16: {'amx_bf16' in flags}")
    for name, op in ops:
        def run(amp):
            def step():
                with torch.autocast("cpu", dtype=torch.bfloat16, enabled=amp):
                    # conv2d casts its float32 input itself; the others get the bf16 input a conv would give them
                    out = op(x.to(torch.bfloat16) if amp and not name.startswith("conv") else x)
                out.float().sum().backward()
            return step
        fp32, bf16 = seconds(run(False)), seconds(run(True))
        print(f"{name}: fp32 {fp32:.4f} s, bf16 {bf16:.4f} s, bf16 / fp32 = {bf16 / fp32:.2f}")


if __name__ == "__main__":
    main()
