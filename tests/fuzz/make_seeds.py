#!/usr/bin/python3
"""Writes the seed corpus of each fuzz target (scripts/fuzz.sh runs it): small valid inputs and a
few broken ones, built with the hostile corpus's own writers (tests/hostile/make_corpus.py).

Usage: /usr/bin/python3 make_seeds.py OUT_DIR   (writes OUT_DIR/<target>/<seed>)

fuzz_model_file's committed corpus (tests/fuzz/corpus/fuzz_model_file/) grew from three real
checkpoints put there before its first run (vae.llckpt, vae_release.llckpt, gan_release.llckpt),
made by latentlab-cli from 16 random 8x8 and 8 random 28x28 IDX images (LATENTLAB_THREADS=1):
  train vae --data idx:img.idx:lab.idx --epochs 1 --channels 2 --hidden 0 --latent-dim 2
            --batch-size 8 --out vae.llckpt; attributes vae.llckpt --data idx:img.idx:lab.idx
            --no-cache; gmm vae.llckpt --data idx:img.idx:lab.idx --components 1;
  release vae.llckpt --out vae_release.llckpt (float16);
  train gan --data idx:img28.idx --epochs 1 --generator-width 1 --discriminator-width 1
            --latent-dim 2 --batch-size 8 --out gan.llckpt; release gan.llckpt --out gan_release.llckpt
"""
import gzip
import json
import os
import struct
import sys

import numpy as np
import torch

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


class TinyVae(torch.nn.Module):
    """The smallest module that keeps the TorchScript contract: latents of 2, images 1x4x4."""

    def __init__(self):
        super().__init__()
        self.enc = torch.nn.Linear(16, 2)
        self.dec = torch.nn.Linear(2, 16)

    @torch.jit.export
    def encode(self, x):
        mu = self.enc(x.reshape(x.size(0), 16))
        return mu, mu * 0.0

    @torch.jit.export
    def decode(self, z):
        return torch.sigmoid(self.dec(z)).reshape(z.size(0), 1, 4, 4)

    def forward(self, x):
        return self.decode(self.encode(x)[0])


def model_file_seeds():
    # Checkpoints come from the committed corpus (see the docstring); here a TorchScript archive,
    # whose zip records the target checks.
    path = os.path.join(os.environ.get("TMPDIR", "/tmp"), "latentlab-seed-%d.pt" % os.getpid())
    meta = {"kind": "vae", "latent_dim": 2, "image_shape": [1, 4, 4]}
    torch.manual_seed(0)
    torch.jit.save(torch.jit.script(TinyVae()), path, _extra_files={"latentlab.json": json.dumps(meta)})
    with open(path, "rb") as f:
        data = f.read()
    os.remove(path)
    return {"script.pt": data, "script_cut.pt": data[:len(data) // 2]}


def script_model_seeds():
    # fuzz_script_model: the first byte picks the module (0 VAE, 1 GAN, 2 GAN + discriminator,
    # 3 VAE without decode, 4 encode returning a tensor, 5 decode returning NaN), the rest is
    # latentlab.json. The modules take latents of 2 and make 1x4x4 images.
    vae = {"kind": "vae", "latent_dim": 2, "image_shape": [1, 4, 4], "output_range": [0, 1],
           "name": "seed", "labels": ["a", "b"], "attributes": {"Smiling": [0.5, -0.5]},
           "gmm": {"covariance_type": "diag", "components": 1, "dim": 2, "weights": [1],
                   "means": [0, 0], "covariances": [1, 0, 0, 1]}}
    gan = {"kind": "gan", "latent_dim": 2, "image_shape": [1, 4, 4], "output_range": [-1, 1]}
    seeds = {"vae.json": b"\x00" + json.dumps(vae).encode(), "gan.json": b"\x01" + json.dumps(gan).encode(),
             "gan_discriminator.json": b"\x02" + json.dumps(gan).encode()}
    for module, name in ((3, "no_decode"), (4, "encode_tensor"), (5, "decode_nan")):
        seeds[name + ".json"] = bytes([module]) + json.dumps(vae).encode()
    return seeds


SEEDS = {"fuzz_checkpoint": checkpoint_seeds, "fuzz_model_file": model_file_seeds,
         "fuzz_script_model": script_model_seeds, "fuzz_idx": idx_seeds, "fuzz_latents": latent_seeds,
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
