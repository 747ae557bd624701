#!/bin/bash
# Builds the benchmark suite, runs ours and PyTorch's in ROUNDS rounds (odd rounds ours first,
# even rounds PyTorch first, so neither side always gets the cooler or the warmer machine), then
# the latent analysis benchmarks, the GUI's scripted drag (latentlab_gui_frame_rate) and three GUI
# start-ups under xvfb-run once, and rewrites the generated section of docs/performance.md
# (between <!-- bench:begin --> and <!-- bench:end -->): medians over rounds with their spread.
#   benchmarks/run.sh [ROUNDS]          (default 5, at least 5; about 5 minutes a round under load)
#   benchmarks/run.sh --quick [ROUNDS]  (development: any number of rounds, default 1; the
#                                        generated section says it is not a figure to quote)
# Both sides get the same environment: LATENTLAB_THREADS intra-op threads (default: every core,
# also as OMP_NUM_THREADS) and glibc malloc settings through GLIBC_TUNABLES, the values our
# tune_allocator() would otherwise set with mallopt (it stands aside when glibc.malloc tunables
# are set). LATENTLAB_BUILD_DIR: the build folder (default: build). Needs Debian's python3-torch.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
build=${LATENTLAB_BUILD_DIR:-$root/build}
quick=
if [ "${1:-}" = --quick ]; then
  quick=1
  shift
fi
rounds=${1:-$([ -n "$quick" ] && echo 1 || echo 5)}
if ! [[ $rounds =~ ^[1-9][0-9]*$ ]]; then
  echo "run.sh: ROUNDS must be a positive number, got '$rounds'" >&2
  exit 2
fi
if [ -z "$quick" ] && [ "$rounds" -lt 5 ]; then
  echo "run.sh: $rounds round(s) are too few for figures to quote (at least 5); --quick for a development run" >&2
  exit 2
fi
export LATENTLAB_THREADS=${LATENTLAB_THREADS:-$(nproc)}
export OMP_NUM_THREADS=$LATENTLAB_THREADS
# tune_allocator()'s values (core/model/device.cpp): trim threshold INT_MAX, mmap threshold 32 MiB.
# Tunables the caller set are kept; ours are added unless they already set a glibc.malloc one.
malloc_tunables=glibc.malloc.trim_threshold=2147483647:glibc.malloc.mmap_threshold=33554432
case ${GLIBC_TUNABLES:-} in
  *glibc.malloc.*) ;;
  '') export GLIBC_TUNABLES=$malloc_tunables ;;
  *) export GLIBC_TUNABLES=$GLIBC_TUNABLES:$malloc_tunables ;;
esac
python=/usr/bin/python3  # Debian's, with torch (the first python3 on PATH may lack it)

# The build folder is shared: take the build lock like every other build here.
flock /tmp/latentlab-build.lock sh -c "cmake -S '$root' -B '$build' -DLATENTLAB_BUILD_BENCHMARKS=ON >/dev/null &&
  cmake --build '$build' --target latentlab_benchmarks latentlab-cli latentlab latentlab_gui_frame_rate"

out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
load_before=$(cut -d' ' -f1-3 /proc/loadavg)
busy=$(ps -eo pcpu=,ni=,comm= --sort=-pcpu | awk '$1 >= 20 {printf "%s%s (%s%% CPU, nice %s)", sep, $3, $1, $2; sep=", "}')
# The bundled models also as TorchScript files (a user's own PyTorch model): both sides time the
# same files, PyTorch as torch.jit.load gives them.
scripts="$out/scripts"
"$python" "$root/benchmarks/pytorch_reference.py" --models-dir "$root/models" --export-scripts "$scripts"
ours() { LATENTLAB_BENCH_SCRIPTS="$scripts" "$build/benchmarks/latentlab_benchmarks" --benchmark_out_format=json "$@"; }
run_ours() {
  echo "== round $1 of $rounds: ours" >&2
  ours --benchmark_filter='^(sgemm|decode|strip|encode|train)/' --benchmark_out="$out/ours-$1.json"
}
run_theirs() {
  echo "== round $1 of $rounds: PyTorch" >&2
  local check=()
  [ "$1" = 1 ] && check=(--check "$build/app/latentlab-cli")
  "$python" "$root/benchmarks/pytorch_reference.py" --models-dir "$root/models" \
    --threads "$LATENTLAB_THREADS" "${check[@]}" --scripts "$scripts" --out "$out/theirs-$1.json"
}

first=()
for r in $(seq "$rounds"); do
  if [ $((r % 2)) = 1 ]; then
    first+=(ours)
    run_ours "$r"
    run_theirs "$r"
  else
    first+=(pytorch)
    run_theirs "$r"
    run_ours "$r"
  fi
done
echo "== latent analysis (ours)" >&2
ours --benchmark_filter='^(embed|gmm|pca)/' --benchmark_out="$out/analysis.json"
echo "== GUI: scripted drag in the real window" >&2
QT_QPA_PLATFORM=offscreen "$build/benchmarks/latentlab_gui_frame_rate" --json "$out/gui.json" \
  "$root/models/faces-vae.llckpt" "$root/models/faces-dcgan.llckpt" "$root/models/fashion-vae.llckpt" >&2
echo "== GUI: start to window and to first image (the launcher's and hook's lines), three starts" >&2
command -v xvfb-run >/dev/null && for i in 1 2 3; do
  LATENTLAB_AUTOSAVE_DIR="$out/autosave-$i" LATENTLAB_SCREENSHOT="$out/start-$i.png" \
    xvfb-run -a -s '-screen 0 1600x1000x24' "$build/app/latentlab" "$root/models/faces-vae.llckpt" 2>&1 |
    awk '/start window shown/ {window = $5} /first image shown/ {print window, $5}' >> "$out/startup.txt"
done
echo "== latent maps: our UMAP and t-SNE beside scikit-learn's TSNE (minutes)" >&2
"$python" "$root/benchmarks/maps_benchmark.py" --cli "$build/app/latentlab-cli" \
  --threads "$LATENTLAB_THREADS" --doc "$root/docs/performance.md" >&2

"$python" "$root/benchmarks/report.py" --doc "$root/docs/performance.md" \
  --ours "$out"/ours-*.json --theirs "$out"/theirs-*.json --analysis "$out/analysis.json" \
  --gui "$out/gui.json" --startup "$out/startup.txt" \
  --command "LATENTLAB_THREADS=$LATENTLAB_THREADS benchmarks/run.sh ${quick:+--quick }$rounds" \
  --cpu "$(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)" --cores "$(nproc)" \
  --threads "$LATENTLAB_THREADS" --first "${first[@]}" --allocator "$GLIBC_TUNABLES" \
  --load-before "$load_before" --load-after "$(cut -d' ' -f1-3 /proc/loadavg)" --busy "${busy:-none}"
echo "wrote $root/docs/performance.md" >&2
