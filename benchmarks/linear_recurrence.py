"""Benchmark for notebook 09: the loop against the parallel scan, and what a minGRU can and cannot learn.

Three parts, each a list of rows in `rnn_helpers/linear_recurrence_results.json` (package data; notebook 09 reads it):

- `timing`: wall time of h_t = a_t ⊙ h_{t-1} + b_t for T = 64 … 4096 (batch 32, 64 units, float32) with a numpy
  loop, a numpy Hillis–Steele scan, a compiled TensorFlow loop, `keras.ops.associative_scan` and an XLA loop,
  all in this one process; cold (first call, tracing included) and warm (median of 5 calls).
- `memory`: minGRU (and a minGRU whose update gate starts at bias 3, "keep"), GRU and LSTM on recall_first and
  adding at 10, 30 and 100 steps, seeds 0-2, at notebook 05's budget (16 units, 10 epochs of 2048 sequences).
- `parity`: running parity at lengths 4, 8, 16 for minGRU stacks of 1, 2 and 3 layers, GRU and LSTM, seeds 0-2.

    python benchmarks/linear_recurrence.py                  # everything, ~10-20 min on 2 cores
    python benchmarks/linear_recurrence.py --parts timing   # only the timing sweep
"""

import argparse
import json
import os
import pathlib
import statistics

from sine_forecast import machine

import rnn_helpers as rh

HERE = pathlib.Path(__file__).resolve().parent
RESULTS = HERE.parent / "rnn_helpers" / "linear_recurrence_results.json"  # package data: notebook 09 reads it
LENGTHS = (64, 128, 256, 512, 1024, 2048, 4096)
MEMORY_LAGS = (10, 30, 100)
PARITY_LENGTHS = (4, 8, 16)
MEMORY_MODELS = {"mingru": ("mingru", 0.0), "mingru, keep bias 3": ("mingru", 3.0), "gru": ("gru", 0.0),
                 "lstm": ("lstm", 0.0)}
PARITY_MODELS = {"mingru": ("mingru", 1), "mingru × 2": ("mingru", 2), "mingru × 3": ("mingru", 3),
                 "gru": ("gru", 1), "lstm": ("lstm", 1)}


def timing():
    rows = []
    for T in LENGTHS:
        for method, t in rh.recurrence_costs.loop_and_scan_times(T, repeats=5).items():
            rows.append({"T": T, "method": method, **t, "load": os.getloadavg()[0]})
            print(f"T={T:5d} {method:<14} cold {t['cold']:.4f} s  warm {t['warm']:.5f} s  "
                  f"max diff {t['max_diff']:.1e}", flush=True)
    return rows


def memory(seeds):
    rows = []
    for task in ("recall_first", "adding"):
        for lag in MEMORY_LAGS:
            for name, (cell, bias) in MEMORY_MODELS.items():
                for seed in seeds:
                    r = rh.min_gru.memory_run(cell, task, lag, seed=seed, gate_bias=bias)
                    rows.append({"model": name, **{k: v for k, v in r.items() if k != "losses"},
                                 "final_loss": float(r["losses"][-1])})
                    print(f"{task:<12} {lag:3d} {name:<20} seed {seed}: {r['score']:.3f} ({r['seconds']:.1f} s)",
                          flush=True)
    return rows


def parity(seeds):
    rows = []
    for length in PARITY_LENGTHS:
        for name, (cell, layers) in PARITY_MODELS.items():
            for seed in seeds:
                r = rh.min_gru.memory_run(cell, "parity", length, layers=layers, seed=seed)
                rows.append({"model": name, **{k: v for k, v in r.items() if k != "losses"},
                             "final_loss": float(r["losses"][-1])})
                print(f"parity {length:3d} {name:<12} seed {seed}: {r['score']:.3f} ({r['seconds']:.1f} s)",
                      flush=True)
    return rows


def medians(rows, keys):
    """Median, min and max score of every group of rows that agree on `keys`."""
    groups = {}
    for row in rows:
        groups.setdefault(tuple(row[k] for k in keys), []).append(row["score"])
    return [{**dict(zip(keys, group)), "median": statistics.median(s), "min": min(s), "max": max(s)}
            for group, s in groups.items()]


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--parts", nargs="+", default=["timing", "memory", "parity"],
                        choices=["timing", "memory", "parity"])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    args = parser.parse_args(argv)
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results["machine"] = machine()
    if "timing" in args.parts:
        results["timing"] = timing()
    if "memory" in args.parts:
        results["memory"] = memory(args.seeds)
        results["memory_medians"] = medians(results["memory"], ("task", "length", "model"))
    if "parity" in args.parts:
        results["parity"] = parity(args.seeds)
        results["parity_medians"] = medians(results["parity"], ("length", "model"))
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
