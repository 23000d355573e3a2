"""Diagrams of recurrent networks drawn in code: the ways to use one, the unrolled network with
backpropagation through time, the parallel scan, and two layers (bidirectional, stacked).

Each helper takes `ax=None`, draws, and returns the Axes; none calls `plt.show()`.
"""

import numpy as np

from .._validation import Choice, Int, check_choice, check_int, validate
from .shapes import _arrow, _box, _diagram_axes, _node
from .style import OKABE_ITO, PALETTE

# --- ways to use a recurrent network (notebook 02) ---------------------------------------------------------

USAGE_MODES = ("every_step", "many_to_one", "warm_up", "generation", "warm_up_generation")
_USAGE_TITLES = {
    "every_step": "1 step by step:\nread every output",
    "many_to_one": "2 many-to-one:\nread only the\nlast output",
    "warm_up": "3 warm-up:\nskip the first outputs",
    "generation": "4 generation:\neach output is\nthe next input",
    "warm_up_generation": "5 warm-up, then\ngeneration",
}


def _usage_plan(mode, steps):
    """For each step: (input given?, output read?) — an input not given is the previous output fed back."""
    warm = steps // 2
    given = {"generation": [t == 0 for t in range(steps)],
             "warm_up_generation": [t < warm for t in range(steps)]}.get(mode, [True] * steps)
    read = {"many_to_one": [t == steps - 1 for t in range(steps)],
            "warm_up": [t >= warm for t in range(steps)],
            "warm_up_generation": [t >= warm - 1 for t in range(steps)]}.get(mode, [True] * steps)
    return given, read


def _usage_row(ax, y0, mode, steps):
    """One row of `usage_modes_diagram`: inputs below, cells in the middle, outputs above."""
    given, read = _usage_plan(mode, steps)
    ax.text(0.0, y0 + 0.9, _USAGE_TITLES[mode], ha="left", va="center", fontsize=9, gid=f"mode:{mode}")
    for t in range(steps):
        x = 3.2 + 1.3 * t
        _box(ax, (x, y0 + 0.9), "cell", PALETTE["hidden"], size=(0.7, 0.42), face="white", fontsize=8)
        if given[t]:
            _box(ax, (x, y0), f"$x_{t + 1}$", PALETTE["target"], size=(0.6, 0.4), gid="given")
        else:
            _box(ax, (x, y0), f"$\\hat y_{t}$", PALETTE["prediction"], size=(0.6, 0.4), ls="--", gid="fed_back")
            _arrow(ax, (x - 1.3 + 0.33, y0 + 1.72), (x - 0.35, y0 + 0.12), color=PALETTE["prediction"], ls="--",
                   gid="feedback")
        if read[t]:
            _box(ax, (x, y0 + 1.8), f"$\\hat y_{t + 1}$", PALETTE["prediction"], size=(0.6, 0.4), gid="read")
        else:
            _box(ax, (x, y0 + 1.8), "skip", "0.55", size=(0.6, 0.4), face="white", ls=":", fontsize=7, gid="skipped")
        _arrow(ax, (x, y0 + 0.25), (x, y0 + 0.66))
        _arrow(ax, (x, y0 + 1.14), (x, y0 + 1.55))
        if t + 1 < steps:
            _arrow(ax, (x + 0.4, y0 + 0.9), (x + 0.9, y0 + 0.9), color=PALETTE["forward"])


def _usage_legend(ax, y):
    """A key under the rows: what the boxes and arrows mean, in shapes as well as colours."""
    items = [("given input", PALETTE["target"], "-"), ("output read", PALETTE["prediction"], "-"),
             ("output skipped", "0.55", ":"), ("output fed back as input", PALETTE["prediction"], "--")]
    for k, (label, color, ls) in enumerate(items):
        x = 0.3 + 2.6 * k
        _box(ax, (x, y), "", color, size=(0.4, 0.3), ls=ls, face="white" if ls == ":" else None)
        ax.text(x + 0.35, y, label, va="center", fontsize=8)


@validate(steps=Int(minimum=3, maximum=8), checked_in_body=("ax", "modes"))
def usage_modes_diagram(ax=None, modes=USAGE_MODES, steps=6):
    """The ways to use a recurrent network, after the article: one unrolled row of boxes per way.

    Introduced in notebook 02, beside the list of uses. Each row shows `steps` copies of one cell passing
    its state to the right, inputs below and outputs above: read every output; read only the last; skip the
    first outputs while the state warms up; feed each output back in as the next input (generation); warm up
    on given inputs, then generate. Alt text to show with it: "Five rows of an unrolled recurrent network:
    reading every output, reading only the last, skipping the first outputs as a warm-up, feeding each
    output back as the next input, and a warm-up followed by generation."

    Args:
        ax: Axes to draw on; a new figure if None.
        modes: which rows to draw, in order; a subset of `USAGE_MODES`.
        steps: time steps per row; an int in [3, 8].

    Returns:
        the matplotlib Axes.

    Raises:
        ValueError: if a mode is unknown or `steps` is out of range.
    """
    if not isinstance(modes, (str, list, tuple)):
        raise TypeError(f"modes must be a mode name or a list of them from {list(USAGE_MODES)}, "
                        f"got {type(modes).__name__}.")
    modes = (modes,) if isinstance(modes, str) else tuple(modes)
    if not modes:
        raise ValueError(f"modes must name at least one of {list(USAGE_MODES)}, got an empty list.")
    for mode in modes:
        check_choice("mode in modes", mode, USAGE_MODES)
    height = 2.6 * len(modes) + 0.6
    ax = _diagram_axes(ax, (-0.1, 3.2 + 1.3 * (steps - 1) + 0.6), (-0.4, height), scale=0.75)
    for row, mode in enumerate(modes):
        _usage_row(ax, height - 2.6 * (row + 1) + 0.2, mode, steps)
    _usage_legend(ax, -0.15)
    return ax


# --- the unrolled network and backpropagation through time (notebooks 03 and 06) ---------------------------


def _bptt_forward(ax, steps):
    """Inputs, copies of the cell, outputs and losses, with the forward arrows."""
    for t in range(steps):
        x = 1.6 + 1.5 * t
        ax.text(x, 0.2, f"$x_{{{t + 1}}}$", ha="center", va="center", fontsize=10)
        _box(ax, (x, 1.5), "cell\n$W$", PALETTE["hidden"], size=(0.8, 0.7), face="white", gid="cell")
        _box(ax, (x, 2.9), f"$\\hat y_{{{t + 1}}}$", PALETTE["prediction"], size=(0.55, 0.4), gid="output")
        ax.text(x, 3.85, f"$L_{{{t + 1}}}$", ha="center", va="center", fontsize=10)
        _arrow(ax, (x, 0.45), (x, 1.1), color=PALETTE["forward"], gid="forward")
        _arrow(ax, (x, 1.9), (x, 2.65), color=PALETTE["forward"], gid="forward")
        _arrow(ax, (x, 3.15), (x, 3.62), color=PALETTE["forward"], gid="forward")
        start = (x - 1.5 + 0.45, 1.5) if t else (0.45, 1.5)
        _arrow(ax, start, (x - 0.45, 1.5), color=PALETTE["forward"], gid="forward")
    ax.text(0.2, 1.5, "$h_0$", ha="center", va="center", fontsize=10)


def _bptt_backward(ax, steps, truncate):
    """Gradient arrows (dashed, vermillion) from each loss down and back through time; cuts at chunk ends."""
    grad = dict(color=PALETTE["gradient"], ls="--", gid="gradient")
    for t in range(steps):
        x = 1.6 + 1.5 * t
        _arrow(ax, (x + 0.22, 3.62), (x + 0.22, 3.15), **grad)
        _arrow(ax, (x + 0.22, 2.65), (x + 0.22, 1.9), **grad)
        if t == 0:
            continue
        if truncate is not None and t % truncate == 0:
            for dx in (-0.85, -0.7):
                ax.plot([x + dx - 0.08, x + dx + 0.08], [0.78, 1.02], color="black", lw=2.2, gid="cut")
            ax.text(x - 0.75, 0.62, "cut", ha="center", va="top", fontsize=8)
        else:
            _arrow(ax, (x - 0.2, 1.12), (x - 1.3, 1.12), rad=-0.45, **grad)


@validate(steps=Int(minimum=2, maximum=10), checked_in_body=("truncate", "ax"))
def unrolled_bptt_diagram(steps=6, truncate=None, ax=None):
    """The network unrolled in time: copies of one cell with shared weights, and the gradients flowing back.

    Introduced in notebook 03 (full and truncated BPTT) and used again in notebook 06, where the article's
    stateful training of one step per update is `truncate=1`. Forward arrows (solid black) carry inputs up
    and the state to the right; gradient arrows (dashed vermillion) run from every loss back through time.
    With `truncate=k` the sequence is cut into chunks of k steps, marked by double bars: the state still
    flows forward across a cut, the gradient does not. Alt text to show with it: "An unrolled recurrent
    network of six copies of one cell with shared weights W; solid arrows carry inputs and the state forward,
    dashed arrows carry the gradient back from each loss, and with truncation the backward arrows stop at
    each chunk boundary while the forward state continues."

    Args:
        steps: number of copies drawn; an int in [2, 10].
        truncate: None for full BPTT, or the chunk length, an int in [1, steps].
        ax: Axes to draw on; a new figure if None.

    Returns:
        the matplotlib Axes.

    Raises:
        TypeError, ValueError: if `steps` or `truncate` is not an int in range.
    """
    if truncate is not None:
        truncate = check_int("truncate", truncate, minimum=1, maximum=steps)
    width = 1.6 + 1.5 * (steps - 1) + 0.8
    ax = _diagram_axes(ax, (-0.1, width), (-0.45, 4.6), scale=0.9)
    _bptt_forward(ax, steps)
    _bptt_backward(ax, steps, truncate)
    ax.text(width / 2, -0.3, "solid arrows: forward pass; dashed: gradient. Every copy uses the same weights $W$; their gradients add up.",
            ha="center", va="center", fontsize=9)
    if truncate is None:
        title = f"Full BPTT: the gradient flows back through all {steps} steps"
    elif truncate == 1:
        title = "Truncated to 1 step (the article's stateful training): the state flows on, no gradient goes back in time"
    else:
        title = f"Truncated BPTT, chunks of {truncate} steps: the state flows on, the gradient stops at each cut"
    ax.set_title(title, fontsize=10)
    return ax


@validate(steps=Int(minimum=2, maximum=16), checked_in_body=("ax",))
def scan_diagram(steps=8, ax=None):
    """The Hillis–Steele scan: in round k every position t ≥ 2^(k−1) combines with the one 2^(k−1) before it.

    Introduced in notebook 09. Each circle shows which steps its pair (A, B) already summarises ("3–6": steps
    3 to 6); after ⌈log₂ T⌉ rounds every position holds its whole prefix. Combines are vermillion arrows
    (gid "combine"), copies from the row above grey.

    Args:
        steps: positions T; an int in [2, 16]. ax: Axes to draw on; a new figure if None.

    Returns:
        the matplotlib Axes.
    """
    rounds = int(np.ceil(np.log2(steps)))
    ax = _diagram_axes(ax, (-1.6, steps + 0.2), (-rounds - 0.7, 0.9), scale=0.9)
    first = np.arange(1, steps + 1)  # the first step each position summarises
    for k in range(rounds + 1):
        if k:
            shift = 2 ** (k - 1)
            for t in range(steps):
                _arrow(ax, (t, -k + 0.67), (t, -k + 0.33), color="0.6", gid="copy")
                if t >= shift:
                    _arrow(ax, (t - shift + 0.15, -k + 1 - 0.25), (t - 0.15, -k + 0.25), color=PALETTE["gradient"],
                           gid="combine")
            first = np.where(np.arange(steps) >= shift, np.roll(first, shift), first)
        for t in range(steps):
            label = f"{t + 1}" if first[t] == t + 1 else f"{first[t]}–{t + 1}"
            _node(ax, (t, -k), label, radius=0.33)
        ax.text(-0.6, -k, "inputs" if k == 0 else f"round {k}", ha="right", va="center", fontsize=9)
    ax.set_title(f"Hillis–Steele scan: {steps} steps in {rounds} rounds instead of {steps}", fontsize=10)
    return ax


# --- two recurrent layers: bidirectional and stacked (notebooks 07 and 08) ---------------------------------

LAYERED_KINDS = ("bidirectional", "stacked")
_LAYER_STYLE = {"forward": (OKABE_ITO["blue"], "-"), "backward": (OKABE_ITO["vermillion"], "--"),
                "upper": (OKABE_ITO["bluish_green"], "-.")}


def _layer_row(ax, y, steps, name, text):
    """One recurrent layer, unrolled: a cell per step, its state passed right (or left, for "backward")."""
    color, ls = _LAYER_STYLE[name]
    ax.text(-0.55, y, text, ha="right", va="center", fontsize=8, color=color, gid=f"layer:{name}")
    for t in range(steps):
        _box(ax, (1.4 * t, y), "cell", color, size=(0.72, 0.42), fontsize=8, ls=ls, gid=f"cell:{name}")
        if t + 1 < steps:
            start, end = ((1.4 * t + 0.4, y), (1.4 * t + 1.0, y))
            _arrow(ax, *((end, start) if name == "backward" else (start, end)), color=color, ls=ls, gid=f"state:{name}")


@validate(kind=Choice(LAYERED_KINDS), steps=Int(minimum=2, maximum=10), checked_in_body=("labels", "ax"))
def layered_rnn_diagram(kind="bidirectional", steps=4, labels=None, ax=None):
    """Two recurrent layers unrolled in time: a bidirectional layer, or two layers stacked.

    Introduced in notebook 08. "bidirectional": one layer reads the inputs left to right (blue, solid), a
    second one right to left (vermillion, dashed); the output at each step puts both states side by side,
    so it knows the whole sequence around that step. "stacked": the first layer's output at every step
    (`return_sequences=True`) is the second layer's input (green, dash-dotted). Alt text to show with it:
    "Inputs at the bottom, two rows of recurrent cells above them, outputs at the top; in the bidirectional
    picture the upper row passes its state from right to left, in the stacked one the lower row's outputs
    feed the upper row."

    Args:
        kind: "bidirectional" or "stacked".
        steps: time steps drawn; an int in [2, 10].
        labels: None, or one short input label per step (e.g. the characters of a date).
        ax: Axes to draw on; a new figure if None.

    Returns:
        the matplotlib Axes.
    """
    if labels is None:
        labels = [f"$x_{t + 1}$" for t in range(steps)]
    if isinstance(labels, str) or not isinstance(labels, (list, tuple)) or len(labels) != steps:
        raise ValueError(f"labels must be None or a list of {steps} short strings, one per step, got {labels!r}.")
    ax = _diagram_axes(ax, (-2.6, 1.4 * steps - 0.4), (-0.5, 3.6), scale=0.75)
    second = "backward" if kind == "bidirectional" else "upper"
    _layer_row(ax, 1.0, steps, "forward", "reads left\nto right")
    _layer_row(ax, 2.0, steps, second, "reads right\nto left" if kind == "bidirectional" else "second layer")
    for t, label in enumerate(labels):
        x = 1.4 * t
        _box(ax, (x, 0.0), str(label), PALETTE["target"], size=(0.6, 0.4), gid="input")
        _arrow(ax, (x, 0.22), (x, 0.77))
        if kind == "bidirectional":  # the same input reaches both layers; the output joins both states
            _arrow(ax, (x - 0.3, 0.2), (x - 0.45, 1.78), color=_LAYER_STYLE["backward"][0], ls="--")
            _arrow(ax, (x + 0.45, 1.1), (x + 0.45, 2.95), color=_LAYER_STYLE["forward"][0])
            output = f"$[\\overrightarrow{{h}}_{t + 1}; \\overleftarrow{{h}}_{t + 1}]$"
        else:  # the first layer's output is the second layer's input
            _arrow(ax, (x, 1.22), (x, 1.77), color=_LAYER_STYLE["upper"][0], ls="-.")
            output = f"$h^{{(2)}}_{t + 1}$"
        _arrow(ax, (x, 2.22), (x, 2.8))
        ax.text(x, 3.1, output, ha="center", va="center", fontsize=8, gid="output")
    return ax
