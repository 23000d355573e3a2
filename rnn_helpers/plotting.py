"""Every figure of the course: one palette, data plots and the diagrams drawn in code.

Each helper takes `ax=None` (or `fig=None` for figures of several panels), draws, and returns the Axes
(or Figure); none calls `plt.show()`. The module stands on numpy, matplotlib and `_validation` only.

Colours come from one colour-blind-safe palette, Okabe–Ito (Okabe & Ito, "Color Universal Design", 2008):
`PALETTE` names a colour for every role a figure shows, and `use_course_style()` makes matplotlib cycle
through the same colours with a different line style for each, so compared curves differ in two ways.
"""

import numpy as np

from ._validation import check_array, check_choice, check_float, check_int, check_text

# --- palette and style -------------------------------------------------------------------------------------

OKABE_ITO = {
    "black": "#000000",
    "orange": "#E69F00",
    "sky_blue": "#56B4E9",
    "bluish_green": "#009E73",
    "yellow": "#F0E442",
    "blue": "#0072B2",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
}

_O = OKABE_ITO
PALETTE = {
    # LSTM parts (notebook 04); forget and input are blue and vermillion, a pair every reader tells apart
    "forget": _O["blue"], "input": _O["vermillion"], "candidate": _O["orange"], "output": _O["reddish_purple"],
    "output_tanh": _O["sky_blue"], "cell_state": _O["bluish_green"], "hidden": _O["black"],
    # GRU parts (notebook 05): the update gate keeps the old state as the forget gate does
    "update": _O["blue"], "reset": _O["vermillion"], "blend": _O["bluish_green"],
    # series (notebooks 01, 02, 06): the article's blue truth and orange forecast
    "target": _O["blue"], "prediction": _O["orange"], "signal": _O["black"],
    # the four cells (and Keras' name for the Elman cell)
    "Elman": _O["sky_blue"], "SimpleRNN": _O["sky_blue"], "Jordan": _O["reddish_purple"],
    "LSTM": _O["blue"], "GRU": _O["vermillion"],
    # training methods (notebook 06)
    "article": _O["black"], "compiled": _O["orange"], "bptt": _O["blue"],
    # diagrams
    "forward": _O["black"], "gradient": _O["vermillion"], "mark": _O["black"], "muted": "#BBBBBB",
}

LINESTYLES = {
    "target": "-", "prediction": "--", "signal": "-",
    "Elman": "-", "SimpleRNN": "-", "Jordan": "--", "LSTM": "-.", "GRU": ":",
    "article": ":", "compiled": "--", "bptt": "-",
    "forget": "-", "input": "--", "output": "-.", "update": "-", "reset": "--",
}

# the order matplotlib cycles through after `use_course_style()` (yellow is left out: too pale on white)
CYCLE_COLORS = [_O[name] for name in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple",
                                      "sky_blue", "black")]
CYCLE_LINESTYLES = ["-", "--", "-.", ":", (0, (8, 2)), (0, (5, 2, 1, 2, 1, 2)), (0, (1, 3))]


def use_course_style():
    """Make matplotlib draw with the course palette: Okabe–Ito colours, each with its own line style.

    Introduced in notebook 01; every notebook calls it once in its setup cell. Lines drawn without an
    explicit colour then take blue solid, orange dashed, bluish green dash-dot, ... in turn.

    Returns:
        the `cycler` now in `matplotlib.rcParams["axes.prop_cycle"]`.
    """
    import matplotlib as mpl
    from cycler import cycler

    cycle = cycler(color=CYCLE_COLORS) + cycler(linestyle=CYCLE_LINESTYLES)
    mpl.rcParams["axes.prop_cycle"] = cycle
    mpl.rcParams["image.cmap"] = "cividis"  # a colour-blind-safe default for heat maps without their own
    return cycle


def line_style(role, fallback_index=0):
    """`dict(color=..., linestyle=...)` for a role of `PALETTE`, or the course cycle's entry `fallback_index`.

    Used by every figure helper; notebooks may call it too, e.g. `ax.plot(t, y, **rh.plotting.line_style("GRU"))`.
    """
    fallback_index = check_int("fallback_index", fallback_index, minimum=0)
    if check_text("role", role) in PALETTE:
        return {"color": PALETTE[role], "linestyle": LINESTYLES.get(role, "-")}
    k = fallback_index % len(CYCLE_COLORS)
    return {"color": CYCLE_COLORS[k], "linestyle": CYCLE_LINESTYLES[k]}


def gate_cmap():
    """Colour map for gate values: white (closed, 0) to dark bluish green (open, 1); lightness carries the value."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("course_gate", ["#FFFFFF", "#A8DCCB", _O["bluish_green"],
                                                             "#00402E"])


def signed_cmap():
    """Diverging colour map for values in [-1, 1]: blue (negative), white (0), vermillion (positive)."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("course_signed", ["#003A5C", _O["blue"], "#FFFFFF",
                                                               _O["vermillion"], "#6B2C00"])


def _axes(ax, figsize=(8, 3.5)):
    """`ax`, or new Axes in a new figure of `figsize` if it is None."""
    import matplotlib.pyplot as plt
    from matplotlib.axes import Axes

    if ax is None:
        _, ax = plt.subplots(figsize=figsize)
    elif not isinstance(ax, Axes):
        raise TypeError(f"ax must be matplotlib Axes or None, got {type(ax).__name__}. Pass e.g. ax=plt.gca().")
    return ax


def _figure(fig, figsize):
    """`fig`, or a new figure of `figsize` if it is None."""
    import matplotlib.pyplot as plt
    from matplotlib.figure import Figure

    if fig is None:
        return plt.figure(figsize=figsize)
    if not isinstance(fig, Figure):
        raise TypeError(f"fig must be a matplotlib Figure or None, got {type(fig).__name__}. Pass e.g. plt.figure().")
    return fig


def _check_dict_of_lines(name, value):
    if not isinstance(value, dict) or not value:
        raise TypeError(f"{name} must be a non-empty dict of label -> 1-D array, got {type(value).__name__}.")
    return {label: check_array(f"{name}[{label!r}]", v, ndim=1) for label, v in value.items()}


# --- data figures ------------------------------------------------------------------------------------------


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
    series = check_array("series", series, ndim=1)
    expected = check_array("expected", expected, ndim=1)
    generated = check_array("generated", generated, ndim=1)
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
        ax.set_title(check_text("title", title))
    return ax


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
    errors = _check_dict_of_lines("errors", errors)
    ax = _axes(ax)
    for k, (label, values) in enumerate(errors.items()):
        ax.semilogy(np.arange(1, values.size + 1), np.maximum(values, 1e-6), marker=".", label=label,
                    **line_style(label, k))
    ax.set(xlabel="steps generated (horizon)", ylabel="|generated − expected|")
    ax.legend(fontsize=9)
    return ax


def loss_curves(losses, ax=None):
    """Training loss per epoch on a log scale, one line per method.

    Introduced in notebook 06. Colours and line styles as in `error_by_horizon`.

    Args:
        losses: dict mapping a label to a 1-D array of per-epoch losses.
        ax: Axes to draw on; a new figure if None.

    Returns:
        The matplotlib Axes.
    """
    losses = _check_dict_of_lines("losses", losses)
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


# --- drawing primitives for the diagrams -------------------------------------------------------------------

_MUTED_ALPHA = 0.22


def _tint(color, amount=0.75):
    """`color` mixed with white: `amount` 0 keeps it, 1 gives white."""
    from matplotlib.colors import to_rgb

    return tuple(c + (1 - c) * amount for c in to_rgb(color))


def _box(ax, xy, text, color, on=True, bold=False, size=(1.5, 0.8), gid=None, face=None, fontsize=9, ls="-"):
    """A rounded box with centred text. `on=False` mutes it; `bold` emphasises it (the part under discussion)."""
    from matplotlib.patches import FancyBboxPatch

    (x, y), (width, height) = xy, size
    patch = FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                           facecolor=_tint(color, 0.55 if bold else 0.75) if face is None else face, edgecolor=color if on else "0.5",
                           lw=2.8 if bold else 1.2, ls=ls, alpha=1.0 if on else _MUTED_ALPHA, zorder=2, gid=gid)
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=5, gid=gid,
            color="black" if on else "0.6")
    return patch


def _node(ax, xy, symbol, on=True, bold=False, gid=None, radius=0.25):
    """A small circle holding an operation (×, +, 1−)."""
    import matplotlib.pyplot as plt

    ax.add_patch(plt.Circle(xy, radius, facecolor="white", edgecolor="0.15" if on else "0.6", zorder=3,
                            lw=2.4 if bold else 1.2, alpha=1.0 if on else _MUTED_ALPHA + 0.2, gid=gid))
    ax.text(*xy, symbol, ha="center", va="center", fontsize=11 if len(symbol) == 1 else 9, zorder=4,
            color="black" if on else "0.6", gid=gid)


def _arrow(ax, start, end, on=True, bold=False, color="0.3", ls="-", gid=None, rad=0.0, head=True):
    """An arrow (or a plain line when `head` is False) from `start` to `end`."""
    from matplotlib.patches import FancyArrowPatch

    patch = FancyArrowPatch(start, end, arrowstyle="-|>" if head else "-", mutation_scale=11, lw=2.4 if bold else 1.2,
                            color=color if on else "0.6", ls=ls, alpha=1.0 if on else _MUTED_ALPHA + 0.2,
                            connectionstyle=f"arc3,rad={rad}", zorder=1, gid=gid, shrinkA=0, shrinkB=0)
    ax.add_patch(patch)
    return patch


def _diagram_axes(ax, xlim, ylim, scale=0.8):
    """Axes for a diagram in data units, equal aspect, no frame; a new figure is `scale` inches per unit."""
    ax = _axes(ax, figsize=(scale * (xlim[1] - xlim[0]), scale * (ylim[1] - ylim[0])))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _check_highlight(highlight, allowed):
    if highlight is not None and (not isinstance(highlight, str) or highlight not in allowed):
        raise ValueError(f"highlight must be None or one of {list(allowed)}, got {highlight!r}.")
    return highlight


def _emphasis(part, highlight):
    """(on, bold) for a drawing element of `part` (a name or a set of names) given the highlighted part."""
    parts = {part} if isinstance(part, str) else set(part)
    if highlight is None:
        return True, False
    return highlight in parts, highlight in parts


# --- the LSTM cell: diagram (notebook 04) and the explorer's value picture ---------------------------------

LSTM_PARTS = ("forget", "input", "candidate", "output", "output_tanh")
_LSTM_CAPTIONS = {
    None: "LSTM cell: the cell state $c$ runs along the top; four parts read $x_t$ and $h_{t-1}$",
    "forget": "1 forget gate: which part of the old cell state $c_{t-1}$ to keep",
    "input": "2 input gate: which part of the candidate to store",
    "candidate": "3 candidate: tanh prepares new values to store",
    "output": "4 output gate: which part of the cell state to send out as $h_t$",
    "output_tanh": "5 tanh on the output: squashes $c_t$ into (−1, 1) before the output gate",
}
_LSTM_BOXES = (  # part, x, diagram label, value label, is a gate
    ("forget", 2.5, "1 forget gate\nσ → $f_t$", "1 forget $f$", True),
    ("input", 4.2, "2 input gate\nσ → $i_t$", "2 input $i$", True),
    ("candidate", 5.9, "3 candidate\ntanh → $\\tilde c_t$", "3 cand. $\\tilde c$", False),
    ("output", 7.6, "4 output gate\nσ → $o_t$", "4 output $o$", True),
)
_TOP, _LOW = 4.3, 1.9  # heights of the cell-state line and of the row of gates


def _value_face(value, is_gate):
    return gate_cmap()(0.85 * value) if is_gate else signed_cmap()(0.5 + 0.45 * float(np.clip(value, -1, 1)))


def _value_text(label, value, is_gate):
    return f"{label}\n{value:.2f}" if is_gate else f"{label}\n{value:+.2f}"


def _lstm_state_line(ax, highlight, values):
    """The cell-state line along the top: c_{t-1} -> (× f) -> (+ i c~) -> c_t."""
    fmt = (lambda key: "") if values is None else (lambda key: f"\n{values[key]:+.2f}")
    ax.text(0.1, _TOP, f"$c_{{t-1}}${fmt('c_prev')}", ha="left", va="center", fontsize=10)
    ax.text(9.05, _TOP, f"$c_t${fmt('c')}", ha="left", va="center", fontsize=10)
    line = dict(color=PALETTE["cell_state"], gid="cell_state")
    _arrow(ax, (0.8, _TOP), (2.25, _TOP), **line)
    _node(ax, (2.5, _TOP), "×", *_emphasis("forget", highlight), gid="forget")
    _arrow(ax, (2.75, _TOP), (4.75, _TOP), **line)
    _node(ax, (5.0, _TOP), "+", *_emphasis({"input", "candidate"}, highlight), gid="input+candidate")
    _arrow(ax, (5.25, _TOP), (9.0, _TOP), **line)


def _lstm_gate_row(ax, highlight, values):
    """The four parts computed from x_t and h_{t-1}, and the product i ⊙ c~ that is added to the state."""
    for part, x, label, value_label, is_gate in _LSTM_BOXES:
        on, bold = _emphasis(part, highlight)
        if values is None:
            _box(ax, (x, _LOW), label, PALETTE[part], on, bold, gid=part)
        else:
            key = {"forget": "f", "input": "i", "candidate": "c_tilde", "output": "o"}[part]
            face = _value_face(values[key], is_gate)
            _box(ax, (x, _LOW), _value_text(value_label, values[key], is_gate), PALETTE[part], face=face, gid=part)
            dark = (is_gate and values[key] > 0.6) or (not is_gate and abs(values[key]) > 0.7)
            ax.texts[-1].set_color("white" if dark else "black")
    colour = (lambda part: "0.3") if values is not None else (lambda part: PALETTE[part])
    _arrow(ax, (2.5, _LOW + 0.45), (2.5, _TOP - 0.27), *_emphasis("forget", highlight), colour("forget"), gid="forget")
    _node(ax, (5.0, 3.1), "×", *_emphasis({"input", "candidate"}, highlight), gid="input+candidate")
    _arrow(ax, (4.2, _LOW + 0.45), (4.8, 2.93), *_emphasis("input", highlight), colour("input"), gid="input")
    _arrow(ax, (5.9, _LOW + 0.45), (5.2, 2.93), *_emphasis("candidate", highlight), colour("candidate"),
           gid="candidate")
    _arrow(ax, (5.0, 3.35), (5.0, _TOP - 0.27), *_emphasis({"input", "candidate"}, highlight), gid="input+candidate")


def _lstm_output_side(ax, highlight, values):
    """tanh(c_t) multiplied by the output gate gives h_t."""
    on, bold = _emphasis("output_tanh", highlight)
    if values is None:
        _box(ax, (8.6, 3.45), "5 tanh($c_t$)", PALETTE["output_tanh"], on, bold, size=(1.3, 0.6), gid="output_tanh")
    else:
        tanh_c = float(np.tanh(values["c"]))
        _box(ax, (8.6, 3.45), _value_text("5 tanh($c_t$)", tanh_c, False), PALETTE["output_tanh"],
             face=_value_face(tanh_c, False), size=(1.3, 0.7), gid="output_tanh")
    _arrow(ax, (8.6, _TOP), (8.6, 3.8), on, bold, gid="output_tanh")
    _node(ax, (8.6, 2.55), "×", *_emphasis({"output", "output_tanh"}, highlight), gid="output+output_tanh")
    _arrow(ax, (8.6, 3.1), (8.6, 2.8), on, bold, gid="output_tanh")
    colour = "0.3" if values is not None else PALETTE["output"]
    _arrow(ax, (7.6, _LOW + 0.45), (8.36, 2.5), *_emphasis("output", highlight), colour, gid="output")
    _arrow(ax, (8.85, 2.55), (9.5, 2.55), *_emphasis("output", highlight), gid="output")
    ax.text(9.52, 2.55, "$h_t$" + ("" if values is None else f"\n{values['h']:+.2f}"), ha="left", va="center",
            fontsize=10)


def _lstm_inputs(ax, values):
    """x_t and h_{t-1} along the bottom, feeding every part."""
    if values is None:
        text = "$x_t$ and $h_{t-1}$"
    else:
        text = f"$x_t$ = {values['x']:+.2f}    $h_{{t-1}}$ = {values['h_prev']:+.2f}"
    ax.text(0.1, 0.45, text, ha="left", va="center", fontsize=10)
    ax.plot([1.6, 7.6], [0.85, 0.85], color="0.35", lw=1.2)
    for x in (2.5, 4.2, 5.9, 7.6):
        _arrow(ax, (x, 0.85), (x, _LOW - 0.45))


def _draw_lstm_cell(ax, highlight=None, values=None):
    """The one LSTM drawing: labelled parts (`values` None) or each part coloured by its value."""
    _lstm_state_line(ax, highlight, values)
    _lstm_gate_row(ax, highlight, values)
    _lstm_output_side(ax, highlight, values)
    _lstm_inputs(ax, values)


def lstm_cell_diagram(highlight=None, ax=None):
    """The LSTM cell, left to right as the article lists its parts, with one part emphasised.

    Introduced in notebook 04, shown once without a highlight at the start and then before each of the five
    parts with `highlight` set to it; the other parts are drawn pale. Alt text to show with it:
    "Diagram of an LSTM cell: the cell state runs along the top from c_t−1 to c_t, multiplied by the forget
    gate and added to the input gate times the tanh candidate, and h_t is the output gate times tanh(c_t)."

    Args:
        highlight: None, or the part under discussion: "forget", "input", "candidate", "output", "output_tanh".
        ax: Axes to draw on; a new figure if None.

    Returns:
        the matplotlib Axes.

    Raises:
        ValueError: if `highlight` is not one of the parts.
    """
    highlight = _check_highlight(highlight, LSTM_PARTS)
    ax = _diagram_axes(ax, (0, 10), (0, 5.2))
    _draw_lstm_cell(ax, highlight=highlight)
    ax.set_title(_LSTM_CAPTIONS[highlight], fontsize=10)
    return ax


_TRACE_KEYS = ("x", "f", "i", "c_tilde", "o", "c", "h")


def _check_trace(trace):
    """Validate a gate trace from `rnn_helpers.gates.lstm_gate_trace`; return it with float64 arrays."""
    if not isinstance(trace, dict):
        raise TypeError(
            f"trace must be the dict returned by rnn_helpers.gates.lstm_gate_trace, got {type(trace).__name__}."
        )
    missing = [key for key in _TRACE_KEYS if key not in trace]
    if missing:
        raise ValueError(f"trace is missing {missing}; make it with rnn_helpers.gates.lstm_gate_trace(layer, x).")
    checked = {key: check_array(f"trace['{key}']", trace[key], ndim=2) for key in _TRACE_KEYS}
    shape = checked["f"].shape
    for key in _TRACE_KEYS[1:]:
        if checked[key].shape != shape:
            raise ValueError(f"trace['{key}'] must have shape {shape} like trace['f'], got {checked[key].shape}.")
    if checked["x"].shape[0] != shape[0]:
        raise ValueError(f"trace['x'] must have {shape[0]} time steps like the gates, got {checked['x'].shape[0]}.")
    return checked


def lstm_cell_values(trace, step, unit):
    """The numbers the cell picture shows: every part of unit `unit` at time `step`.

    Introduced in notebook 04.

    Args:
        trace: dict from `rnn_helpers.gates.lstm_gate_trace`, arrays `(time, units)`.
        step: time step, 0 <= step < time.
        unit: unit, 0 <= unit < units.

    Returns:
        dict of floats: "x" (first input feature), "c_prev", "h_prev" (0 at step 0), "f", "i", "c_tilde",
        "o", "c", "h".
    """
    trace = _check_trace(trace)
    time, units = trace["f"].shape
    step = check_int("step", step, minimum=0, maximum=time - 1)
    unit = check_int("unit", unit, minimum=0, maximum=units - 1)
    values = {key: float(trace[key][step, unit]) for key in ("f", "i", "c_tilde", "o", "c", "h")}
    values["x"] = float(trace["x"][step, 0])
    values["c_prev"] = float(trace["c"][step - 1, unit]) if step > 0 else 0.0
    values["h_prev"] = float(trace["h"][step - 1, unit]) if step > 0 else 0.0
    return values


def _unit_over_time(ax, trace, step, unit):
    """This unit's gates over the whole sequence, with a line at `step`."""
    steps = np.arange(trace["f"].shape[0])
    for key, role, label in (("f", "forget", "forget f"), ("i", "input", "input i"), ("o", "output", "output o")):
        ax.plot(steps, trace[key][:, unit], label=label, lw=1.5, **line_style(role))
    ax.plot(steps, trace["x"][:, 0], color="0.55", lw=1, ls=(0, (1, 2)), label="input x")
    ax.axvline(step, color="black", lw=1)
    ax.set_xlim(steps[0], max(steps[-1], 1))
    ax.set_ylim(-1.1, 1.1)
    ax.set_xlabel("time step")
    ax.legend(loc="lower left", ncol=4, fontsize=8, frameon=False)


def lstm_cell_picture(trace, step, unit, fig=None):
    """Draw the LSTM cell of one unit at one time step, each part coloured by its value.

    Introduced in notebook 04 (the gate explorer redraws it). Top: the cell as in `lstm_cell_diagram`,
    with the value of every part written in its box (gates: white = closed 0, dark bluish green = open 1;
    tanh parts: blue −1 ... vermillion +1). Bottom: this unit's gates over the whole sequence (forget blue
    solid, input vermillion dashed, output purple dash-dot), with a line at `step`.

    Args:
        trace: dict from `rnn_helpers.gates.lstm_gate_trace`.
        step: time step to show. unit: unit to show.
        fig: a matplotlib Figure to draw into (it is cleared); a new one if None.

    Returns:
        the matplotlib Figure.
    """
    values = lstm_cell_values(trace, step, unit)
    trace = _check_trace(trace)
    fig = _figure(fig, (9, 5.6))
    fig.clear()
    ax, ax_time = fig.subplots(2, 1, gridspec_kw={"height_ratios": [2.1, 1]})
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5.2)
    ax.axis("off")
    _draw_lstm_cell(ax, values=values)
    ax.set_title(f"LSTM unit {unit} at time step {step}", fontsize=11)
    _unit_over_time(ax_time, trace, step, unit)
    fig.tight_layout()
    return fig


# --- the GRU cell (notebook 05) ----------------------------------------------------------------------------

GRU_PARTS = ("update", "reset", "candidate", "blend")
_GRU_CAPTIONS = {
    None: "GRU cell: the state $h$ runs along the top; two gates and a candidate read $x_t$ and $h_{t-1}$",
    "update": "update gate $z$: how much of the old state $h_{t-1}$ to keep",
    "reset": "reset gate $r$: how much of $h_{t-1}$ the candidate may use",
    "candidate": "candidate: tanh of $x_t$ and the reset-gated $h_{t-1}$",
    "blend": "blend: keep $z$ of the old state, take $1 - z$ of the candidate",
}


def _gru_state_line(ax, highlight):
    """h_{t-1} along the top, × z, + (1 − z) h~, out as h_t; and its drop into the inputs' bus."""
    on, bold = _emphasis("blend", highlight)
    line = dict(color=PALETTE["blend"], gid="state")
    ax.text(0.1, _TOP + 0.35, "$h_{t-1}$", ha="left", va="bottom", fontsize=10)
    _arrow(ax, (0.1, _TOP), (1.75, _TOP), **line)
    _node(ax, (2.0, _TOP), "×", *_emphasis({"update", "blend"}, highlight), gid="update+blend")
    _arrow(ax, (2.25, _TOP), (5.95, _TOP), **line)
    _node(ax, (6.2, _TOP), "+", on, bold, gid="blend")
    _arrow(ax, (6.45, _TOP), (9.2, _TOP), **line)
    ax.text(9.25, _TOP, "$h_t$", ha="left", va="center", fontsize=10)
    _arrow(ax, (0.9, _TOP), (0.9, 0.8), head=False)  # h_{t-1} also feeds the gates
    ax.text(7.0, 3.0, "$h_t = z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t$", fontsize=10, va="center",
            color="black" if on else "0.6", fontweight="bold" if bold else "normal", gid="blend")


def _gru_gates(ax, highlight):
    """Update gate z (straight up to the state line, and 1 − z to the candidate's ×) and reset gate r."""
    on, bold = _emphasis("update", highlight)
    _box(ax, (2.0, _LOW), "update gate\nσ → $z_t$", PALETTE["update"], on, bold, size=(1.3, 0.8), gid="update")
    _arrow(ax, (2.0, _LOW + 0.45), (2.0, _TOP - 0.27), on, bold, color=PALETTE["update"], gid="update")
    _arrow(ax, (2.0, 3.3), (3.85, 3.3), on, bold, color=PALETTE["update"], gid="update")
    _node(ax, (4.1, 3.3), "1−", *_emphasis({"update", "blend"}, highlight), gid="update+blend")
    _arrow(ax, (4.35, 3.3), (5.95, 3.3), on, bold, color=PALETTE["update"], gid="update")
    on, bold = _emphasis("reset", highlight)
    _box(ax, (3.6, _LOW), "reset gate\nσ → $r_t$", PALETTE["reset"], on, bold, size=(1.3, 0.8), gid="reset")
    _node(ax, (4.85, _LOW), "×", *_emphasis({"reset", "candidate"}, highlight), gid="reset+candidate")
    _arrow(ax, (4.3, _LOW), (4.6, _LOW), on, bold, color=PALETTE["reset"], gid="reset")
    _arrow(ax, (4.85, 0.8), (4.85, _LOW - 0.25), on, bold, gid="reset")  # r multiplies h_{t-1}'s term


def _gru_candidate(ax, highlight):
    """The tanh candidate, fed by x_t and r ⊙ (h_{t-1}'s term), and its (1 − z) share."""
    on, bold = _emphasis("candidate", highlight)
    _box(ax, (6.2, _LOW), "candidate\ntanh → $\\tilde h_t$", PALETTE["candidate"], on, bold, size=(1.3, 0.8),
         gid="candidate")
    _arrow(ax, (5.1, _LOW), (5.5, _LOW), on, bold, gid="candidate")
    _arrow(ax, (6.2, _LOW + 0.45), (6.2, 3.05), on, bold, color=PALETTE["candidate"], gid="candidate")
    _node(ax, (6.2, 3.3), "×", *_emphasis({"candidate", "blend"}, highlight), gid="candidate+blend")
    _arrow(ax, (6.2, 3.55), (6.2, _TOP - 0.27), *_emphasis({"candidate", "blend"}, highlight), gid="candidate+blend")


def _gru_inputs(ax):
    """The bus carrying h_{t-1} and x_t to both gates and the candidate."""
    ax.plot([0.9, 6.2], [0.8, 0.8], color="0.35", lw=1.2)
    ax.text(1.45, 0.2, "$x_t$", ha="center", va="center", fontsize=10)
    _arrow(ax, (1.45, 0.4), (1.45, 0.8))
    ax.text(3.0, 0.45, "$x_t$ and $h_{t-1}$", ha="left", va="center", fontsize=9, color="0.3")
    for x in (2.0, 3.6, 6.2):
        _arrow(ax, (x, 0.8), (x, _LOW - 0.45))
    ax.text(6.27, 1.15, "$x_t$", fontsize=8, color="0.3")  # the candidate reads x_t directly ...
    ax.text(4.92, 1.15, "$h_{t-1}$", fontsize=8, color="0.3")  # ... and h_{t-1} only through r


def gru_cell_diagram(highlight=None, ax=None):
    """The GRU cell with Keras' blend h_t = z ⊙ h_{t-1} + (1 − z) ⊙ h̃_t, with one part emphasised.

    Introduced in notebook 05, shown once whole and then before the update gate, the reset gate, the
    candidate and the blend, with `highlight` set to that part. Alt text to show with it: "Diagram of a GRU
    cell: the state runs along the top from h_t−1 to h_t; the update gate z scales the old state, one minus
    z scales the tanh candidate, and the reset gate r decides how much of h_t−1 enters the candidate."

    Args:
        highlight: None, or the part under discussion: "update", "reset", "candidate", "blend".
        ax: Axes to draw on; a new figure if None.

    Returns:
        the matplotlib Axes.

    Raises:
        ValueError: if `highlight` is not one of the parts.
    """
    highlight = _check_highlight(highlight, GRU_PARTS)
    ax = _diagram_axes(ax, (0, 10.6), (0, 5.2))
    _gru_state_line(ax, highlight)
    _gru_gates(ax, highlight)
    _gru_candidate(ax, highlight)
    _gru_inputs(ax)
    ax.set_title(_GRU_CAPTIONS[highlight], fontsize=10)
    return ax


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
    steps = check_int("steps", steps, minimum=3, maximum=8)
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
    steps = check_int("steps", steps, minimum=2, maximum=10)
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


# --- Elman and Jordan wiring (notebook 02) -----------------------------------------------------------------

RECURRENT_KINDS = ("Elman", "Jordan")


def elman_jordan_diagram(kind, ax=None):
    """The wiring of an Elman or a Jordan network: which copy from the last step comes back in.

    Introduced in notebook 02, the two side by side (`fig, axes = plt.subplots(1, 2)`). Alt text to show
    with it: "Two diagrams: in the Elman network a copy of the hidden state h_t returns as the context for
    the next step; in the Jordan network a copy of the output ŷ_t (the prediction) returns instead."

    Args:
        kind: "Elman" (the hidden state comes back) or "Jordan" (the output comes back).
        ax: Axes to draw on; a new figure if None.

    Returns:
        the matplotlib Axes.

    Raises:
        ValueError: if `kind` is neither.
    """
    kind = check_choice("kind", kind, RECURRENT_KINDS)
    ax = _diagram_axes(ax, (-0.05, 3.95), (0, 4.2))
    elman = kind == "Elman"
    colour = PALETTE[kind]
    _box(ax, (3.0, 0.5), "input $x_t$", PALETTE["target"], size=(1.4, 0.55), gid="input")
    _box(ax, (3.0, 2.0), "hidden $h_t$", PALETTE["hidden"], size=(1.4, 0.55), face="white", gid="hidden")
    _box(ax, (3.0, 3.5), "output $\\hat y_t$", PALETTE["prediction"], size=(1.4, 0.55), gid="output")
    _box(ax, (0.8, 2.0), "context\n" + ("$h_{t-1}$" if elman else "$\\hat y_{t-1}$"), colour, size=(1.1, 0.75),
         gid="context")
    _arrow(ax, (3.0, 0.83), (3.0, 1.67))
    _arrow(ax, (3.0, 2.33), (3.0, 3.17))
    _arrow(ax, (1.4, 2.0), (2.24, 2.0))
    ax.text(3.1, 1.25, "$W_{xh}$", fontsize=10)
    ax.text(3.1, 2.75, "$W_{hy}$", fontsize=10)
    ax.text(1.82, 2.1, "$W_{hh}$" if elman else "$W_{yh}$", fontsize=10, ha="center", va="bottom")
    copy = dict(color=colour, ls="--", gid="copy")
    if elman:  # the hidden state goes round, below, into the context
        _arrow(ax, (2.35, 1.72), (0.8, 1.58), rad=-0.6, **copy)
        ax.text(1.15, 0.8, "copy of $h_t$,\nused next step", ha="center", va="center", fontsize=8)
    else:  # the output goes round, above, into the context
        _arrow(ax, (2.25, 3.5), (0.8, 2.42), rad=0.35, **copy)
        ax.text(0.1, 3.55, "copy of $\\hat y_t$,\nused next step", fontsize=8)
    ax.set_title(f"{kind} network", fontsize=11)
    return ax


# ---------------------------------------------------------------------------------------------------------
# Notebook 08 · Writing sequences: keyboard accuracy, temperatures, translation by format, attention maps.
# ---------------------------------------------------------------------------------------------------------

def _check_title(title):
    """None, or a non-empty string."""
    return None if title is None else check_text("title", title)


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
    ylabel, title = check_text("ylabel", ylabel), _check_title(title)
    chance = None if chance is None else check_float("chance", chance, strictly_positive=True, maximum=1.0)
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
    axes = _check_axes_list(axes, len(images))
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
        counts: square int array `(classes, classes)`, e.g. from `rnn_helpers.scores.confusion_matrix`.
        labels: `classes` names for the rows and columns.
        ax: Axes to draw on; a new figure if None. title: optional title.

    Returns:
        The matplotlib Axes.
    """
    counts = check_array("counts", counts, ndim=2)
    if not isinstance(labels, (list, tuple)) and not (isinstance(labels, np.ndarray) and labels.ndim == 1):
        raise TypeError(f"labels must be a list of class names, got {type(labels).__name__}. "
                        "Pass e.g. list(range(10)) or ['en', 'de'].")
    title = _check_title(title)
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


# --- where recurrence went next (notebook 09) -----------------------------------------------------------------


def min_gru_cell_diagram(ax=None):
    """The minGRU: notebook 05's GRU with $h_{t-1}$ taken out of the gate and the candidate.

    Introduced in notebook 09. Alt text to show with it: "Diagram of a minGRU cell: the state runs along the top
    from h_t−1 to h_t, multiplied by the update gate z and added to (1 − z) times a linear candidate; the gate
    and the candidate read only x_t, so the state enters the cell only on the top line."

    Returns:
        the matplotlib Axes.
    """
    ax = _diagram_axes(ax, (0, 10.6), (0, 5.2))
    line = dict(color=PALETTE["blend"], gid="state")
    ax.text(0.1, _TOP + 0.35, "$h_{t-1}$", ha="left", va="bottom", fontsize=10)
    _arrow(ax, (0.1, _TOP), (1.75, _TOP), **line)
    _node(ax, (2.0, _TOP), "×", gid="a")
    _arrow(ax, (2.25, _TOP), (5.95, _TOP), **line)
    _node(ax, (6.2, _TOP), "+", gid="b")
    _arrow(ax, (6.45, _TOP), (9.2, _TOP), **line)
    ax.text(9.25, _TOP, "$h_t$", ha="left", va="center", fontsize=10)
    _box(ax, (2.0, _LOW), "update gate\nσ → $z_t = a_t$", PALETTE["update"], size=(1.5, 0.8), gid="update")
    _arrow(ax, (2.0, _LOW + 0.45), (2.0, _TOP - 0.27), color=PALETTE["update"], gid="update")
    _arrow(ax, (2.0, 3.3), (3.85, 3.3), color=PALETTE["update"], gid="update")
    _node(ax, (4.1, 3.3), "1−", gid="update")
    _arrow(ax, (4.35, 3.3), (5.95, 3.3), color=PALETTE["update"], gid="update")
    _box(ax, (6.2, _LOW), "candidate\nlinear → $\\tilde h_t$", PALETTE["candidate"], size=(1.5, 0.8), gid="candidate")
    _arrow(ax, (6.2, _LOW + 0.45), (6.2, 3.05), color=PALETTE["candidate"], gid="candidate")
    _node(ax, (6.2, 3.3), "×", gid="b")
    _arrow(ax, (6.2, 3.55), (6.2, _TOP - 0.27), color=PALETTE["candidate"], gid="b")
    ax.plot([2.0, 6.2], [0.8, 0.8], color="0.35", lw=1.2)
    ax.text(4.1, 0.2, "$x_t$ only", ha="center", va="center", fontsize=10)
    _arrow(ax, (4.1, 0.4), (4.1, 0.8))
    for x in (2.0, 6.2):
        _arrow(ax, (x, 0.8), (x, _LOW - 0.45))
    ax.text(7.0, 3.0, "$h_t = a_t \\odot h_{t-1} + b_t$,  $b_t = (1 - z_t) \\odot \\tilde h_t$", fontsize=10,
            va="center")
    ax.set_title("minGRU: the gate and the candidate see only $x_t$", fontsize=10)
    return ax


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
    steps = check_int("steps", steps, minimum=2, maximum=16)
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
_LAYER_STYLE = {"forward": (_O["blue"], "-"), "backward": (_O["vermillion"], "--"), "upper": (_O["bluish_green"], "-.")}


def _layer_row(ax, y, steps, name, text):
    """One recurrent layer, unrolled: a cell per step, its state passed right (or left, for "backward")."""
    color, ls = _LAYER_STYLE[name]
    ax.text(-0.55, y, text, ha="right", va="center", fontsize=8, color=color, gid=f"layer:{name}")
    for t in range(steps):
        _box(ax, (1.4 * t, y), "cell", color, size=(0.72, 0.42), fontsize=8, ls=ls, gid=f"cell:{name}")
        if t + 1 < steps:
            start, end = ((1.4 * t + 0.4, y), (1.4 * t + 1.0, y))
            _arrow(ax, *((end, start) if name == "backward" else (start, end)), color=color, ls=ls, gid=f"state:{name}")


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
    kind = check_choice("kind", kind, LAYERED_KINDS)
    steps = check_int("steps", steps, minimum=2, maximum=10)
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
