#!/usr/bin/python3
"""Reference inputs and outputs of the functional ops, written by PyTorch for the C# tests.

Rerun (needs torch 1.13, the Debian python3-torch):
    /usr/bin/python3 tools/make_op_fixtures.py
It rewrites tests/SemiSeg.Tests/Fixtures/ops/<area>.json. Each file maps a name to
{"shape": [...], "dtype": "float32" | "float64" | "int64" | "bool", "data": [row-major values]},
so the tests read it with System.Text.Json and never need Python. Float32 values are written as
the exact doubles they widen to, so a test can compare bit for bit where PyTorch is exact.

Inputs come from seeded torch.Generator draws and are written beside the outputs; the random
ops record PyTorch's draws for a given seed, which the binding's Generator must reproduce.
"""
import json
import warnings
import os

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SemiSeg.Tests", "Fixtures", "ops")
DTYPES = {torch.float32: "float32", torch.float64: "float64", torch.int64: "int64", torch.bool: "bool"}


class Fixture:
    def __init__(self, area):
        self.area = area
        self.entries = {}

    def add(self, name, tensor):
        if name in self.entries:
            raise KeyError(f"{self.area}: duplicate fixture name {name}")
        t = tensor.detach().cpu().contiguous()
        if t.dtype not in DTYPES:
            raise TypeError(f"{self.area}/{name}: unsupported dtype {t.dtype}")
        flat = t.reshape(-1)
        data = flat.double().tolist() if t.dtype.is_floating_point else flat.tolist()
        self.entries[name] = {"shape": list(t.shape), "dtype": DTYPES[t.dtype], "data": data}
        return tensor

    def save(self):
        os.makedirs(OUT, exist_ok=True)
        path = os.path.join(OUT, self.area + ".json")
        with open(path, "w") as f:
            f.write('{\n' + ',\n'.join(f'"{k}": {json.dumps(v)}' for k, v in self.entries.items()) + '\n}\n')
        print(f"wrote {path} ({len(self.entries)} tensors)")


def draw(seed, *shape):
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def nn_ops():
    fx = Fixture("nn")
    x = fx.add("conv.input", draw(1, 2, 4, 6, 7))
    w = fx.add("conv.weight", draw(2, 3, 4, 3, 3))
    b = fx.add("conv.bias", draw(3, 3))
    wg = fx.add("conv.groups.weight", draw(4, 6, 2, 3, 3))
    fx.add("conv.basic", F.conv2d(x, w, b))
    fx.add("conv.stride2_pad1", F.conv2d(x, w, b, stride=2, padding=1))
    fx.add("conv.dilation2_pad2", F.conv2d(x, w, b, padding=2, dilation=2))
    fx.add("conv.groups2_pad1", F.conv2d(x, wg, None, padding=1, groups=2))
    fx.add("conv.asymmetric", F.conv2d(x, w, b, stride=(2, 1), padding=(1, 0), dilation=(1, 2)))

    bx = fx.add("bn.input", draw(5, 4, 3, 2, 3) * 2 + 1)
    weight = fx.add("bn.weight", torch.tensor([1.0, 0.5, -2.0]))
    bias = fx.add("bn.bias", torch.tensor([0.0, 1.0, 0.25]))
    mean0 = fx.add("bn.running_mean0", torch.tensor([0.1, -0.2, 0.3]))
    var0 = fx.add("bn.running_var0", torch.tensor([1.0, 2.0, 0.5]))
    mean, var = mean0.clone(), var0.clone()
    fx.add("bn.train", F.batch_norm(bx, mean, var, weight, bias, training=True, momentum=0.1, eps=1e-5))
    fx.add("bn.train.running_mean", mean)
    fx.add("bn.train.running_var", var)
    fx.add("bn.eval", F.batch_norm(bx, mean0, var0, weight, bias, training=False, eps=1e-5))

    r = fx.add("relu.input", torch.tensor([[-2.0, -0.0, 0.0, 0.5], [3.0, -1e-3, 1e-3, -7.0]]))
    fx.add("relu", F.relu(r))

    p = fx.add("pool.input", draw(6, 1, 2, 5, 6))
    fx.add("maxpool.k2", F.max_pool2d(p, 2))
    fx.add("maxpool.k3_s2_p1", F.max_pool2d(p, 3, stride=2, padding=1))
    fx.add("maxpool.k2_ceil", F.max_pool2d(p, 2, ceil_mode=True))
    fx.add("maxpool.k2_s1_d2", F.max_pool2d(p, 2, stride=1, dilation=2))
    a = fx.add("adaptive.input", draw(7, 1, 2, 5, 7))
    fx.add("adaptive.3x2", F.adaptive_avg_pool2d(a, (3, 2)))
    fx.add("adaptive.1x1", F.adaptive_avg_pool2d(a, 1))
    fx.add("adaptive.4x5", F.adaptive_avg_pool2d(a, (4, 5)))

    i = fx.add("interp.input", draw(8, 1, 2, 3, 4))
    for ac in (False, True):
        tag = "ac" if ac else "noac"
        fx.add(f"interp.bilinear.{tag}.up5x7", F.interpolate(i, size=(5, 7), mode="bilinear", align_corners=ac))
        fx.add(f"interp.bilinear.{tag}.down2x3", F.interpolate(i, size=(2, 3), mode="bilinear", align_corners=ac))
        fx.add(f"interp.bilinear.{tag}.scale2", F.interpolate(i, scale_factor=2, mode="bilinear", align_corners=ac))
        fx.add(f"interp.bilinear.{tag}.scale1_5", F.interpolate(i, scale_factor=1.5, mode="bilinear", align_corners=ac))
    fx.add("interp.nearest.up5x7", F.interpolate(i, size=(5, 7), mode="nearest"))
    fx.add("interp.nearest.down2x3", F.interpolate(i, size=(2, 3), mode="nearest"))
    fx.add("interp.nearest.scale2", F.interpolate(i, scale_factor=2, mode="nearest"))
    fx.add("interp.nearest.scale1_5", F.interpolate(i, scale_factor=1.5, mode="nearest"))

    s = fx.add("softmax.input", draw(9, 2, 4, 3) * 3)
    fx.add("softmax.dim1", F.softmax(s, dim=1))
    fx.add("softmax.dimlast", F.softmax(s, dim=-1))
    fx.add("log_softmax.dim1", F.log_softmax(s, dim=1))
    fx.add("log_softmax.dimlast", F.log_softmax(s, dim=-1))

    c1 = fx.add("cosine.x1", draw(10, 3, 5))
    c2 = fx.add("cosine.x2", draw(11, 3, 5))
    fx.add("cosine.dim1", F.cosine_similarity(c1, c2, dim=1))
    fx.add("cosine.dim0", F.cosine_similarity(c1, c2, dim=0))
    f1 = fx.add("cosine.feat", draw(12, 2, 4, 3, 3))
    proto = fx.add("cosine.proto", draw(13, 1, 4, 1, 1))
    fx.add("cosine.broadcast", F.cosine_similarity(f1, proto, dim=1))
    n = fx.add("normalize.input", torch.cat([draw(14, 3, 4), torch.zeros(1, 4)]))
    fx.add("normalize.p2_dim1", F.normalize(n, p=2, dim=1))
    fx.add("normalize.p1_dim0", F.normalize(n, p=1, dim=0))

    labels = fx.add("one_hot.labels", torch.tensor([[0, 3, 1], [4, 4, 2]]))
    fx.add("one_hot.5", F.one_hot(labels, 5))
    fx.add("one_hot.auto", F.one_hot(labels))

    d = fx.add("dropout.input", torch.arange(1, 41, dtype=torch.float32).reshape(4, 10))
    torch.manual_seed(7)
    fx.add("dropout.p0_3.seed7", F.dropout(d, 0.3, training=True))
    d2 = fx.add("dropout2d.input", torch.arange(1, 2 * 6 * 2 * 2 + 1, dtype=torch.float32).reshape(2, 6, 2, 2))
    torch.manual_seed(8)
    fx.add("dropout2d.p0_5.seed8", F.dropout2d(d2, 0.5, training=True))
    fx.save()


def losses():
    fx = Fixture("losses")
    logits = fx.add("ce.logits", draw(20, 2, 4, 3, 3) * 2)
    target = torch.randint(0, 4, (2, 3, 3), generator=torch.Generator().manual_seed(21))
    target[0, 0, 0] = 255
    target[1, 2, 1] = 255
    target[1, 0, 2] = 255
    fx.add("ce.target", target)
    weight = fx.add("ce.weight", torch.tensor([0.5, 1.0, 2.0, 0.25]))
    for red in ("none", "mean", "sum"):
        fx.add(f"ce.ignore255.{red}", F.cross_entropy(logits, target, ignore_index=255, reduction=red))
        fx.add(f"ce.ignore255.weight.{red}", F.cross_entropy(logits, target, weight=weight, ignore_index=255, reduction=red))
    fx.add("ce.ignore255.smooth0_1", F.cross_entropy(logits, target, ignore_index=255, label_smoothing=0.1))
    clean = fx.add("ce.clean_target", target.clamp(max=3))
    fx.add("ce.default.mean", F.cross_entropy(logits, clean))
    l2 = fx.add("ce2d.logits", draw(22, 5, 3))
    t2 = fx.add("ce2d.target", torch.tensor([0, 2, 1, -100, 2]))
    fx.add("ce2d.mean", F.cross_entropy(l2, t2))
    fx.add("ce2d.none", F.cross_entropy(l2, t2, reduction="none"))

    prob = F.softmax(logits, dim=1)
    prob[0, :, 1, 1] = torch.tensor([0.0, 1.0, 0.0, 0.0])  # exact zeros: 0 log 0 counts as 0
    fx.add("entropy.prob", prob)
    fx.add("entropy.dim1", -torch.sum(prob * torch.log(prob + 1e-10), dim=1))
    fx.save()


def sorting():
    fx = Fixture("sorting")
    x = fx.add("x", torch.randperm(18, generator=torch.Generator().manual_seed(30)).float().reshape(3, 6) * 0.5 - 3)
    v, i = torch.sort(x, dim=-1)
    fx.add("sort.last.values", v)
    fx.add("sort.last.indices", i)
    v, i = torch.sort(x, dim=0, descending=True)
    fx.add("sort.dim0_desc.values", v)
    fx.add("sort.dim0_desc.indices", i)
    fx.add("argsort.last_desc", torch.argsort(x, dim=-1, descending=True))
    v, i = torch.topk(x, 3, dim=-1)
    fx.add("topk.3.values", v)
    fx.add("topk.3.indices", i)
    v, i = torch.topk(x, 2, dim=0, largest=False)
    fx.add("topk.2_dim0_smallest.values", v)
    fx.add("topk.2_dim0_smallest.indices", i)
    v, i = torch.kthvalue(x, 2, dim=-1)
    fx.add("kthvalue.2.values", v)
    fx.add("kthvalue.2.indices", i)
    v, i = torch.kthvalue(x, 3, dim=0, keepdim=True)
    fx.add("kthvalue.3_dim0_keep.values", v)
    fx.add("kthvalue.3_dim0_keep.indices", i)
    fx.add("quantile.0_25.all", torch.quantile(x, 0.25))
    fx.add("quantile.0_8.dim1", torch.quantile(x, 0.8, dim=1))
    fx.add("quantile.0_3.dim0_keep", torch.quantile(x, 0.3, dim=0, keepdim=True))
    for mode in ("lower", "higher", "nearest", "midpoint"):
        fx.add(f"quantile.0_45.dim1.{mode}", torch.quantile(x, 0.45, dim=1, interpolation=mode))
    fx.save()


def indexing():
    fx = Fixture("indexing")
    x = fx.add("x", draw(40, 3, 5))
    idx = fx.add("gather.index", torch.tensor([[0, 4, 4], [1, 0, 2], [3, 3, 1]]))
    fx.add("gather.dim1", torch.gather(x, 1, idx))
    base = fx.add("scatter.base", torch.zeros(3, 5))
    src = fx.add("scatter.src", draw(41, 3, 3))
    sidx = fx.add("scatter.index", torch.tensor([[0, 4, 2], [1, 3, 0], [4, 2, 1]]))
    fx.add("scatter.src.dim1", base.scatter(1, sidx, src))
    fx.add("scatter.value.dim1", base.scatter(1, sidx, 2.5))
    didx = fx.add("scatter_add.index", torch.tensor([[0, 0, 2], [1, 1, 1], [4, 2, 4]]))
    fx.add("scatter_add.dim1", x.scatter_add(1, didx, src))
    fx.add("scatter_reduce.amax", x.scatter_reduce(1, didx, src, "amax", include_self=False))
    fx.add("scatter_reduce.mean", x.scatter_reduce(1, didx, src, "mean"))
    mask = fx.add("mask", x > 0.2)
    fx.add("masked_select", torch.masked_select(x, mask))
    fx.add("index_select.dim1", torch.index_select(x, 1, torch.tensor([4, 0, 0, 2])))
    fx.add("index_select.dim0", torch.index_select(x, 0, torch.tensor([2, 1])))
    fx.add("nonzero", torch.nonzero(mask))
    fx.add("where", torch.where(mask, x, -x * 2))
    fx.add("where.scalar_other", torch.where(mask, x, torch.tensor(-1.0)))
    fx.add("masked_fill", x.masked_fill(mask, 9.0))

    t = fx.add("t", draw(42, 2, 3, 4))
    rows = fx.add("rows", torch.tensor([1, 0, 1]))
    cols = fx.add("cols", torch.tensor([2, 2, 0]))
    fx.add("t[rows]", t[rows])
    fx.add("t[rows,cols]", t[rows, cols])
    fx.add("t[:,cols]", t[:, cols])
    m2 = fx.add("mask2", t[0] > 0)
    fx.add("t[:,mask2]", t[:, m2])
    fx.add("t[mask3]", t[t > 0.5])
    put = t.clone()
    put[rows, cols] = torch.tensor([10.0, 20.0, 30.0, 40.0])
    fx.add("index_put", put)
    acc = t.clone()
    dup = fx.add("dup_rows", torch.tensor([1, 1, 0]))  # (1, 2) appears twice: accumulate adds both
    acc.index_put_((dup, cols), torch.tensor([[1.0], [2.0], [3.0]]), accumulate=True)
    fx.add("index_put.accumulate", acc)
    fx.save()


def math_ops():
    fx = Fixture("math")
    a = fx.add("a", draw(50, 2, 3))
    b = fx.add("b", draw(51, 2, 3).abs() + 0.5)
    fx.add("a+b", a + b)
    fx.add("a-b", a - b)
    fx.add("a*b", a * b)
    fx.add("a/b", a / b)
    fx.add("2-a", 2 - a)
    fx.add("3/b", 3 / b)
    fx.add("a*2.5+1", a * 2.5 + 1)
    row = fx.add("row", torch.tensor([1.0, -2.0, 0.5]))
    fx.add("a+row", a + row)
    ints = fx.add("ints", torch.tensor([[7, -3, 4], [0, 9, -8]]))
    fx.add("ints/2", ints / 2)
    fx.add("ints+0.5", ints + 0.5)
    fx.add("3/ints_nonzero", 3 / torch.tensor([1, 2, -4]))
    fx.add("ints*ints", ints * ints)
    fx.add("clamp.-0.5_0.5", a.clamp(-0.5, 0.5))
    fx.add("clamp.min0", a.clamp(min=0))
    fx.add("clamp.max0_1", a.clamp(max=0.1))
    fx.add("eq", a.eq(b))
    c = fx.add("c", torch.tensor([[1.0, 2.0, 3.0], [3.0, 2.0, 1.0]]))
    fx.add("c.eq(2)", c.eq(2))
    fx.add("c.ne(2)", c.ne(2))
    fx.add("c.lt(2)", c.lt(2))
    fx.add("c.ge(2)", c.ge(2))
    d = fx.add("d", torch.tensor([[1.0, 3.0, 3.0], [0.0, 2.0, 5.0]]))
    fx.add("c.eq(d)", c.eq(d))
    fx.add("c.ne(d)", c.ne(d))
    fx.add("c.lt(d)", c.lt(d))
    fx.add("c.ge(d)", c.ge(d))

    r = fx.add("r", draw(52, 2, 3, 4))
    fx.add("r.sum", r.sum())
    fx.add("r.sum.dim1", r.sum(1))
    fx.add("r.sum.dims12_keep", r.sum((1, 2), keepdim=True))
    fx.add("r.mean", r.mean())
    fx.add("r.mean.dim-1", r.mean(-1))
    fx.add("r.mean.dims02", r.mean((0, 2)))
    fx.add("r.max", r.max())
    v, i = r.max(1)
    fx.add("r.max.dim1.values", v)
    fx.add("r.max.dim1.indices", i)
    v, i = r.min(2, keepdim=True)
    fx.add("r.min.dim2_keep.values", v)
    fx.add("r.min.dim2_keep.indices", i)
    fx.add("r.argmax", r.argmax())
    fx.add("r.argmax.dim0", r.argmax(0))
    fx.add("r.argmax.dim2_keep", r.argmax(2, keepdim=True))
    fx.add("r.permute201", r.permute(2, 0, 1))
    fx.add("r.permute201.reshape4x6", r.permute(2, 0, 1).reshape(4, 6))
    fx.save()


def random_ops():
    fx = Fixture("random")
    g = torch.Generator().manual_seed(42)
    # One generator, several draws in order: the binding must advance the state the same way.
    fx.add("seed42.rand3x4", torch.rand(3, 4, generator=g))
    fx.add("seed42.randint0_10", torch.randint(0, 10, (5,), generator=g))
    fx.add("seed42.randperm12", torch.randperm(12, generator=g))
    fx.add("seed42.normal1_2.small", torch.normal(1.0, 2.0, (2, 3), generator=g))
    fx.add("seed42.normal1_2.large", torch.normal(1.0, 2.0, (4, 5), generator=g))
    fx.add("seed42.randn2x10", torch.randn(2, 10, generator=g))
    g = torch.Generator().manual_seed(7)
    fx.add("seed7.randint-5_5", torch.randint(-5, 5, (3, 4), generator=g))
    fx.add("seed7.randperm100", torch.randperm(100, generator=g))
    fx.add("seed7.uniform-1_2", torch.empty(2, 3).uniform_(-1, 2, generator=g))
    fx.add("seed7.normal_inplace0_3", torch.empty(20).normal_(0, 3, generator=g))
    fx.add("seed7.bernoulli0_3", torch.bernoulli(torch.zeros(3, 5), 0.3, generator=g))
    g = torch.Generator().manual_seed(2 ** 40 + 3)
    fx.add("seedbig.rand5", torch.rand(5, generator=g))
    fx.save()


if __name__ == "__main__":
    assert torch.__version__.startswith("1.13"), torch.__version__
    torch.set_num_threads(1)
    warnings.filterwarnings("ignore", message="scatter_reduce")
    nn_ops()
    losses()
    sorting()
    indexing()
    math_ops()
    random_ops()
