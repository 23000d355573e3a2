"""Benchmark: the article's training loop, the compiled loop and the full-BPTT recipe, cold and warm, five seeds.

For each method and seed a fresh Python process imports TensorFlow, trains the article's LSTM(16) on the 36
values and generates 36 more (the *cold* time: graph tracing included, as for a learner's first training),
then trains again with the same settings in the same process (the *warm* time). The ablation of notebook 06
(`rh.forecast.ABLATION`: truncation x update schedule x learning rate x number of updates) and the two-value linear rule run
in this process. Everything is written as JSON next to this file; notebook 06 and the README load their
numbers from it (`--markdown` prints the README's Performance section from the JSON).

    python benchmarks/sine_forecast.py                       # everything, seeds 0-4 (about an hour on 2 cores)
    python benchmarks/sine_forecast.py --methods bptt        # re-measure one method, keep the rest of the JSON
    python benchmarks/sine_forecast.py --ablation-only       # runs only the ablation rows not yet in the JSON
    python benchmarks/sine_forecast.py --markdown            # print the README section from the JSON
"""

import argparse
import datetime
import json
import os
import pathlib
import platform
import statistics
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
RESULTS = HERE.parent / "rnn_helpers" / "sine_forecast_results.json"  # package data: notebook 06 reads it
SEEDS = (0, 1, 2, 3, 4)
METHODS = ("article", "compiled", "bptt")
SCORES = ("mse_36", "max_abs_err_36")


def machine():
    """A short description of where the numbers were measured."""
    import keras
    import tensorflow as tf

    return {"date": datetime.date.today().isoformat(), "cpu_cores": os.cpu_count(),
            "processor": platform.processor() or platform.machine(), "python": platform.python_version(),
            "tensorflow": tf.__version__, "keras": keras.__version__}


def timed_run(method, seed):
    """`run_method` with the process's CPU time too: on a shared machine, CPU time is far less noisy."""
    import rnn_helpers as rh

    cpu = time.process_time()
    result = rh.forecast.run_method(method, seed=seed, progress=False)
    result["cpu_seconds"] = time.process_time() - cpu  # includes generation, which takes well under a second
    return result


def worker(method, seed):
    """Run inside a fresh process: import, train cold, train warm; print one JSON line."""
    start = time.perf_counter()
    import keras  # noqa: F401  (imports are timed apart from training)

    import rnn_helpers  # noqa: F401

    import_seconds = time.perf_counter() - start
    load_before = os.getloadavg()[0]
    cold = timed_run(method, seed)
    warm = timed_run(method, seed)
    row = {key: cold[key] for key in ("method", "epochs", "cells", "seed", *SCORES)}
    row.update(import_seconds=import_seconds, cold_train_seconds=cold["train_seconds"],
               warm_train_seconds=warm["train_seconds"], cold_cpu_seconds=cold["cpu_seconds"],
               warm_cpu_seconds=warm["cpu_seconds"], warm_same_result=bool(warm["mse_36"] == cold["mse_36"]),
               load_before=load_before, load_after=os.getloadavg()[0])
    print(json.dumps(row))


def run_methods(record, methods, seeds):
    """One fresh process per method and seed; the JSON is saved after each."""
    for seed in seeds:
        for method in methods:
            done = subprocess.run([sys.executable, __file__, "--worker", method, str(seed)], capture_output=True,
                                  text=True, check=True, env={**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3",
                                                              "TF_ENABLE_ONEDNN_OPTS": "0"})
            row = json.loads(done.stdout.strip().splitlines()[-1])
            record["runs"] = [old for old in record["runs"] if (old["method"], old["seed"]) != (method, seed)]
            record["runs"].append(row)
            record["runs"].sort(key=lambda row: (row["seed"], METHODS.index(row["method"])))
            save(record)
            print(f"seed {seed} {method:>8}: cold {row['cold_train_seconds']:6.1f} s, warm "
                  f"{row['warm_train_seconds']:6.1f} s, 36-step MSE {row['mse_36']:.3g} "
                  f"(load {row['load_before']:.1f}-{row['load_after']:.1f})", flush=True)


def ablation_key(row):
    """(truncation, schedule, learning rate, updates, seed) of an ablation row."""
    return row["truncation"], row["schedule"], row["learning_rate"], row["updates"], row["seed"]


def run_ablation(record, seeds, fresh=False):
    """Every row of `rh.forecast.ABLATION` for every seed, in this process; the JSON is saved after each.

    Rows already in the record are kept unless `fresh`: a new row of the ablation runs alone.
    """
    import rnn_helpers as rh

    record["ar2"] = ar2()
    done = {} if fresh else {ablation_key(row): row for row in record["ablation"]}
    record["ablation"] = []
    for truncation, schedule, learning_rate, updates in rh.forecast.ABLATION:
        for seed in seeds:
            row = done.get((truncation, schedule, learning_rate, updates, seed))
            if row is None:
                row = rh.forecast.run_ablation_row(truncation, learning_rate, updates, seed=seed, schedule=schedule)
                row["load"] = os.getloadavg()[0]
                print(f"ablation {truncation:>8} {schedule:>12}, lr {learning_rate}, {updates:>6} updates, seed "
                      f"{seed}: 36-step MSE {row['mse_36']:.3g} ({row['train_seconds']:.1f} s)", flush=True)
            record["ablation"].append(row)
            save(record)


def ar2():
    """The two-value linear rule fitted to the 36 values, and its 36-step error."""
    import rnn_helpers as rh

    x, _ = rh.data.article_data()
    a, b = rh.forecast.fit_ar2(x)
    scores = rh.scores.evaluate_forecast(rh.forecast.generate_ar2((a, b), x, 36), rh.data.article_continuation())
    return {"a": a, "b": b, "mse_36": scores["mse"], "max_abs_err_36": scores["max_abs_err"]}


def spread(values):
    """Median, smallest and largest of a list."""
    return {"median": statistics.median(values), "min": min(values), "max": max(values)}


def summarize(record):
    """Medians and ranges per method, per-seed error ratios, and cold and warm speed-ups.

    The error ratios use the compiled loop for the article's method: it makes the same updates (the article's
    own loop is checked to give the identical error on every seed where both ran), and it is cheap enough to
    run for every seed.
    """
    runs = record["runs"]
    timings = ("cold_train_seconds", "warm_train_seconds", "cold_cpu_seconds", "warm_cpu_seconds")
    methods = {}
    for method in METHODS:
        mine = [row for row in runs if row["method"] == method]
        if mine:
            methods[method] = {key: spread([row[key] for row in mine]) for key in (*timings, *SCORES)}
            methods[method]["seeds"] = [row["seed"] for row in mine]
    summary = {"methods": methods}
    by_key = {(row["method"], row["seed"]): row for row in runs}
    summary["article_error_equals_compiled"] = {
        str(seed): by_key[("article", seed)]["mse_36"] == by_key[("compiled", seed)]["mse_36"]
        for method, seed in by_key if method == "article" and ("compiled", seed) in by_key}
    ratios = {str(seed): row["mse_36"] / by_key[("bptt", seed)]["mse_36"]
              for (method, seed), row in by_key.items() if method == "compiled" and ("bptt", seed) in by_key}
    if ratios:
        summary.update(mse_ratio_by_seed=ratios, median_mse_ratio=statistics.median(ratios.values()),
                       ratio_of_median_mse=methods["compiled"]["mse_36"]["median"] / methods["bptt"]["mse_36"]["median"])
    if "article" in methods and "bptt" in methods:
        names = {"cold": "cold_train_seconds", "warm": "warm_train_seconds", "cold_cpu": "cold_cpu_seconds",
                 "warm_cpu": "warm_cpu_seconds"}
        summary["speedup"] = {name: methods["article"][key]["median"] / methods["bptt"][key]["median"]
                              for name, key in names.items()}
    groups = {}
    for row in record.get("ablation", []):
        groups.setdefault((row["truncation"], row["schedule"], row["learning_rate"], row["updates"]),
                          []).append(row["mse_36"])
    summary["ablation"] = [{"truncation": t, "schedule": schedule, "learning_rate": lr, "updates": n,
                            "mse_36": spread(values), "seeds": len(values)}
                           for (t, schedule, lr, n), values in groups.items()]
    return summary


def _range(spread_, fmt):
    return f"{spread_['median']:{fmt}} ({spread_['min']:{fmt}}–{spread_['max']:{fmt}})"


def markdown(record):
    """The README's Performance section (below its first paragraph), made from the JSON."""
    s, m = record["summary"], record["summary"]["methods"]
    runs = {(row["method"], row["seed"]): row for row in record["runs"]}
    loads = [row[key] for row in record["runs"] for key in ("load_before", "load_after")]
    lines = ["| seed | article's updates (compiled): warm s | 36-step MSE | bptt: cold s | warm s | 36-step MSE | "
             "MSE ratio |", "|---|---|---|---|---|---|---|"]
    for seed in m["bptt"]["seeds"]:
        c, b = runs[("compiled", seed)], runs[("bptt", seed)]
        lines.append(f"| {seed} | {c['warm_train_seconds']:.1f} | {c['mse_36']:.2g} | {b['cold_train_seconds']:.1f} | "
                     f"{b['warm_train_seconds']:.1f} | {b['mse_36']:.2g} | {s['mse_ratio_by_seed'][str(seed)]:.0f}× |")
    lines.append(f"| **median** | **{m['compiled']['warm_train_seconds']['median']:.1f}** | "
                 f"**{m['compiled']['mse_36']['median']:.2g}** | **{m['bptt']['cold_train_seconds']['median']:.1f}** | "
                 f"**{m['bptt']['warm_train_seconds']['median']:.1f}** | **{m['bptt']['mse_36']['median']:.2g}** | "
                 f"**{s['median_mse_ratio']:.0f}×** |")
    article, speedup = m["article"], s["speedup"]
    diverged = [seed for seed in m["compiled"]["seeds"] if runs[("compiled", seed)]["mse_36"] > 0.5]
    sine_ratios = [ratio for seed, ratio in s["mse_ratio_by_seed"].items() if int(seed) not in diverged]
    lines += [
        "",
        f"- **Error.** 36-step MSE of the article's method over full BPTT: median of the per-seed ratios "
        f"**{s['median_mse_ratio']:.0f}×**, range {min(sine_ratios):.0f}×–{max(sine_ratios):.0f}× on the seeds where "
        f"the article's forecast is a sine; on seed{'s' if len(diverged) > 1 else ''} "
        f"{', '.join(map(str, diverged))} it diverges (MSE above the sine's variance of 0.5). The ratio of the two "
        f"medians is {s['ratio_of_median_mse']:.0f}×.",
        f"- **Time.** The article's own loop (seed{'s' if len(article['seeds']) > 1 else ''} "
        f"{', '.join(map(str, article['seeds']))}) trained in {article['cold_train_seconds']['median']:.0f} s cold "
        f"and {article['warm_train_seconds']['median']:.0f} s warm. Full BPTT is **{speedup['cold']:.0f}× faster "
        f"cold** (each in a fresh process: graph tracing included, as for a learner's first training) and "
        f"**{speedup['warm']:.0f}× faster warm** (a second training in the same process). In CPU seconds, which "
        f"the other jobs on the machine disturb far less: {speedup['cold_cpu']:.0f}× cold, {speedup['warm_cpu']:.0f}× warm.",
        f"- **Baseline.** The two-value linear rule x[t+1] = a·x[t] + b·x[t-1], fitted to the same 36 values, "
        f"continues the sine with a 36-step MSE of {record['ar2']['mse_36']:.0e}: a clean sine is a low bar.",
        "",
        "The ablation of notebook 06 — median (smallest–largest) 36-step MSE over the seeds:",
        "",
        "| gradient | one update | learning rate | Adam updates | 36-step MSE | |",
        "|---|---|---|---|---|---|",
    ]
    notes = {("one step", "per value", 0.001, 36_000): "the article's method",
             ("full", "per sequence", 0.01, 400): "the fast default"}
    for row in s["ablation"]:
        key = (row["truncation"], row["schedule"], row["learning_rate"], row["updates"])
        lines.append(f"| {'one step' if row['truncation'] == 'one step' else 'full BPTT'} | {row['schedule']} | "
                     f"{row['learning_rate']} | {row['updates']:,} | {_range(row['mse_36'], '.2g')} | "
                     f"{notes.get(key, '')} |")
    lines += ["", f"Load average during the timed runs: {min(loads):.1f}–{max(loads):.1f} on "
              f"{record['machine']['cpu_cores']} cores."]
    return "\n".join(lines)


def save(record, path=RESULTS):
    """Write the record with its machine description and summary."""
    record["machine"] = machine()
    record["summary"] = summarize(record)
    path.write_text(json.dumps(record, indent=2) + "\n")


def load():
    """The results so far (a partial run keeps what it does not re-measure)."""
    record = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    ablation = record.get("ablation", [])
    for row in ablation:  # rows measured before the schedule had its own column: the schedule of their method
        row.setdefault("schedule", "per value" if row["truncation"] == "one step" else "per sequence")
    return {"runs": record.get("runs", []), "ablation": ablation, "ar2": record.get("ar2")}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=list(SEEDS))
    parser.add_argument("--methods", nargs="*", choices=METHODS, default=list(METHODS))
    parser.add_argument("--ablation-only", action="store_true", help="run only the ablation and the baseline")
    parser.add_argument("--no-ablation", action="store_true", help="run only the methods")
    parser.add_argument("--fresh-ablation", action="store_true", help="re-run ablation rows already in the JSON")
    parser.add_argument("--markdown", action="store_true", help="print the README section from the JSON")
    parser.add_argument("--worker", nargs=2, metavar=("METHOD", "SEED"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        return worker(args.worker[0], int(args.worker[1]))
    if args.markdown:
        return print(markdown(json.loads(RESULTS.read_text())))
    record = load()
    if not args.ablation_only:
        run_methods(record, args.methods, args.seeds)
    if not args.no_ablation:
        run_ablation(record, args.seeds, fresh=args.fresh_ablation)
    print(f"wrote {RESULTS}")


if __name__ == "__main__":
    main()
