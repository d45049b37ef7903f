#!/usr/bin/python3
"""Writes the reference data for tests/SemiSeg.Tests/Models from a PyTorch build of the same networks.

Rerun (from the repository root, with the Debian python3-torch; torchvision is not needed):

    /usr/bin/python3 tools/make_model_fixtures.py

It writes tests/SemiSeg.Tests/Fixtures/models/:
  - param_counts.json   parameter counts of ResNet-18/34/50/101 encoders (U2PL deep stem and torchvision stem)
                        and of full U2PL networks (ResNet-101 DeepLabv3+ with representation head, with aux head,
                        plain DeepLabv3)
  - state_keys.json     state-dict keys and shapes, in PyTorch's order, of the Cityscapes U2PL network
                        (ResNet-101 deep stem, DeepLabv3+ with representation head, aux head) and of a
                        torchvision-stem ResNet-50 encoder
  - shapes.json         stage and head output shapes for narrow networks at several input sizes and output strides
  - parity.json/.bin    a small network (ResNet-18 deep stem, narrow DeepLabv3+ with aux head): its state dict,
                        one input, the eval-mode outputs, and the outputs and BatchNorm buffers after one
                        train-mode forward (dropout 0 so that the result is deterministic)

The modules below are written for this script from the facts of the official U2PL code
(github.com/Haochen-Wang409/U2PL, u2pl/models/{resnet,base,decoder,model_helper}.py): the deep stem
(three 3x3 convs, 128 channels, ceil-mode max pool), multi-grid (2, 2, 4) on layer4, the ASPP with an image-pooling
branch, the DeepLabv3+ decoder with low_conv / head / classifier / representation and the aux module. Two extensions
are ours: a width parameter (64 is the standard network) and dilation in BasicBlock (both 3x3 convs dilated), so that
ResNet-18/34 can run at output stride 8 or 16.
"""
import json
import os

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SemiSeg.Tests", "Fixtures", "models")


def conv3x3(cin, cout, stride=1, dilation=1):
    return nn.Conv2d(cin, cout, 3, stride=stride, padding=dilation, dilation=dilation, bias=False)


def conv1x1(cin, cout, stride=1):
    return nn.Conv2d(cin, cout, 1, stride=stride, bias=False)


class BasicBlock(nn.Module):
    expansion = 1

    def __init__(self, cin, planes, stride=1, downsample=None, dilation=1):
        super().__init__()
        self.conv1 = conv3x3(cin, planes, stride, dilation)
        self.bn1 = nn.BatchNorm2d(planes)
        self.relu = nn.ReLU(inplace=True)
        self.conv2 = conv3x3(planes, planes, 1, dilation)
        self.bn2 = nn.BatchNorm2d(planes)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, planes, stride=1, downsample=None, dilation=1):
        super().__init__()
        self.conv1 = conv1x1(cin, planes)
        self.bn1 = nn.BatchNorm2d(planes)
        self.conv2 = conv3x3(planes, planes, stride, dilation)
        self.bn2 = nn.BatchNorm2d(planes)
        self.conv3 = conv1x1(planes, planes * 4)
        self.bn3 = nn.BatchNorm2d(planes * 4)
        self.relu = nn.ReLU(inplace=True)
        self.downsample = downsample

    def forward(self, x):
        out = self.relu(self.bn1(self.conv1(x)))
        out = self.relu(self.bn2(self.conv2(out)))
        out = self.bn3(self.conv3(out))
        identity = x if self.downsample is None else self.downsample(x)
        return self.relu(out + identity)


LAYOUTS = {18: (BasicBlock, [2, 2, 2, 2]), 34: (BasicBlock, [3, 4, 6, 3]),
           50: (Bottleneck, [3, 4, 6, 3]), 101: (Bottleneck, [3, 4, 23, 3])}


class ResNet(nn.Module):
    def __init__(self, depth, width=64, in_channels=3, deep_stem=True, dilate=(False, True, True),
                 multi_grid=False, zero_init_residual=False):
        super().__init__()
        block, counts = LAYOUTS[depth]
        self.deep_stem = deep_stem
        if deep_stem:
            self.inplanes = 2 * width
            self.conv1 = nn.Sequential(
                conv3x3(in_channels, width, 2), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
                conv3x3(width, width), nn.BatchNorm2d(width), nn.ReLU(inplace=True),
                conv3x3(width, self.inplanes))
        else:
            self.inplanes = width
            self.conv1 = nn.Conv2d(in_channels, width, 7, stride=2, padding=3, bias=False)
        self.bn1 = nn.BatchNorm2d(self.inplanes)
        self.relu = nn.ReLU(inplace=True)
        self.maxpool = nn.MaxPool2d(3, 2, 1, ceil_mode=deep_stem)
        self.dilation = 1
        self.layer1 = self._stage(block, width, counts[0])
        self.layer2 = self._stage(block, 2 * width, counts[1], 2, dilate[0])
        self.layer3 = self._stage(block, 4 * width, counts[2], 2, dilate[1])
        self.layer4 = self._stage(block, 8 * width, counts[3], 2, dilate[2], multi_grid)
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_out", nonlinearity="relu")
            elif isinstance(m, nn.BatchNorm2d):
                nn.init.constant_(m.weight, 1)
                nn.init.constant_(m.bias, 0)
        if zero_init_residual:
            for m in self.modules():
                if isinstance(m, Bottleneck):
                    nn.init.constant_(m.bn3.weight, 0)
                elif isinstance(m, BasicBlock):
                    nn.init.constant_(m.bn2.weight, 0)

    def _stage(self, block, planes, count, stride=1, dilate=False, multi_grid=False):
        previous = self.dilation
        if dilate:
            self.dilation *= stride
            stride = 1
        downsample = None
        if stride != 1 or self.inplanes != planes * block.expansion:
            downsample = nn.Sequential(conv1x1(self.inplanes, planes * block.expansion, stride),
                                       nn.BatchNorm2d(planes * block.expansion))
        grids = [2, 2, 4] if multi_grid else [1] * count
        blocks = [block(self.inplanes, planes, stride, downsample, previous * grids[0])]
        self.inplanes = planes * block.expansion
        for k in range(1, count):
            blocks.append(block(self.inplanes, planes, dilation=self.dilation * grids[k]))
        return nn.Sequential(*blocks)

    def forward(self, x):
        x = self.maxpool(self.relu(self.bn1(self.conv1(x))))
        x1 = self.layer1(x)
        x2 = self.layer2(x1)
        x3 = self.layer3(x2)
        return [x1, x2, x3, self.layer4(x3)]


def conv_bn_relu(cin, cout, kernel, dilation=1):
    return [nn.Conv2d(cin, cout, kernel, padding=dilation if kernel == 3 else 0, dilation=dilation, bias=False),
            nn.BatchNorm2d(cout), nn.ReLU(inplace=True)]


class ASPP(nn.Module):
    def __init__(self, cin, inner=256, dilations=(12, 24, 36)):
        super().__init__()
        self.conv1 = nn.Sequential(nn.AdaptiveAvgPool2d((1, 1)), *conv_bn_relu(cin, inner, 1))
        self.conv2 = nn.Sequential(*conv_bn_relu(cin, inner, 1))
        self.conv3 = nn.Sequential(*conv_bn_relu(cin, inner, 3, dilations[0]))
        self.conv4 = nn.Sequential(*conv_bn_relu(cin, inner, 3, dilations[1]))
        self.conv5 = nn.Sequential(*conv_bn_relu(cin, inner, 3, dilations[2]))
        self.out_planes = 5 * inner

    def forward(self, x):
        h, w = x.shape[-2:]
        pooled = F.interpolate(self.conv1(x), size=(h, w), mode="bilinear", align_corners=True)
        return torch.cat([pooled, self.conv2(x), self.conv3(x), self.conv4(x), self.conv5(x)], 1)


def two_conv_head(cin, hidden, cout, dropout):
    return nn.Sequential(
        nn.Conv2d(cin, hidden, 3, padding=1), nn.BatchNorm2d(hidden), nn.ReLU(inplace=True), nn.Dropout2d(dropout),
        nn.Conv2d(hidden, hidden, 3, padding=1), nn.BatchNorm2d(hidden), nn.ReLU(inplace=True), nn.Dropout2d(dropout),
        nn.Conv2d(hidden, cout, 1))


class DeepLabV3Plus(nn.Module):
    def __init__(self, in_planes, low_planes, num_classes, inner=256, head=256, rep=256, dilations=(12, 24, 36),
                 rep_head=True, dropout=0.1):
        super().__init__()
        self.rep_head = rep_head
        self.low_conv = nn.Sequential(nn.Conv2d(low_planes, head, 1), nn.BatchNorm2d(head), nn.ReLU(inplace=True))
        self.aspp = ASPP(in_planes, inner, dilations)
        self.head = nn.Sequential(*conv_bn_relu(self.aspp.out_planes, head, 3), nn.Dropout2d(dropout))
        self.classifier = two_conv_head(2 * head, head, num_classes, dropout)
        if rep_head:
            self.representation = two_conv_head(2 * head, head, rep, dropout)

    def forward(self, features):
        x1, _, _, x4 = features
        low = self.low_conv(x1)
        high = F.interpolate(self.head(self.aspp(x4)), size=low.shape[-2:], mode="bilinear", align_corners=True)
        fused = torch.cat([low, high], 1)
        out = {"pred": self.classifier(fused)}
        if self.rep_head:
            out["rep"] = self.representation(fused)
        return out


class DeepLabV3(nn.Module):
    def __init__(self, in_planes, num_classes, inner=256, head=256, dilations=(12, 24, 36), dropout=0.1):
        super().__init__()
        self.aspp = ASPP(in_planes, inner, dilations)
        self.head = nn.Sequential(*conv_bn_relu(self.aspp.out_planes, head, 3), nn.Dropout2d(dropout),
                                  nn.Conv2d(head, num_classes, 1))

    def forward(self, features):
        return {"pred": self.head(self.aspp(features[3]))}


class AuxHead(nn.Module):
    def __init__(self, cin, num_classes, hidden=256, dropout=0.1):
        super().__init__()
        self.aux = nn.Sequential(nn.Conv2d(cin, hidden, 3, padding=1), nn.BatchNorm2d(hidden), nn.ReLU(inplace=True),
                                 nn.Dropout2d(dropout), nn.Conv2d(hidden, num_classes, 1))

    def forward(self, x):
        return self.aux(x)


class Net(nn.Module):
    """encoder / decoder / auxor, as the official ModelBuilder names them."""

    def __init__(self, depth=101, num_classes=21, width=64, deep_stem=True, dilate=(False, True, True), multi_grid=True,
                 plus=True, rep_head=True, aux=False, inner=256, head=256, rep=256, aux_hidden=256,
                 dilations=(12, 24, 36), dropout=0.1, in_channels=3):
        super().__init__()
        self.encoder = ResNet(depth, width, in_channels, deep_stem, dilate, multi_grid, zero_init_residual=True)
        expansion = LAYOUTS[depth][0].expansion
        stage = [width * expansion * m for m in (1, 2, 4, 8)]
        if plus:
            self.decoder = DeepLabV3Plus(stage[3], stage[0], num_classes, inner, head, rep, dilations, rep_head, dropout)
        else:
            self.decoder = DeepLabV3(stage[3], num_classes, inner, head, dilations, dropout)
        self.auxor = AuxHead(stage[2], num_classes, aux_hidden, dropout) if aux else None

    def forward(self, x):
        features = self.encoder(x)
        out = self.decoder(features)
        if self.auxor is not None:
            out["aux"] = self.auxor(features[2])
        return out


def count(module):
    return sum(p.numel() for p in module.parameters())


def param_counts():
    counts = {}
    for depth in (18, 34, 50, 101):
        counts[f"resnet{depth}"] = count(ResNet(depth, deep_stem=True))
        counts[f"resnet{depth}_torchvision_stem"] = count(ResNet(depth, deep_stem=False))
    counts["u2pl_voc_r101_deeplabv3plus_rep"] = count(Net(101, 21, rep_head=True))
    counts["u2pl_voc_r101_deeplabv3plus_norep"] = count(Net(101, 21, rep_head=False))
    counts["u2pl_cityscapes_r101_deeplabv3plus_rep_aux"] = count(Net(101, 19, rep_head=True, aux=True))
    counts["r101_deeplabv3"] = count(Net(101, 21, plus=False))
    return counts


def state_keys(module):
    return [[k, list(v.shape)] for k, v in module.state_dict().items()]


def conv_macs(net, x):
    """Multiply-adds of every conv in one forward: output elements x (in channels / groups) x kernel area."""
    total = [0]

    def hook(module, inputs, output):
        total[0] += output.numel() * (module.in_channels // module.groups) * module.kernel_size[0] * module.kernel_size[1]

    handles = [m.register_forward_hook(hook) for m in net.modules() if isinstance(m, nn.Conv2d)]
    with torch.no_grad():
        net(x)
    for h in handles:
        h.remove()
    return total[0]


def shape_cases():
    """Narrow networks (the spatial sizes do not depend on width) at odd and even sizes, output stride 8 and 16."""
    cases = []
    specs = [
        ("r101_os8", dict(depth=101, width=4, deep_stem=True, dilate=[False, True, True], multi_grid=True)),
        ("r101_os16", dict(depth=101, width=4, deep_stem=True, dilate=[False, False, True], multi_grid=True)),
        ("r18_os8_torchvision_stem", dict(depth=18, width=4, deep_stem=False, dilate=[False, True, True], multi_grid=False)),
        ("r18_os16", dict(depth=18, width=4, deep_stem=True, dilate=[False, False, True], multi_grid=False)),
    ]
    heads = dict(num_classes=7, inner=8, head=8, rep=16, aux_hidden=8, aux=True)
    # 513x513 (U2PL's PASCAL crop) for every network; smaller odd, even and non-square sizes spread over them.
    sizes = {"r101_os8": [(513, 513), (97, 130)], "r101_os16": [(513, 513), (65, 65)],
             "r18_os8_torchvision_stem": [(513, 513), (96, 96), (65, 65)], "r18_os16": [(513, 513), (96, 96), (97, 130)]}
    for name, spec in specs:
        for size in sizes[name]:
            torch.manual_seed(0)
            net = Net(**heads, **spec).eval()
            with torch.no_grad():
                x = torch.randn(1, 3, *size)
                features = net.encoder(x)
                out = net(x)
            cases.append({"name": name, "spec": {**spec, **heads}, "input": [1, 3, *size], "macs": conv_macs(net, x),
                          "stages": [list(f.shape) for f in features],
                          "pred": list(out["pred"].shape), "rep": list(out["rep"].shape), "aux": list(out["aux"].shape)})
    return cases


class BlobWriter:
    """One binary file of little-endian arrays and a JSON index of name, dtype, shape and byte offset."""

    def __init__(self):
        self.entries, self.chunks, self.offset = [], [], 0

    def add(self, name, tensor):
        array = tensor.detach().cpu().contiguous().numpy()
        dtype = {np.float32: "float32", np.int64: "int64"}[array.dtype.type]
        data = array.astype(array.dtype.newbyteorder("<")).tobytes()
        self.entries.append({"name": name, "dtype": dtype, "shape": list(array.shape), "offset": self.offset})
        self.chunks.append(data)
        self.offset += len(data)

    def save(self, stem, meta):
        with open(stem + ".bin", "wb") as f:
            for chunk in self.chunks:
                f.write(chunk)
        with open(stem + ".json", "w") as f:
            json.dump({**meta, "tensors": self.entries}, f, indent=1)


PARITY = dict(depth=18, num_classes=5, width=8, deep_stem=True, dilate=(False, True, True), multi_grid=True,
              aux=True, inner=16, head=16, rep=16, aux_hidden=16)


def parity_fixture():
    torch.manual_seed(1234)
    net = Net(**PARITY)
    # Random affine BatchNorm parameters, and running statistics taken from one batch (momentum 1), so that
    # every normalisation matters in eval mode and activations keep a sensible scale.
    with torch.no_grad():
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.momentum = 1.0
        net.train()(torch.randn(4, 3, 65, 65))
        for m in net.modules():
            if isinstance(m, nn.BatchNorm2d):
                m.momentum = 0.1
    blob = BlobWriter()
    for k, v in net.state_dict().items():
        blob.add("state/" + k, v)
    x = torch.randn(2, 3, 65, 65)
    blob.add("input", x)
    net.eval()
    with torch.no_grad():
        out = net(x)
    for k in ("pred", "rep", "aux"):
        blob.add("eval/" + k, out[k])
    # Train mode with dropout off: batch statistics normalise, running statistics move by momentum 0.1.
    for m in net.modules():
        if isinstance(m, nn.Dropout2d):
            m.p = 0.0
    net.train()
    with torch.no_grad():
        out = net(x)
    for k in ("pred", "rep", "aux"):
        blob.add("train/" + k, out[k])
    for k, v in net.state_dict().items():
        if "running_" in k or "num_batches_tracked" in k:
            blob.add("train_state/" + k, v)
    meta = {"torch": torch.__version__, "config": {k: (list(v) if isinstance(v, tuple) else v) for k, v in PARITY.items()}}
    blob.save(os.path.join(OUT, "parity"), meta)


def main():
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    with open(os.path.join(OUT, "param_counts.json"), "w") as f:
        json.dump({"torch": torch.__version__, "counts": param_counts()}, f, indent=1)
    keys = {"u2pl_cityscapes_r101_deeplabv3plus_rep_aux": state_keys(Net(101, 19, rep_head=True, aux=True)),
            "resnet50_torchvision_stem": state_keys(ResNet(50, deep_stem=False))}
    with open(os.path.join(OUT, "state_keys.json"), "w") as f:
        json.dump(keys, f)
    # The well-known ImageNet count (about 4.1 G multiply-adds for torchvision's ResNet-50 at 224x224) as a sanity anchor.
    resnet50_macs = conv_macs(ResNet(50, deep_stem=False, dilate=(False, False, False)).eval(), torch.zeros(1, 3, 224, 224))
    with open(os.path.join(OUT, "shapes.json"), "w") as f:
        json.dump({"torch": torch.__version__, "resnet50_torchvision_stem_224_macs": resnet50_macs, "cases": shape_cases()}, f)
    parity_fixture()


if __name__ == "__main__":
    main()
