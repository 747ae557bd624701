#!/usr/bin/python3
"""Writes the benchmark section of docs/performance.md from benchmarks/run.sh's outputs: the
Google Benchmark JSON files of ours (one per round, plus the analysis run) and the JSON files of
benchmarks/pytorch_reference.py (one per round). Only the text between the markers below is
replaced; the rest of the file (other engineers' sections) is kept as it is.
"""
import argparse
import datetime
import json
import os
import re
import statistics

from report_sides import differences

BEGIN = "<!-- bench:begin -->"
END = "<!-- bench:end -->"
UNIT_MS = {"ns": 1e-6, "us": 1e-3, "ms": 1.0, "s": 1e3}


def base_name(run_name):
    return re.sub(r"/(iterations|repeats):.*$|/(real|manual)_time$", "", run_name)


def read_ours(path):
    """{name: {"median_ms", "p95_ms"} or {"images_per_second"}} of one Google Benchmark run."""
    with open(path) as f:
        runs = json.load(f)["benchmarks"]
    out = {}
    for b in runs:
        name = base_name(b["run_name"])
        entry = out.setdefault(name, {})
        ms = b["real_time"] * UNIT_MS[b["time_unit"]]
        if "images_per_second" in b:
            entry["images_per_second"] = b["images_per_second"]
        if b["run_type"] == "aggregate":
            if b["aggregate_name"] in ("median", "p95"):
                entry[b["aggregate_name"] + "_ms"] = ms
        elif "median_ms" not in entry:  # a single run: its time is the median
            entry["median_ms"] = entry["p95_ms"] = ms
    return out


def combine(rounds):
    """Every figure's median over rounds; "spread" holds its (lowest, highest) per-round value and
    "rounds" how many rounds measured it."""
    out = {}
    for name in {n for r in rounds for n in r}:
        values = {}
        for r in rounds:
            for k, v in r.get(name, {}).items():
                if isinstance(v, (int, float)):
                    values.setdefault(k, []).append(v)
        entry = {k: statistics.median(v) for k, v in values.items()}
        entry["spread"] = {k: (min(v), max(v)) for k, v in values.items()}
        entry["rounds"] = max(map(len, values.values()), default=0)
        out[name] = entry
    return out


def batch_of(name):
    m = re.search(r"/(batch|frames):(\d+)", name)
    return int(m.group(2)) if m else 1


def sgemm_gflops(ms, name):
    n = int(name.split("n:")[1])
    return 2 * n ** 3 / (ms * 1e-3) * 1e-9


def spread(entry, key, convert=None, digits=2):
    """The lowest and highest per-round value of a figure as " (lo–hi)", through `convert` (a rate
    from a time reverses the order); nothing for a figure measured in one round."""
    if entry.get("rounds", 1) < 2:
        return ""
    lo, hi = sorted(convert(v) if convert else v for v in entry["spread"][key])
    return f" ({lo:,.{digits}f}–{hi:,.{digits}f})"


def fmt_ms(e, key):
    return f"{e[key]:.2f} ms{spread(e, key)}"


def fmt_rate(e, name):
    """Images/s with its spread, measured (training) or from the median call time (encode)."""
    if "images_per_second" in e:
        rate = e["images_per_second"]
        return f"{rate:,.0f} img/s{spread(e, 'images_per_second', digits=0)}", rate

    def per_second(ms):
        return batch_of(name) / (ms * 1e-3)
    rate = per_second(e["median_ms"])
    return f"{rate:,.0f} img/s{spread(e, 'median_ms', per_second, digits=0)}", rate


def model_table(ours, theirs, flops, limit):
    rows = ["| model | what | ours: median | ours: p95 | PyTorch: median | PyTorch: p95 "
            "| speed ours/PyTorch (of the medians) | ours: % of sgemm limit |",
            "|---|---|---|---|---|---|---|---|"]
    order = {"decode": 0, "strip": 1, "encode": 2, "train": 3}
    names = sorted((n for n in ours if n.split("/")[0] in order),
                   key=lambda n: (n.split("/")[1], order[n.split("/")[0]], batch_of(n)))
    for name in names:
        kind, model = name.split("/")[:2]
        o, t = ours[name], theirs.get(name)
        if kind == "train":
            what = f"training, batch {batch_of(name)} (images/s)"
            ours_median, ours_rate = fmt_rate(o, name)
            theirs_median, theirs_rate = fmt_rate(t, name) if t else ("—", None)
            ours_p95 = theirs_p95 = "—"
            ratio = ours_rate / theirs_rate if theirs_rate else None
            share = "—"
        else:
            what = {"decode": f"decode batch {batch_of(name)}", "strip": f"{batch_of(name)}-frame strip",
                    "encode": f"encode batch {batch_of(name)}"}[kind]
            ours_median, ours_p95 = fmt_ms(o, "median_ms"), fmt_ms(o, "p95_ms")
            theirs_median, theirs_p95 = (fmt_ms(t, "median_ms"), fmt_ms(t, "p95_ms")) if t else ("—", "—")
            if kind == "encode":
                ours_median += f", {fmt_rate(o, name)[0]}"
                theirs_median += f", {fmt_rate(t, name)[0]}" if t else ""
            ratio = t["median_ms"] / o["median_ms"] if t else None
            f = flops.get(model, {}).get("encode" if kind == "encode" else "decode")
            share = f"{100 * f * batch_of(name) / (o['median_ms'] * 1e-3) * 1e-9 / limit:.0f}%" if f else "—"
        rows.append(f"| {model} | {what} | {ours_median} | {ours_p95} | {theirs_median} | {theirs_p95} | "
                    f"{'%.2f' % ratio if ratio else '—'} | {share} |")
    return rows


def analysis_table(analysis):
    labels = {"embed/fashion-mnist:train/cold": "encode Fashion-MNIST train (60,000) for the scatter, cold",
              "embed/fashion-mnist:train/cached": "the same from the embedding cache",
              "embed/fashion-mnist/cold": "encode all of Fashion-MNIST (70,000), cold",
              "embed/fashion-mnist/cached": "the same from the embedding cache",
              "gmm/latents:60000": "GMM fit, K=10, full covariance, on the 60,000 training latents "
                                   "(batched EM on all of them, the `gmm` default)",
              "pca/latents:60000": "PCA of the 60,000 training latents (16-D)"}
    rows = ["| what | median | p95 |", "|---|---|---|"]
    for name, label in labels.items():
        if name in analysis:
            e = analysis[name]
            rows.append(f"| {label} | {e['median_ms'] / 1e3:.3f} s | {e['p95_ms'] / 1e3:.3f} s |")
    return rows


def gui_table(gui, startup):
    if not gui:
        return ["(not run)"]
    lines = ["| model | drag: changes/s | frames shown | frames/s | latency p50 | p95 | max | last frame after last change "
             "| last frame = last latent | UI thread per change p50 | isolated change p50 | p95 | isolated: decode + conversion p50 |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for r in gui:
        lines.append(f"| {r['model']} | {r['changes_per_second']:.0f} | {r['frames']} of {r['changes']} | {r['frames_per_second']:.0f} "
                     f"| {r['p50_ms']:.1f} ms | {r['p95_ms']:.1f} ms | {r['max_ms']:.1f} ms | {r['settle_ms']:.1f} ms "
                     f"| {'yes' if r['last_is_last'] else 'NO'} | {r['ui_p50_ms']:.2f} ms | {r['isolated_p50_ms']:.1f} ms "
                     f"| {r['isolated_p95_ms']:.1f} ms | {r['isolated_render_p50_ms']:.1f} ms |")
    if startup:
        lines += ["", "GUI start (faces-vae under `xvfb-run`, from the process's start time, so loading LibTorch counts), "
                  "start window / first image: " + ", ".join(f"{w} / {f} ms" for w, f in startup) + "."]
    return lines


def targets(ours, theirs, analysis, flops, limit, gui, startup):
    """PRODUCT.md's targets that this suite measures, each with the figure and met / missed."""
    out = []

    def check(label, value, goal, ok, unit=""):
        out.append(f"| {label} | {value}{unit} | {goal} | {'met' if ok else 'missed'} |")

    e = ours.get("decode/faces-vae/batch:1")
    if e:
        check("faces-vae decode p95 (slider to pixels, without the GUI)", f"{e['p95_ms']:.2f}", "≤ 4 ms", e["p95_ms"] <= 4,
              " ms" + spread(e, "p95_ms"))
    e = ours.get("strip/faces-vae/frames:10")
    if e:
        check("faces-vae 10-frame strip, median", f"{e['median_ms']:.1f}", "≤ 15 ms", e["median_ms"] <= 15,
              " ms" + spread(e, "median_ms", digits=1))
    for r in gui:
        if r["model"] == "faces-vae":
            check("faces-vae slider to image in the GUI, p95 during a 120 Hz drag", f"{r['p95_ms']:.1f}", "≤ 4 ms", r["p95_ms"] <= 4, " ms")
            check("faces-vae slider to image in the GUI, p95 of isolated changes", f"{r['isolated_p95_ms']:.1f}", "≤ 4 ms", r["isolated_p95_ms"] <= 4, " ms")
    if gui:
        check("fast drag without backlog (last frame = last latent, every model)",
              "yes" if all(r["last_is_last"] for r in gui) else "no", "yes", all(r["last_is_last"] for r in gui))
    if startup:
        window = sorted(w for w, _ in startup)[len(startup) // 2]
        image = sorted(f for _, f in startup)[len(startup) // 2]
        check(f"GUI start to window, median of {len(startup)}", f"{window / 1000:.2f}", "≤ 0.5 s", window <= 500, " s")
        check(f"GUI start to first image, median of {len(startup)}", f"{image / 1000:.2f}", "≤ 1 s", image <= 1000, " s")
    for name, goal in (("embed/fashion-mnist/cold", 3.0), ("embed/fashion-mnist/cached", 0.3)):
        if name in analysis:
            s = analysis[name]["median_ms"] / 1e3
            check(f"70,000 Fashion-MNIST for the scatter, {name.split('/')[-1]}", f"{s:.2f}", f"≤ {goal} s", s <= goal, " s")
    for name in sorted(n for n in ours if n in theirs and n.split("/")[0] in ("decode", "encode", "train")):
        o, t = ours[name], theirs[name]
        ratio = (o["images_per_second"] / t["images_per_second"] if "images_per_second" in o
                 else t["median_ms"] / o["median_ms"])
        goal = 1.2 if name.startswith("train") else 1.0
        check(f"{name} speed vs PyTorch", f"{ratio:.2f}", f"≥ {goal} (aim)" if goal > 1 else "≥ 1.0", ratio >= goal)
    for name in sorted(n for n in ours if n.startswith("decode/") and n.endswith("batch:10")):
        f = flops.get(name.split("/")[1], {}).get("decode")
        if f:
            def share(ms):
                return 100 * f * 10 / (ms * 1e-3) * 1e-9 / limit
            e = ours[name]
            check(f"{name} share of sgemm rate", f"{share(e['median_ms']):.0f}", "≥ 50%", share(e["median_ms"]) >= 50,
                  "%" + spread(e, "median_ms", share, 0))
    return ["| target | measured | goal | |", "|---|---|---|---|"] + out


def section(a, ours, theirs, analysis, flops, gui, startup, theirs_runs):
    sgemm = "sgemm/n:1024"
    ours_limit = sgemm_gflops(ours[sgemm]["median_ms"], sgemm)

    def gflops(ms):
        return sgemm_gflops(ms, sgemm)

    def rate(e):
        return f"{gflops(e['median_ms']):.0f} GFLOP/s{spread(e, 'median_ms', gflops, 0)}"
    lines = [BEGIN,
             "## Benchmarks: ours beside PyTorch and the compute limit",
             "",
             "Generated by `benchmarks/run.sh` (do not edit between the markers; the script rewrites it).",
             f"Run {datetime.date.today().isoformat()} with `{a.command}`: {a.rounds} round(s) of ours "
             "(`latentlab_benchmarks`, Google Benchmark) and PyTorch (`benchmarks/pytorch_reference.py`: the "
             "same architectures rebuilt in Python, weights read from the same .llckpt files). Each figure is the "
             "median over rounds of the round's median (or p95) over its calls"
             + (", followed by the lowest and highest of those per-round values in brackets" if a.rounds > 1 else "")
             + "; speed ratios are taken from those medians.",
             f"Machine: {a.cpu}, {a.cores} cores, {a.threads} intra-op thread(s) on both sides; LibTorch 1.13 "
             f"(PyTorch {a.torch}) with the OpenMP OpenBLAS.",
             f"**Load:** load average {a.load_before} before, {a.load_after} after. Busy processes at the start: "
             f"{a.busy}." + (" Absolute figures are therefore depressed and noisy (p95 above all)."
                             if a.busy != "none" else "")
             + (" Alternating which side runs first keeps the ours/PyTorch ratios fair."
                if {"ours", "pytorch"} <= set(a.first) else "")]
    if a.rounds < 5:
        lines += ["", f"**Development run ({a.rounds} round(s), fewer than the 5 that figures are quoted from): "
                  "not for quoting.**"]
    lines += [""] + differences(a, theirs_runs) + [
        "",
        f"Compute limit: sgemm (1024x1024 float32 matrix multiply) at {rate(ours[sgemm])} in ours "
        f"(`at::mm`), {rate(theirs[sgemm])} in PyTorch (`torch.mm`), same load. Arithmetic per image "
        "(2 x multiply-accumulates of the convolutions, transposed convolutions and linear layers, counted "
        "from the architecture): "
        + "; ".join(f"{m} decoder {f['decode'] / 1e6:.1f} MFLOP" + (f", encoder {f['encode'] / 1e6:.1f} MFLOP" if "encode" in f else "")
                    for m, f in sorted(flops.items()))
        + ". \"% of sgemm limit\" is the arithmetic rate our median latency implies, over our median sgemm rate.",
        ""]
    lines += model_table(ours, theirs, flops, ours_limit)
    if "dcgan-3x64x64" in " ".join(ours):
        lines += ["", "dcgan-3x64x64: no bundled GAN yet; the DCGAN `train gan` builds for the faces (widths 64, "
                  "latent 100), untrained."]
    lines += ["", "### Latent analysis (issue 4; ours only, one run after the rounds)", ""]
    lines += analysis_table(analysis)
    lines += ["", "### GUI: scripted drag and start-up (ours only, one run after the rounds)", "",
              "`latentlab_gui_frame_rate`: 600 changes of the most active latent slider at 120 Hz through the real "
              "`QSlider` of the real window (offscreen), then 60 isolated changes 40 ms apart; latency from "
              "`QSlider::setValue` to the image handed to the view. Render thread: 1 intra-op thread (the default).", ""]
    lines += gui_table(gui, startup)
    lines += ["", "### Targets (PRODUCT.md) measured here", "",
              "Figures from the rounds: median over rounds, the rounds' range in brackets; the GUI and latent "
              "analysis figures come from the one run after the rounds.", ""]
    lines += targets(ours, theirs, analysis, flops, ours_limit, gui, startup)
    lines.append(END)
    return "\n".join(lines)


def main():
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--ours", nargs="+", required=True)
    p.add_argument("--theirs", nargs="+", required=True)
    p.add_argument("--analysis")
    p.add_argument("--doc", required=True)
    p.add_argument("--gui", help="latentlab_gui_frame_rate --json output")
    p.add_argument("--startup", help="GUI starts, one per line: ms to the start window and to the first image")
    for name in ("command", "cpu", "cores", "threads", "load-before", "load-after", "busy"):
        p.add_argument("--" + name, default="?")
    p.add_argument("--first", nargs="+", choices=("ours", "pytorch"), default=[],
                   help="the side that ran first, one per round, in round order")
    p.add_argument("--allocator", default="", help="the GLIBC_TUNABLES both sides started with")
    a = p.parse_args()
    a.rounds = len(a.ours)
    ours = combine([read_ours(f) for f in a.ours])
    theirs_runs = [json.load(open(f)) for f in a.theirs]
    theirs = combine([r["results"] for r in theirs_runs])
    a.torch = theirs_runs[0]["torch"]
    analysis = read_ours(a.analysis) if a.analysis and os.path.exists(a.analysis) else {}
    gui = json.load(open(a.gui)) if a.gui and os.path.exists(a.gui) else []
    startup = ([tuple(int(ms) for ms in line.split()) for line in open(a.startup) if line.strip()]
               if a.startup and os.path.exists(a.startup) else [])
    text = section(a, ours, theirs, analysis, theirs_runs[0]["flops"], gui, startup, theirs_runs)

    doc = open(a.doc).read() if os.path.exists(a.doc) else "# Performance notes\n"
    if BEGIN in doc and END in doc:
        doc = doc[:doc.index(BEGIN)] + text + doc[doc.index(END) + len(END):]
    else:
        doc = doc.rstrip("\n") + "\n\n" + text + "\n"
    tmp = a.doc + ".tmp"
    with open(tmp, "w") as f:  # written whole, then renamed: a failed run leaves the old file
        f.write(doc)
    os.replace(tmp, a.doc)


if __name__ == "__main__":
    main()
