#!/usr/bin/python3
"""Generates the hostile-input corpus for tests/hostile (run by the CTest fixture hostile_corpus).

Usage: /usr/bin/python3 make_corpus.py --cli PATH/latentlab-cli OUT_DIR

Everything is made here, deterministically, so no binary is committed: a tiny IDX data set and
a real checkpoint trained on it by `latentlab-cli train` (the base every damaged checkpoint is
cut from), then damaged checkpoints, TorchScript archives that break the contract, latent
files, images, IDX files, gzip streams, CelebA folders and GUI session files. OUT_DIR/manifest.json
lists every entry:

  {"id": a name unique in its category,
   "category": model | latent | image | idx | celeba | session | store (corpus_stores.py),
   "path": the hostile file, "spec": the --data spec (idx, celeba),
   "outcome": "error" (must be refused), "ok" (odd but valid: must load) or "warning" (a bad
              analysis store: the model loads, the store is named in a warning),
   "expect": substrings of which the message must hold one (every "error" and "warning" entry
             lists some), "what": what is hostile about it,
   "names": the path the message must name when it is not "path" ("" for none)}

Needs Debian's python3-torch (TorchScript entries) and python3-numpy (.npy entries).
"""
import argparse
import gzip
import json
import os
import random
import shutil
import struct
import subprocess
import sys
import zipfile
import zlib

import numpy as np
import torch
from torch import nn

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "fixtures"))
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import make_torchscript as ts  # noqa: E402  (the TorchScript fixtures' modules and savers)
import corpus_stores  # noqa: E402  (hostile analysis stores)

LATENT = 3
SIDE = 16  # the base model's images are 1x16x16
CHECKPOINT_MAGIC = b"LLCKPT01"


class Corpus:
    def __init__(self, out):
        self.out = out
        self.entries = []
        self.ids = set()

    def path(self, *parts):
        p = os.path.join(self.out, *parts)
        os.makedirs(os.path.dirname(p), exist_ok=True)
        return p

    def add(self, id, category, path, outcome, expect=(), what="", spec=None):
        assert (category, id) not in self.ids, id
        assert outcome in ("error", "ok", "warning")
        assert (outcome != "ok") == bool(expect), id + ": an error or warning entry needs expected words"
        self.ids.add((category, id))
        entry = {"id": id, "category": category, "path": path, "outcome": outcome,
                 "expect": list(expect), "what": what}
        if spec:
            entry["spec"] = spec
        self.entries.append(entry)

    def file(self, id, category, name, data, outcome, expect=(), what=""):
        p = self.path(category, name)
        with open(p, "wb") as f:
            f.write(data)
        self.add(id, category, p, outcome, expect, what)
        return p


# --- the base: tiny IDX data and a checkpoint trained on it -------------------------------------

def idx_bytes(magic, dims, payload):
    return struct.pack(">I", magic) + b"".join(struct.pack(">I", d) for d in dims) + payload


def make_base(out, cli):
    rng = random.Random(0)
    n = 48
    images = bytes(rng.randrange(256) for _ in range(n * SIDE * SIDE))
    labels = bytes(i % 3 for i in range(n))
    base = os.path.join(out, "base")
    os.makedirs(base, exist_ok=True)
    paths = {"images": os.path.join(base, "images.idx"), "labels": os.path.join(base, "labels.idx"),
             "checkpoint": os.path.join(base, "base.llckpt")}
    with open(paths["images"], "wb") as f:
        f.write(idx_bytes(0x803, (n, SIDE, SIDE), images))
    with open(paths["labels"], "wb") as f:
        f.write(idx_bytes(0x801, (n,), labels))
    subprocess.run([cli, "train", "vae", "--data", "idx:%s:%s" % (paths["images"], paths["labels"]),
                    "--epochs", "1", "--channels", "4,8", "--hidden", "0", "--latent-dim", str(LATENT),
                    "--batch-size", "16", "--seed", "1", "--name", "hostile-base",
                    "--out", paths["checkpoint"]],
                   check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return paths


# --- checkpoints ---------------------------------------------------------------------------------

def split_checkpoint(data):
    assert data[:8] == CHECKPOINT_MAGIC
    header_len = struct.unpack("<Q", data[8:16])[0]
    header = json.loads(data[16:16 + header_len])
    return header, data[16 + header_len:], header_len


def join_checkpoint(header, payload, fix_crc=True):
    header = dict(header)
    if fix_crc:
        header["payload_bytes"] = len(payload)
        header["payload_crc32"] = zlib.crc32(payload) & 0xFFFFFFFF
    # Python's json cannot write 100000 nested arrays (recursion limit): spliced in as text.
    text = json.dumps(header).replace('"@DEEP@"', "[" * 100000 + "]" * 100000).encode()
    return CHECKPOINT_MAGIC + struct.pack("<Q", len(text)) + text + payload


def checkpoints(c, base_path):
    with open(base_path, "rb") as f:
        base = f.read()
    header, payload, header_len = split_checkpoint(base)
    prefix = 16
    cat = "model"

    def ckpt(id, data, outcome, expect, what):
        c.file(id, cat, id + ".llckpt", data, outcome, expect, what)

    def lie(id, what, edit, expect, outcome="error", tensors=None):
        h = json.loads(json.dumps(header))
        edit(h["meta"]["model"]) if edit else None
        p = payload
        if tensors:
            h, p = tensors(h, bytearray(payload))
        ckpt(id, join_checkpoint(h, bytes(p)), outcome, expect, what)

    ckpt("empty", b"", "error", ["empty"], "a 0-byte file")
    # Truncated at every structural boundary and at spread offsets inside each part.
    truncated = ["truncated", "corrupt", "magic"]
    offsets = {1, 7, 8, 9, 15, 16, 17, prefix + header_len - 1, prefix + header_len,
               prefix + header_len + 1, len(base) - 1}
    offsets |= {prefix + header_len * k // 8 for k in range(1, 8)}
    offsets |= {prefix + header_len + len(payload) * k // 8 for k in range(1, 8)}
    for at in sorted(offsets):
        ckpt("truncated_at_%d" % at, base[:at], "error", truncated + ["empty"],
             "the base checkpoint cut after %d of %d bytes" % (at, len(base)))
    ckpt("trailing_garbage", base + b"\0" * 100, "error", ["truncated or corrupt"],
         "100 bytes appended after the tensor data")
    # Flipped bytes: any flip in the tensor data must be caught by the CRC-32; a flip in the
    # magic or the header length breaks the framing.
    rng = random.Random(6)
    for k in range(8):
        at = prefix + header_len + rng.randrange(len(payload))
        data = bytearray(base)
        data[at] ^= 1 << rng.randrange(8)
        ckpt("flip_payload_%d" % at, bytes(data), "error", ["checksum"], "one bit flipped in the weights")
    for at, expect in ((0, ["magic"]), (7, ["magic"]), (8, truncated), (15, truncated)):
        data = bytearray(base)
        data[at] ^= 0x40
        ckpt("flip_prefix_%d" % at, bytes(data), "error", expect, "byte %d of the prefix flipped" % at)
    mismatch_words = ["metadata does not match", "needs"]
    # One bit flipped at a chosen place of the header JSON (which no checksum covers), so each entry
    # knows what it broke: the flip must be refused naming that, or, in free text, load.
    header_text = base[prefix:prefix + header_len].decode()

    def flip_header(id, anchor, at, bit, outcome, expect, what):
        assert header_text.count(anchor) == 1, anchor
        data = bytearray(base)
        data[prefix + header_text.index(anchor) + at] ^= 1 << bit
        ckpt("flip_header_" + id, bytes(data), outcome, expect, "one bit flipped in the header: " + what)

    not_json = ["corrupt metadata: the header is not valid JSON"]
    flip_header("json_quote", '{"meta":{', 1, 0, "error", not_json, "a quote becomes '#'")
    flip_header("json_colon", '"payload_bytes":', 15, 0, "error", not_json, "a colon becomes ';'")
    flip_header("format", '"format":"latentlab-checkpoint"', 29, 0, "error", ["not a LatentLab checkpoint"],
                "format 'latentlab-checkpoinu'")
    flip_header("version", '"version":2}', 10, 0, "error", ["newer"], "format version 3")
    flip_header("payload_crc32", '"payload_crc32":', 17, 0, "error", ["checksum"],
                "the second digit of the checksum")
    flip_header("payload_bytes", '"payload_bytes":', 17, 0, "error", ["truncated or corrupt"],
                "the second digit of the payload size")
    first = '{"dtype":"float32","name":"model/decoder_conv.0.bias","nbytes":16,"offset":0,"shape":[4]}'
    flip_header("tensor_dtype", first, first.index("32") + 1, 0, "error", ["unknown dtype 'float33'"], "dtype float33")
    flip_header("tensor_name", first, first.index('bias"') + 3, 0, "error", ["'decoder_conv.0.bias' are missing"],
                "a tensor renamed 'decoder_conv.0.biar'")
    flip_header("tensor_key", first, first.index('nbytes') + 5, 0, "error", ["tensor 0 of the header has no 'nbytes'"],
                "the key 'nbytes' becomes 'nbyter'")
    flip_header("tensor_shape", first, first.index("[4]") + 1, 0, "error", ["declares 16 bytes but its shape needs 20"],
                "a tensor's shape [4] becomes [5]")
    flip_header("kind", '"kind":"vae","labels"', 10, 0, "error", ["unknown model kind 'vad'"], "kind 'vad'")
    flip_header("architecture", '"architecture":"conv-vae"', 23, 0, "error", ["unknown architecture"],
                "architecture 'conv-vad'")
    flip_header("latent_dim", '"latent_dim":3,"name"', 13, 0, "error", mismatch_words,
                "latent_dim 3 becomes 2")
    flip_header("image_shape", '"image_shape":[1,16,16]', 15, 0, "error", ["image_shape"],
                "image_shape [0, 16, 16]")
    flip_header("channels", '"channels":[4,8],"hidden":0,"likelihood"', 12, 0, "error", mismatch_words,
                "channels [5, 8]")
    flip_header("output_range", '"output_range":[0.0,1.0],"provenance"', 20, 0, "error", ["output_range"],
                "output_range [0, 0]")
    flip_header("name", '"name":"hostile-base"', 19, 0, "ok", [], "the name becomes 'hostile-basd' (loads)")

    # The framing lies.
    big = CHECKPOINT_MAGIC + struct.pack("<Q", 2**63) + base[16:]
    ckpt("header_length_huge", big, "error", truncated, "the header length is 2^63")
    h = dict(header)
    h["payload_bytes"] = 2**62
    ckpt("payload_bytes_huge", join_checkpoint(h, payload, fix_crc=False), "error", truncated,
         "the header declares 2^62 bytes of tensor data")

    def tensor_lie(field, value):
        def edit(h, p):
            h["tensors"][0][field] = value
            return h, p
        return edit

    lie("tensor_offset_huge", "a tensor's offset is 2^60", None, ["outside the data"],
        tensors=tensor_lie("offset", 2**60))
    lie("tensor_nbytes_huge", "a tensor declares 2^60 bytes", None, ["declares"],
        tensors=tensor_lie("nbytes", 2**60))
    lie("tensor_shape_huge", "a tensor's shape multiplies to more than the file",
        None, ["impossible shape"], tensors=tensor_lie("shape", [2**31, 2**31, 2**31]))
    lie("tensor_shape_negative", "a tensor's shape holds -1", None, ["impossible shape"],
        tensors=tensor_lie("shape", [-1, 4]))
    lie("tensor_dtype_unknown", "a tensor's dtype is complex128", None, ["unknown dtype"],
        tensors=tensor_lie("dtype", "complex128"))
    lie("tensor_name_number", "a tensor's name is a number", None, ["corrupt metadata"],
        tensors=tensor_lie("name", 42))

    def duplicate(h, p):
        h["tensors"].append(dict(h["tensors"][0]))
        return h, p
    lie("tensor_twice", "the same tensor listed twice", None, ["appears twice"], tensors=duplicate)

    def drop_weights(h, p):
        h["tensors"] = [t for t in h["tensors"] if not t["name"].startswith("model/decoder")]
        return h, p
    lie("weights_missing", "the decoder's weights are not in the file", None, ["missing"],
        tensors=drop_weights)

    def poison(value):
        def edit(h, p):
            t = next(t for t in h["tensors"] if t["name"].startswith("model/") and t["dtype"] == "float32")
            struct.pack_into("<f", p, t["offset"], value)
            return h, p
        return edit
    lie("weights_nan", "a weight is NaN (checksum recomputed)", None, ["NaN or Inf"], tensors=poison(float("nan")))
    lie("weights_inf", "a weight is Inf (checksum recomputed)", None, ["NaN or Inf"], tensors=poison(float("inf")))

    def blow_up(h, p):
        # Finite weights so large that the decoder's output overflows to Inf/NaN.
        for t in h["tensors"]:
            if t["name"].startswith("model/") and t["dtype"] == "float32":
                values = np.frombuffer(bytes(p[t["offset"]:t["offset"] + t["nbytes"]]), "<f4")
                p[t["offset"]:t["offset"] + t["nbytes"]] = (values * np.float32(1e30)).astype("<f4").tobytes()
        return h, p
    lie("weights_overflow", "finite weights x 1e30: the decoder's output overflows", None,
        ["NaN or Inf"], tensors=blow_up)

    # The metadata lies about the model.
    def set_key(key, value):
        return lambda m: m.__setitem__(key, value)

    def set_hyper(key, value):
        return lambda m: m["hyper_parameters"].__setitem__(key, value)

    mismatch = mismatch_words
    lie("latent_dim_4", "latent_dim 4, the weights have 3", set_key("latent_dim", 4), mismatch)
    lie("latent_dim_0", "latent_dim 0", set_key("latent_dim", 0), ["latent_dim"])
    lie("latent_dim_negative", "latent_dim -5", set_key("latent_dim", -5), ["latent_dim"])
    lie("latent_dim_huge", "latent_dim 10^12", set_key("latent_dim", 10**12), ["latent_dim"])
    lie("latent_dim_text", "latent_dim is a string", set_key("latent_dim", "three"), ["latent_dim"])
    lie("image_shape_bigger", "image_shape 1x32x32, the weights are for 16x16",
        set_key("image_shape", [1, 32, 32]), mismatch)
    lie("image_shape_rgb", "image_shape 3x16x16, the weights are for grey",
        set_key("image_shape", [3, 16, 16]), mismatch)
    lie("image_shape_5_channels", "image_shape with 5 channels", set_key("image_shape", [5, 16, 16]),
        ["image_shape"])
    lie("image_shape_zero", "image_shape 1x0x16", set_key("image_shape", [1, 0, 16]), ["image_shape"])
    lie("image_shape_huge", "image_shape 1x100000x100000", set_key("image_shape", [1, 100000, 100000]),
        ["image_shape"])
    lie("image_shape_2d", "image_shape has two numbers", set_key("image_shape", [16, 16]), ["image_shape"])
    lie("image_shape_odd", "image_shape 1x15x15, not divisible by the strides",
        set_key("image_shape", [1, 15, 15]), ["divisible"])
    lie("architecture_unknown", "architecture 'resnet-9000'", set_key("architecture", "resnet-9000"),
        ["unknown architecture"])
    lie("architecture_dcgan", "architecture dcgan for VAE weights", set_key("architecture", "dcgan"),
        ["dcgan"])
    lie("kind_gan", "kind gan for VAE weights", set_key("kind", "gan"), ["kind gan but architecture conv-vae"])
    lie("kind_unknown", "kind 'diffusion'", set_key("kind", "diffusion"), ["diffusion"])
    lie("channels_more", "channels [4, 8, 16], the weights have two layers",
        set_hyper("channels", [4, 8, 16]), mismatch)
    lie("channels_zero", "channels [0, 8]", set_hyper("channels", [0, 8]), ["channels"])
    lie("channels_negative", "channels [-4, 8]", set_hyper("channels", [-4, 8]), ["channels"])
    lie("channels_huge", "channels [100000, 100000]: building it would need terabytes",
        set_hyper("channels", [100000, 100000]), ["channels"])
    lie("channels_text", "channels is a string", set_hyper("channels", "4,8"), ["hyper-parameters"])
    lie("hidden_huge", "hidden 10^9", set_hyper("hidden", 10**9), ["hidden"])
    lie("output_range_reversed", "output_range [1, 0]", set_key("output_range", [1, 0]), ["output_range"])
    lie("output_range_null", "output_range [null, 1] (NaN written by a JSON dumper)",
        set_key("output_range", [None, 1]), ["bad metadata", "output_range"])
    lie("attribute_wrong_length", "an attribute vector of 5 values for latent 3",
        set_key("attributes", {"Smiling": {"direction": [1, 2, 3, 4, 5]}}), ["Smiling"])
    lie("attribute_null", "an attribute vector holding null (NaN in the writer)",
        set_key("attributes", {"Smiling": {"direction": [1, None, 3]}}), ["bad metadata", "Smiling"])
    lie("gmm_wrong_dim", "a GMM of dimension 2 for latent 3",
        set_key("gmm", {"components": 1, "dim": 2, "weights": [1], "means": [0, 0],
                        "covariances": [1, 0, 0, 1]}), ["gmm"])
    lie("gmm_short_means", "a GMM with too few means",
        set_key("gmm", {"components": 2, "dim": 3, "weights": [0.5, 0.5], "means": [0, 0, 0],
                        "covariances": [1, 0, 0, 0, 1, 0, 0, 0, 1] * 2}), ["gmm means"])
    lie("gmm_huge_components", "a GMM declaring 10^9 components",
        set_key("gmm", {"components": 10**9, "dim": 3, "weights": [], "means": [], "covariances": []}),
        ["gmm"])
    # Format 2: the GMM's numbers are tensors beside the weights, the header says their shape.
    def gmm_tensors(shapes):
        def edit(h, p):
            for name, shape in shapes.items():
                count = 1
                for n in shape:
                    count *= n
                h["tensors"].append({"name": name, "dtype": "float32", "shape": shape,
                                     "offset": len(p), "nbytes": 4 * count})
                p += struct.pack("<%df" % count, *([0.5] * count))
            return h, p
        return edit
    gmm_header = set_key("gmm", {"covariance_type": "full", "components": 2})
    lie("gmm_tensors_missing", "a format-2 GMM header without its tensors", gmm_header,
        ["gmm/weights", "missing"])
    lie("gmm_tensor_wrong_shape", "a format-2 GMM whose means are [2, 4] for latent 3", gmm_header,
        ["gmm/means", "shape"],
        tensors=gmm_tensors({"gmm/weights": [2], "gmm/means": [2, 4], "gmm/covariances": [2, 3, 3]}))
    lie("gmm_covariance_type_unknown", "a format-2 GMM of covariance type 'tied'",
        set_key("gmm", {"covariance_type": "tied", "components": 1}), ["covariance type"],
        tensors=gmm_tensors({"gmm/weights": [1], "gmm/means": [1, 3], "gmm/covariances": [1, 3, 3]}))

    def meta_lie(id, what, edit, expect):
        h = json.loads(json.dumps(header))
        edit(h["meta"])
        ckpt(id, join_checkpoint(h, payload), "error", expect, what)
    meta_lie("no_model_metadata", "meta without 'model'", lambda m: m.pop("model"), ["no model metadata"])
    meta_lie("format_other", "meta format 'pickle'", lambda m: m.__setitem__("format", "pickle"),
             ["not a LatentLab checkpoint"])
    meta_lie("version_99", "written by format version 99", lambda m: m.__setitem__("version", 99), ["newer"])
    meta_lie("model_is_list", "meta model is a list", lambda m: m.__setitem__("model", [1, 2]),
             ["bad metadata"])
    meta_lie("format_number", "meta format is a number", lambda m: m.__setitem__("format", 5), ["bad metadata"])
    meta_lie("version_deep", "meta version is 100000 nested arrays",
             lambda m: m.__setitem__("version", "@DEEP@"), ["nested deeper"])
    ckpt("meta_not_object", join_checkpoint(dict(header, meta=[1]), payload), "error",
         ["'meta' is not an object"], "meta is a list")
    deep = b"[" * 100000 + b"]" * 100000
    ckpt("header_deep_nesting", CHECKPOINT_MAGIC + struct.pack("<Q", len(deep)) + deep, "error",
         ["nested deeper"], "the header is 100000 nested JSON arrays")


# --- TorchScript archives ------------------------------------------------------------------------

class VaeNan(ts.ConvVae):
    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        return self.decoder(self.fc_decode(z).view(-1, 16, 7, 7)) * float("nan")


class VaeInfForLargeZ(ts.ConvVae):
    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        x = self.decoder(self.fc_decode(z).view(-1, 16, 7, 7))
        return x / (1.0 - z.abs().max())  # Inf once some |z| reaches 1 (the trial ramp does)


class VaeRaises(ts.ConvVae):
    @torch.jit.export
    def decode(self, z: torch.Tensor) -> torch.Tensor:
        raise RuntimeError("this decoder always fails")


class VaeEncodeNotTuple(ts.ConvVae):
    @torch.jit.export
    def encode(self, x: torch.Tensor):
        return self.fc_mu(self.encoder(x))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x))


class VaeDecodeReturnsList(ts.ConvVae):
    @torch.jit.export
    def decode(self, z: torch.Tensor):
        return [self.decoder(self.fc_decode(z).view(-1, 16, 7, 7))]

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return self.decode(self.encode(x)[0])[0]


def torchscripts(c):
    torch.manual_seed(0)
    cat = "model"
    good_json = ts.meta("vae", ts.VAE_LATENT, (1, 28, 28), (0, 1), "hostile", {})

    def save(id, module, latentlab_json, outcome, expect, what):
        p = c.path(cat, id + ".pt")
        ts.save(module, p, latentlab_json)
        c.add(id, cat, p, outcome, expect, what)
        return p

    save("ts_no_json", ts.ConvVae(), None, "error", ["no latentlab.json"], "TorchScript without latentlab.json")
    save("ts_decode_wrong_shape", ts.VaeWrongShape(), good_json, "error", ["returned shape"],
         "decode() returns [N, 1, 27, 27] for a 1x28x28 model")
    save("ts_decode_nan", VaeNan(), good_json, "error", ["NaN or Inf"], "decode() returns NaN")
    save("ts_decode_inf_large_z", VaeInfForLargeZ(), good_json, "error", ["NaN or Inf"],
         "decode() returns Inf once |z| reaches 1")
    save("ts_decode_raises", VaeRaises(), good_json, "error", ["always fails"], "decode() raises")
    save("ts_encode_not_tuple", VaeEncodeNotTuple(), good_json, "error", ["mu and logvar"],
         "encode() returns mu alone, neither (mu, logvar) nor one [N, 2D] tensor")
    save("ts_decode_list", VaeDecodeReturnsList(), good_json, "error", ["expected a tensor"],
         "decode() returns a list")
    save("ts_json_latent_lie", ts.ConvVae(),
         ts.meta("vae", 7, (1, 28, 28), (0, 1), "lies", {}), "error", ["failed", "latent_dim 7"],
         "latentlab.json says latent_dim 7, the module takes 4")
    save("ts_json_shape_lie", ts.ConvVae(),
         ts.meta("vae", ts.VAE_LATENT, (3, 64, 64), (0, 1), "lies", {}), "error", ["returned shape"],
         "latentlab.json says 3x64x64, the module makes 1x28x28")
    save("ts_json_kind_lie", ts.ConvVae(),
         ts.meta("gan", ts.VAE_LATENT, (1, 28, 28), (0, 1), "lies", {}), "error", ["forward"],
         "latentlab.json says gan for a VAE")
    save("ts_json_not_json", ts.ConvVae(), "{'kind': 'vae'", "error", ["not valid JSON"],
         "latentlab.json is not JSON")
    save("ts_json_array", ts.ConvVae(), "[1, 2, 3]", "error", ["JSON object"],
         "latentlab.json is an array")
    save("ts_json_attribute_nan", ts.ConvVae(),
         '{"kind": "vae", "latent_dim": 4, "image_shape": [1, 28, 28], '
         '"attributes": {"Smiling": [NaN, 0, 0, 0]}}', "error", ["not valid JSON"],
         "latentlab.json holds a bare NaN (Python's json.dumps writes one)")
    good = save("ts_good", ts.spread_weights(ts.ConvVae()), good_json, "ok", [],
                "a valid TorchScript VAE (control)")
    with open(good, "rb") as f:
        data = f.read()
    for fraction in (1, 2, 3, 5, 7):
        at = len(data) * fraction // 8
        c.file("ts_truncated_%d" % at, cat, "ts_truncated_%d.pt" % at, data[:at], "error",
               ["truncated", "zip", "cannot be read"], "a TorchScript archive cut after %d bytes" % at)
    # LibTorch's zip reader leaks when it refuses an archive, so our zip check refuses these first.
    with zipfile.ZipFile(good) as z:
        records = [(i, z.read(i.filename)) for i in z.infolist()]
    for id, keep, version, expect in (
            ("ts_no_version", lambda name: not name.endswith("/version"), None, "no format version record"),
            ("ts_version_99", lambda name: True, b"99\n", "not a number from 1 to 10")):
        p = c.path(cat, id + ".pt")
        with zipfile.ZipFile(p, "w", zipfile.ZIP_STORED) as z:
            for info, data in records:
                if keep(info.filename):
                    z.writestr(info, version if version and info.filename.endswith("/version") else data)
        c.add(id, cat, p, "error", [expect], "a TorchScript archive with " +
              ("no version record" if version is None else "format version 99"))
    damaged = c.path(cat, "ts_damaged_weights.pt")
    ts.damage_record(good, damaged, "data/")
    c.add("ts_damaged_weights", cat, damaged, "error", ["CRC-32"], "bytes flipped in a weight record")
    p = c.path(cat, "ts_state_dict.pt")
    torch.save(ts.ConvVae().state_dict(), p)
    c.add("ts_state_dict", cat, p, "error", ["TorchScript"], "torch.save of a state_dict")
    c.file("zip_magic_only", cat, "zip_magic_only.pt", b"PK\x03\x04" + b"\0" * 40, "error",
           ["zip"], "zip magic bytes and zeros")


# --- latent files --------------------------------------------------------------------------------

def npy(array, descr=None, shape=None, fortran=False, tail=b""):
    a = np.ascontiguousarray(array)
    header = "{'descr': '%s', 'fortran_order': %s, 'shape': %s, }" % (
        descr or a.dtype.str, "True" if fortran else "False", str(tuple(shape if shape is not None else a.shape)))
    header += " " * ((64 - (10 + len(header) + 1) % 64) % 64) + "\n"
    return b"\x93NUMPY\x01\x00" + struct.pack("<H", len(header)) + header.encode() + a.tobytes() + tail


def latents(c):
    cat = "latent"
    ok3 = np.array([0.5, -1.0, 2.0], "<f4")

    def j(id, text, outcome, expect, what):
        c.file(id, cat, id + ".json", text.encode() if isinstance(text, str) else text, outcome, expect, what)

    def n(id, data, outcome, expect, what):
        c.file(id, cat, id + ".npy", data, outcome, expect, what)

    j("json_good", "[0.5, -1, 2]", "ok", [], "a valid latent (control)")
    j("json_good_rows", "[[0.5, -1, 2], [0, 0, 0]]", "ok", [], "two valid latents (control)")
    j("json_empty_file", "", "error", ["empty"], "a 0-byte file")
    j("json_malformed", "[0.5, -1, ", "error", ["not valid JSON"], "JSON cut short")
    j("json_not_json", "hello world", "error", ["not valid JSON"], "plain text")
    j("json_binary", bytes(range(256)) * 4, "error", ["not valid JSON"], "binary bytes")
    j("json_short", "[0.5, -1]", "error", ["2 values", "needs 3"], "two values for a latent of 3")
    j("json_long", "[0.5, -1, 2, 3]", "error", ["4 values"], "four values for a latent of 3")
    j("json_ragged", "[[1, 2, 3], [1, 2]]", "error", ["has 2 numbers"], "rows of different lengths")
    j("json_mixed", "[[1, 2, 3], 4]", "error", ["mixes"], "an array mixing rows and numbers")
    j("json_string_value", '[1, "2", 3]', "error", ["not a number"], "a string among the numbers")
    j("json_null_value", "[1, null, 3]", "error", ["not a number"], "null (how JSON writers spell NaN)")
    j("json_bare_nan", "[1, NaN, 3]", "error", ["not valid JSON"], "a bare NaN token")
    j("json_bare_inf", "[1, Infinity, 3]", "error", ["not valid JSON"], "a bare Infinity token")
    j("json_overflow", "[1, 1e39, 3]", "error", ["float range"], "1e39 overflows float32")
    j("json_overflow_double", "[1, 1e400, 3]", "error", ["not valid JSON", "NaN or Inf", "float range"],
      "1e400 overflows even double")
    j("json_empty_array", "[]", "error", ["expected a JSON array"], "an empty array")
    j("json_empty_row", "[[]]", "error", ["no latents", "0 values"], "one empty row")
    j("json_object", '{"z": [1, 2, 3]}', "error", ["expected a JSON array"], "an object, not an array")
    j("json_deep", "[" * 100000 + "]" * 100000, "error", ["nested deeper"],
      "100000 nested arrays")
    n("npy_good", npy(ok3), "ok", [], "a valid float32 .npy (control)")
    n("npy_good_f8_rows", npy(np.zeros((2, 3), "<f8")), "ok", [], "a valid float64 [2, 3] .npy (control)")
    n("npy_nan", npy(np.array([0, np.nan, 1], "<f4")), "error", ["NaN or Inf"], "NaN in a .npy")
    n("npy_inf", npy(np.array([0, np.inf, 1], "<f4")), "error", ["NaN or Inf"], "Inf in a .npy")
    n("npy_f8_overflow", npy(np.array([0, 1e300, 1], "<f8")), "error", ["float range"],
      "a float64 value beyond float32")
    n("npy_wrong_length", npy(np.zeros(5, "<f4")), "error", ["5 values"], "5 values for latent 3")
    n("npy_truncated", npy(ok3)[:-5], "error", ["truncated"], "the data cut short")
    n("npy_header_cut", npy(ok3)[:20], "error", ["truncated"], "the header cut short")
    n("npy_extra", npy(ok3, tail=b"\0" * 8), "error", ["unexpected bytes"], "8 bytes after the data")
    n("npy_shape_lie", npy(ok3, shape=(1000000, 3)), "error", ["truncated"],
      "the header declares [1000000, 3] for 3 values")
    n("npy_shape_huge", npy(ok3, shape=(2**40, 2**40)), "error", ["too large"],
      "the header declares [2^40, 2^40]")
    n("npy_3d", npy(np.zeros((1, 1, 3), "<f4")), "error", ["dimensions"], "a 3-D array")
    n("npy_int", npy(np.array([1, 2, 3], "<i4")), "error", ["not supported"], "int32 data")
    n("npy_big_endian", npy(np.array([1, 2, 3], ">f4")), "error", ["big-endian"], "big-endian floats")
    n("npy_fortran", npy(np.zeros((2, 3), "<f4"), fortran=True), "error", ["Fortran"], "Fortran order")
    n("npy_version_9", b"\x93NUMPY\x09\x00" + npy(ok3)[8:], "error", ["version"], "format version 9")
    n("npy_bad_header", b"\x93NUMPY\x01\x00" + struct.pack("<H", 8) + b"{'a': 1}", "error",
      ["malformed"], "a header dictionary with an unknown key")
    n("npy_text", b"0.5 -1 2\n", "error", ["no NUMPY magic"], "text saved as .npy")
    n("npy_header_len_huge", b"\x93NUMPY\x02\x00" + struct.pack("<I", 2**31) + b"{", "error",
      ["truncated"], "a version 2 header length of 2^31")
    c.add("missing_file", cat, os.path.join(c.out, cat, "no_such_latent.json"), "error",
          ["no such file"], "a latent file that does not exist")


# --- images --------------------------------------------------------------------------------------

def png(width, height, colour_type, depth, rows=None, *, ihdr_only=False, crc_ok=True, cut=None):
    """A PNG written by hand (no imaging library is installed): rows are raw scanlines."""
    def chunk(kind, data, good=True):
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc if good else crc ^ 1)
    channels = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[colour_type]
    out = b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", width, height, depth, colour_type, 0, 0, 0))
    if ihdr_only:
        return out
    if colour_type == 3:
        out += chunk(b"PLTE", bytes(range(0, 256, 64)) * 3)
    if rows is None:
        row_bytes = width * channels * depth // 8
        rows = [bytes((x * 37 + y * 11) % 256 for x in range(row_bytes)) for y in range(height)]
    raw = b"".join(b"\0" + r for r in rows)
    out += chunk(b"IDAT", zlib.compress(raw), crc_ok) + chunk(b"IEND", b"")
    return out[:cut] if cut else out


def cmyk_jpeg(width=16, height=16):
    """A baseline CMYK JPEG written by hand: Adobe APP14 (no transform), every block flat.

    One DC code (category 0) and one AC code (EOB), each the 1-bit code '0', so each 8x8 block
    of each of the 4 components costs 2 bits: the image is a flat colour of samples 128.
    """
    def segment(marker, data):
        return struct.pack(">BBH", 0xFF, marker, len(data) + 2) + data
    app14 = b"Adobe" + struct.pack(">HHHB", 100, 0, 0, 0)
    dqt = b"\x00" + b"\x01" * 64
    sof = struct.pack(">BHHB", 8, height, width, 4) + b"".join(bytes([i + 1, 0x11, 0]) for i in range(4))
    one_code = bytes([1] + [0] * 15)  # one code of length 1
    dht = b"\x00" + one_code + b"\x00" + b"\x10" + one_code + b"\x00"
    sos = b"\x04" + b"".join(bytes([i + 1, 0x00]) for i in range(4)) + b"\x00\x3f\x00"
    blocks = (width // 8) * (height // 8) * 4
    scan = b"\x00" * (blocks * 2 // 8)
    return (b"\xff\xd8" + segment(0xEE, app14) + segment(0xDB, dqt) + segment(0xC0, sof) +
            segment(0xC4, dht) + segment(0xDA, sos) + scan + b"\xff\xd9")


def jpeg_header_only(width, height):
    sof = struct.pack(">BHHB", 8, height, width, 3) + b"".join(bytes([i + 1, 0x11, 0]) for i in range(3))
    return b"\xff\xd8" + struct.pack(">BBH", 0xFF, 0xC0, len(sof) + 2) + sof


def images(c):
    cat = "image"

    def img(id, name, data, outcome, expect, what):
        c.file(id, cat, name, data, outcome, expect, what)

    not_image = ["not an image", "cannot decode"]
    img("png_good", "good.png", png(20, 12, 2, 8), "ok", [], "an RGB PNG (control)")
    img("zero_bytes", "zero.png", b"", "error", ["empty"], "a 0-byte .png")
    img("text_as_png", "text.png", b"this is not an image\n", "error", not_image, "text named .png")
    img("random_as_jpg", "random.jpg", bytes(random.Random(3).randrange(256) for _ in range(4096)),
        "error", not_image, "random bytes named .jpg")
    img("one_by_one", "one.png", png(1, 1, 2, 8), "ok", [], "a 1x1 RGB PNG")
    img("png_16bit_grey", "grey16.png", png(9, 7, 0, 16), "ok", [], "a 16-bit grey PNG")
    img("png_16bit_rgb", "rgb16.png", png(9, 7, 2, 16), "ok", [], "a 16-bit RGB PNG")
    img("png_grey_alpha", "grey_alpha.png", png(10, 10, 4, 8), "ok", [], "a grey+alpha PNG")
    img("png_grey_alpha_16", "grey_alpha16.png", png(10, 10, 4, 16), "ok", [], "a 16-bit grey+alpha PNG")
    img("png_rgba", "rgba.png", png(10, 10, 6, 8), "ok", [], "an RGBA PNG")
    img("png_palette", "palette.png", png(8, 8, 3, 8, rows=[bytes(range(4)) * 2] * 8), "ok", [],
        "a palette PNG")
    img("png_1bit", "bits.png", png(16, 4, 0, 1), "ok", [], "a 1-bit grey PNG")
    img("jpeg_cmyk", "cmyk.jpg", cmyk_jpeg(), "ok", [], "a CMYK JPEG (Adobe APP14)")
    img("png_20000_declared", "huge.png", png(20000, 20000, 2, 8, ihdr_only=True), "error",
        ["megapixels"], "a PNG header declaring 20000x20000 and no data")
    img("png_65535_declared", "huge2.png", png(65535, 65535, 6, 16, ihdr_only=True), "error",
        ["megapixels"], "a PNG header declaring 65535x65535 RGBA 16-bit")
    img("jpeg_20000_declared", "huge.jpg", jpeg_header_only(20000, 20000), "error",
        ["megapixels"], "a JPEG header declaring 20000x20000 and no data")
    img("jpeg_65500_declared", "huge2.jpg", jpeg_header_only(65500, 65500), "error",
        ["megapixels"], "a JPEG header declaring 65500x65500")
    img("png_zero_width", "zero_width.png", png(0, 10, 2, 8, rows=[b""] * 10), "error", ["0x10"],
        "a PNG of width 0")
    img("png_truncated", "cut.png", png(64, 64, 2, 8, cut=200), "error", ["truncated PNG"],
        "a PNG cut inside its image data")
    img("png_no_iend", "no_iend.png", png(16, 16, 2, 8)[:-12], "error", ["truncated PNG"],
        "a PNG without its IEND chunk")
    img("png_bad_crc", "bad_crc.png", png(16, 16, 2, 8, crc_ok=False), "error", ["CRC-32"],
        "a PNG whose IDAT CRC-32 is wrong")
    img("png_signature_only", "sig.png", b"\x89PNG\r\n\x1a\n", "error", ["truncated PNG"],
        "only the PNG signature")
    img("png_no_ihdr", "no_ihdr.png", b"\x89PNG\r\n\x1a\n" + png(4, 4, 2, 8)[33:], "error", ["IHDR"],
        "a PNG whose first chunk is not IHDR")
    img("jpeg_truncated", "cut.jpg", cmyk_jpeg(64, 64)[:-10], "error", ["truncated JPEG"],
        "a JPEG cut inside its image data")
    img("jpeg_soi_only", "soi.jpg", b"\xff\xd8\xff", "error", ["truncated JPEG"], "only the JPEG start marker")
    img("jpeg_no_frame", "no_frame.jpg", b"\xff\xd8\xff\xda\x00\x08" + b"\0" * 6 + b"\xff\xd9", "error",
        ["no frame header"], "a JPEG scan without a frame header")
    img("bmp_huge_declared", "huge.bmp",
        b"BM" + struct.pack("<IHHI", 54, 0, 0, 54) + struct.pack("<IiiHHIIiiII", 40, 30000, 30000, 1, 24, 0, 0, 0, 0, 0, 0),
        "error", ["megapixels", "not an image", "cannot decode"], "a BMP header declaring 30000x30000")
    folder = os.path.dirname(c.path(cat, "folder.png", "x"))  # c.path makes the folder
    c.add("folder_named_png", cat, folder, "error", ["folder"], "a folder named .png")
    c.add("missing_image", cat, os.path.join(c.out, cat, "no_such_image.png"), "error", ["no such file"],
          "an image that does not exist")


# --- IDX files and gzip --------------------------------------------------------------------------

def idx_files(c, base):
    cat = "idx"
    with open(base["images"], "rb") as f:
        good = f.read()
    n = struct.unpack(">I", good[4:8])[0]
    payload = good[16:]

    def idx(id, data, outcome, expect, what, kind="images", gz=False):
        name = id + (".idx.gz" if gz else ".idx")
        p = c.path(cat, name)
        with open(p, "wb") as f:
            f.write(data)
        spec = "idx:" + p if kind == "images" else "idx:%s:%s" % (base["images"], p)
        c.add(id, cat, p, outcome, expect, what, spec=spec)

    idx("good_gz", gzip.compress(good, mtime=0), "ok", [], "the base images gzipped (control)", gz=True)
    idx("empty", b"", "error", ["too short"], "a 0-byte IDX file")
    idx("three_bytes", b"\0\0\x08", "error", ["too short"], "3 bytes")
    idx("bad_magic", b"\x12\x34\x56\x78" + good[4:], "error", ["bad magic"], "magic 0x12345678")
    idx("float_type", idx_bytes(0x0D03, (n, SIDE, SIDE), payload), "error", ["not supported"],
        "IDX data of type float (0x0D)")
    idx("labels_as_images", idx_bytes(0x801, (n,), payload[:n]), "error", ["1-dimensional"],
        "a labels file given as images")
    idx("header_only", good[:16], "error", ["truncated"], "the header and no data")
    idx("dims_cut", good[:10], "error", ["truncated IDX header"], "cut inside the dimensions")
    idx("count_too_big", idx_bytes(0x803, (n + 1, SIDE, SIDE), payload), "error", ["truncated"],
        "declares one image more than it holds")
    idx("count_too_small", idx_bytes(0x803, (n - 1, SIDE, SIDE), payload), "error", ["longer", "disagree"],
        "declares one image less than it holds")
    idx("count_huge", idx_bytes(0x803, (60000, 28, 28), payload), "error", ["truncated"],
        "declares 60000 images of 28x28 in a few kilobytes")
    idx("dims_absurd", idx_bytes(0x803, (2**32 - 1, 2**32 - 1, 2**32 - 1), payload), "error",
        ["absurd"], "declares 2^32-1 on every axis")
    idx("dim_zero", idx_bytes(0x803, (0, SIDE, SIDE), b""), "error", ["empty dimension"], "declares 0 images")
    idx("gz_huge_declared", gzip.compress(idx_bytes(0x803, (60000, 64, 64), payload), mtime=0), "error",
        ["gzip file can hold"], "a 3 KB gzip declaring 60000 images of 64x64 (245 MB)", gz=True)
    gz = gzip.compress(good, mtime=0)
    for fraction in (1, 2, 3):
        at = len(gz) * fraction // 4
        idx("gz_truncated_%d" % at, gz[:at], "error", ["truncated"], "gzip cut after %d bytes" % at, gz=True)
    idx("gz_no_trailer", gz[:-8], "error", ["truncated", "gzip"], "gzip without its 8-byte trailer", gz=True)
    bad_crc = bytearray(gz)
    bad_crc[-8] ^= 0xFF
    idx("gz_bad_crc", bytes(bad_crc), "error", ["gzip", "corrupt"], "gzip whose CRC-32 is wrong", gz=True)
    damaged = bytearray(gz)
    for i in range(len(gz) // 2, len(gz) // 2 + 8):
        damaged[i] ^= 0x55
    idx("gz_damaged", bytes(damaged), "error", ["gzip", "corrupt", "truncated"], "gzip with damaged deflate data",
        gz=True)
    idx("gz_header_only", b"\x1f\x8b\x08\x00" + b"\0" * 6, "error", ["truncated", "gzip", "too short"],
        "a gzip header and nothing more", gz=True)
    idx("labels_count_differs", idx_bytes(0x801, (n - 3,), bytes(n - 3)), "error", ["labels"],
        "%d labels for %d images" % (n - 3, n), kind="labels")
    idx("labels_bad_magic", idx_bytes(0x803, (n, 1, 1), bytes(n)), "error", ["3-dimensional"],
        "an images file given as labels", kind="labels")
    idx("labels_truncated", idx_bytes(0x801, (n,), bytes(n // 2)), "error", ["truncated"],
        "labels cut in half", kind="labels")


# --- CelebA attribute files ----------------------------------------------------------------------

def celeba(c):
    cat = "celeba"
    names = ["000001.png", "000002.png", "000003.png", "000004.png"]
    pictures = {n: png(SIDE, SIDE, 2, 8, rows=[bytes((i * 60 + x) % 256 for x in range(SIDE * 3))] * SIDE)
                for i, n in enumerate(names)}

    def folder(id, text, outcome, expect, what, images=names, names_folder=False):
        root = c.path(cat, id, "img_align_celeba", "x")
        root = os.path.dirname(os.path.dirname(root))
        for n in images:
            with open(os.path.join(root, "img_align_celeba", n), "wb") as f:
                f.write(pictures[n])
        p = os.path.join(root, "list_attr_celeba.txt")
        with open(p, "wb") as f:
            f.write(text.encode() if isinstance(text, str) else text)
        c.add(id, cat, p, outcome, expect, what, spec="celeba:" + root)
        if names_folder:  # the labels are read; what they hold is wrong for the whole data set
            c.entries[-1]["names"] = "celeba:" + root

    def rows(values, count=None, header="Smiling Male", line_end="\n"):
        lines = [str(len(values) if count is None else count), header]
        lines += ["%s %s" % (n, " ".join(v)) for n, v in zip(names, values)]
        return line_end.join(lines) + line_end

    good = [["1", "-1"], ["-1", "1"], ["1", "1"], ["-1", "-1"]]
    folder("good", rows(good), "ok", [], "a valid CelebA folder (control)")
    folder("crlf_tabs", rows(good, line_end="\r\n").replace(" ", "\t"), "ok", [],
           "CRLF line ends and tabs (valid)")
    folder("empty", "", "error", ["empty file"], "an empty attribute file")
    folder("count_only", "4\n", "error", ["attribute names"], "only the count line")
    folder("count_text", rows(good).replace("4\n", "four\n", 1), "error", ["number of images"], "count is a word")
    folder("count_negative", rows(good, count=-4), "error", ["number of images"], "count -4")
    folder("count_huge", rows(good, count=10**15), "error", ["number of images"], "count 10^15")
    folder("missing_row", rows(good, count=5), "error", ["declares 5 images"], "declares 5, has 4 rows")
    folder("extra_row", rows(good, count=3), "error", ["more rows"], "declares 3, has 4 rows")
    folder("missing_column", rows([["1", "-1"], ["-1"], ["1", "1"], ["-1", "-1"]]), "error",
           ["expected 2 values"], "a row with one value for two attributes")
    folder("extra_column", rows([["1", "-1"], ["-1", "1", "1"], ["1", "1"], ["-1", "-1"]]), "error",
           ["expected 2 values"], "a row with three values for two attributes")
    folder("header_missing_column", rows([["1", "-1", "1"]] * 4, header="Smiling Male"), "error",
           ["expected 2 values"], "rows of three values under two names")
    folder("value_zero", rows([["1", "0"]] + good[1:]), "error", ["not 1 or -1"], "a value 0")
    folder("value_word", rows([["yes", "-1"]] + good[1:]), "error", ["not 1 or -1"], "a value 'yes'")
    folder("duplicate_attribute", rows(good, header="Smiling Smiling"), "error", ["appears twice"],
           "the same attribute twice")
    folder("empty_header", rows(good, header=""), "error", ["attribute names"], "an empty names line")
    text = rows(good).replace("000002.png", "000001.png")
    folder("duplicate_image", text, "error", ["listed twice"], "the same image on two rows")
    folder("image_missing", rows(good), "error", ["does not exist"], "a listed image is not in the folder",
           images=names[:3])
    folder("escapes_folder", rows(good).replace("000003.png", "../../etc/passwd"), "error",
           ["leaves the image folder"], "an image name with ../")
    folder("binary", bytes(random.Random(4).randrange(256) for _ in range(2048)), "error",
           ["number of images", "expected"], "random bytes")
    folder("all_same_label", rows([["1", "1"]] * 4), "error", ["needs at least 2 latents with and 2 without"],
           "every image has every attribute: the data loads, no attribute vector can be computed",
           names_folder=True)


# --- GUI session files (core/io/session.h) -------------------------------------------------------

def sessions(c):
    cat = "session"
    model = c.base_checkpoint

    def session(id, text, expect, what, names=None):
        p = c.file(id, cat, id + ".json", text.encode(), "error", expect, what)
        if names is not None:
            c.entries[-1]["names"] = names
        return p

    def doc(latent="[1, 2, 3]", extra=""):
        return '{"latentlab_session": 1, "model": %s, "latent": %s%s}' % (json.dumps(model), latent, extra)

    c.file("good", cat, "good.json", doc().encode(), "ok", [], "a valid session (control)")
    session("empty", "", ["not valid JSON"], "a 0-byte session")
    session("malformed", doc()[:-5], ["not valid JSON"], "JSON cut short")
    session("not_object", "[1, 2, 3]", ["not a LatentLab session"], "a list, not an object")
    session("no_version", '{"model": "x", "latent": [1, 2, 3]}', ["not a LatentLab session"],
            "no latentlab_session version")
    session("version_99", doc().replace('"latentlab_session": 1', '"latentlab_session": 99'),
            ["unsupported session version"], "a newer format version")
    session("latent_nan", doc("[1, NaN, 3]"), ["not valid JSON"], "a bare NaN in the latent")
    session("latent_null", doc("[1, null, 3]"), ["not a number"], "null in the latent")
    session("latent_overflow", doc("[1, 1e39, 3]"), ["not a finite float"], "1e39 in the latent")
    session("latent_empty", doc("[]"), ["non-empty"], "an empty latent")
    session("latent_string", doc('"1,2,3"'), ["non-empty array"], "the latent is a string")
    session("latent_wrong_length", doc("[1, 2]"), ["2 values"],
            "2 values for a model of latent 3 (the message comes from the fit check)", names="")
    session("endpoint_wrong_length",
            doc(extra=', "interpolation": {"a": [1, 2], "b": null}'), ["endpoint a"],
            "an interpolation endpoint of 2 values")
    session("steps_huge", doc(extra=', "interpolation": {"steps": 1000000000}'), ["steps"],
            "10^9 interpolation steps")
    session("method_unknown", doc(extra=', "interpolation": {"method": "cubic"}'), ["cubic"],
            "an unknown interpolation method")
    session("attribute_text", doc(extra=', "attributes": {"Smiling": "a lot"}'), ["Smiling"],
            "an attribute amount that is a string")
    session("attributes_list", doc(extra=', "attributes": [1, 2]'), ["attributes"],
            "attributes is a list")
    session("deep", "[" * 100000 + "]" * 100000, ["nested deeper"], "100000 nested arrays")
    session("version_deep", '{"latentlab_session": %s}' % ("[" * 100000 + "]" * 100000), ["nested deeper"],
            "the version is 100000 nested arrays (copying or printing it would recurse)")
    missing = "/nonexistent/hostile/model.llckpt"
    session("missing_model", doc().replace(json.dumps(model), json.dumps(missing)), ["no such file"],
            "points at a model file that does not exist", names=missing)
    huge = c.path(cat, "huge.json")
    with open(huge, "wb") as f:
        f.truncate(100 << 20)  # sparse: costs no disk
    c.add("huge", cat, huge, "error", ["too large"], "a 100 MB session file")


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cli", required=True, help="latentlab-cli, to train the base checkpoint")
    parser.add_argument("out")
    args = parser.parse_args()
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    torch.set_num_threads(1)
    c = Corpus(args.out)
    base = make_base(args.out, args.cli)
    c.base_checkpoint = base["checkpoint"]
    checkpoints(c, base["checkpoint"])
    torchscripts(c)
    latents(c)
    images(c)
    idx_files(c, base)
    celeba(c)
    sessions(c)
    corpus_stores.stores(c, ts)
    manifest = {"base": base, "latent_dim": LATENT, "image_shape": [1, SIDE, SIDE],
                "entries": c.entries}
    with open(os.path.join(args.out, "manifest.json"), "w") as f:
        json.dump(manifest, f, indent=1)
    counts = {}
    for e in c.entries:
        counts[e["category"]] = counts.get(e["category"], 0) + 1
    print("%d hostile inputs: %s" % (len(c.entries), ", ".join("%s %d" % kv for kv in sorted(counts.items()))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
