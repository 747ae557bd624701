#!/usr/bin/python3
"""Writes the seed corpus of each fuzz target (scripts/fuzz.sh runs it): small valid inputs and a
few broken ones, built with the hostile corpus's own writers (tests/hostile/make_corpus.py).

Usage: /usr/bin/python3 make_seeds.py OUT_DIR   (writes OUT_DIR/<target>/<seed>)
"""
import gzip
import json
import os
import struct
import sys

import numpy as np

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "hostile"))
import make_corpus as mc  # noqa: E402


def checkpoint_seeds():
    model = {"name": "seed", "format": "latentlab", "kind": "vae", "architecture": "conv-vae",
             "hyper_parameters": {"channels": [4, 8], "hidden": 0, "batch_norm": False},
             "latent_dim": 3, "image_shape": [1, 16, 16], "output_range": [0, 1], "labels": ["a", "b"],
             "provenance": {"command": "seed", "epochs": 1, "metrics": {"elbo": -1.5}},
             "attributes": {"Smiling": {"direction": [1, 0, -1], "method": "mean-diff", "accuracy": 0.75},
                            "Bare": [0.5, 0.5, 0.5]},
             "gmm": {"covariance_type": "diag", "components": 1, "dim": 3, "weights": [1],
                     "means": [0, 0, 0], "covariances": [1, 0, 0, 0, 1, 0, 0, 0, 1]}}
    weights = np.arange(12, dtype="<f4").tobytes()
    half = np.arange(4, dtype="<f2").tobytes()
    counter = np.array([7], "<i8").tobytes()
    payload = weights + b"\0" * 16 + half + b"\0" * 8 + counter
    tensors = [{"name": "model/w", "dtype": "float32", "shape": [3, 4], "offset": 0, "nbytes": 48},
               {"name": "model/h", "dtype": "float16", "shape": [4], "offset": 64, "nbytes": 8},
               {"name": "train/step", "dtype": "int64", "shape": [], "offset": 80, "nbytes": 8}]
    header = {"meta": {"format": "latentlab-checkpoint", "version": 1, "model": model, "extra": {}},
              "tensors": tensors}
    full = mc.join_checkpoint(header, payload)
    return {"valid.llckpt": full, "no_tensors.llckpt": mc.join_checkpoint(dict(header, tensors=[]), b""),
            "truncated.llckpt": full[:len(full) // 2], "empty": b""}


def idx_seeds():
    images = mc.idx_bytes(0x803, (2, 3, 3), bytes(range(18)))
    labels = mc.idx_bytes(0x801, (4,), bytes([0, 1, 2, 3]))
    return {"images.idx": images, "labels.idx": labels, "images.idx.gz": gzip.compress(images, mtime=0),
            "labels.idx.gz": gzip.compress(labels, mtime=0), "short": images[:10]}


def latent_seeds():
    # The fuzz target takes the latent size from the first byte (1 + byte % 8): 2 means 3.
    return {"one.json": b"\x02[0.5, -1, 2]", "rows.json": b"\x02[[0.5, -1, 2], [0, 0, 1e-3]]",
            "one.npy": b"\x02" + mc.npy(np.array([0.5, -1, 2], "<f4")),
            "rows.npy": b"\x01" + mc.npy(np.zeros((3, 2), "<f8")),
            "v2.npy": b"\x02" + b"\x93NUMPY\x02\x00" + struct.pack("<I", 54) +
                      b"{'descr': '<f4', 'fortran_order': False, 'shape': (3,), }" + b" " * 2 + b"\n" +
                      np.zeros(3, "<f4").tobytes()}


def celeba_seeds():
    good = "3\nSmiling Male Eyeglasses\n000001.png  1 -1  1\n000002.png -1 -1  1\n000003.png  1  1 -1\n"
    return {"good.txt": good.encode(), "crlf.txt": good.replace("\n", "\r\n").encode(),
            "short.txt": b"2\nSmiling\n000001.png 1\n"}


def session_seeds():
    full = {"latentlab_session": 1, "model": "/models/m.llckpt", "latent": [0.5, -1, 2],
            "attributes": {"Smiling": 1.5}, "view": {"smooth_scaling": True},
            "interpolation": {"a": [0, 0, 0], "b": [1, 1, 1], "steps": 10, "method": "slerp"}}
    return {"full.json": json.dumps(full).encode(),
            "minimal.json": b'{"latentlab_session": 1, "model": "m", "latent": [1, 2, 3]}'}


def image_header_seeds():
    return {"rgb.png": mc.png(4, 3, 2, 8), "grey16.png": mc.png(3, 3, 0, 16), "cmyk.jpg": mc.cmyk_jpeg(),
            "huge.jpg": mc.jpeg_header_only(20000, 20000),
            "small.bmp": b"BM" + struct.pack("<IHHI", 54, 0, 0, 54) +
                         struct.pack("<IiiHHIIiiII", 40, 2, -2, 1, 24, 0, 0, 0, 0, 0, 0)}


SEEDS = {"fuzz_checkpoint": checkpoint_seeds, "fuzz_idx": idx_seeds, "fuzz_latents": latent_seeds,
         "fuzz_celeba": celeba_seeds, "fuzz_session": session_seeds, "fuzz_image_header": image_header_seeds}


def main():
    out = sys.argv[1]
    for target, make in SEEDS.items():
        folder = os.path.join(out, target)
        os.makedirs(folder, exist_ok=True)
        for name, data in make().items():
            with open(os.path.join(folder, name), "wb") as f:
                f.write(data)
    return 0


if __name__ == "__main__":
    sys.exit(main())
