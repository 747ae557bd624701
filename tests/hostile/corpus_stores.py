"""Hostile analysis stores (core/model/analysis_store.h) for make_corpus.py: category "store".

Each entry is a folder holding a copy of one TorchScript VAE (model.pt) and a damaged, truncated or
lying model.pt.latentlab beside it. The entry's path is the model; "names" is the store, which
every warning must name. Outcomes: "ok" (the control: the store applies) and "warning" (the model
opens all the same, the store's analysis is not applied, one warning names the store and says
one of the expected words).
"""
import hashlib
import json
import os
import shutil
import struct
import zlib

import torch

MAGIC = b"LLCKPT01"
LATENT = 4  # make_torchscript.ConvVae


def container(meta, tensors, fix_crc=True, edit_header=None):
    """The checkpoint container: magic, header length, header JSON, then float32 tensors."""
    payload = b""
    entries = []
    for name, values in tensors.items():
        t = torch.tensor(values, dtype=torch.float32)
        data = t.numpy().astype("<f4").tobytes()
        payload += b"\0" * (-len(payload) % 64)
        entries.append({"name": name, "dtype": "float32", "shape": list(t.shape),
                        "offset": len(payload), "nbytes": len(data)})
        payload += data
    header = {"meta": meta, "tensors": entries, "payload_bytes": len(payload),
              "payload_crc32": zlib.crc32(payload) & 0xFFFFFFFF if fix_crc else 0}
    if edit_header:
        edit_header(header)
    text = json.dumps(header).replace('"@DEEP@"', "[" * 100000 + "]" * 100000).encode()
    return MAGIC + struct.pack("<Q", len(text)) + text + payload


def valid(sha256, size):
    meta = {"format": "latentlab-analysis", "version": 1,
            "model": {"file": "model.pt", "sha256": sha256, "bytes": size},
            "attributes": {"Smiling": {"method": "mean-diff", "source": "test", "accuracy": 0.75}},
            "gmm": {"covariance_type": "full", "components": 1},
            "datasets": ["fashion-mnist:test"]}
    eye = [[1.0 if i == j else 0.0 for j in range(LATENT)] for i in range(LATENT)]
    tensors = {"attribute/Smiling": [0.5, -0.5, 0.25, 1.0], "gmm/weights": [1.0],
               "gmm/means": [[0.0] * LATENT], "gmm/covariances": [eye]}
    return meta, tensors


def stores(c, ts):
    cat = "store"
    model = c.path(cat, "model.pt")
    torch.manual_seed(3)
    ts.save(ts.spread_weights(ts.ConvVae()), model,
            ts.meta("vae", LATENT, (1, 28, 28), (0, 1), "store-base", {}))
    with open(model, "rb") as f:
        model_bytes = f.read()
    sha = hashlib.sha256(model_bytes).hexdigest()

    def entry(id, data, outcome, expect, what):
        copy = c.path(cat, id, "model.pt")
        shutil.copyfile(model, copy)
        store = copy + ".latentlab"
        if data is None:
            os.makedirs(store)
        else:
            with open(store, "wb") as f:
                f.write(data)
        c.add(id, cat, copy, outcome, expect, what)
        c.entries[-1]["names"] = store
        return store

    def lie(id, what, expect, edit=None, tensors_edit=None, **kwargs):
        meta, tensors = valid(sha, len(model_bytes))
        if edit:
            edit(meta)
        if tensors_edit:
            tensors_edit(tensors)
        entry(id, container(meta, tensors, **kwargs), "warning", expect, what)

    meta, tensors = valid(sha, len(model_bytes))
    good = container(meta, tensors)
    entry("good", good, "ok", [], "a valid store (control)")
    entry("empty", b"", "warning", ["empty"], "a 0-byte store")
    for at in (4, 15, 40, len(good) // 2, len(good) - 1):
        entry("truncated_at_%d" % at, good[:at], "warning", ["truncated", "magic", "corrupt"],
              "the store cut after %d of %d bytes" % (at, len(good)))
    flipped = bytearray(good)
    flipped[-7] ^= 0x10
    entry("flip_payload", bytes(flipped), "warning", ["checksum"], "one bit flipped in the vectors")
    entry("text", b"attributes: Smiling\n", "warning", ["magic"], "a text file")
    entry("folder", None, "warning", ["folder"], "a folder where the store should be")
    huge = entry("huge", b"", "warning", ["too large"], "a sparse 2 GiB store")
    with open(huge, "r+b") as f:
        f.truncate(2 << 30)
    lie("checkpoint_meta", "a LatentLab checkpoint's metadata, not a store's",
        ["not a LatentLab analysis store"], edit=lambda m: m.update(format="latentlab-checkpoint"))
    lie("version_99", "a newer store version", ["newer"], edit=lambda m: m.update(version=99))
    lie("other_model", "a store made for other bytes (another model, or this one retrained)",
        ["made for other bytes"],
        edit=lambda m: m["model"].update(sha256=hashlib.sha256(b"other").hexdigest()))
    lie("sha_not_hex", "the model hash is not a SHA-256", ["sha256"],
        edit=lambda m: m["model"].update(sha256="not-a-hash"))
    lie("no_model", "no model reference", ["bad metadata"], edit=lambda m: m.pop("model"))
    lie("attribute_long", "an attribute of 5 values for a latent of 4", ["has shape [5]"],
        tensors_edit=lambda t: t.update({"attribute/Smiling": [1.0] * 5}))
    lie("attribute_missing", "an attribute named without its vector", ["is missing"],
        tensors_edit=lambda t: t.pop("attribute/Smiling"))
    lie("attribute_nan", "NaN in an attribute vector", ["NaN"],
        tensors_edit=lambda t: t.update({"attribute/Smiling": [float("nan")] * LATENT}))
    lie("gmm_components_lie", "the GMM says 3 components, its tensors hold 1", ["gmm/weights"],
        edit=lambda m: m["gmm"].update(components=3))
    lie("gmm_components_huge", "10^9 GMM components", ["out of range"],
        edit=lambda m: m["gmm"].update(components=10**9))
    lie("gmm_covariance_type", "an unknown covariance type", ["tied"],
        edit=lambda m: m["gmm"].update(covariance_type="tied"))
    lie("stray_tensor", "a tensor the metadata does not name", ["not named"],
        tensors_edit=lambda t: t.update({"weights": [1.0, 2.0]}))
    lie("datasets_number", "the data sets are a number", ["bad metadata"],
        edit=lambda m: m.update(datasets=7))
    lie("datasets_empty_spec", "an empty data set spec", ["empty"],
        edit=lambda m: m.update(datasets=[""]))
    lie("deep_json", "100000 nested arrays in the metadata", ["nested deeper"],
        edit=lambda m: m.update(datasets="@DEEP@"))

    def offset_outside(h):
        h["tensors"][0]["offset"] = 2**60
    lie("tensor_offset_huge", "a tensor's offset is 2^60", ["outside the data"],
        edit_header=offset_outside)
    lie("crc_zero", "the payload checksum is 0", ["checksum"], fix_crc=False)
