"""Benchmark: which encoder–decoder design translates dates, at notebook 08's budget and at a larger one.

One row per design (encoder direction, attention or not), budget and seed: exact-match accuracy on 1000
unseen dates and the training time (cold: a fresh model each time, graph tracing included). The notebook's
budget is its own settings (6000 dates, 3 epochs, 32 units per direction); the "large" budget is the
calibration run quoted in the notebook (12 000 dates, 10 epochs, 128 units). Prints a markdown table and the
medians, and writes everything as JSON next to this file.

    python benchmarks/date_translation.py                    # seeds 0-2 (large budget: seed 0), ~15-30 min
    python benchmarks/date_translation.py --budgets notebook # only the notebook's budget
"""

import argparse
import json
import pathlib
import statistics

from sine_forecast import machine

import rnn_helpers as rh

HERE = pathlib.Path(__file__).resolve().parent
BUDGETS = {
    "notebook": {"train_dates": 6000, "epochs": 3, "units": 32},
    "large": {"train_dates": 12000, "epochs": 10, "units": 128},
}
DESIGNS = {  # name -> (encoder, attention); the large budget runs only the designs without attention
    "forward, plain": ("forward", False),
    "reversed, plain": ("reversed", False),
    "bidirectional, plain": ("bidirectional", False),
    "forward, attention": ("forward", True),
    "bidirectional, attention": ("bidirectional", True),
}
TEST_DATES = 1000


def run(design, budget, seed):
    """Train one design at one budget and seed; return a result row."""
    encoder, attention = DESIGNS[design]
    settings = BUDGETS[budget]
    train, test = rh.data.date_pairs(settings["train_dates"], TEST_DATES, seed=seed)
    translator = rh.translating.fit_date_translator(train, units=settings["units"], epochs=settings["epochs"],
                                                attention=attention, seed=seed, encoder=encoder)
    scored = rh.translating.score_translations(translator, test)
    return {"design": design, "budget": budget, **settings, "seed": seed,
            "weights": translator["model"].count_params(), "train_seconds": translator["seconds"],
            "exact_match": float(scored["correct"].mean())}


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seeds", type=int, nargs="+", default=[0, 1, 2])
    parser.add_argument("--large-seeds", type=int, nargs="+", default=[0], help="seeds of the large budget")
    parser.add_argument("--budgets", nargs="+", default=list(BUDGETS), choices=list(BUDGETS))
    args = parser.parse_args(argv)
    rows = []
    print("| design | budget | seed | weights | train s | exact match |\n|---|---|---|---|---|---|")
    for budget in args.budgets:
        designs = [d for d in DESIGNS if budget == "notebook" or not DESIGNS[d][1]]
        for design in designs:
            for seed in args.seeds if budget == "notebook" else args.large_seeds:
                row = run(design, budget, seed)
                rows.append(row)
                print(f"| {design} | {budget} | {seed} | {row['weights']} | {row['train_seconds']:.1f} "
                      f"| {row['exact_match']:.3f} |", flush=True)
    medians = {}
    for budget in args.budgets:
        for design in DESIGNS:
            picked = [r for r in rows if r["design"] == design and r["budget"] == budget]
            if picked:
                scores = [r["exact_match"] for r in picked]
                medians[f"{design} @ {budget}"] = {
                    "exact_match_median": statistics.median(scores), "exact_match_min": min(scores),
                    "exact_match_max": max(scores),
                    "train_seconds_median": statistics.median(r["train_seconds"] for r in picked)}
    print(json.dumps(medians, indent=2))
    (HERE.parent / "rnn_helpers" / "date_translation_results.json").write_text(
        json.dumps({"machine": machine(), "rows": rows, "medians": medians}, indent=2) + "\n")


if __name__ == "__main__":
    main()
