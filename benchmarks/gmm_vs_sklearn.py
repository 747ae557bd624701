#!/usr/bin/python3
"""Our GMM fit beside scikit-learn's GaussianMixture on the same latents, in one run.

    /usr/bin/python3 benchmarks/gmm_vs_sklearn.py [--build build] [--seeds 5] [--threads N]
                                                  [--bic 10] [--ours-n-init 3]

The latents are the 60,000 Fashion-MNIST training images encoded by models/fashion-vae.llckpt
(`latentlab-cli embed`, through its cache), written once as float32 .npy. For every seed both
sides fit, alternating which goes first: build/benchmarks/latentlab_gmm_benchmark (fit_gmm's
defaults: k-means++ / k-means start, tol 1e-3, reg_covar 1e-6, n_init 1, float64) and
GaussianMixture with the same settings (its defaults) on the float64 latents. A seed picks the
k-means++ draws, which decide the local optimum EM ends in, so the log-likelihood is compared over
several seeds (the two sides' random streams differ; from the same start our EM takes
scikit-learn's steps, tests/core/test_gmm_sklearn.cpp). Both time the fit alone (no start-up, no
I/O) on the same number of threads (LATENTLAB_THREADS for ours, OMP_NUM_THREADS for OpenBLAS and
scikit-learn), in wall-clock and CPU seconds (on a shared machine the CPU time is what the work
costs, the wall-clock time what the user waited). --ours-n-init adds a row of ours keeping the best of that many initialisations;
--bic times a sweep over K = 1..N (seed 0) on both sides. Prints a Markdown table with the load.
"""
import argparse
import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def parse():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--build", default=os.path.join(ROOT, "build"))
    p.add_argument("--latents", default="/tmp/latentlab-fashion-latents.npy")
    p.add_argument("--dim", type=int, default=16)
    p.add_argument("--components", type=int, default=10)
    p.add_argument("--covariance", default="full")
    p.add_argument("--device", default="cpu")
    p.add_argument("--seeds", type=int, default=5)
    p.add_argument("--threads", type=int, default=os.cpu_count())
    p.add_argument("--bic", type=int, default=10, help="sweep K = 1..N once per side (0: none)")
    p.add_argument("--ours-n-init", type=int, default=0, help="extra row: ours with n_init=N")
    return p.parse_args()


ARGS = parse()
# Before NumPy loads OpenBLAS: its OpenMP team is sized once.
os.environ["OMP_NUM_THREADS"] = os.environ["LATENTLAB_THREADS"] = str(ARGS.threads)

import json  # noqa: E402
import statistics  # noqa: E402
import subprocess  # noqa: E402
import time  # noqa: E402

import numpy as np  # noqa: E402
import sklearn  # noqa: E402
from sklearn.mixture import GaussianMixture  # noqa: E402


def latents(args):
    if not os.path.exists(args.latents):
        csv = args.latents + ".csv"
        subprocess.run([os.path.join(args.build, "app", "latentlab-cli"), "embed",
                        os.path.join(ROOT, "models", "fashion-vae.llckpt"), "--data",
                        "fashion-mnist:train", "--out", csv], check=True)
        z = np.loadtxt(csv, delimiter=",", skiprows=1, dtype=np.float32)[:, 4:]
        np.save(args.latents, np.ascontiguousarray(z))
        os.remove(csv)
    return np.load(args.latents)


def ours(args, seed, bic_max=0, n_init=1):
    out = subprocess.run([os.path.join(args.build, "benchmarks", "latentlab_gmm_benchmark"),
                          args.latents, str(args.dim), str(args.components), args.covariance,
                          str(seed), args.device, str(bic_max), str(n_init)],
                         check=True, capture_output=True, text=True)
    return json.loads(out.stdout)


def theirs(x, args, seed, bic_max=0):
    def fit(k):
        g = GaussianMixture(n_components=k, covariance_type=args.covariance, random_state=seed)
        wall, cpu = time.perf_counter(), time.process_time()
        g.fit(x)
        return g, time.perf_counter() - wall, time.process_time() - cpu

    g, wall, cpu = fit(args.components)
    r = {"fit_s": wall, "fit_cpu_s": cpu, "iterations": int(g.n_iter_),
         "mean_log_likelihood": g.score(x)}
    if bic_max > 0:
        sweep = [fit(k)[1:] for k in range(1, bic_max + 1)]
        r["bic_s"], r["bic_cpu_s"] = (sum(t[i] for t in sweep) for i in (0, 1))
    return r


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def row(name, runs, bic):
    fit = [r["fit_s"] for r in runs]
    cpu = statistics.median(r["fit_cpu_s"] for r in runs)
    ll = [r["mean_log_likelihood"] for r in runs]
    its = [r["iterations"] for r in runs]
    sweep = f"{bic['bic_s']:.1f} / {bic['bic_cpu_s']:.1f}" if bic else "-"
    return (f"| {name} | {statistics.median(fit):.2f} ({min(fit):.2f}-{max(fit):.2f}) | "
            f"{cpu:.2f} | {statistics.median(its):g} | {statistics.median(ll):.4f} "
            f"({min(ll):.4f} .. {max(ll):.4f}) | {sweep} |"), statistics.median(fit), cpu


def main(args):
    z = latents(args)
    x = z.astype(np.float64)
    started = load()
    print(f"{z.shape[0]} x {z.shape[1]} latents, K = {args.components}, {args.covariance}, "
          f"{args.threads} threads; load before {started}", file=sys.stderr)
    runs = {"ours": [], "theirs": [], "ours_n_init": []}
    for seed in range(args.seeds):
        sides = ["ours", "theirs"] if seed % 2 == 0 else ["theirs", "ours"]
        for side in sides:
            r = ours(args, seed) if side == "ours" else theirs(x, args, seed)
            print(f"seed {seed} {side}: {json.dumps(r)}", file=sys.stderr)
            runs[side].append(r)
        if args.ours_n_init > 1:
            r = ours(args, seed, n_init=args.ours_n_init)
            print(f"seed {seed} ours n_init={args.ours_n_init}: {json.dumps(r)}", file=sys.stderr)
            runs["ours_n_init"].append(r)
    bic = {"ours": None, "theirs": None}
    if args.bic > 0:
        bic["ours"] = ours(args, 0, bic_max=args.bic)
        bic["theirs"] = theirs(x, args, 0, bic_max=args.bic)
        print(f"BIC sweep K=1..{args.bic}: ours {json.dumps(bic['ours'])}, scikit-learn "
              f"{json.dumps(bic['theirs'])}", file=sys.stderr)
    uptime = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
    print(f"{z.shape[0]} x {z.shape[1]} latents, K = {args.components} {args.covariance}, "
          f"seeds 0..{args.seeds - 1}, {args.threads} threads each side; load average before "
          f"{started}, after: {uptime}")
    print()
    print("| side | fit s, median (min-max) | fit CPU s | EM iterations | "
          f"mean log-likelihood, median (min .. max) | BIC K=1..{args.bic} s / CPU s |")
    print("|---|---|---|---|---|---|")
    ours_line, ours_wall, ours_cpu = row(f"ours ({args.device})", runs["ours"], bic["ours"])
    theirs_line, theirs_wall, theirs_cpu = row(f"scikit-learn {sklearn.__version__}",
                                               runs["theirs"], bic["theirs"])
    print(ours_line)
    print(theirs_line)
    if runs["ours_n_init"]:
        print(row(f"ours, n_init={args.ours_n_init}", runs["ours_n_init"], None)[0])
    print()
    print(f"fit speed-up (medians over seeds): {theirs_wall / ours_wall:.2f}x wall-clock, "
          f"{theirs_cpu / ours_cpu:.2f}x CPU time")
    if args.bic > 0:
        print(f"BIC sweep speed-up: {bic['theirs']['bic_s'] / bic['ours']['bic_s']:.2f}x "
              f"wall-clock, {bic['theirs']['bic_cpu_s'] / bic['ours']['bic_cpu_s']:.2f}x CPU time")


if __name__ == "__main__":
    main(ARGS)
