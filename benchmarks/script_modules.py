"""The bundled models as TorchScript files under PRODUCT.md's contract, for the side-by-side
benchmark of a user's own PyTorch model: benchmarks/run.sh exports them once (export_scripts), then
PyTorch times each file as torch.jit.load gives it (script_calls) and ours times the same file
through load_model (LATENTLAB_BENCH_SCRIPTS in benchmarks/main.cpp).

A VAE file has encode(x) -> (mu, logvar) and decode(z); a GAN file has forward(z) (the generator)
and discriminate(x). The files are named script-MODEL.pt: fashion-vae is the small module (28x28),
faces-vae and faces-dcgan the large ones (64x64).
"""
import glob
import json
import os
from typing import Tuple

import torch
import torch.nn as nn


class ScriptVae(nn.Module):
    def __init__(self, vae):
        super().__init__()
        self.encoder_conv, self.encoder_fc = vae.encoder_conv, vae.encoder_fc
        self.to_mu, self.to_logvar = vae.to_mu, vae.to_logvar
        self.decoder_fc, self.decoder_conv = vae.decoder_fc, vae.decoder_conv
        self.channels, self.height, self.width = vae.feature

    @torch.jit.export
    def encode(self, x: torch.Tensor) -> Tuple[torch.Tensor, torch.Tensor]:
        h = self.encoder_fc(self.encoder_conv(x))
        return self.to_mu(h), self.to_logvar(h)

    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder_conv(self.decoder_fc(z).view(z.shape[0], self.channels, self.height, self.width))

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.decode(z)


class ScriptGan(nn.Module):
    def __init__(self, gan):
        super().__init__()
        self.generator, self.discriminator = gan.generator, gan.discriminator

    def forward(self, z: torch.Tensor) -> torch.Tensor:
        return self.generator(z)

    @torch.jit.export
    def discriminate(self, x: torch.Tensor) -> torch.Tensor:
        return self.discriminator(x)


def export_scripts(models, load, out_dir):
    """Writes out_dir/script-NAME.pt for each (name, .llckpt path) in models; load(path) gives
    (spec, net) as pytorch_reference.load does."""
    os.makedirs(out_dir, exist_ok=True)
    for name, path in models:
        spec, net = load(path)
        module = ScriptVae(net) if spec.kind == "vae" else ScriptGan(net)
        contract = {"kind": spec.kind, "latent_dim": spec.latent, "image_shape": list(spec.shape),
                    "output_range": list(spec.range), "name": name + " (TorchScript)"}
        torch.jit.save(torch.jit.script(module.eval()), os.path.join(out_dir, f"script-{name}.pt"),
                       _extra_files={"latentlab.json": json.dumps(contract)})


class ScriptCalls:
    """A loaded TorchScript file with the decode/encode calls pytorch_reference.inference times."""

    def __init__(self, module, kind):
        self.decode = module.decode if kind == "vae" else module.forward
        if kind == "vae":
            self.encode = module.encode


def load_scripts(script_dir):
    """(name, module, contract) of each script-*.pt in script_dir, by name, loaded as a user would
    (torch.jit.load, eval mode; no freezing or other rewriting)."""
    out = []
    for path in sorted(glob.glob(os.path.join(script_dir, "script-*.pt"))):
        extra = {"latentlab.json": ""}
        module = torch.jit.load(path, _extra_files=extra).eval()
        out.append((os.path.basename(path)[:-3], module, json.loads(extra["latentlab.json"])))
    return out
