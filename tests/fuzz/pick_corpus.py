#!/usr/bin/python3
"""Picks the corpus to commit for one fuzz target (scripts/fuzz.sh with FUZZ_MERGE=1).

libFuzzer's -set_cover_merge=1 records the full feature set of every input in its control file
(-merge_control_file; with -use_counters=0 the features are the covered edges). This takes the
greedy set cover in order of new edges and keeps its first MAX inputs, so the committed corpus
stays small (the fuzz_replay CTest test replays it on every test run) while keeping the inputs
that reach most of what the fuzzer reached. Prints how much of the edge coverage is kept.

Usage: /usr/bin/python3 pick_corpus.py CONTROL_FILE OUT_DIR [--max 40]
"""
import argparse
import hashlib
import os
import shutil
import sys


def read_control(path):
    lines = open(path).read().split("\n")
    count = int(lines[0])
    files = lines[2:2 + count]
    features = {}
    for line in lines[2 + count:]:
        if line.startswith("FT "):
            parts = line.split()
            features[files[int(parts[1])]] = set(map(int, parts[2:]))
    return features


def greedy_cover(features, limit):
    covered, chosen = set(), []
    while len(chosen) < limit:
        best = max(features, key=lambda f: len(features[f] - covered), default=None)
        if best is None or not features[best] - covered:
            break
        chosen.append(best)
        covered |= features[best]
    return chosen, covered


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("control")
    parser.add_argument("out")
    parser.add_argument("--max", type=int, default=40)
    args = parser.parse_args()
    features = read_control(args.control)
    everything = set().union(*features.values()) if features else set()
    chosen, covered = greedy_cover(features, args.max)
    kept = []  # read first: OUT_DIR (the committed corpus) is among the merged folders
    for path in chosen:
        with open(path, "rb") as f:
            kept.append(f.read())
    if os.path.isdir(args.out):
        shutil.rmtree(args.out)
    os.makedirs(args.out)
    for data in kept:
        with open(os.path.join(args.out, hashlib.sha1(data).hexdigest()), "wb") as f:
            f.write(data)
    print("%d inputs keep %d of %d edges (%.1f%%)" % (len(chosen), len(covered), len(everything),
                                                    100.0 * len(covered) / max(len(everything), 1)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
