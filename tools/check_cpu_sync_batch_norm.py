"""Checks the CPU nn.SyncBatchNorm of tools/official_patches.py: two gloo ranks, each with half of a batch, against
nn.BatchNorm2d on the whole batch (outputs, input gradients, parameter gradients summed over ranks, running
statistics). Run: /usr/bin/python3 tools/check_cpu_sync_batch_norm.py (prints the largest differences; ~1e-6 here)."""
import os, sys, tempfile
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import torch, torch.distributed as dist, torch.multiprocessing as mp, torch.nn as nn
import official_patches

def run(rank, store, out):
    dist.init_process_group("gloo", init_method=f"file://{store}", rank=rank, world_size=2)
    nn.SyncBatchNorm.forward = official_patches.cpu_sync_batch_norm_forward
    torch.manual_seed(0)
    x = torch.randn(4, 3, 5, 5) * 3 + 1
    w = torch.randn(4, 3, 5, 5)
    bn = nn.SyncBatchNorm(3); bn.weight.data = torch.tensor([1.5, 0.5, 2.0]); bn.bias.data = torch.tensor([0.1, -0.2, 0.3])
    xr = x[2 * rank: 2 * rank + 2].clone().requires_grad_()
    y = bn(xr)
    (y * w[2 * rank: 2 * rank + 2]).sum().backward()
    torch.save({"y": y.detach(), "gx": xr.grad, "gw": bn.weight.grad, "gb": bn.bias.grad, "rm": bn.running_mean, "rv": bn.running_var}, f"{out}/r{rank}.pt")
    dist.destroy_process_group()

if __name__ == "__main__":
    d = tempfile.mkdtemp()
    mp.spawn(run, args=(os.path.join(d, "store"), d), nprocs=2, join=True)
    torch.manual_seed(0)
    x = torch.randn(4, 3, 5, 5) * 3 + 1
    w = torch.randn(4, 3, 5, 5)
    bn = nn.BatchNorm2d(3); bn.weight.data = torch.tensor([1.5, 0.5, 2.0]); bn.bias.data = torch.tensor([0.1, -0.2, 0.3])
    xf = x.clone().requires_grad_()
    y = bn(xf); (y * w).sum().backward()
    r = [torch.load(f"{d}/r{i}.pt") for i in range(2)]
    print("y", (torch.cat([r[0]["y"], r[1]["y"]]) - y).abs().max().item())
    print("grad x", (torch.cat([r[0]["gx"], r[1]["gx"]]) - xf.grad).abs().max().item())
    print("grad w (sum of ranks)", (r[0]["gw"] + r[1]["gw"] - bn.weight.grad).abs().max().item())
    print("grad b (sum of ranks)", (r[0]["gb"] + r[1]["gb"] - bn.bias.grad).abs().max().item())
    print("running", (r[0]["rm"] - bn.running_mean).abs().max().item(), (r[0]["rv"] - bn.running_var).abs().max().item(), (r[1]["rv"] - bn.running_var).abs().max().item())
