"""The article's sine forecast from the command line (for teachers and benchmarks).

    python -m rnn_helpers.forecast_cli --method bptt --epochs 400 --cells 16 --seed 0 --json --plot out.png

Trains with `forecast.run_method`, prints a table (or one JSON object) of the settings, the times and the
36-step errors, and can save the expected-vs-generated figure. Bad arguments print the usage and exit with 2.
"""

import argparse
import json
import sys

from . import data, forecast


def _int_at_least(minimum):
    """An argparse type: a whole number >= `minimum`, else a usage error (exit code 2, no traceback)."""

    def parse(text):
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
        if value < minimum:
            raise argparse.ArgumentTypeError(f"expected a number >= {minimum}, got {value}")
        return value

    return parse


def parse_args(argv=None):
    """Parse the command line; bad arguments print the usage and exit with code 2."""
    parser = argparse.ArgumentParser(
        prog="python -m rnn_helpers.forecast_cli",
        description="Train the article's sine forecaster and generate 36 values by feedback.",
    )
    parser.add_argument("--method", choices=forecast.METHODS, default="bptt", help="training method (default: bptt)")
    parser.add_argument("--epochs", type=_int_at_least(1), help="epochs (default: the method's default)")
    parser.add_argument("--cells", type=_int_at_least(1), help="LSTM cells (default: 16)")
    parser.add_argument("--seed", type=_int_at_least(0), default=0, help="random seed (default: 0)")
    parser.add_argument("--json", action="store_true", help="print one JSON object instead of a table")
    parser.add_argument("--plot", metavar="PNG", help="save the expected-vs-generated figure here")
    return parser.parse_args(argv)


def main(argv=None):
    """Command-line entry point; returns the process exit code."""
    args = parse_args(argv)
    result = forecast.run_method(args.method, epochs=args.epochs, cells=args.cells, seed=args.seed, progress=not args.json)
    summary = {key: result[key] for key in ("method", "epochs", "cells", "seed")}
    summary.update({key: round(result[key], 6) for key in ("train_seconds", "generate_seconds", "mse_36", "max_abs_err_36")})
    if args.plot:
        from . import plotting

        figure = plotting.forecast_figure(data.article_data()[0], result["expected"], result["generated"]).figure
        figure.savefig(args.plot, dpi=100, bbox_inches="tight")
        summary["plot"] = args.plot
    if args.json:
        print(json.dumps(summary))
    else:
        for key, value in summary.items():
            print(f"{key:>16}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
