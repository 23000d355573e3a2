"""The course's one palette and line styles, the colour maps, and the Axes and Figure every helper draws on.

Colours come from one colour-blind-safe palette, Okabe–Ito (Okabe & Ito, "Color Universal Design", 2008):
`PALETTE` names a colour for every role a figure shows — the cells' colours come from `rnn_helpers.cells` —
and `use_course_style()` makes matplotlib cycle through the same colours with a different line style for
each, so compared curves differ in two ways.
"""

from .._validation import Int, Text, validate
from ..cells import TABLE as CELL_TABLE

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
    # the cells, by the name figures show ("Elman", "LSTM", ...; see `rnn_helpers.cells`)
    **{cell.name: _O[cell.colour] for cell in CELL_TABLE.values()},
    # training methods (notebook 06)
    "article": _O["black"], "compiled": _O["orange"], "bptt": _O["blue"],
    # diagrams
    "forward": _O["black"], "gradient": _O["vermillion"], "mark": _O["black"], "muted": "#BBBBBB",
}

LINESTYLES = {
    "target": "-", "prediction": "--", "signal": "-",
    **{cell.name: cell.linestyle for cell in CELL_TABLE.values()},
    "article": ":", "compiled": "--", "bptt": "-",
    "forget": "-", "input": "--", "output": "-.", "update": "-", "reset": "--",
}

# the order matplotlib cycles through after `use_course_style()` (yellow is left out: too pale on white)
CYCLE_COLORS = [_O[name] for name in ("blue", "orange", "bluish_green", "vermillion", "reddish_purple",
                                      "sky_blue", "black")]
CYCLE_LINESTYLES = ["-", "--", "-.", ":", (0, (8, 2)), (0, (5, 2, 1, 2, 1, 2)), (0, (1, 3))]


@validate()
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


@validate(role=Text(), fallback_index=Int(minimum=0))
def line_style(role, fallback_index=0):
    """`dict(color=..., linestyle=...)` for a role of `PALETTE`, or the course cycle's entry `fallback_index`.

    Used by every figure helper; notebooks may call it too, e.g. `ax.plot(t, y, **rh.plotting.line_style("GRU"))`.
    """
    if role in PALETTE:
        return {"color": PALETTE[role], "linestyle": LINESTYLES.get(role, "-")}
    k = fallback_index % len(CYCLE_COLORS)
    return {"color": CYCLE_COLORS[k], "linestyle": CYCLE_LINESTYLES[k]}


@validate()
def gate_cmap():
    """Colour map for gate values: white (closed, 0) to dark bluish green (open, 1); lightness carries the value."""
    from matplotlib.colors import LinearSegmentedColormap

    return LinearSegmentedColormap.from_list("course_gate", ["#FFFFFF", "#A8DCCB", _O["bluish_green"],
                                                             "#00402E"])


@validate()
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
