"""Interactive explorers built from ipywidgets sliders.

ipywidgets is imported inside each builder, so `import rnn_helpers` works without it.

- `lstm_cell_picture`, `lstm_gate_explorer`: the LSTM cell at one time step (notebook 04).
"""

import io

import numpy as np

from ._validation import check_array, check_choice, check_int

# --- LSTM gate explorer (notebook 04) ----------------------------------------------------------------------

_TRACE_KEYS = ("x", "f", "i", "c_tilde", "o", "c", "h")


def _figure_png(fig, dpi=80):
    """A matplotlib figure as PNG bytes, for an `ipywidgets.Image` (redrawn in place, never shown twice)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


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


def lstm_cell_picture(trace, step, unit, fig=None):
    """Draw the LSTM cell of one unit at one time step, each part coloured by its value.

    Introduced in notebook 04. Top: the cell, left to right as in the text — forget gate, input gate,
    tanh candidate, output gate, tanh on the output — with the value of every part written in its box
    (gates: white = closed 0, green = open 1; tanh parts: blue −1 ... red +1). Bottom: this unit's gates
    over the whole sequence, with a line at `step`.

    Args:
        trace: dict from `rnn_helpers.gates.lstm_gate_trace`.
        step: time step to show. unit: unit to show.
        fig: a matplotlib Figure to draw into (it is cleared); a new one if None.

    Returns:
        the matplotlib Figure.
    """
    import matplotlib.pyplot as plt
    from matplotlib.patches import FancyArrowPatch, FancyBboxPatch

    v = lstm_cell_values(trace, step, unit)
    trace = _check_trace(trace)
    if fig is None:
        fig = plt.figure(figsize=(9, 5.6))
    fig.clear()
    ax, ax_time = fig.subplots(2, 1, gridspec_kw={"height_ratios": [2.1, 1]})
    ax.set_xlim(0, 10)
    ax.set_ylim(0, 5.2)
    ax.axis("off")
    gate_colors, tanh_colors = plt.get_cmap("Greens"), plt.get_cmap("RdBu_r")

    def box(x, y, label, value, is_gate, width=1.5, height=0.8):
        color = gate_colors(0.85 * value) if is_gate else tanh_colors(0.5 + 0.45 * np.clip(value, -1, 1))
        ax.add_patch(FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                                    facecolor=color, edgecolor="0.2"))
        dark = (is_gate and value > 0.6) or (not is_gate and abs(value) > 0.7)
        ax.text(x, y, f"{label}\n{value:+.2f}" if not is_gate else f"{label}\n{value:.2f}", ha="center",
                va="center", fontsize=9, color="white" if dark else "black")

    def node(x, y, symbol):
        ax.add_patch(plt.Circle((x, y), 0.25, facecolor="white", edgecolor="0.2", zorder=3))
        ax.text(x, y, symbol, ha="center", va="center", fontsize=12, zorder=4)

    def arrow(start, end):
        ax.add_patch(FancyArrowPatch(start, end, arrowstyle="-|>", mutation_scale=10, color="0.35", lw=1.2))

    # the cell-state line along the top: c_{t-1} -> (x f) -> (+ i*c~) -> c_t
    top = 4.3
    ax.text(0.1, top, f"$c_{{t-1}}$\n{v['c_prev']:+.2f}", ha="left", va="center", fontsize=9)
    arrow((0.9, top), (2.25, top))
    node(2.5, top, "×")
    arrow((2.75, top), (4.75, top))
    node(5.0, top, "+")
    arrow((5.25, top), (9.0, top))
    ax.text(9.05, top, f"$c_t$\n{v['c']:+.2f}", ha="left", va="center", fontsize=9)
    # the four parts computed from x_t and h_{t-1}
    low = 1.9
    box(2.5, low, "1 forget $f$", v["f"], True)
    box(4.2, low, "2 input $i$", v["i"], True)
    box(5.9, low, "3 cand. $\\tilde c$", v["c_tilde"], False)
    box(7.6, low, "4 output $o$", v["o"], True)
    arrow((2.5, low + 0.45), (2.5, top - 0.27))
    node(5.0, 3.1, "×")
    arrow((4.2, low + 0.45), (4.8, 2.93))
    arrow((5.9, low + 0.45), (5.2, 2.93))
    arrow((5.0, 3.35), (5.0, top - 0.27))
    # output side: tanh(c_t) x o -> h_t
    box(8.6, 3.45, "5 tanh($c_t$)", float(np.tanh(v["c"])), False, width=1.3, height=0.7)
    arrow((8.6, top - 0.05), (8.6, 3.85))
    node(8.6, 2.55, "×")
    arrow((8.6, 3.08), (8.6, 2.8))
    arrow((8.05, low + 0.35), (8.37, 2.45))
    arrow((8.85, 2.55), (9.5, 2.55))
    ax.text(9.52, 2.55, f"$h_t$\n{v['h']:+.2f}", ha="left", va="center", fontsize=9)
    # inputs along the bottom
    ax.text(0.1, 0.45, f"$x_t$ = {v['x']:+.2f}    $h_{{t-1}}$ = {v['h_prev']:+.2f}", ha="left", va="center",
            fontsize=9)
    ax.plot([1.6, 7.6], [0.85, 0.85], color="0.35", lw=1.2)
    for x in (2.5, 4.2, 5.9, 7.6):
        arrow((x, 0.85), (x, low - 0.45))
    ax.set_title(f"LSTM unit {unit} at time step {step}", fontsize=11)

    # this unit over time
    steps = np.arange(trace["f"].shape[0])
    for key, label, color in (("f", "forget f", "tab:green"), ("i", "input i", "tab:orange"),
                              ("o", "output o", "tab:purple")):
        ax_time.plot(steps, trace[key][:, unit], color=color, label=label, lw=1.4)
    ax_time.plot(steps, trace["x"][:, 0], color="0.6", lw=1, ls="--", label="input x")
    ax_time.axvline(step, color="black", lw=1)
    ax_time.set_xlim(steps[0], steps[-1])
    ax_time.set_ylim(-1.1, 1.1)
    ax_time.set_xlabel("time step")
    ax_time.legend(loc="lower left", ncol=4, fontsize=8, frameon=False)
    fig.tight_layout()
    return fig


def lstm_gate_explorer(trace, step=0, unit=0):
    """Sliders over time steps and units that redraw the LSTM cell picture.

    Introduced in notebook 04.

    Args:
        trace: dict from `rnn_helpers.gates.lstm_gate_trace(layer, x)`.
        step: time step shown first. unit: unit shown first.

    Returns:
        an `ipywidgets.VBox` to display. For code and tests it also carries `.step_slider`, `.unit_slider`,
        `.image` (the picture as PNG bytes in `.image.value`) and `.values()` (the numbers now shown, a
        dict as from `lstm_cell_values`).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    trace = _check_trace(trace)
    time, units = trace["f"].shape
    step = check_int("step", step, minimum=0, maximum=time - 1)
    unit = check_int("unit", unit, minimum=0, maximum=units - 1)
    step_slider = widgets.IntSlider(value=step, min=0, max=time - 1, description="time step",
                                    continuous_update=False)
    unit_slider = widgets.IntSlider(value=unit, min=0, max=units - 1, description="unit", continuous_update=False)
    image = widgets.Image(format="png")
    fig = plt.figure(figsize=(9, 5.6))
    plt.close(fig)  # drawn into PNG bytes only, never shown by the inline backend

    def redraw(change=None):
        lstm_cell_picture(trace, step_slider.value, unit_slider.value, fig=fig)
        image.value = _figure_png(fig)

    step_slider.observe(redraw, names="value")
    unit_slider.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox([step_slider, unit_slider]), image])
    box.step_slider, box.unit_slider, box.image = step_slider, unit_slider, image
    box.values = lambda: lstm_cell_values(trace, step_slider.value, unit_slider.value)
    return box


def forecast_explorer(method="bptt", epochs=None, cells=16, seed=0):
    """Sliders for epochs and cells, a method and a seed, and a Train button that re-runs the sine forecast.

    Training starts only when Train is clicked; while it runs, the button and the controls are disabled,
    so a second click or a slider move cannot start a second training. A tqdm bar shows progress, and the
    article's figure and the 36-step error are replaced when training ends.

    Introduced in notebook 06.

    Args:
        method: the training method shown first: "bptt", "compiled" or "article".
        epochs: epochs shown first; None for the method's default.
        cells: LSTM cells shown first; an int in [1, 64].
        seed: seed shown first; an int in [0, 99].

    Returns:
        an `ipywidgets.VBox` to display. For code and tests it also carries the controls `.method`, `.epochs`,
        `.cells`, `.seed`, `.train_button`, the picture `.image` (PNG bytes in `.image.value`), the text
        `.summary`, and `.results`, the list of `rh.forecast.run_method` results of every training so far.
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from . import forecast, plotting

    method = check_choice("method", method, forecast.METHODS)
    epochs = forecast.DEFAULTS[method]["epochs"] if epochs is None else check_int("epochs", epochs, 1, 2000)
    cells = check_int("cells", cells, minimum=1, maximum=64)
    seed = check_int("seed", seed, minimum=0, maximum=99)

    method_box = widgets.Dropdown(options=list(forecast.METHODS), value=method, description="method")
    epochs_slider = widgets.IntSlider(value=epochs, min=10, max=2000, step=10, description="epochs",
                                      continuous_update=False)
    cells_slider = widgets.IntSlider(value=cells, min=1, max=64, description="cells", continuous_update=False)
    seed_box = widgets.BoundedIntText(value=seed, min=0, max=99, description="seed", layout={"width": "160px"})
    train_button = widgets.Button(description="Train", button_style="primary", icon="play")
    progress = widgets.Output()
    summary = widgets.HTML("Press <b>Train</b> to train and forecast.")
    image = widgets.Image(format="png")
    controls = [method_box, epochs_slider, cells_slider, seed_box, train_button]
    fig = plt.figure(figsize=(8, 3.6))
    plt.close(fig)  # drawn into PNG bytes only, never shown by the inline backend
    results = []
    x, _ = forecast.article_data()

    def train(button=None):
        if train_button.disabled:  # already training: ignore the click
            return
        for control in controls:
            control.disabled = True
        summary.value = f"Training {method_box.value} for {epochs_slider.value} epochs…"
        try:
            progress.clear_output()
            with progress:
                result = forecast.run_method(method_box.value, epochs=epochs_slider.value,
                                             cells=cells_slider.value, seed=seed_box.value)
            progress.clear_output()
            fig.clear()
            title = f"{result['method']}, {result['epochs']} epochs, {result['cells']} cells, seed {result['seed']}"
            plotting.forecast_figure(x, result["expected"], result["generated"], ax=fig.add_subplot(), title=title)
            image.value = _figure_png(fig)
            results.append(result)
            summary.value = (f"{title}: 36-step MSE <b>{result['mse_36']:.2g}</b>, largest error "
                             f"{result['max_abs_err_36']:.3f}; trained in {result['train_seconds']:.1f} s")
        except Exception as error:  # show the problem in the widget instead of losing it in a callback
            summary.value = f"<span style='color:#b00'>Training failed: {type(error).__name__}: {error}</span>"
        finally:
            for control in controls:
                control.disabled = False

    def new_default_epochs(change):
        epochs_slider.value = forecast.DEFAULTS[change["new"]]["epochs"]

    train_button.on_click(train)
    method_box.observe(new_default_epochs, names="value")
    box = widgets.VBox([widgets.HBox([method_box, seed_box, train_button]),
                        widgets.HBox([epochs_slider, cells_slider]), progress, summary, image])
    box.method, box.epochs, box.cells, box.seed = method_box, epochs_slider, cells_slider, seed_box
    box.train_button, box.image, box.summary, box.results = train_button, image, summary, results
    return box


# ---------------------------------------------------------------------------------------------------------
# Notebook 08 · Writing sequences: a keyboard that suggests completions, a box that translates dates.
# ---------------------------------------------------------------------------------------------------------


def keyboard_text(prefix, predictors, alphabet, k=3, known_words=()):
    """The text the keyboard box shows for `prefix`: each predictor's `k` best completions, one line each.

    Introduced in notebook 08. Never raises for what a learner can type: an empty box asks for letters,
    and characters the models never saw are named in the reply.

    Args:
        prefix: what was typed. predictors: dict label -> predictor (`rh.writing.lstm_predictor`, ...).
        alphabet: from `rh.text.build_alphabet`. k: completions per predictor.
        known_words: words to mark with "✓" (e.g. the training words); others are marked "(new)". If
            empty, nothing is marked.

    Returns:
        A plain-text string.
    """
    from . import text, writing

    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a string, got {type(prefix).__name__}.")
    typed = prefix.strip().lower()
    if not typed:
        return "Type the first letters of a word to see suggestions."
    unknown = text.unknown_characters([typed], alphabet)
    if unknown:
        return (f"Cannot suggest for {prefix!r}: the models never saw {' '.join(unknown)}. "
                f"Use only the letters {''.join(alphabet[3:])}.")
    known = set(known_words)
    lines = []
    for label, predict_next in predictors.items():
        found = writing.complete(predict_next, typed, alphabet, k=k)
        mark = {word: (" ✓" if word in known else " (new)") if known else "" for word, _ in found}
        shown = [f"{word}{mark[word]} {p:.0%}" for word, p in found]
        lines.append(f"{label}: " + ", ".join(shown))
    return "\n".join(lines)


def keyboard_box(predictors, alphabet, k=3, known_words=(), value=""):
    """A text box that suggests completions as you type (see `keyboard_text`). Introduced in notebook 08.

    Returns:
        an `ipywidgets.VBox`; its `.text` is the `Text` box (description "Type:") and `.suggestions` an
        `Output` area holding the suggestions as plain text (also in `.suggestions_text()`).
    """
    import ipywidgets as widgets

    box_text = widgets.Text(value=value, description="Type:", placeholder="the start of a word, e.g. wor",
                            continuous_update=True, layout={"width": "420px"})
    output = widgets.Output(layout={"min_height": "3.5em"})
    shown = {"text": ""}

    def update(change=None):
        shown["text"] = keyboard_text(box_text.value, predictors, alphabet, k=k, known_words=known_words)
        output.clear_output(wait=True)
        with output:
            print(shown["text"])

    box_text.observe(update, names="value")
    update()
    box = widgets.VBox([box_text, output])
    box.text, box.suggestions, box.suggestions_text = box_text, output, lambda: shown["text"]
    return box


def date_text(written, translator):
    """The reply of the date box for `written`: its ISO translation, or a message saying what is wrong.

    Introduced in notebook 08. Never raises for what a learner can type.

    Args:
        written: a date as typed. translator: dict from `rh.writing.fit_date_translator`.

    Returns:
        A plain-text string.
    """
    import datetime

    from . import text, writing

    if not isinstance(written, str):
        raise TypeError(f"written must be a string, got {type(written).__name__}.")
    written = written.strip()
    if not written:
        return "Type a date, e.g. Nov 26, 2026 or 26.11.26."
    unknown = text.unknown_characters([written], translator["source_alphabet"])
    if unknown:
        return (f"Cannot translate {written!r}: the model never saw {' '.join(unknown)}. It knows only "
                f"{''.join(translator['source_alphabet'][3:])!r} (month names are capitalised).")
    iso = writing.translate(translator["model"], [written], translator["source_alphabet"],
                            translator["target_alphabet"])[0]
    try:
        datetime.date.fromisoformat(iso)
    except ValueError:
        return f"{written}  →  {iso}  (not a valid date: the model made a mistake)"
    return f"{written}  →  {iso}"


def date_box(translator, value="Thu 26 Nov 2026"):
    """A text box that translates a date into ISO form as you type (see `date_text`). Notebook 08.

    Returns:
        an `ipywidgets.VBox` with `.text` (the `Text` box, description "Date:"), `.reply` (an `Output`
        area with the translation as plain text) and `.reply_text()`.
    """
    import ipywidgets as widgets

    box_text = widgets.Text(value=value, description="Date:", placeholder="e.g. 26 November 2026",
                            continuous_update=False, layout={"width": "420px"})
    output = widgets.Output(layout={"min_height": "2em"})
    shown = {"text": ""}

    def update(change=None):
        shown["text"] = date_text(box_text.value, translator)
        output.clear_output(wait=True)
        with output:
            print(shown["text"])

    box_text.observe(update, names="value")
    update()
    box = widgets.VBox([box_text, output])
    box.text, box.reply, box.reply_text = box_text, output, lambda: shown["text"]
    return box


# ---------------------------------------------------------------------------------------------------------
# Notebook 07 · Reading sequences: a text box that names the language of a word.
# ---------------------------------------------------------------------------------------------------------


def language_text(word, model, alphabet, languages, names=None, width=30):
    """The reply of the language box for `word`: one bar per language, most likely first, or a message.

    Introduced in notebook 07. Never raises for what a learner can type: an empty box asks for a word,
    and a word with characters the model never saw gets a message naming them.

    Args:
        word: what was typed. model, alphabet, languages: a trained word model, its alphabet and its
            language codes (from `rnn_helpers.reading.train_language_model`).
        names: optional dict code -> name shown instead of the code (e.g. {"de": "German"}).
        width: characters of the longest bar; an int >= 1.

    Returns:
        A plain-text string.
    """
    from . import reading

    if not isinstance(word, str):
        raise TypeError(f"word must be a string, got {type(word).__name__}.")
    width = check_int("width", width, minimum=1)
    names = dict(names or {})
    try:
        probabilities = reading.language_probabilities(model, alphabet, languages, word)
    except ValueError as error:
        return str(error)
    lines = [f"{word.strip().lower()!r} is most likely:"]
    for language, p in probabilities.items():
        bar = "█" * int(round(p * width))
        lines.append(f"  {names.get(language, language):<10} {bar:<{width}} {p:6.1%}")
    return "\n".join(lines)


def language_box(model, alphabet, languages, names=None, value=""):
    """A text box that shows the language probabilities of the typed word (see `language_text`).

    Introduced in notebook 07.

    Returns:
        an `ipywidgets.VBox` with `.text` (the `Text` box, description "Word:"), `.reply` (an `Output`
        area with the reply as plain text) and `.reply_text()`.
    """
    import ipywidgets as widgets

    box_text = widgets.Text(value=value, description="Word:", placeholder="type one word, e.g. wasser",
                            continuous_update=True, layout={"width": "420px"})
    output = widgets.Output(layout={"min_height": "7em"})
    shown = {"text": ""}

    def update(change=None):
        shown["text"] = language_text(box_text.value, model, alphabet, languages, names=names)
        output.clear_output(wait=True)
        with output:
            print(shown["text"])

    box_text.observe(update, names="value")
    update()
    box = widgets.VBox([box_text, output])
    box.text, box.reply, box.reply_text = box_text, output, lambda: shown["text"]
    return box
