"""The course's data figures: forecasts, losses, gate heat maps, bars, confusion matrices, attention maps.

Each helper takes `ax=None` (or `fig=None`/`axes=None` for figures of several panels), draws, and returns the
Axes (or Figure); none calls `plt.show()`. Colours and line styles come from `rnn_helpers.plotting.style`.
"""

import numpy as np

from .._validation import Array, Check, Float, Optional, Text, check_array, check_choice, validate
from .style import CYCLE_COLORS, OKABE_ITO, PALETTE, _axes, _figure, gate_cmap, line_style, signed_cmap

def _check_dict_of_lines(name, value):
    if not isinstance(value, dict) or not value:
        raise TypeError(f"{name} must be a non-empty dict of label -> 1-D array, got {type(value).__name__}.")
    return {label: check_array(f"{name}[{label!r}]", v, ndim=1) for label, v in value.items()}


# --- data figures ------------------------------------------------------------------------------------------


@validate(series=Array(ndim=1), expected=Array(ndim=1), generated=Array(ndim=1), title=Optional(Text()),
          checked_in_body=("ax",))
def forecast_figure(series, expected, generated, ax=None, title=None):
    """The article's figure: the known series followed by the truth and by the generated values.

    Both lines share the first `len(series)` points (the values fed in for the warm-up) and part where
    the network runs on its own output. The truth is blue and solid, the forecast orange and dashed.

    Introduced in notebook 06.

    Args:
        series: 1-D array of the known values. expected: 1-D array of the true continuation.
        generated: 1-D array of forecasts, same length as `expected`.
        ax: Axes to draw on; a new figure if None.
        title: optional title.

    Returns:
        The matplotlib Axes.
    """
    if expected.shape != generated.shape:
        raise ValueError(f"expected and generated must have the same length, got {expected.size} and {generated.size}.")
    ax = _axes(ax)
    n = series.size
    steps = np.arange(n + expected.size)
    ax.plot(steps, np.concatenate([series, expected]), lw=2, label="expected: sin(x)", **line_style("target"))
    ax.plot(steps, np.concatenate([series, generated]), lw=1.5, label="generated", **line_style("prediction"))
    ax.axvspan(n - 0.5, steps[-1] + 0.5, color="0.93", zorder=0)
    ax.text(n + 0.5, 1.12, "the network feeds on its own output", fontsize=9, va="top")
    ax.text(0.5, 1.12, "warm-up on the known series", fontsize=9, va="top")
    ax.set(xlabel="x (integer steps)", ylabel="value", ylim=(-1.35, 1.25), xlim=(-0.5, steps[-1] + 0.5))
    ax.legend(loc="upper center", bbox_to_anchor=(0.5, -0.2), ncol=2, fontsize=9, frameon=False)
    if title is not None:
        ax.set_title(title)
    return ax


@validate(errors=Check(_check_dict_of_lines), checked_in_body=("ax",))
def error_by_horizon(errors, ax=None):
    """Absolute error against the number of steps generated, one line per method.

    Introduced in notebook 06. A label that names a role of `PALETTE` ("bptt", "LSTM", ...) takes its
    colour and line style; other labels take the course cycle in turn.

    Args:
        errors: dict mapping a label to a 1-D array of absolute errors (step 1 first).
        ax: Axes to draw on; a new figure if None.

    Returns:
        The matplotlib Axes.
    """
    ax = _axes(ax)
    for k, (label, values) in enumerate(errors.items()):
        ax.semilogy(np.arange(1, values.size + 1), np.maximum(values, 1e-6), marker=".", label=label,
                    **line_style(label, k))
    ax.set(xlabel="steps generated (horizon)", ylabel="|generated − expected|")
    ax.legend(fontsize=9)
    return ax


@validate(losses=Check(_check_dict_of_lines), checked_in_body=("ax",))
def loss_curves(losses, ax=None):
    """Training loss per epoch on a log scale, one line per method.

    Introduced in notebook 06. Colours and line styles as in `error_by_horizon`.

    Args:
        losses: dict mapping a label to a 1-D array of per-epoch losses.
        ax: Axes to draw on; a new figure if None.

    Returns:
        The matplotlib Axes.
    """
    ax = _axes(ax)
    for k, (label, values) in enumerate(losses.items()):
        ax.semilogy(np.arange(1, values.size + 1), values, label=label, **line_style(label, k))
    ax.set(xlabel="epoch", ylabel="training loss (MSE)")
    ax.legend(fontsize=9)
    return ax


# --- gate heat maps (notebooks 04 and 05) ------------------------------------------------------------------

_GATE_TITLES = {"f": "forget gate f", "i": "input gate i", "o": "output gate o", "c_tilde": "candidate c̃",
                "c": "cell state c", "h": "output h", "z": "update gate z", "r": "reset gate r",
                "h_tilde": "candidate h̃"}
_GATE_KEYS = ("f", "i", "o", "z", "r")


def _check_marks(marks, time_steps):
    """Time steps to mark: whole numbers in [0, time_steps)."""
    marks = np.atleast_1d(check_array("marks", marks, allow_empty=True))
    if marks.ndim != 1 or np.any(marks != np.round(marks)) or np.any((marks < 0) | (marks >= time_steps)):
        raise ValueError(f"marks must be time steps, whole numbers from 0 to {time_steps - 1}, got {marks!r}.")
    return marks.astype(int)


def _check_gate_plot_args(trace, keys, input_labels):
    """Validate `plot_gate_traces`' arguments; return (keys, titles, x, input_labels)."""
    if not isinstance(trace, dict) or "x" not in trace:
        raise TypeError("trace must be the dict returned by rnn_helpers.gates.lstm_gate_trace or gru_gate_trace.")
    keys = (keys,) if isinstance(keys, str) else tuple(keys)
    titles = dict(_GATE_TITLES)
    if "c" not in trace:
        titles["h"] = "state h"  # a GRU's state is its output
    allowed = tuple(key for key in titles if key in trace)
    for key in keys:
        check_choice("key in keys", key, allowed)
    x = check_array("trace['x']", trace["x"], ndim=2)
    if input_labels is None:
        input_labels = [f"input feature {k}" for k in range(x.shape[1])]
    # strings only: matplotlib 3.10 (Colab's) merely warns on a non-string label where 3.11 raises
    if not isinstance(input_labels, (list, tuple)) or not all(isinstance(label, str) for label in input_labels):
        raise TypeError(f"input_labels must be a list of {x.shape[1]} strings, one per input feature, got "
                        f"{input_labels!r}. Pass e.g. {[f'feature {k}' for k in range(x.shape[1])]}.")
    if len(input_labels) != x.shape[1]:
        raise ValueError(
            f"input_labels must be a list of {x.shape[1]} names, one per input feature, got {input_labels!r}."
        )
    return keys, titles, x, list(input_labels)


def _input_panel(ax, x, input_labels):
    """The top panel of the heat maps: each input feature against time."""
    styles = [line_style("signal"), line_style("input"), line_style("forget")]
    for feature in range(x.shape[1]):
        ax.plot(np.arange(x.shape[0]), x[:, feature], lw=1.2, label=input_labels[feature], **styles[feature % 3])
    if x.shape[1] > 1:
        ax.legend(loc="upper left", bbox_to_anchor=(1.0, 1.0), fontsize=8, frameon=False)
    ax.set_ylabel("input", rotation=0, ha="right", va="center")


def _heat_map_panel(fig, ax, values, title, is_gate):
    """One part of the cell as a heat map: units down (labelled), time across."""
    time_steps, units = values.shape
    limit = 1.0 if is_gate else max(1e-9, float(np.abs(values).max()))
    image = ax.imshow(values.T, aspect="auto", interpolation="nearest", origin="lower",
                      cmap=gate_cmap() if is_gate else signed_cmap(), vmin=0.0 if is_gate else -limit, vmax=limit,
                      extent=(-0.5, time_steps - 0.5, -0.5, units - 0.5))
    ax.set_ylabel(title, rotation=0, ha="right", va="center")
    ticks = sorted({0, units - 1})
    ax.set_yticks(ticks, [f"unit {k}" for k in ticks], fontsize=8)
    fig.colorbar(image, ax=ax, pad=0.01, fraction=0.03)


@validate(checked_in_body=("trace", "keys", "marks", "input_labels", "fig"))
def plot_gate_traces(trace, keys=("f", "i", "o", "c"), marks=None, input_labels=None, fig=None):
    """Heat maps of gates over time (one row per unit, time across) under a line plot of the input.

    Introduced in notebook 04 (LSTM) and used in notebook 05 (GRU). Gates go from white (closed, 0) to
    dark bluish green (open, 1); signed parts (candidate, cell state, output) from blue (negative) through
    white to vermillion (positive). Rows are labelled "unit k"; time ticks fall on whole steps.

    Args:
        trace: dict from `rnn_helpers.gates.lstm_gate_trace` or `gru_gate_trace`.
        keys: which parts to show: for an LSTM from "f", "i", "c_tilde", "o", "c", "h"; for a GRU from
            "z", "r", "h_tilde", "h".
        marks: optional time steps to flag with a dotted line on every panel (e.g. the adding problem's markers).
        input_labels: optional names of the input features, for the legend of the top panel.
        fig: a matplotlib Figure to draw into; a new one if None.

    Returns:
        the matplotlib Figure.
    """
    import matplotlib.pyplot as plt

    keys, titles, x, input_labels = _check_gate_plot_args(trace, keys, input_labels)
    values = [check_array(f"trace['{key}']", trace[key], ndim=2) for key in keys]
    fig = _figure(fig, (9, 1.3 + 1.55 * len(keys)))
    axes = fig.subplots(len(keys) + 1, 1, sharex=True, gridspec_kw={"height_ratios": [0.8] + [1.2] * len(keys)})
    _input_panel(axes[0], x, input_labels)
    for ax, key, value in zip(axes[1:], keys, values):
        _heat_map_panel(fig, ax, value, titles[key], key in _GATE_KEYS)
    # an invisible colorbar beside the input panel takes the same width as the others, so time lines up
    spacer = fig.colorbar(plt.cm.ScalarMappable(cmap=gate_cmap()), ax=axes[0], pad=0.01, fraction=0.03)
    spacer.ax.set_visible(False)
    axes[-1].xaxis.set_major_locator(plt.MaxNLocator(integer=True))
    if marks is not None:
        for ax in axes:
            for step in _check_marks(marks, x.shape[0]):
                ax.axvline(step, color=PALETTE["mark"], lw=1.0, ls=":", alpha=0.8)
    axes[-1].set_xlabel("time step")
    axes[0].set_xlim(-0.5, x.shape[0] - 0.5)
    fig.tight_layout(h_pad=0.3)
    return fig


# ---------------------------------------------------------------------------------------------------------
# Notebook 08 · Writing sequences: keyboard accuracy, temperatures, translation by format, attention maps.
# ---------------------------------------------------------------------------------------------------------

def _check_axes_list(axes, n):
    """`axes` (an Axes array or list) as a flat list of at least `n` matplotlib Axes, else raise."""
    from matplotlib.axes import Axes

    axes = list(np.ravel(np.asarray(axes, dtype=object)))
    if not all(isinstance(ax, Axes) for ax in axes):
        raise TypeError(f"axes must be matplotlib Axes (a list or an array of them) or None, got {axes[:3]!r}... "
                        "Pass e.g. plt.subplots(1, n)[1].")
    if len(axes) < n:
        raise ValueError(f"{n} panels need at least as many Axes, got {len(axes)}. Pass axes=None for new ones.")
    return axes


def _check_scores(name, scores):
    """A dict label -> dict of named values, non-empty; used by the grouped bar charts below."""
    if not isinstance(scores, dict) or not scores or not all(isinstance(v, dict) and v for v in scores.values()):
        raise TypeError(f"{name} must be a non-empty dict of label -> dict of values, got {type(scores).__name__}.")
    return scores


@validate(scores=Check(_check_scores), ylabel=Text(), title=Optional(Text()),
          chance=Optional(Float(strictly_positive=True, maximum=1.0)), checked_in_body=("ax",))
def grouped_bars(scores, ax=None, ylabel="accuracy", title=None, chance=None):
    """One group of bars per key, one bar per label (hatched differently); whiskers show min–max over seeds.

    Introduced in notebook 08. A value may be a number or a 1-D array of per-seed values: the bar is then
    the median, the whiskers the range, and each seed is a dot.

    Args:
        scores: dict label -> dict key -> number or 1-D array, e.g. {"LSTM": {"top-1": [...], "top-3": [...]}}.
        ax: Axes to draw on; a new figure if None. ylabel, title: text. chance: optional dotted reference line.

    Returns:
        The matplotlib Axes.
    """
    keys = list(next(iter(scores.values())))
    ax = _axes(ax)
    width = 0.8 / len(scores)
    for j, (label, values) in enumerate(scores.items()):
        x = np.arange(len(keys)) + (j - (len(scores) - 1) / 2) * width
        runs = [check_array(f"scores[{label!r}][{key!r}]", np.atleast_1d(values[key]), ndim=1) for key in keys]
        median = np.array([np.median(r) for r in runs])
        spread = np.array([[m - r.min(), r.max() - m] for m, r in zip(median, runs)]).T
        ax.bar(x, median, width, color=CYCLE_COLORS[j % len(CYCLE_COLORS)], hatch=("", "//", "..", "xx")[j % 4], edgecolor="black",
               linewidth=0.6, yerr=spread if max(len(r) for r in runs) > 1 else None, capsize=3, label=label)
        for xi, r in zip(x, runs):
            if r.size > 1:
                ax.plot(np.full(r.size, xi), r, "o", ms=3, color="black", zorder=3)
    if chance is not None:
        ax.axhline(chance, color="0.4", ls=":", lw=1)
    ax.set_xticks(np.arange(len(keys)), keys)
    ax.set(ylabel=ylabel, ylim=(0, 1.05))
    ax.legend(fontsize=9, loc="upper left")
    if title:
        ax.set_title(title)
    return ax


@validate(weights=Array(ndim=2), checked_in_body=("source", "target", "ax"))
def attention_map(weights, source, target, ax=None):
    """The attention weights of one translation: a row per written character, a column per source character.

    Introduced in notebook 08. Dark cells are the source characters the decoder looked at when it wrote
    that output character.

    Args:
        weights: 2-D array `(len(target), len(source))` (or larger; the extra rows/columns are padding).
        source: the input string. target: the written string (add "⏎" for the end marker if it is a row).
        ax: Axes to draw on; a new figure if None.

    Returns:
        The matplotlib Axes.
    """
    if not isinstance(source, str) or not isinstance(target, str) or not source or not target:
        raise TypeError("source and target must be non-empty strings (the input and the written characters).")
    if weights.shape[0] < len(target) or weights.shape[1] < len(source):
        raise ValueError(f"weights {weights.shape} must cover {len(target)} written x {len(source)} source characters.")
    ax = _axes(ax, figsize=(0.3 * len(source) + 2, 0.3 * len(target) + 1.2))
    image = ax.imshow(weights[: len(target), : len(source)], cmap="Greys", vmin=0, vmax=1, aspect="equal")
    ax.set_xticks(np.arange(len(source)), list(source.replace(" ", "␣")))
    ax.set_yticks(np.arange(len(target)), list(target))
    ax.set(xlabel="source character (what the encoder read)", ylabel="written character")
    ax.figure.colorbar(image, ax=ax, fraction=0.03, label="attention weight")
    return ax


# ---------------------------------------------------------------------------------------------------------
# Notebook 07 · Reading sequences: digit galleries, confusion matrices, a network changing its mind.
# ---------------------------------------------------------------------------------------------------------


@validate(images=Array(ndim=3, allow_empty=True), checked_in_body=("titles", "axes"))
def digit_gallery(images, titles, axes=None):
    """Draw small grey-scale images side by side, each with a title (e.g. "true 3, read 8").

    Introduced in notebook 07.

    Args:
        images: array `(n, height, width)`, values in [0, 1] (dark = ink).
        titles: list of `n` strings.
        axes: `n` Axes to draw on; a new row of figures if None.

    Returns:
        The list of Axes.
    """
    import matplotlib.pyplot as plt

    if not isinstance(titles, (list, tuple)) or len(titles) != len(images):
        raise ValueError(f"titles must be a list of {len(images)} strings, one per image, got {titles!r}.")
    if len(images) == 0:
        raise ValueError("images is empty: there is nothing to draw (no misclassified digits?).")
    if axes is None:
        _, axes = plt.subplots(1, len(images), figsize=(1.1 * len(images), 1.5), squeeze=False)
    axes = _check_axes_list(axes, len(images))
    for ax, image, title in zip(axes, images, titles):
        ax.imshow(image, cmap="Greys", vmin=0, vmax=1)
        ax.set_title(str(title), fontsize=8)
        ax.set_xticks([]), ax.set_yticks([])
    for ax in axes[len(images):]:
        ax.axis("off")
    return axes


@validate(counts=Array(ndim=2), title=Optional(Text()), checked_in_body=("labels", "ax"))
def confusion_heatmap(counts, labels, ax=None, title=None):
    """A confusion matrix: true class in rows, answer in columns, each count written in its cell.

    Introduced in notebook 07. Cells are shaded by the share of the row (light = few), so a weak class
    stands out however many examples it has.

    Args:
        counts: square int array `(classes, classes)`, e.g. from `rnn_helpers.scores.confusion_matrix`.
        labels: `classes` names for the rows and columns.
        ax: Axes to draw on; a new figure if None. title: optional title.

    Returns:
        The matplotlib Axes.
    """
    if not isinstance(labels, (list, tuple)) and not (isinstance(labels, np.ndarray) and labels.ndim == 1):
        raise TypeError(f"labels must be a list of class names, got {type(labels).__name__}. "
                        "Pass e.g. list(range(10)) or ['en', 'de'].")
    if counts.shape[0] != counts.shape[1] or len(labels) != counts.shape[0]:
        raise ValueError(f"counts must be square with one label per row, got shape {counts.shape} "
                         f"and {len(labels)} labels.")
    share = counts / np.maximum(counts.sum(axis=1, keepdims=True), 1)
    ax = _axes(ax, figsize=(0.45 * len(labels) + 1.5, 0.45 * len(labels) + 1))
    ax.imshow(share, cmap="Blues", vmin=0, vmax=1)
    for (i, j), count in np.ndenumerate(counts.astype(int)):
        if count:
            ax.text(j, i, str(count), ha="center", va="center", fontsize=7,
                    color="white" if share[i, j] > 0.6 else "black")
    ax.set_xticks(np.arange(len(labels)), [str(label) for label in labels])
    ax.set_yticks(np.arange(len(labels)), [str(label) for label in labels])
    ax.set(xlabel="answer", ylabel="true class")
    if title:
        ax.set_title(title)
    return ax


@validate(image=Array(ndim=2), beliefs=Array(ndim=2), checked_in_body=("axes",))
def reading_steps(image, beliefs, axes=None):
    """A digit revealed row by row, each panel titled with the network's best guess after that row.

    Introduced in notebook 07. Rows not yet read are greyed out.

    Args:
        image: array `(rows, width)`, values in [0, 1].
        beliefs: array `(rows, classes)`: the class probabilities after each row
            (from `rnn_helpers.reading.beliefs_by_step`).
        axes: `rows` Axes to draw on; a new row of figures if None.

    Returns:
        The list of Axes.
    """
    import matplotlib.pyplot as plt

    if len(beliefs) != len(image):
        raise ValueError(f"beliefs must have one row per image row ({len(image)}), got {len(beliefs)}.")
    if axes is None:
        _, axes = plt.subplots(1, len(image), figsize=(1.1 * len(image), 1.6), squeeze=False)
    axes = _check_axes_list(axes, len(image))
    for t, ax in enumerate(axes[: len(image)]):
        seen = image.copy()
        seen[t + 1:] = np.nan  # not read yet
        ax.imshow(np.where(np.isnan(seen), 0.15, seen), cmap="Greys", vmin=0, vmax=1)
        ax.axhspan(t + 0.5, len(image) - 0.5, color=OKABE_ITO["sky_blue"], alpha=0.25, lw=0)
        guess = int(np.argmax(beliefs[t]))
        ax.set_title(f"row {t + 1}: {guess} ({beliefs[t, guess]:.0%})", fontsize=8)
        ax.set_xticks([]), ax.set_yticks([])
    return axes


@validate(beliefs=Array(ndim=2), checked_in_body=("classes", "ax", "labels"))
def belief_curves(beliefs, classes, ax=None, labels=None):
    """How the probability of a few classes changes as the network reads step after step.

    Introduced in notebook 07. Each class gets its own colour and line style.

    Args:
        beliefs: array `(steps, n_classes)` of probabilities for one sequence.
        classes: the class indices to draw (a few, e.g. the final answer and the runners-up).
        ax: Axes to draw on; a new figure if None. labels: names for `classes` (default: the indices).

    Returns:
        The matplotlib Axes.
    """
    classes = [int(c) for c in classes]
    if not classes or min(classes) < 0 or max(classes) >= beliefs.shape[1]:
        raise ValueError(f"classes must be a non-empty list of indices in 0..{beliefs.shape[1] - 1}, got {classes}.")
    if labels is not None and not isinstance(labels, (list, tuple)):
        raise TypeError(f"labels must be None or a list of names, one per class, got {type(labels).__name__}.")
    if labels is not None and len(labels) != len(classes):
        raise ValueError(f"labels must hold {len(classes)} names, one per class in {classes}, got {len(labels)}.")
    labels = [str(c) for c in classes] if labels is None else [str(label) for label in labels]
    ax = _axes(ax, figsize=(4, 2.6))
    steps = np.arange(1, len(beliefs) + 1)
    for k, (c, label) in enumerate(zip(classes, labels)):
        ax.plot(steps, beliefs[:, c], ("-", "--", ":", "-.")[k % 4], marker="o", ms=3, lw=1.8,
                color=OKABE_ITO[("blue", "vermillion", "bluish_green", "reddish_purple")[k % 4]], label=label)
    ax.set(xlabel="steps read", ylabel="probability", ylim=(-0.03, 1.03), xticks=steps)
    ax.legend(fontsize=8, frameon=False)
    return ax
