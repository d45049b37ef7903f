#!/usr/bin/python3
"""Writes the PyTorch reference files for the nn, optim and serialization tests.

Rerun from the repository root with the Debian PyTorch (python3-torch 1.13):

    /usr/bin/python3 tools/make_nn_fixtures.py

Output, in tests/SemiSeg.Tests/Fixtures/nn/:
  tiny_state.pth   torch.save(model.state_dict()) of TinyNet: an OrderedDict with _metadata,
                   exactly what a Python training script writes.
  tiny_io.pth      {"input": x, "output": model.eval()(x)} for the same weights.
  batchnorm.pth    BatchNorm2d(3) running statistics after three training-mode forwards,
                   for momentum 0.1 and momentum None (cumulative average).
  sgd.pth          SGD(momentum 0.9, weight decay 1e-4, two param groups with lr 0.1 and 0.01)
                   on a fixed least-squares problem: parameters after each of 5 steps, and
                   the optimizer's state_dict() at the end, and PolynomialLR(total 10, power 0.9)
                   learning rates for iterations 0..12.
  init.pth         Conv2d(3, 4, 3) then Linear(6, 5) built right after torch.manual_seed(5):
                   PyTorch's default initialisation drawn from a freshly seeded generator.
  dropout.pth      dropout2d(p=0.5) of ones(2, 8, 3, 3) and dropout(p=0.3) of ones(4, 5), each
                   right after torch.manual_seed(7).
  pickle_cases.pth every kind of value the C# reader must understand (ints of every pickle width,
                   floats, strings, tuples, one-entry dicts, int keys, nested OrderedDicts, views
                   sharing a storage, each dtype); the test knows the values by heart.
  whole_module.pth torch.save(nn.Linear(2, 2)): a pickled module, which the reader must refuse by name.
The C# tests rebuild the same networks and problems and compare with these numbers.
"""
import os
from collections import OrderedDict

import torch
import torch.nn.functional as F
from torch import nn

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SemiSeg.Tests", "Fixtures", "nn")


class Block(nn.Module):
    """A residual block with the names torchvision's BasicBlock uses (conv1, bn1, ...)."""

    def __init__(self, channels):
        super().__init__()
        self.conv1 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn1 = nn.BatchNorm2d(channels)
        self.relu = nn.ReLU()
        self.conv2 = nn.Conv2d(channels, channels, 3, padding=1, bias=False)
        self.bn2 = nn.BatchNorm2d(channels)

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.relu(out + x)


class TinyNet(nn.Module):
    def __init__(self):
        super().__init__()
        self.stem = nn.Conv2d(3, 4, 3, stride=2, padding=1)
        self.bn = nn.BatchNorm2d(4)
        self.relu = nn.ReLU()
        self.layer1 = nn.Sequential(Block(4), Block(4))
        self.dropout = nn.Dropout2d(0.1)
        self.fc = nn.Linear(4, 5)

    def forward(self, x):
        x = self.relu(self.bn(self.stem(x)))
        x = self.dropout(self.layer1(x))
        return self.fc(x.mean(dim=(2, 3)))


def tiny_net():
    torch.manual_seed(0)
    model = TinyNet()
    # A few training-mode forwards so the running statistics and counters are not defaults.
    with torch.no_grad():
        for _ in range(3):
            model(torch.randn(2, 3, 8, 8))
    model.eval()
    x = torch.randn(2, 3, 8, 8)
    with torch.no_grad():
        y = model(x)
    torch.save(model.state_dict(), os.path.join(OUT, "tiny_state.pth"))
    torch.save({"input": x, "output": y}, os.path.join(OUT, "tiny_io.pth"))


def batchnorm():
    torch.manual_seed(1)
    inputs = [torch.randn(4, 3, 5, 5) * (k + 1) + k for k in range(3)]
    result = {"inputs": inputs}
    for name, momentum in (("momentum_0.1", 0.1), ("momentum_none", None)):
        bn = nn.BatchNorm2d(3, momentum=momentum)
        bn.train()
        with torch.no_grad():
            outputs = [bn(x) for x in inputs]
        result[name] = {
            "running_mean": bn.running_mean.clone(),
            "running_var": bn.running_var.clone(),
            "num_batches_tracked": bn.num_batches_tracked.clone(),
            "last_output": outputs[-1],
        }
    torch.save(result, os.path.join(OUT, "batchnorm.pth"))


def sgd():
    torch.manual_seed(2)
    x = torch.randn(8, 4)
    y = torch.randn(8, 3)
    weight = torch.randn(3, 4, requires_grad=True)
    bias = torch.randn(3, requires_grad=True)
    start = {"weight": weight.detach().clone(), "bias": bias.detach().clone()}
    optimizer = torch.optim.SGD(
        [{"params": [weight], "lr": 0.1}, {"params": [bias], "lr": 0.01}], lr=0.5, momentum=0.9, weight_decay=1e-4
    )
    steps = []
    for _ in range(5):
        optimizer.zero_grad()
        loss = ((x @ weight.t() + bias - y) ** 2).mean()
        loss.backward()
        optimizer.step()
        steps.append({"weight": weight.detach().clone(), "bias": bias.detach().clone(), "loss": loss.item()})
    probe = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.5)
    poly = torch.optim.lr_scheduler.PolynomialLR(probe, total_iters=10, power=0.9)
    poly_lrs = []
    for _ in range(13):
        poly_lrs.append(probe.param_groups[0]["lr"])
        probe.step()
        poly.step()
    torch.save(
        {"x": x, "y": y, "start": start, "steps": steps, "optimizer": optimizer.state_dict(), "poly_lr": poly_lrs},
        os.path.join(OUT, "sgd.pth"),
    )


def init():
    torch.manual_seed(5)
    conv = nn.Conv2d(3, 4, 3)
    linear = nn.Linear(6, 5)
    torch.save(
        {"conv.weight": conv.weight, "conv.bias": conv.bias, "linear.weight": linear.weight, "linear.bias": linear.bias},
        os.path.join(OUT, "init.pth"),
    )


def dropout():
    torch.manual_seed(7)
    channels = F.dropout2d(torch.ones(2, 8, 3, 3), p=0.5, training=True)
    torch.manual_seed(7)
    elements = F.dropout(torch.ones(4, 5), p=0.3, training=True)
    torch.save({"dropout2d": channels, "dropout": elements}, os.path.join(OUT, "dropout.pth"))


def pickle_cases():
    base = torch.arange(12, dtype=torch.float32).reshape(3, 4)
    cases = {
        "ints": [0, 1, -1, 255, 256, 65535, 65536, -(2**31), 2**31, 2**62, -(2**63)],
        "floats": [0.0, -1.5, 1e-300, float("inf")],
        "text": "\u00fcn\u00efcode \u2713",
        "flags": (True, False, None),
        "one": {"only": 1},
        "int_keys": {0: "a", 7: "b"},
        "nested": OrderedDict([("x", OrderedDict([("y", torch.ones(2))]))]),
        "base": base,
        "view": base[:, 1:3],
        "transposed": base.t(),
        "float64": torch.tensor([1.25, -2.5], dtype=torch.float64),
        "int32": torch.tensor([-3, 4], dtype=torch.int32),
        "bool": torch.tensor([True, False]),
        "float16": torch.tensor([0.5, 2.0], dtype=torch.float16),
        "bfloat16": torch.tensor([1.5], dtype=torch.bfloat16),
        "uint8": torch.tensor([0, 255], dtype=torch.uint8),
        "scalar": torch.tensor(3.5),
        "empty": torch.zeros(0, 3),
    }
    torch.save(cases, os.path.join(OUT, "pickle_cases.pth"))
    torch.manual_seed(0)
    torch.save(nn.Linear(2, 2), os.path.join(OUT, "whole_module.pth"))


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    tiny_net()
    batchnorm()
    sgd()
    init()
    dropout()
    pickle_cases()
    print("wrote", sorted(os.listdir(OUT)))
