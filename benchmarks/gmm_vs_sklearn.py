#!/usr/bin/python3
"""Our GMM fit beside scikit-learn's GaussianMixture on the same latents, in one run.

    /usr/bin/python3 benchmarks/gmm_vs_sklearn.py [--build build] [--rounds 3] [--bic 10]

The latents are the 60,000 Fashion-MNIST training images encoded by models/fashion-vae.llckpt
(`latentlab-cli embed`, through its cache), written once as float32 .npy. Each round runs both
sides, alternating which goes first: build/benchmarks/latentlab_gmm_benchmark (fit_gmm's defaults:
k-means++ / k-means start, tol 1e-3, reg_covar 1e-6, float64) and GaussianMixture with the same
settings (its defaults) on the float64 latents. Both time the fit alone (no start-up, no I/O) and
use every core (LATENTLAB_THREADS / OpenBLAS's OpenMP threads). Prints medians, min-max, EM
iterations and the mean log-likelihood of every latent, with the machine's load before and after.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

import numpy as np
from sklearn.mixture import GaussianMixture

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def latents(build, path):
    if not os.path.exists(path):
        csv = path + ".csv"
        subprocess.run([os.path.join(build, "app", "latentlab-cli"), "embed",
                        os.path.join(ROOT, "models", "fashion-vae.llckpt"), "--data",
                        "fashion-mnist:train", "--out", csv], check=True)
        z = np.loadtxt(csv, delimiter=",", skiprows=1, dtype=np.float32)[:, 4:]
        np.save(path, np.ascontiguousarray(z))
        os.remove(csv)
    return np.load(path)


def ours(build, path, args, bic_max):
    out = subprocess.run([os.path.join(build, "benchmarks", "latentlab_gmm_benchmark"), path,
                          str(args.dim), str(args.components), args.covariance, str(args.seed),
                          args.device, str(bic_max)], check=True, capture_output=True, text=True)
    r = json.loads(out.stdout)
    return {"fit_s": r["fit_s"], "iterations": r["iterations"],
            "mean_log_likelihood": r["mean_log_likelihood"], "bic_s": r["bic_s"]}


def sklearn_fit(x, args, k):
    g = GaussianMixture(n_components=k, covariance_type=args.covariance, random_state=args.seed)
    started = time.perf_counter()
    g.fit(x)
    took = time.perf_counter() - started
    return g, took


def theirs(x, args, bic_max):
    g, took = sklearn_fit(x, args, args.components)
    r = {"fit_s": took, "iterations": g.n_iter_, "mean_log_likelihood": g.score(x), "bic_s": 0.0}
    if bic_max > 0:
        r["bic_s"] = sum(sklearn_fit(x, args, k)[1] for k in range(1, bic_max + 1))
    return r


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def summary(name, runs):
    fit = [r["fit_s"] for r in runs]
    last = runs[-1]
    line = (f"| {name} | {statistics.median(fit):.2f} | {min(fit):.2f}-{max(fit):.2f} | "
            f"{last['iterations']} | {last['mean_log_likelihood']:.4f} |")
    bic = [r["bic_s"] for r in runs if r["bic_s"] > 0]
    line += f" {statistics.median(bic):.2f} |" if bic else " - |"
    return line, statistics.median(fit)


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--latents", default="/tmp/latentlab-fashion-latents.npy")
    p.add_argument("--dim", type=int, default=16)
    p.add_argument("--components", type=int, default=10)
    p.add_argument("--covariance", default="full")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--device", default="cpu")
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--bic", type=int, default=10, help="BIC sweep K = 1..N in the first round (0: none)")
    args = p.parse_args()

    z = latents(args.build, args.latents)
    x = z.astype(np.float64)
    print(f"{z.shape[0]} x {z.shape[1]} latents, K = {args.components}, {args.covariance}; "
          f"threads {os.environ.get('LATENTLAB_THREADS', os.cpu_count())}; load before {load()}",
          file=sys.stderr)
    runs = {"ours": [], "scikit-learn": []}
    for r in range(args.rounds):
        bic = args.bic if r == 0 else 0
        order = ["ours", "scikit-learn"] if r % 2 == 0 else ["scikit-learn", "ours"]
        for side in order:
            result = ours(args.build, args.latents, args, bic) if side == "ours" else theirs(x, args, bic)
            print(f"round {r + 1} {side}: {json.dumps(result)}", file=sys.stderr)
            runs[side].append(result)
    print(f"load after {load()}; uptime: {subprocess.run(['uptime'], capture_output=True, text=True).stdout.strip()}")
    print("| side | fit median s | fit min-max s | EM iterations | mean log-likelihood | "
          f"BIC K=1..{args.bic} s |")
    print("|---|---|---|---|---|---|")
    ours_line, ours_median = summary("ours (" + args.device + ")", runs["ours"])
    theirs_line, theirs_median = summary("scikit-learn " + __import__("sklearn").__version__,
                                         runs["scikit-learn"])
    print(ours_line)
    print(theirs_line)
    print(f"speed-up {theirs_median / ours_median:.2f}x")


if __name__ == "__main__":
    main()
