#!/usr/bin/python3
"""Mixed-precision references: PyTorch's bf16 autocast forward and backward, and PyTorch's GradScaler.

Rerun (torch 1.13, the Debian python3-torch; a CUDA machine or a newer torch also works):
    /usr/bin/python3 tools/make_amp_fixtures.py
It rewrites, under tests/SemiSeg.Tests/Fixtures/amp/ (the tests read them without Python):
- parity_bf16.json/.bin: the network of Fixtures/models/parity (tools/make_model_fixtures.py: ResNet-18
  deep stem, narrow DeepLabv3+ with rep and aux heads), its weights and input read from that fixture,
  run under torch.autocast('cpu', dtype=torch.bfloat16) in eval mode and in train mode (dropout off):
  the outputs (cast to float32), and after backward of a fixed random projection of the outputs
  (stored too) the gradients of a few parameters; the float32 run of the same for comparison.
- grad_scaler.json: the loss scaler, as below.


What runs. Each scenario trains three float32 weights with torch.optim.SGD (lr 0.1, momentum 0.9)
through PyTorch's GradScaler: scaler.scale(loss).backward(), an injected inf or NaN in one gradient
on chosen steps, scaler.step(optimizer), scaler.update(). It records per step the scale used, whether
the step was skipped, the scale and growth tracker after update(), and the weights.
- With CUDA: torch.cuda.amp.GradScaler as it is, with libtorch's CUDA kernels.
- Without CUDA (this machine): torch 1.13 has no CPU kernels for the two ops GradScaler calls
  (aten::_amp_foreach_non_finite_check_and_unscale_ and aten::_amp_update_scale_), and its class
  refuses CPU tensors. The script then executes torch 1.13's own torch/cuda/amp/grad_scaler.py source
  (the unchanged class: scale, unscale_, step's skip decision, update, state_dict) with only its
  CUDA-availability check and its `assert ... is_cuda` lines removed, and registers CPU kernels for
  the two ops (torch.library) that are line-by-line transcriptions of AmpKernels.cu's CUDA kernels
  (_amp_non_finite_check_and_unscale_cuda_, _amp_update_scale_cuda_kernel). So GradScaler's control
  flow is PyTorch's; the two kernels' arithmetic is a transcription, not libtorch's compiled code.
  The file's "executed" field says which of the two ran.
"""
import inspect
import json
import os
import re
import sys
import types

import numpy as np
import torch
import torch.nn as nn

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_model_fixtures as models  # noqa: E402  (the parity network's modules)

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "SemiSeg.Tests", "Fixtures", "amp")


def cpu_kernels():
    """Transcriptions of AmpKernels.cu, registered for CPU tensors (torch 1.13 has none)."""
    lib = torch.library.Library("aten", "IMPL")

    def non_finite_check_and_unscale(grads, found_inf, inv_scale):
        # _amp_non_finite_check_and_unscale_cuda_: found_inf = 1 if any value is not finite; every
        # value is multiplied by inv_scale (left as is when inv_scale == 1).
        for g in grads:
            if not bool(torch.isfinite(g).all()):
                found_inf.fill_(1.0)
            if float(inv_scale) != 1.0:
                g.mul_(inv_scale)

    def update_scale(current_scale, growth_tracker, found_inf, growth_factor, backoff_factor, growth_interval):
        # _amp_update_scale_cuda_kernel
        if float(found_inf) != 0:
            current_scale.mul_(backoff_factor)
            growth_tracker.fill_(0)
        else:
            successful = int(growth_tracker) + 1
            if successful == growth_interval:
                new_scale = torch.tensor([float(current_scale) * growth_factor], dtype=torch.float32)
                if bool(torch.isfinite(new_scale).all()):
                    current_scale.copy_(new_scale)
                growth_tracker.fill_(0)
            else:
                growth_tracker.fill_(successful)
        return current_scale

    lib.impl("_amp_foreach_non_finite_check_and_unscale_", non_finite_check_and_unscale, "CPU")
    lib.impl("_amp_update_scale_", update_scale, "CPU")
    return lib


def cpu_grad_scaler_class():
    """torch 1.13's GradScaler class from its own source, without the CUDA-only checks."""
    import torch.cuda.amp.grad_scaler as module
    source = inspect.getsource(module)
    source = re.sub(r"\n(\s*)assert [^\n]*is_cuda[^\n]*", r"\n\1pass", source)
    source = source.replace("if enabled and amp_definitely_not_available():", "if False:")
    copy = types.ModuleType("grad_scaler_cpu")
    copy.__dict__["__package__"] = "torch.cuda.amp"  # its relative imports
    exec(compile(source, module.__file__, "exec"), copy.__dict__)
    return copy.GradScaler


# Per step: the injected non-finite value (None, "inf" or "nan") in weight 0's gradient.
SCENARIOS = {
    # PyTorch's defaults; an inf on step 2 and a NaN on steps 4 and 5.
    "defaults": dict(kwargs={}, steps=8, inject={2: "inf", 4: "nan", 5: "inf"}),
    # interval 3: growth after every 3 good steps, reset by a skip.
    "growth_interval_3": dict(kwargs=dict(init_scale=1024.0, growth_interval=3), steps=14, inject={4: "inf", 9: "nan"}),
    # other factors
    "factors": dict(kwargs=dict(init_scale=8.0, growth_factor=4.0, backoff_factor=0.25, growth_interval=2), steps=9, inject={1: "inf", 2: "inf"}),
    # a grown scale that would overflow float32 is not taken; the tracker still resets
    "overflow": dict(kwargs=dict(init_scale=2.0 ** 127, growth_interval=1), steps=5, inject={}),
}


def inputs(step):
    return torch.tensor([1.0 + step, 0.5, -0.25 * step], dtype=torch.float32)


def run(scaler_class, device, scenario):
    weight = torch.tensor([0.5, -1.0, 2.0], dtype=torch.float32, device=device, requires_grad=True)
    optimizer = torch.optim.SGD([weight], lr=0.1, momentum=0.9)
    scaler = scaler_class(**scenario["kwargs"])
    records = []
    for step in range(scenario["steps"]):
        optimizer.zero_grad()
        loss = (weight * inputs(step).to(device)).sum()
        scale_used = scaler.get_scale() if step > 0 else scenario["kwargs"].get("init_scale", 65536.0)
        scaler.scale(loss).backward()
        inject = scenario["inject"].get(step)
        if inject:
            with torch.no_grad():
                weight.grad[0] = float(inject)
        before = weight.detach().clone()
        scaler.step(optimizer)
        skipped = bool(torch.equal(before, weight.detach()))
        scaler.update()
        state = scaler.state_dict()
        records.append(dict(step=step, inject=inject, scale_used=scale_used, skipped=skipped,
                            scale=state["scale"], growth_tracker=state["_growth_tracker"],
                            weight=[float(v) for v in weight.detach().cpu()]))
    return dict(kwargs=scenario["kwargs"], records=records)


GRADIENTS = ["encoder.conv1.0.weight", "encoder.layer1.0.conv1.weight", "encoder.layer4.1.conv2.weight", "encoder.layer4.1.bn2.weight",
             "decoder.aspp.conv2.0.weight", "decoder.classifier.8.weight", "decoder.classifier.8.bias", "auxor.aux.4.weight"]


def read_blob(stem):
    with open(stem + ".json") as f:
        meta = json.load(f)
    data = open(stem + ".bin", "rb").read()
    tensors = {}
    for e in meta["tensors"]:
        dtype = {"float32": np.float32, "int64": np.int64}[e["dtype"]]
        count = int(np.prod(e["shape"])) if e["shape"] else 1
        array = np.frombuffer(data, dtype=np.dtype(dtype).newbyteorder("<"), count=count, offset=e["offset"])
        tensors[e["name"]] = torch.from_numpy(array.reshape(e["shape"]).copy())
    return meta, tensors


def parity_run(meta, tensors, train, amp, projections):
    config = {k: tuple(v) if isinstance(v, list) else v for k, v in meta["config"].items()}
    net = models.Net(**config)
    net.load_state_dict({k[len("state/"):]: v for k, v in tensors.items() if k.startswith("state/")})
    for m in net.modules():
        if isinstance(m, nn.Dropout2d):
            m.p = 0.0
    net.train(train)
    with torch.autocast("cpu", dtype=torch.bfloat16, enabled=amp):
        out = net(tensors["input"])
    out = {k: out[k].float() for k in ("pred", "rep", "aux")}
    if not projections:
        generator = torch.Generator().manual_seed(7)
        projections.update({k: torch.randn(out[k].shape, generator=generator) for k in out})
    loss = sum((out[k] * projections[k]).mean() for k in out)
    loss.backward()
    params = dict(net.named_parameters())
    return out, {name: params[name].grad for name in GRADIENTS}


def bf16_parity():
    meta, tensors = read_blob(os.path.join(models.OUT, "parity"))
    blob = models.BlobWriter()
    projections = {}
    for mode, train in (("eval", False), ("train", True)):
        for precision, amp in (("fp32", False), ("bf16", True)):
            out, grads = parity_run(meta, tensors, train, amp, projections)
            for k, v in out.items():
                blob.add(f"{mode}/{precision}/{k}", v)
            for k, v in grads.items():
                blob.add(f"{mode}/{precision}/grad/{k}", v)
    for k, v in projections.items():
        blob.add(f"projection/{k}", v)
    blob.save(os.path.join(OUT, "parity_bf16"), {"torch": torch.__version__, "config": meta["config"], "gradients": GRADIENTS,
                                                 "autocast": "torch.autocast('cpu', dtype=torch.bfloat16)",
                                                 "loss": "sum over pred, rep, aux of mean(output * projection)"})


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT, exist_ok=True)
    bf16_parity()
    if torch.cuda.is_available():
        scaler_class, device = torch.cuda.amp.GradScaler, "cuda"
        executed = f"torch {torch.__version__}: torch.cuda.amp.GradScaler with libtorch's CUDA kernels"
    else:
        lib = cpu_kernels()  # noqa: F841 (the registration lives as long as lib)
        scaler_class, device = cpu_grad_scaler_class(), "cpu"
        executed = (f"torch {torch.__version__} on the CPU: the source of torch/cuda/amp/grad_scaler.py without its CUDA checks, "
                    "with CPU kernels transcribed from aten/src/ATen/native/cuda/AmpKernels.cu (see tools/make_amp_fixtures.py)")
    fixture = dict(executed=executed, lr=0.1, momentum=0.9, start=[0.5, -1.0, 2.0],
                   inputs="x_k = [1 + k, 0.5, -0.25 k], loss = sum(w * x_k)",
                   scenarios={name: run(scaler_class, device, s) for name, s in SCENARIOS.items()})
    os.makedirs(OUT, exist_ok=True)
    with open(os.path.join(OUT, "grad_scaler.json"), "w") as f:
        json.dump(fixture, f, indent=1)
        f.write("\n")
    print(executed)


if __name__ == "__main__":
    main()
