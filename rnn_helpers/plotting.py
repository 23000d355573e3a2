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


# ---------------------------------------------------------------------------------------------------------
# Notebook 08 · Writing sequences: keyboard accuracy, temperatures, translation by format, attention maps.
# ---------------------------------------------------------------------------------------------------------

OKABE_ITO = ("#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#000000")


def _check_scores(name, scores):
    """A dict label -> dict of named values, non-empty; used by the grouped bar charts below."""
    if not isinstance(scores, dict) or not scores or not all(isinstance(v, dict) and v for v in scores.values()):
        raise TypeError(f"{name} must be a non-empty dict of label -> dict of values, got {type(scores).__name__}.")
    return scores


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
    scores = _check_scores("scores", scores)
    keys = list(next(iter(scores.values())))
    ax = _axes(ax)
    width = 0.8 / len(scores)
    for j, (label, values) in enumerate(scores.items()):
        x = np.arange(len(keys)) + (j - (len(scores) - 1) / 2) * width
        runs = [check_array(f"scores[{label!r}][{key!r}]", np.atleast_1d(values[key]), ndim=1) for key in keys]
        median = np.array([np.median(r) for r in runs])
        spread = np.array([[m - r.min(), r.max() - m] for m, r in zip(median, runs)]).T
        ax.bar(x, median, width, color=OKABE_ITO[j % 8], hatch=("", "//", "..", "xx")[j % 4], edgecolor="black",
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
    weights = check_array("weights", weights, ndim=2)
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

    images = check_array("images", images, ndim=3, allow_empty=True)
    if not isinstance(titles, (list, tuple)) or len(titles) != len(images):
        raise ValueError(f"titles must be a list of {len(images)} strings, one per image, got {titles!r}.")
    if len(images) == 0:
        raise ValueError("images is empty: there is nothing to draw (no misclassified digits?).")
    if axes is None:
        _, axes = plt.subplots(1, len(images), figsize=(1.1 * len(images), 1.5), squeeze=False)
    axes = list(np.ravel(axes))
    if len(axes) < len(images):
        raise ValueError(f"{len(images)} images need at least as many Axes, got {len(axes)}.")
    for ax, image, title in zip(axes, images, titles):
        ax.imshow(image, cmap="Greys", vmin=0, vmax=1)
        ax.set_title(str(title), fontsize=8)
        ax.set_xticks([]), ax.set_yticks([])
    for ax in axes[len(images):]:
        ax.axis("off")
    return axes


def confusion_heatmap(counts, labels, ax=None, title=None):
    """A confusion matrix: true class in rows, answer in columns, each count written in its cell.

    Introduced in notebook 07. Cells are shaded by the share of the row (light = few), so a weak class
    stands out however many examples it has.

    Args:
        counts: square int array `(classes, classes)`, e.g. from `rnn_helpers.reading.confusion_matrix`.
        labels: `classes` names for the rows and columns.
        ax: Axes to draw on; a new figure if None. title: optional title.

    Returns:
        The matplotlib Axes.
    """
    counts = check_array("counts", counts, ndim=2)
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

    image = check_array("image", image, ndim=2)
    beliefs = check_array("beliefs", beliefs, ndim=2)
    if len(beliefs) != len(image):
        raise ValueError(f"beliefs must have one row per image row ({len(image)}), got {len(beliefs)}.")
    if axes is None:
        _, axes = plt.subplots(1, len(image), figsize=(1.1 * len(image), 1.6), squeeze=False)
    axes = list(np.ravel(axes))
    for t, ax in enumerate(axes[: len(image)]):
        seen = image.copy()
        seen[t + 1:] = np.nan  # not read yet
        ax.imshow(np.where(np.isnan(seen), 0.15, seen), cmap="Greys", vmin=0, vmax=1)
        ax.axhspan(t + 0.5, len(image) - 0.5, color=OKABE_ITO[1], alpha=0.25, lw=0)
        guess = int(np.argmax(beliefs[t]))
        ax.set_title(f"row {t + 1}: {guess} ({beliefs[t, guess]:.0%})", fontsize=8)
        ax.set_xticks([]), ax.set_yticks([])
    return axes


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
    beliefs = check_array("beliefs", beliefs, ndim=2)
    classes = [int(c) for c in classes]
    if not classes or min(classes) < 0 or max(classes) >= beliefs.shape[1]:
        raise ValueError(f"classes must be a non-empty list of indices in 0..{beliefs.shape[1] - 1}, got {classes}.")
    labels = [str(c) for c in classes] if labels is None else [str(label) for label in labels]
    ax = _axes(ax, figsize=(4, 2.6))
    steps = np.arange(1, len(beliefs) + 1)
    for k, (c, label) in enumerate(zip(classes, labels)):
        ax.plot(steps, beliefs[:, c], ("-", "--", ":", "-.")[k % 4], marker="o", ms=3, lw=1.8,
                color=OKABE_ITO[(4, 5, 2, 6)[k % 4]], label=label)
    ax.set(xlabel="steps read", ylabel="probability", ylim=(-0.03, 1.03), xticks=steps)
    ax.legend(fontsize=8, frameon=False)
    return ax
