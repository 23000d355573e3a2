"""Benchmark: the article's training loop against the compiled loop and the full-BPTT default, in one run.

For each seed, every method trains the same LSTM(16) on the article's 36 values and generates 36 more.
Prints a markdown table (one row per method and seed), the medians, and the ratios the README quotes,
and writes everything as JSON next to this file.

    python benchmarks/sine_forecast.py                 # seeds 0-4, the article's 1000 epochs (~15-20 min)
    python benchmarks/sine_forecast.py --seeds 0 1     # fewer seeds
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import statistics

import rnn_helpers as rh

HERE = pathlib.Path(__file__).resolve().parent


def machine():
    """A short description of where the numbers were measured."""
    import keras
    import tensorflow as tf

    return {
        "date": datetime.date.today().isoformat(),
        "cpu_cores": os.cpu_count(),
        "processor": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "tensorflow": tf.__version__,
        "keras": keras.__version__,
    }


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2, 3, 4])
    parser.add_argument("--methods", nargs="+", choices=rh.forecast.METHODS, default=list(rh.forecast.METHODS))
    parser.add_argument("--out", default=str(HERE / "sine_forecast_results.json"))
    args = parser.parse_args(argv)

    rows = []
    for seed in args.seeds:
        for method in args.methods:
            result = rh.forecast.run_method(method, seed=seed, progress=True)
            row = {key: result[key] for key in ("method", "epochs", "cells", "seed", "train_seconds",
                                                  "generate_seconds", "mse_36", "max_abs_err_36")}
            rows.append(row)
            print(f"seed {seed} {method:>8}: train {row['train_seconds']:7.1f} s, "
                  f"36-step MSE {row['mse_36']:.3g}, max error {row['max_abs_err_36']:.3g}", flush=True)

    print("\n| method | epochs | seed | train s | 36-step MSE | max abs error |\n|---|---|---|---|---|---|")
    for row in rows:
        print(f"| {row['method']} | {row['epochs']} | {row['seed']} | {row['train_seconds']:.1f} | "
              f"{row['mse_36']:.2g} | {row['max_abs_err_36']:.3f} |")

    medians = {}
    for method in args.methods:
        mine = [row for row in rows if row["method"] == method]
        medians[method] = {key: statistics.median(row[key] for row in mine)
                           for key in ("train_seconds", "mse_36", "max_abs_err_36")}
        medians[method]["worst_mse_36"] = max(row["mse_36"] for row in mine)
    print("\n| method | median train s | median 36-step MSE | worst 36-step MSE | median max error |\n|---|---|---|---|---|")
    for method, m in medians.items():
        print(f"| {method} | {m['train_seconds']:.1f} | {m['mse_36']:.2g} | {m['worst_mse_36']:.2g} | "
              f"{m['max_abs_err_36']:.3f} |")

    summary = {}
    if "article" in medians and "bptt" in medians:
        article, fast = medians["article"], medians["bptt"]
        summary = {
            "speedup_bptt_vs_article": article["train_seconds"] / fast["train_seconds"],
            "mse_ratio_article_over_bptt": article["mse_36"] / fast["mse_36"],
            "every_bptt_seed_better_than_article_median": fast["worst_mse_36"] <= article["mse_36"],
        }
        if "compiled" in medians:
            summary["speedup_compiled_vs_article"] = article["train_seconds"] / medians["compiled"]["train_seconds"]
        print(f"\nbptt trains {summary['speedup_bptt_vs_article']:.0f}x faster than the article's loop "
              f"(median over seeds), with a {summary['mse_ratio_article_over_bptt']:.0f}x lower median 36-step MSE; "
              f"worst bptt seed better than the article's median: {summary['every_bptt_seed_better_than_article_median']}")
        if "compiled" in medians:
            print(f"compiled (same updates as the article) trains {summary['speedup_compiled_vs_article']:.0f}x faster")

    record = {"machine": machine(), "rows": rows, "medians": medians, "summary": summary}
    pathlib.Path(args.out).write_text(json.dumps(record, indent=2) + "\n")
    print(f"\nwrote {args.out}")


if __name__ == "__main__":
    main()
