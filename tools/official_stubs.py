"""Stand-in modules for what the official U2PL files import at load time but the paths our tools run never
reach (scipy.ndimage, cv2, skimage.measure, torchvision.transforms, tensorboardX, einops): Debian's
python3-torch is all the tools need. A stub function raises, naming the tool, if it is ever reached,
so a stub can never change a result silently. Shared by official_patches.py (the training runner),
official_u2pl_step.py (the step benchmark) and the make_official_*_fixtures.py scripts.
"""
import importlib
import sys
import types


def module(name, **attrs):
    """Registers an empty module `name` with `attrs` in sys.modules and returns it."""
    m = types.ModuleType(name)
    for key, value in attrs.items():
        setattr(m, key, value)
    sys.modules[name] = m
    return m


def unused(name, owner):
    """A function that raises if called: `name` is a stub of `owner`."""
    def fail(*_, **__):
        raise RuntimeError(f"{name} is a stub in {owner}: this run reaches code the CPU tools do not support")
    return fail


def install(owner, replace=None, only_missing=False):
    """Installs the stubs. `replace` maps a module name to a function that installs something else for
    it (a module with a working function, or nothing to leave the real one); with `only_missing` a
    module that imports is left as it is."""
    stubs = {
        "scipy.ndimage": lambda: module("scipy", ndimage=module(
            "scipy.ndimage", gaussian_filter=unused("scipy.ndimage.gaussian_filter", owner), zoom=unused("scipy.ndimage.zoom", owner))),
        "cv2": lambda: module("cv2"),
        "skimage.measure": lambda: module("skimage", measure=module(
            "skimage.measure", label=unused("skimage.measure.label", owner), regionprops=unused("skimage.measure.regionprops", owner))),
        "torchvision": lambda: module("torchvision", transforms=module("torchvision.transforms")),
        "tensorboardX": lambda: module("tensorboardX", SummaryWriter=unused("tensorboardX.SummaryWriter", owner)),
        "einops": lambda: module("einops", rearrange=unused("einops.rearrange", owner)),
    }
    stubs.update(replace or {})
    for name, make in stubs.items():
        if only_missing:
            try:
                importlib.import_module(name)
                continue
            except ImportError:
                pass
        make()
