"""The header of benchmarks/report.py's ours/PyTorch table: every way the two sides differ, from
what the code does (core/model/inference_plan.h, benchmarks/pytorch_reference.py) and what the run
recorded (threads, allocator environment, which side ran first in each round).
"""

OUR_MALLOC = "trim threshold INT_MAX (2 GiB), mmap threshold 32 MiB"


def order_text(first):
    """Which side ran first in which rounds, from run.sh's --first."""
    if not first:
        return "Order: not recorded."
    parts = []
    for side, label in (("ours", "ours"), ("pytorch", "PyTorch")):
        rounds = [str(i + 1) for i, f in enumerate(first) if f == side]
        if rounds:
            parts.append(f"{label} first in round{'s' if len(rounds) > 1 else ''} {', '.join(rounds)}")
    return "Order: " + "; ".join(parts) + "."


def seen(theirs_runs, variable):
    """The values of an environment variable PyTorch's processes reported (None: unset)."""
    return {r.get("environment", {}).get(variable) for r in theirs_runs}


def allocator_text(allocator, theirs_runs):
    if "glibc.malloc." in allocator:
        text = (f"Both processes start with `GLIBC_TUNABLES={allocator}`. Run without it, ours sets glibc's "
                f"malloc itself (`tune_allocator()` in `core/model/device.cpp`, mallopt: {OUR_MALLOC}); with "
                "glibc.malloc tunables set it stands aside, so both sides run with the environment's settings.")
    else:
        text = (f"Unequal: ours tunes glibc's malloc itself (`tune_allocator()`: {OUR_MALLOC}), PyTorch runs "
                "with glibc's defaults (trim threshold 128 KiB, mmap threshold from 128 KiB, dynamic).")
    reported = seen(theirs_runs, "GLIBC_TUNABLES")
    if reported != {allocator or None}:
        text += (" **PyTorch's processes reported GLIBC_TUNABLES " + ", ".join(f"`{v}`" for v in sorted(map(str, reported)))
                 + ": the two sides may not have had the same allocator.**")
    return text


def threads_text(threads, theirs_runs):
    omp = seen(theirs_runs, "OMP_NUM_THREADS")
    text = (f"{threads} intra-op thread(s) on both sides (ours `configure_threads()` from `LATENTLAB_THREADS`, "
            "PyTorch `torch.set_num_threads`), inter-op pools at LibTorch's default; " +
            ("OMP_NUM_THREADS not set (or not recorded)." if omp == {None} else
             "PyTorch's processes started with OMP_NUM_THREADS " + ", ".join(f"`{v}`" for v in sorted(map(str, omp)))
             + " (run.sh exports the same to both)."))
    reported = {r["threads"] for r in theirs_runs}
    if reported != {int(threads) if threads.isdigit() else None}:
        text += f" **PyTorch's processes reported {', '.join(map(str, sorted(reported)))} thread(s).**"
    return text


def differences(a, theirs_runs):
    """Every way the two sides differ, for the table's header."""
    threads = int(a.threads) if a.threads.isdigit() else None
    subpixel = ("" if threads is None else "; here every decode and strip row" if threads > 1 else
                "; here the batch-10 decodes and the strips, one image on one thread keeps LibTorch's layer")
    return [
        "What differs between the two sides. The same on both: the LibTorch build (Debian's libtorch 1.13, "
        "which `torch` loads), the weights, cases, batches, seeded latents and repetitions, the percentile "
        "definition; in round 1 PyTorch checks its decode of seed 0 against ours, pixel for pixel.",
        "- **Inference path: our rewrite.** Ours decodes and encodes through `core/model/inference_plan.h`: "
        "each BatchNorm2d folded into the convolution, transposed convolution or linear layer before it "
        "(weights and bias rescaled once, in float64), each ReLU, LeakyReLU, tanh or sigmoid applied in place "
        "on that layer's output, and the kernel-4 stride-2 transposed convolutions run as one 2x2 convolution "
        "with four times the output channels plus a phase interleave (`core/model/subpixel_conv.h`, the "
        f"sub-pixel rewrite; on the CPU for batches or with 2+ threads{subpixel}). PyTorch runs the plain "
        "`nn.Sequential` modules eagerly in eval mode under `torch.inference_mode()`: batch norm as a pass of "
        "its own, activations out of place, `ConvTranspose2d` as it is; no `torch.jit`, no fusion.",
        "- **TorchScript files (the script-* rows).** The bundled models exported by "
        "`benchmarks/script_modules.py` as TorchScript under PRODUCT.md's contract, the same files on both "
        "sides. Ours loads them with `load_model` (checksums, contract trial) and runs a frozen copy "
        "(`core/model/script_model_freeze.cpp`: parameters inlined, batch norm folded, each contract "
        "method's graph optimised, as `torch.jit.freeze` does; used only when it reproduces the loaded "
        "module on a trial batch). PyTorch runs each file as `torch.jit.load` gives it, in eval mode under "
        "`torch.inference_mode()`, as a user's own script would: not frozen. Both run LibTorch's profiling "
        "graph executor.",
        "- **Checks, ours only.** Ours checks the latents' shape and scans latents and outputs for NaN/Inf "
        "(the app's contract); PyTorch does neither. This costs ours.",
        "- **Strip.** Ours: core's `interpolate_path` (spherical) and `to_uint8_hwc` in C++; PyTorch: the same "
        "slerp and 8-bit conversion written with tensor operations in Python.",
        "- **Training.** The same modules on both sides (the inference plan is bypassed in training mode), "
        "losses, Adam settings, batch and timed steps, on random images of the model's shape, timed from the "
        "end of one untimed step to the end of the last. Ours runs core's trainer (`core/training/trainer.cpp`: "
        "a C++ loop with its batch gather, per-step noise, loss reads and progress callback; the GAN step also "
        "reads D's mean outputs), PyTorch a Python loop of the same steps. Random streams (initial weights, "
        "images, noise) differ.",
        "- **Harness.** Ours: Google Benchmark (`latentlab_benchmarks`), wall-clock time of each call; "
        "PyTorch: `time.perf_counter()` around each call from Python, so the interpreter's per-module "
        "overhead counts, as it does for a PyTorch user. Warm-up: 3 untimed calls on both sides (one step "
        "for training). sgemm: ours one untimed call, then 5 repetitions of Google Benchmark's automatic "
        "iteration count; PyTorch 3 untimed calls, then 5 single calls.",
        f"- **Allocator.** {allocator_text(a.allocator, theirs_runs)}",
        f"- **Threads.** {threads_text(a.threads, theirs_runs)}",
        f"- **{order_text(a.first)}** The side that runs second finds the machine warmer"
        + ("; alternating spreads that over both." if {"ours", "pytorch"} <= set(a.first) else "."),
    ]
