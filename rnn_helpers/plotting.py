"""Figure helpers: each takes `ax=None`, draws, and returns the Axes (never calls `plt.show()`)."""

import numpy as np

from ._validation import check_array


def _axes(ax, figsize=(8, 3.5)):
    import matplotlib.pyplot as plt

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    return ax


def forecast_figure(series, expected, generated, ax=None, title=None):
    """The article's figure: the known series followed by the truth and by the generated values.

    Both lines share the first `len(series)` points (the values fed in for the warm-up) and part where
    the network runs on its own output.

    Introduced in notebook 06.

    Args:
        series: 1-D array of the known values. expected: 1-D array of the true continuation.
        generated: 1-D array of forecasts, same length as `expected`.
        ax: Axes to draw on; a new figure if None.
        title: optional title.

    Returns:
        The matplotlib Axes.
    """
    series = check_array("series", series, ndim=1)
    expected = check_array("expected", expected, ndim=1)
    generated = check_array("generated", generated, ndim=1)
    if expected.shape != generated.shape:
        raise ValueError(f"expected and generated must have the same length, got {expected.size} and {generated.size}.")
    ax = _axes(ax)
    n = series.size
    steps = np.arange(n + expected.size)
    ax.plot(steps, np.concatenate([series, expected]), color="tab:blue", lw=2, label="expected: sin(x)")
    ax.plot(steps, np.concatenate([series, generated]), color="tab:orange", lw=1.5, ls="--", label="generated")
    ax.axvspan(n - 0.5, steps[-1] + 0.5, color="0.93", zorder=0)
    ax.text(n + 0.5, 1.12, "the network feeds on its own output", fontsize=9, va="top")
    ax.text(0.5, 1.12, "warm-up on the known series", fontsize=9, va="top")
    ax.set(xlabel="x (integer steps)", ylabel="value", ylim=(-1.35, 1.25), xlim=(-0.5, steps[-1] + 0.5))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9, frameon=False)
    if title:
        ax.set_title(title)
    return ax


def error_by_horizon(errors, ax=None):
    """Absolute error against the number of steps generated, one line per method.

    Introduced in notebook 06.

    Args:
        errors: dict mapping a label to a 1-D array of absolute errors (step 1 first).
        ax: Axes to draw on; a new figure if None.

    Returns:
        The matplotlib Axes.
    """
    if not isinstance(errors, dict) or not errors:
        raise TypeError(f"errors must be a non-empty dict of label -> 1-D array, got {type(errors).__name__}.")
    ax = _axes(ax)
    for label, values in errors.items():
        values = check_array(f"errors[{label!r}]", values, ndim=1)
        ax.semilogy(np.arange(1, values.size + 1), np.maximum(values, 1e-6), marker=".", label=label)
    ax.set(xlabel="steps generated (horizon)", ylabel="|generated − expected|")
    ax.legend(fontsize=9)
    return ax


def loss_curves(losses, ax=None):
    """Training loss per epoch on a log scale, one line per method.

    Introduced in notebook 06.

    Args:
        losses: dict mapping a label to a 1-D array of per-epoch losses.
        ax: Axes to draw on; a new figure if None.

    Returns:
        The matplotlib Axes.
    """
    if not isinstance(losses, dict) or not losses:
        raise TypeError(f"losses must be a non-empty dict of label -> 1-D array, got {type(losses).__name__}.")
    ax = _axes(ax)
    for label, values in losses.items():
        values = check_array(f"losses[{label!r}]", values, ndim=1)
        ax.semilogy(np.arange(1, values.size + 1), values, label=label)
    ax.set(xlabel="epoch", ylabel="training loss (MSE)")
    ax.legend(fontsize=9)
    return ax
