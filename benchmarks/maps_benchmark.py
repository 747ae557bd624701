#!/usr/bin/python3
"""Issue 15's map figures: `latentlab-cli embed --projection umap|tsne|pca` timed on the bundled
models' latents (70,000 Fashion-MNIST images through fashion-vae, 16-D; 20,000 synthetic faces
through faces-vae, 128-D), scored by trustworthiness (scikit-learn's, k = 10, on a seeded subset
of 5,000 points: the score needs all pairwise distances) and by 10-NN accuracy of the labels in
the map (leave-one-out, every point), beside scikit-learn's TSNE on the same latents.

  benchmarks/maps_benchmark.py --cli build/app/latentlab-cli [--doc docs/performance.md]
      [--faces DIR] [--no-sklearn] [--threads N]

The latents come from the CLI's embedding cache (the first run encodes). --faces names a folder
of 20,000 faces in the CelebA layout; missing, it is made with `make-faces --count 20000 --seed 1`
(the faces-vae training command) in the cache folder. Kneighbours accuracy on faces uses the
Smiling attribute. With --doc, the text between <!-- maps:begin --> and <!-- maps:end --> is
rewritten.
"""
import argparse
import datetime
import os
import re
import subprocess
import tempfile
import time

import numpy as np

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BEGIN, END = "<!-- maps:begin -->", "<!-- maps:end -->"
SUBSET = 5000
TARGETS = {("fashion", "umap"): 30.0, ("fashion", "tsne"): 90.0, ("faces", "umap"): 10.0}


def load():
    return " ".join(open("/proc/loadavg").read().split()[:3])


def cache_dir():
    base = os.environ.get("LATENTLAB_CACHE_DIR") or os.path.join(
        os.environ.get("XDG_CACHE_HOME") or os.path.expanduser("~/.cache"), "latentlab")
    os.makedirs(base, exist_ok=True)
    return base


def embed(cli, model, data, projection):
    """Runs the CLI; returns (latents, labels, xy, the CLI's map seconds, its summary line)."""
    with tempfile.TemporaryDirectory() as tmp:
        out = os.path.join(tmp, "map.csv")
        r = subprocess.run([cli, "embed", os.path.join(ROOT, "models", model + ".llckpt"),
                            "--data", data, "--projection", projection, "--out", out],
                           capture_output=True, text=True, check=True)
        summary = r.stdout.strip().splitlines()[0]
        table = np.loadtxt(out, delimiter=",", skiprows=1, dtype=np.float64)
    seconds = float(re.search(r"\(([0-9.]+) s[:)]", summary).group(1))
    return table[:, 4:].astype(np.float32), table[:, 1].astype(np.int64), table[:, 2:4], seconds, summary


def scores(latents, xy, labels, subset):
    from sklearn.manifold import trustworthiness
    from sklearn.neighbors import NearestNeighbors
    trust = trustworthiness(latents[subset], xy[subset], n_neighbors=10)
    accuracy = float("nan")
    if labels is not None and (labels >= 0).all():
        _, idx = NearestNeighbors(n_neighbors=11).fit(xy).kneighbors(xy)
        votes = labels[idx[:, 1:]]
        predicted = np.array([np.bincount(v).argmax() for v in votes])
        accuracy = float((predicted == labels).mean())
    return trust, accuracy


def smiling_labels(folder):
    with open(os.path.join(folder, "list_attr_celeba.txt")) as f:
        f.readline()
        names = f.readline().split()
        column = names.index("Smiling")
        return np.array([int(line.split()[1 + column] == "1") for line in f if line.strip()])


def faces_folder(cli, given):
    if given:
        return given
    folder = os.path.join(cache_dir(), "bench-faces-20000-seed1")
    if not os.path.exists(os.path.join(folder, "list_attr_celeba.txt")):
        subprocess.run([cli, "make-faces", "--out", folder, "--count", "20000", "--seed", "1"],
                       check=True)
    return folder


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--cli", required=True)
    ap.add_argument("--doc")
    ap.add_argument("--faces")
    ap.add_argument("--no-sklearn", action="store_true")
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    args = ap.parse_args()
    os.environ["LATENTLAB_THREADS"] = str(args.threads)
    faces = faces_folder(args.cli, args.faces)
    # All 70,000 Fashion-MNIST images (train, then test): the size the targets name.
    sets = [("fashion", "fashion-vae", "fashion-mnist:all", None),
            ("faces", "faces-vae", "celeba:" + faces, smiling_labels(faces))]
    load_before, started = load(), datetime.datetime.now()
    rows = []
    for name, model, data, attribute in sets:
        subset = None
        for projection in ("pca", "umap", "tsne"):
            latents, labels, xy, seconds, summary = embed(args.cli, model, data, projection)
            labels = attribute if attribute is not None else labels
            if subset is None:
                subset = np.random.default_rng(0).choice(len(latents), min(SUBSET, len(latents)),
                                                         replace=False)
            trust, accuracy = scores(latents, xy, labels, subset)
            rows.append(dict(data=name, map="ours " + projection, n=len(latents),
                             dim=latents.shape[1], seconds=seconds,
                             target=TARGETS.get((name, projection)), trust=trust,
                             accuracy=accuracy, summary=summary))
            print(rows[-1], flush=True)
        if not args.no_sklearn:
            from sklearn.manifold import TSNE
            t0 = time.perf_counter()
            xy = TSNE(n_components=2, init="pca", learning_rate="auto", random_state=0,
                      n_jobs=args.threads).fit_transform(latents)
            seconds = time.perf_counter() - t0
            trust, accuracy = scores(latents, xy, labels, subset)
            rows.append(dict(data=name, map="scikit-learn TSNE", n=len(latents),
                             dim=latents.shape[1], seconds=seconds, target=None, trust=trust,
                             accuracy=accuracy, summary="sklearn.manifold.TSNE (Barnes-Hut)"))
            print(rows[-1], flush=True)
    text = report(rows, args.threads, load_before, load(), started)
    print(text)
    if args.doc:
        doc = open(args.doc).read()
        if BEGIN in doc and END in doc:
            doc = doc[:doc.index(BEGIN)] + text + doc[doc.index(END) + len(END):]
        else:
            doc = doc.rstrip("\n") + "\n\n" + text + "\n"
        with open(args.doc, "w") as f:
            f.write(doc)


def report(rows, threads, load_before, load_after, started):
    lines = [BEGIN,
             "### Generated by benchmarks/maps_benchmark.py on %s" % started.strftime("%Y-%m-%d %H:%M"),
             "",
             "%d threads; load average %s before, %s after (the machine is shared: timings "
             "include other engineers' jobs)." % (threads, load_before, load_after),
             "Trustworthiness: scikit-learn's, k = 10, on the same 5,000 seeded points of each set; "
             "10-NN accuracy: leave-one-out on every point (Fashion-MNIST: the class; faces: "
             "Smiling).",
             "",
             "| data | map | points | time s | target s | trustworthiness | 10-NN accuracy |",
             "|---|---|---:|---:|---:|---:|---:|"]
    for r in rows:
        lines.append("| %s (%d-D) | %s | %d | %.1f | %s | %.4f | %s |" % (
            r["data"], r["dim"], r["map"], r["n"], r["seconds"],
            "%.0f" % r["target"] if r["target"] else "", r["trust"],
            "%.4f" % r["accuracy"] if r["accuracy"] == r["accuracy"] else ""))
    lines.append("")
    lines += ["- `%s`" % r["summary"] for r in rows if r["map"].startswith("ours") and r["map"] != "ours pca"]
    lines.append(END)
    return "\n".join(lines)


if __name__ == "__main__":
    main()
