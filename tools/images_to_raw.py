#!/usr/bin/python3
"""Writes the images of a CelebA-layout folder (what `latentlab-cli make-faces` writes) as one raw
file of 8-bit RGB pixels, N x H x W x 3 in the attribute list's order, for latentlab_train_raw.

    /usr/bin/python3 tools/images_to_raw.py faces faces.u8   # needs python3-opencv

The order and the pixels are those `latentlab-cli train --data celeba:faces` trains on (images of
the set's size: no resizing here).
"""
import os
import sys

import cv2
import numpy as np


def image_names(folder):
    with open(os.path.join(folder, "list_attr_celeba.txt")) as f:
        lines = f.read().splitlines()
    return [line.split()[0] for line in lines[2:] if line.strip()]


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    folder, out = sys.argv[1:]
    names = image_names(folder)
    tmp = out + ".tmp"
    with open(tmp, "wb") as f:
        for name in names:
            bgr = cv2.imread(os.path.join(folder, "img_align_celeba", name), cv2.IMREAD_COLOR)
            if bgr is None:
                sys.exit(f"cannot read {name}")
            f.write(np.ascontiguousarray(bgr[:, :, ::-1]).tobytes())
    os.replace(tmp, out)
    print(f"{out}: {len(names)} images {bgr.shape[0]}x{bgr.shape[1]}")


if __name__ == "__main__":
    main()
