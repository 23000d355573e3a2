"""Diagrams of the course's cells drawn in code: Elman and Jordan wiring, the LSTM (with the value picture of
the gate explorer), the GRU and the minGRU.

Each helper takes `ax=None` (or `fig=None`), draws, and returns the Axes (or Figure); none calls `plt.show()`.
"""

import numpy as np

from .._validation import Check, Choice, check_lstm_trace, validate
from ..cells import TABLE as CELL_TABLE
from ..numpy_rnn import lstm_cell_values
from .shapes import _arrow, _box, _check_highlight, _diagram_axes, _emphasis, _node
from .style import PALETTE, _figure, gate_cmap, line_style, signed_cmap

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


@validate(checked_in_body=("highlight", "ax"))
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


@validate(trace=Check(check_lstm_trace), checked_in_body=("step", "unit", "fig"))
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


@validate(checked_in_body=("highlight", "ax"))
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


# --- Elman and Jordan wiring (notebook 02) -----------------------------------------------------------------

RECURRENT_KINDS = tuple(cell.name for cell in CELL_TABLE.values() if not cell.gates and not cell.minimal)


@validate(kind=Choice(RECURRENT_KINDS), checked_in_body=("ax",))
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


# --- where recurrence went next (notebook 09) -----------------------------------------------------------------


@validate(checked_in_body=("ax",))
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
