#!/usr/bin/python3
"""U2PL's GaussianBlur kernel (u2pl/dataset/augmentation.py, radius 2): scipy's gaussian_filter of
a centred 5x5 impulse with sigma = 0.3 * (radius - 1) + 0.8. scipy is not installed here, so the
filter is rebuilt from its definition with numpy: a Gaussian truncated at 4 sigma, normalised,
correlated along each axis with 'reflect' borders (numpy's 'symmetric' padding).

Rerun from the repository root:  /usr/bin/python3 tools/u2pl_blur_kernel.py
Writes tests/SemiSeg.Tests/Fixtures/u2pl/blur_kernel.txt (25 values, row-major).
"""
import os

import numpy as np

OUT = os.path.join(os.path.dirname(__file__), "..", "tests", "SemiSeg.Tests", "Fixtures", "u2pl")


def gaussian_filter(image, sigma, truncate=4.0):
    radius = int(truncate * sigma + 0.5)
    x = np.arange(-radius, radius + 1)
    phi = np.exp(-0.5 / sigma**2 * x**2)
    phi /= phi.sum()
    for axis in range(image.ndim):
        padded = np.pad(image, [(radius, radius) if a == axis else (0, 0) for a in range(image.ndim)], mode="symmetric")
        image = np.apply_along_axis(lambda row: np.correlate(row, phi, mode="valid"), axis, padded)
    return image


def main():
    radius = 2
    impulse = np.zeros((2 * radius + 1, 2 * radius + 1))
    impulse[radius, radius] = 1
    kernel = gaussian_filter(impulse, 0.3 * (radius - 1) + 0.8)
    os.makedirs(OUT, exist_ok=True)
    np.savetxt(os.path.join(OUT, "blur_kernel.txt"), kernel.reshape(-1), fmt="%.17g")


if __name__ == "__main__":
    main()
