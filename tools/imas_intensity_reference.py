#!/usr/bin/python3
"""Reference outputs of iMAS's intensity operations, computed with PIL as iMAS does
(imas/dataset/augmentations.py), for tests/SemiSeg.Tests/Data/IntensityOpsTests.cs.

Rerun from the repository root (needs python3-pil and python3-numpy):
    /usr/bin/python3 tools/imas_intensity_reference.py
Writes tests/SemiSeg.Tests/Fixtures/imas/*.png.
"""
import os

import numpy as np
from PIL import Image, ImageEnhance, ImageOps

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "SemiSeg.Tests", "Fixtures", "imas")


def hue(img, shift):
    # img_aug_hue after the factor is drawn: add uint8(hue_factor * 255) to PIL's 8-bit hue.
    h, s, v = img.convert("HSV").split()
    np_h = np.array(h, dtype=np.uint8)
    with np.errstate(over="ignore"):
        np_h += np.uint8(shift)
    return Image.merge("HSV", (Image.fromarray(np_h, "L"), s, v)).convert("RGB")


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.RandomState(0)
    # Smooth ramps plus noise, values kept inside [30, 200] so autocontrast has work to do.
    y, x = np.mgrid[0:16, 0:20]
    base = np.stack([30 + 8 * x, 40 + 9 * y, 120 + 3 * (x - y)], axis=2).astype(np.float64)
    image = np.clip(base + rng.randint(-15, 16, base.shape), 30, 200).astype(np.uint8)
    img = Image.fromarray(image, "RGB")
    img.save(os.path.join(OUT, "input.png"))
    outputs = {
        "autocontrast": ImageOps.autocontrast(img),
        "equalize": ImageOps.equalize(img),
        "invert": ImageOps.invert(img),
        "posterize_5": ImageOps.posterize(img, 5),
        "solarize_100": ImageOps.solarize(img, 100),
        "contrast_0.4": ImageEnhance.Contrast(img).enhance(0.4),
        "brightness_0.6": ImageEnhance.Brightness(img).enhance(0.6),
        "color_0.3": ImageEnhance.Color(img).enhance(0.3),
        "sharpness_0.2": ImageEnhance.Sharpness(img).enhance(0.2),
        "hue_40": hue(img, 40),
    }
    for name, result in outputs.items():
        result.save(os.path.join(OUT, name + ".png"))


if __name__ == "__main__":
    main()
