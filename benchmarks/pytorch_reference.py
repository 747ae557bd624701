#!/usr/bin/python3
"""The bundled models rebuilt in PyTorch, with the weights read from their .llckpt files, timed
the way benchmarks/model_benchmarks.cpp times ours (same cases, batches, repetitions, warm-up and
thread count), plus each network's arithmetic (FLOPs) for the compute limit.

Run with Debian's python3-torch (the same LibTorch 1.13 build as ours):
  /usr/bin/python3 benchmarks/pytorch_reference.py --models-dir models --threads 2 --out theirs.json
  [--check latentlab-cli]   # first compare our decode with PyTorch's, pixel for pixel
  [--device cuda]           # as LATENTLAB_BENCH_DEVICE=cuda for ours: inputs come from the CPU
                            # and outputs go back to it, as our Model's do
  [--scripts DIR]           # also time DIR's script-*.pt TorchScript files (script_modules.py)
  --export-scripts DIR      # only write the bundled models there as TorchScript files
Writes one JSON object: {"threads", "torch", "environment", "results": {NAME: {...}},
"flops": {MODEL: {...}}} with NAME as in benchmarks/suite.h; "environment" holds the GLIBC_TUNABLES
(malloc settings) and OMP_NUM_THREADS this process started with (null: unset), so the report says
what PyTorch ran with rather than what it was meant to.
"""
import argparse
import json
import math
import os
import struct
import subprocess
import sys
import tempfile
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from script_modules import ScriptCalls, export_scripts, load_scripts

DEVICE = torch.device("cpu")  # --device

# Keep in step with benchmarks/model_benchmarks.cpp and benchmarks/main.cpp.
MODELS = ["fashion-vae", "faces-vae", "faces-dcgan"]
DECODE = [(1, 100), (10, 50)]  # (batch, repetitions)
ENCODE_BATCH, ENCODE_REPETITIONS = 256, 10
STRIP_FRAMES, STRIP_REPETITIONS = 10, 30
WARM_UP_CALLS = 3
VAE_TRAIN_BATCH, GAN_TRAIN_BATCH = 128, 64
TRAIN_STEPS_SMALL, TRAIN_STEPS_LARGE = 10, 3
SGEMM_SIZE, SGEMM_REPETITIONS = 1024, 5


# --- the .llckpt container (core/io/checkpoint_file.h) -------------------------------------------
DTYPES = {"float32": torch.float32, "float16": torch.float16, "int64": torch.int64}


def read_llckpt(path):
    """Returns (meta, {name: tensor}) of a LatentLab checkpoint."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"LLCKPT01":
        raise ValueError(f"{path}: not a LatentLab checkpoint")
    (header_len,) = struct.unpack("<Q", data[8:16])
    header = json.loads(data[16:16 + header_len])
    payload = data[16 + header_len:]
    tensors = {}
    for t in header["tensors"]:
        raw = bytearray(payload[t["offset"]:t["offset"] + t["nbytes"]])
        tensor = torch.frombuffer(raw, dtype=DTYPES[t["dtype"]]) if raw else torch.empty(0, dtype=DTYPES[t["dtype"]])
        tensor = tensor.reshape(t["shape"])
        tensors[t["name"]] = tensor.float() if tensor.dtype == torch.float16 else tensor
    return header["meta"], tensors


# --- the architectures (core/model/conv_vae.cpp, core/model/dcgan.cpp), module for module -------------------
class ConvVae(nn.Module):
    def __init__(self, shape, channels, hidden, latent, batch_norm, tanh):
        super().__init__()
        c, h, w = shape
        factor = 2 ** len(channels)
        self.feature = (channels[-1], h // factor, w // factor)
        flat = channels[-1] * (h // factor) * (w // factor)
        enc, cin = [], c
        for cout in channels:
            enc.append(nn.Conv2d(cin, cout, 4, stride=2, padding=1))
            if batch_norm:
                enc.append(nn.BatchNorm2d(cout))
            enc.append(nn.LeakyReLU(0.2))
            cin = cout
        enc.append(nn.Flatten())
        self.encoder_conv = nn.Sequential(*enc)
        self.encoder_fc = nn.Sequential(nn.Linear(flat, hidden), nn.LeakyReLU(0.2)) if hidden > 0 else nn.Sequential()
        head = hidden if hidden > 0 else flat
        self.to_mu = nn.Linear(head, latent)
        self.to_logvar = nn.Linear(head, latent)
        dfc = [nn.Linear(latent, hidden), nn.ReLU()] if hidden > 0 else []
        dfc += [nn.Linear(hidden if hidden > 0 else latent, flat), nn.ReLU()]
        self.decoder_fc = nn.Sequential(*dfc)
        dec = []
        for i in reversed(range(len(channels))):
            cout = channels[i - 1] if i > 0 else channels[0]
            dec.append(nn.ConvTranspose2d(channels[i], cout, 4, stride=2, padding=1))
            if batch_norm:
                dec.append(nn.BatchNorm2d(cout))
            dec.append(nn.ReLU())
        dec += [nn.Conv2d(channels[0], c, 3, padding=1), nn.Tanh() if tanh else nn.Sigmoid()]
        self.decoder_conv = nn.Sequential(*dec)

    def encode(self, x):
        h = self.encoder_fc(self.encoder_conv(x))
        return self.to_mu(h), self.to_logvar(h)

    def decode(self, z):
        return self.decoder_conv(self.decoder_fc(z).view(z.shape[0], *self.feature))


def up(i, o, k, s, p):
    return [nn.ConvTranspose2d(i, o, k, s, p, bias=False), nn.BatchNorm2d(o), nn.ReLU()]


def down(i, o, k, s, p, bn):
    return [nn.Conv2d(i, o, k, s, p, bias=False)] + ([nn.BatchNorm2d(o)] if bn else []) + [nn.LeakyReLU(0.2)]


class Generator(nn.Module):
    def __init__(self, shape, latent, g):
        super().__init__()
        c = shape[0]
        if shape[1] == 64:
            layers = up(latent, g * 8, 4, 1, 0) + up(g * 8, g * 4, 4, 2, 1) + up(g * 4, g * 2, 4, 2, 1) + up(g * 2, g, 4, 2, 1)
        else:
            layers = up(latent, g * 4, 4, 1, 0) + up(g * 4, g * 2, 3, 2, 1) + up(g * 2, g, 4, 2, 1)
        self.layers = nn.Sequential(*layers, nn.ConvTranspose2d(g, c, 4, 2, 1, bias=False), nn.Tanh())

    def forward(self, z):
        return self.layers(z.view(z.shape[0], z.shape[1], 1, 1))


class Discriminator(nn.Module):
    def __init__(self, shape, d):
        super().__init__()
        c = shape[0]
        if shape[1] == 64:
            layers = down(c, d, 4, 2, 1, False) + down(d, d * 2, 4, 2, 1, True) + down(d * 2, d * 4, 4, 2, 1, True) + down(d * 4, d * 8, 4, 2, 1, True)
            last = d * 8
        else:
            layers = down(c, d, 4, 2, 1, False) + down(d, d * 2, 4, 2, 1, True) + down(d * 2, d * 4, 3, 2, 1, True)
            last = d * 4
        self.layers = nn.Sequential(*layers, nn.Conv2d(last, 1, 4, 1, 0, bias=False))

    def forward(self, x):
        return self.layers(x).view(-1)


class Gan(nn.Module):
    def __init__(self, shape, latent, g, d):
        super().__init__()
        self.generator = Generator(shape, latent, g)
        self.discriminator = Discriminator(shape, d)

    def decode(self, z):
        return self.generator(z)


class Spec:
    """What a checkpoint's info says about the network."""

    def __init__(self, model_meta):
        self.kind = model_meta["kind"]
        self.shape = tuple(model_meta["image_shape"])
        self.latent = model_meta["latent_dim"]
        self.range = tuple(model_meta.get("output_range", [0.0, 1.0]))
        self.hp = model_meta["hyper_parameters"]

    def build(self):
        if self.kind == "vae":
            return ConvVae(self.shape, self.hp["channels"], self.hp["hidden"], self.latent,
                           self.hp["batch_norm"], self.range[0] < 0)
        return Gan(self.shape, self.latent, self.hp["generator_width"], self.hp["discriminator_width"])


def default_face_gan():
    """The DCGAN `latentlab-cli train gan` builds for the faces (benchmarks/main.cpp)."""
    return Spec({"kind": "gan", "image_shape": [3, 64, 64], "latent_dim": 100, "output_range": [-1, 1],
                 "hyper_parameters": {"generator_width": 64, "discriminator_width": 64}})


def load(path):
    meta, tensors = read_llckpt(path)
    spec = Spec(meta["model"])
    net = spec.build()
    state = {k[len("model/"):]: v for k, v in tensors.items() if k.startswith("model/")}
    net.load_state_dict(state, strict=True)  # every name and shape must match ours
    return spec, net.eval()


# --- arithmetic -------------------------------------------------------------------------------
def flops(module, call, x):
    """2 x multiply-accumulates of every convolution, transposed convolution and linear layer."""
    total = [0]

    def hook(m, inputs, out):
        if isinstance(m, nn.ConvTranspose2d):  # every input value meets Cout*kh*kw weights
            total[0] += inputs[0].numel() * m.out_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Conv2d):
            total[0] += out.numel() * m.in_channels // m.groups * m.kernel_size[0] * m.kernel_size[1]
        elif isinstance(m, nn.Linear):
            total[0] += out.numel() * m.in_features

    handles = [m.register_forward_hook(hook) for m in module.modules()
               if isinstance(m, (nn.Conv2d, nn.ConvTranspose2d, nn.Linear))]
    with torch.inference_mode():
        call(x)
    for h in handles:
        h.remove()
    return 2 * total[0] // x.shape[0]


# --- timing -----------------------------------------------------------------------------------
def percentile(values, q):
    v = sorted(values)
    rank = q * (len(v) - 1)
    lo = int(math.floor(rank))
    hi = min(lo + 1, len(v) - 1)
    return v[lo] + (rank - lo) * (v[hi] - v[lo])


def per_call(call, repetitions):
    for _ in range(WARM_UP_CALLS):
        call()
    ms = []
    for _ in range(repetitions):
        start = time.perf_counter()
        call()
        ms.append((time.perf_counter() - start) * 1e3)
    return {"median_ms": percentile(ms, 0.5), "p95_ms": percentile(ms, 0.95), "repetitions": repetitions}


def latents(seed, count, dim):
    return torch.randn(count, dim, generator=torch.Generator().manual_seed(seed))


def slerp(a, b, t):
    a64, b64 = a.double(), b.double()
    na, nb = a64.norm(), b64.norm()
    ua, ub = a64 / na, b64 / nb
    omega = torch.acos(torch.clamp(ua.dot(ub), -1.0, 1.0))
    s = torch.sin(omega)
    d = ua * (torch.sin((1 - t) * omega) / s) + ub * (torch.sin(t * omega) / s)
    return (d / d.norm() * ((1 - t) * na + t * nb)).float()


def to_uint8(chw, lo, hi):
    x = torch.nan_to_num(chw, lo, hi, lo).clamp(lo, hi)
    return ((x - lo) * (255.0 / (hi - lo))).round().clamp(0, 255).to(torch.uint8).permute(1, 2, 0).contiguous()


def inference(name, spec, net, results):
    def decode(z):
        with torch.inference_mode():
            return net.decode(z.to(DEVICE)).cpu()

    for batch, repetitions in DECODE:
        z = latents(0, batch, spec.latent)
        results[f"decode/{name}/batch:{batch}"] = per_call(lambda: decode(z), repetitions)

    ends = latents(1, 2, spec.latent)

    def strip():
        z = torch.stack([ends[0]] + [slerp(ends[0], ends[1], i / (STRIP_FRAMES - 1)) for i in range(1, STRIP_FRAMES - 1)] + [ends[1]])
        frames = decode(z)
        return [to_uint8(f, *spec.range) for f in frames]

    results[f"strip/{name}/frames:{STRIP_FRAMES}"] = per_call(strip, STRIP_REPETITIONS)

    if spec.kind == "vae":
        images = decode(latents(2, ENCODE_BATCH, spec.latent))

        def encode():
            with torch.inference_mode():
                return [t.cpu() for t in net.encode(images.to(DEVICE))]

        results[f"encode/{name}/batch:{ENCODE_BATCH}"] = per_call(encode, ENCODE_REPETITIONS)


def reconstruction_nll(likelihood, x_hat, x):
    """Per-image -log p(x | z) as core/training/vae_loss.h: "bernoulli" or "gaussian[:SIGMA]"."""
    if likelihood == "bernoulli":
        return F.binary_cross_entropy(x_hat, x, reduction="none").flatten(1).sum(1)
    sigma = float(likelihood.split(":")[1]) if ":" in likelihood else math.sqrt(0.5)
    d = x[0].numel()
    return (x - x_hat).pow(2).flatten(1).sum(1) / (2 * sigma ** 2) + \
        d * (math.log(sigma) + 0.5 * math.log(2 * math.pi))


def vae_step(net, optimizer, likelihood):
    def step(x):
        optimizer.zero_grad()
        mu, logvar = net.encode(x)
        z = mu + torch.exp(0.5 * logvar) * torch.randn(mu.shape).to(DEVICE)
        rec = reconstruction_nll(likelihood, net.decode(z), x)
        kl = 0.5 * (mu.pow(2) + logvar.exp() - 1.0 - logvar).sum(1)
        loss = (rec + kl).mean()
        loss.backward()
        optimizer.step()
        return [loss.item(), rec.mean().item(), kl.mean().item()]
    return step


def gan_step(net, latent):
    g_opt = torch.optim.Adam(net.generator.parameters(), lr=2e-4, betas=(0.5, 0.999))
    d_opt = torch.optim.Adam(net.discriminator.parameters(), lr=2e-4, betas=(0.5, 0.999))

    def step(x):
        n = x.shape[0]
        ones, zeros = torch.ones(n, device=DEVICE), torch.zeros(n, device=DEVICE)
        z = torch.randn(n, latent).to(DEVICE)
        d_opt.zero_grad()
        real = net.discriminator(x)
        fake = net.generator(z)
        d_loss = F.binary_cross_entropy_with_logits(real, ones) + \
            F.binary_cross_entropy_with_logits(net.discriminator(fake.detach()), zeros)
        d_loss.backward()
        d_opt.step()
        g_opt.zero_grad()
        g_loss = F.binary_cross_entropy_with_logits(net.discriminator(fake), ones)
        g_loss.backward()
        g_opt.step()
        return [d_loss.item(), g_loss.item()]
    return step


def training(name, spec, results):
    """One warm-up step, then the timed steps, on random images of the model's shape."""
    torch.manual_seed(0)
    net = spec.build().to(DEVICE).train()
    large = spec.shape[1] * spec.shape[2] > 32 * 32
    timed = TRAIN_STEPS_LARGE if large else TRAIN_STEPS_SMALL
    if spec.kind == "vae":
        likelihood = spec.hp.get("likelihood", "bernoulli")
        batch, step = VAE_TRAIN_BATCH, vae_step(net, torch.optim.Adam(net.parameters(), lr=1e-3), likelihood)
    else:
        batch, step = GAN_TRAIN_BATCH, gan_step(net, spec.latent)
    lo, hi = spec.range
    images = torch.rand(batch * (timed + 1), *spec.shape) * (hi - lo) + lo
    order = torch.randperm(images.shape[0])
    step(images[order[:batch]].to(DEVICE))
    start = time.perf_counter()
    for s in range(1, timed + 1):
        step(images[order[s * batch:(s + 1) * batch]].to(DEVICE))
    seconds = time.perf_counter() - start
    results[f"train/{name}/batch:{batch}/steps:{timed}"] = {"images_per_second": timed * batch / seconds}


def sgemm(results):
    torch.manual_seed(0)
    a, b = torch.randn(SGEMM_SIZE, SGEMM_SIZE), torch.randn(SGEMM_SIZE, SGEMM_SIZE)
    c = torch.empty(SGEMM_SIZE, SGEMM_SIZE)
    r = per_call(lambda: torch.mm(a, b, out=c), SGEMM_REPETITIONS)
    r["gflops"] = 2 * SGEMM_SIZE ** 3 / (r["median_ms"] * 1e-3) * 1e-9
    results[f"sgemm/n:{SGEMM_SIZE}"] = r


def read_png(path):
    """8-bit grey or RGB PNG (as our image writer makes them) -> uint8 tensor [H, W, C]."""
    import zlib
    with open(path, "rb") as f:
        data = f.read()
    pos, idat = 8, b""
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        kind, body = data[pos + 4:pos + 8], data[pos + 8:pos + 8 + length]
        if kind == b"IHDR":
            w, h, depth, colour = struct.unpack(">IIBB", body[:10])
            if depth != 8 or colour not in (0, 2):
                raise ValueError(f"{path}: only 8-bit grey/RGB PNGs are read here")
            c = 1 if colour == 0 else 3
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    raw, stride = zlib.decompress(idat), w * c
    rows, prev = [], bytearray(stride)
    for y in range(h):
        kind, line = raw[y * (stride + 1)], bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - c] if i >= c else 0
            b, d = prev[i], prev[i - c] if i >= c else 0
            if kind == 1:
                line[i] = (line[i] + a) & 255
            elif kind == 2:
                line[i] = (line[i] + b) & 255
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 255
            elif kind == 4:  # Paeth
                pa, pb, pc = abs(b - d), abs(a - d), abs(a + b - 2 * d)
                line[i] = (line[i] + (a if pa <= pb and pa <= pc else b if pb <= pc else d)) & 255
        rows.append(bytes(line))
        prev = line
    return torch.frombuffer(bytearray(b"".join(rows)), dtype=torch.uint8).reshape(h, w, c)


def check_against(cli, name, path, spec, net):
    """Our decode of seed 0 (latentlab-cli decode) against PyTorch's, within one 8-bit level."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "ours.png")
        subprocess.run([cli, "decode", path, "--seed", "0", "--out", out, "--device", "cpu"],
                       check=True, stdout=subprocess.DEVNULL)
        ours = read_png(out)
    with torch.inference_mode():
        theirs = to_uint8(net.decode(latents(0, 1, spec.latent))[0], *spec.range)
    worst = (ours.int() - theirs.int()).abs().max().item()
    if worst > 1:
        sys.exit(f"{name}: PyTorch's decode differs from ours by {worst} levels: the rebuilt architecture is wrong")
    print(f"{name}: PyTorch decode matches ours (max difference {worst} of 255)", file=sys.stderr)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--models-dir", default=os.path.join(os.path.dirname(__file__), "..", "models"))
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--check", metavar="CLI", help="compare decoded pixels with latentlab-cli first")
    p.add_argument("--device", default="cpu")
    p.add_argument("--scripts", metavar="DIR", help="also time the TorchScript files script-*.pt there")
    p.add_argument("--export-scripts", metavar="DIR", help="write the bundled models there as TorchScript and stop")
    p.add_argument("--out")
    a = p.parse_args()
    if a.export_scripts:
        bundled = [(n, os.path.join(a.models_dir, n + ".llckpt")) for n in MODELS]
        export_scripts([(n, path) for n, path in bundled if os.path.exists(path)], load, a.export_scripts)
        return
    if not a.out:
        p.error("--out is required")
    torch.set_num_threads(a.threads)
    global DEVICE
    DEVICE = torch.device(a.device)

    results, arithmetic = {}, {}
    sgemm(results)
    have_gan = False
    for name in MODELS:
        path = os.path.join(a.models_dir, name + ".llckpt")
        if not os.path.exists(path):
            continue
        spec, net = load(path)
        net.to(DEVICE)
        have_gan |= spec.kind == "gan"
        if a.check:
            check_against(a.check, name, path, spec, net)
        arithmetic[name] = {"decode": flops(net, net.decode, latents(0, 2, spec.latent).to(DEVICE))}
        if spec.kind == "vae":
            arithmetic[name]["encode"] = flops(net, net.encode, net.decode(latents(0, 2, spec.latent).to(DEVICE)).detach())
        inference(name, spec, net, results)
        training(name, spec, results)
    if not have_gan:
        training("dcgan-3x64x64", default_face_gan(), results)
    for name, module, contract in load_scripts(a.scripts) if a.scripts else []:
        spec = Spec({**contract, "hyper_parameters": {}})
        inference(name, spec, ScriptCalls(module.to(DEVICE), spec.kind), results)

    with open(a.out, "w") as f:
        json.dump({"threads": torch.get_num_threads(), "torch": torch.__version__,
                   "environment": {k: os.environ.get(k) for k in ("GLIBC_TUNABLES", "OMP_NUM_THREADS")},
                   "results": results, "flops": arithmetic}, f, indent=1)


if __name__ == "__main__":
    main()
