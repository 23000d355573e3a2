"""Interactive explorers built from ipywidgets sliders: this module only builds widgets.

ipywidgets is imported inside each builder, so `import rnn_helpers` works without it. Every picture an
explorer shows is drawn by `rnn_helpers.plotting`. Each explorer and box is displayed with a static copy of
what it shows (its picture, or its reply as text), which readers without a kernel — GitHub, nbviewer, the
course site — show in its place (`rnn_helpers.progress.widget_bundle`).

- `lstm_gate_explorer`: the LSTM cell at one time step (notebook 04).
- `forecast_explorer`: train and forecast the sine (notebook 06).
"""

import base64
import io
import re

import numpy as np

from . import text
from ._validation import Check, Int, Text, check_callable, check_choice, check_int, validate


def _figure_png(fig, dpi=80):
    """A matplotlib figure as PNG bytes, for an `ipywidgets.Image` (redrawn in place, never shown twice)."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=dpi)
    return buffer.getvalue()


def _with_fallback(box, fallback):
    """Make `box` display with `fallback()`, a dict mime type -> data, as its static copy; return `box`.

    The copy is made when the box is displayed, so it shows the box's state at that moment. `box.fallback`
    gives it to code and tests.
    """
    from .progress import widget_bundle

    box._ipython_display_ = None  # ipywidgets 7 would display itself without the copy (and drop display ids)
    box._repr_mimebundle_ = lambda include=None, exclude=None, **kwargs: widget_bundle(box, fallback())
    box.fallback = fallback
    return box


def _png_text(png):
    return base64.b64encode(png).decode("ascii")


def _check_predictors(name, predictors):
    """Return `predictors` if it is a non-empty dict label -> predictor function, else raise."""
    if not isinstance(predictors, dict) or not predictors:
        raise TypeError(f"{name} must be a non-empty dict label -> predictor, got {type(predictors).__name__}. "
                        "Pass e.g. {'LSTM': rh.writing.lstm_predictor(model)}.")
    for label, predict_next in predictors.items():
        check_callable(f"{name}[{label!r}]", predict_next, "a predictor from rh.writing.lstm_predictor or "
                                                                "table_predictor")
    return predictors


def _check_names(name, names):
    """Return `names` as a dict code -> name (empty for None), else raise."""
    if names is None:
        return {}
    if not isinstance(names, dict) or not all(isinstance(value, str) for value in names.values()):
        raise TypeError(f"{name} must be None or a dict language code -> name, got {names!r}. "
                        "Pass e.g. {'de': 'German', 'en': 'English'}.")
    return dict(names)


# --- LSTM gate explorer (notebook 04) ----------------------------------------------------------------------


@validate(checked_in_body=("trace", "step", "unit"))  # by plotting.lstm_cell_values
def lstm_gate_explorer(trace, step=0, unit=0):
    """Sliders over time steps and units that redraw the LSTM cell picture.

    Introduced in notebook 04.

    Args:
        trace: dict from `rnn_helpers.gates.lstm_gate_trace(layer, x)`.
        step: time step shown first. unit: unit shown first.

    Returns:
        an `ipywidgets.VBox` to display. For code and tests it also carries `.step_slider`, `.unit_slider`,
        `.image` (the picture as PNG bytes in `.image.value`) and `.values()` (the numbers now shown, a
        dict as from `rnn_helpers.numpy_rnn.lstm_cell_values`).
    """
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from . import numpy_rnn, plotting

    numpy_rnn.lstm_cell_values(trace, step, unit)  # validates the trace, the step and the unit
    time, units = np.shape(trace["f"])
    step, unit = int(step), int(unit)
    step_slider = widgets.IntSlider(value=step, min=0, max=time - 1, description="time step",
                                    continuous_update=False)
    unit_slider = widgets.IntSlider(value=unit, min=0, max=units - 1, description="unit", continuous_update=False)
    image = widgets.Image(format="png")
    fig = plt.figure(figsize=(9, 5.6))
    plt.close(fig)  # drawn into PNG bytes only, never shown by the inline backend

    def redraw(change=None):
        plotting.lstm_cell_picture(trace, step_slider.value, unit_slider.value, fig=fig)
        image.value = _figure_png(fig)

    step_slider.observe(redraw, names="value")
    unit_slider.observe(redraw, names="value")
    redraw()
    box = widgets.VBox([widgets.HBox([step_slider, unit_slider]), image])
    box.step_slider, box.unit_slider, box.image = step_slider, unit_slider, image
    box.values = lambda: numpy_rnn.lstm_cell_values(trace, step_slider.value, unit_slider.value)
    return _with_fallback(box, lambda: {
        "image/png": _png_text(image.value),
        "text/plain": (f"Figure: the LSTM cell of unit {unit_slider.value} at time step {step_slider.value}, each "
                       "part coloured by its value, above this unit's gates over the whole sequence. (The gate "
                       "explorer as first shown: run the notebook to move its sliders.)")})


@validate(cells=Int(minimum=1, maximum=64), seed=Int(minimum=0, maximum=99), checked_in_body=("method", "epochs"))
def forecast_explorer(method="bptt", epochs=None, cells=16, seed=0):
    """Sliders for epochs and cells, a method and a seed, and a Train button that re-runs the sine forecast.

    Training starts only when Train is clicked; while it runs, the button and the controls are disabled,
    so a second click or a slider move cannot start a second training. Each method and number of cells keeps
    one model (`rh.forecast.run_method(..., reuse=True)`): after the first training, a click re-initialises its
    weights for the chosen seed instead of building and tracing a new model, with the same result. The article's loop shows a progress
    bar while it runs, and the article's figure and the 36-step error are replaced when training ends.

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

    from . import forecast

    method = check_choice("method", method, forecast.METHODS)
    epochs = forecast.DEFAULTS[method]["epochs"] if epochs is None else check_int("epochs", epochs, 1, 2000)

    box = _forecast_controls(method, epochs, cells, seed)
    box.image, box.results = widgets.Image(format="png"), []
    box.summary = widgets.HTML("Press <b>Train</b> to train and forecast.")
    progress = widgets.Output()
    box.train_button.on_click(lambda button: _train_and_draw(box, progress))
    box.method.observe(lambda change: setattr(box.epochs, "value", forecast.DEFAULTS[change["new"]]["epochs"]),
                       names="value")
    box.children = [widgets.HBox([box.method, box.seed, box.train_button]), widgets.HBox([box.epochs, box.cells]),
                    progress, box.summary, box.image]
    return _with_fallback(box, lambda: _forecast_fallback(box))


def _forecast_fallback(box):
    """The forecast explorer's static copy: its figure and summary, or only the summary before any training."""
    summary = re.sub(r"<[^>]+>", "", box.summary.value)
    if not box.image.value:
        return {"text/plain": f"{summary} (The forecast explorer: run the notebook to use it.)"}
    return {"image/png": _png_text(box.image.value),
            "text/plain": (f"Figure: the article's series, its true continuation and the network's forecast "
                           f"({summary}). (The forecast explorer as first shown: run the notebook to retrain.)")}


def _forecast_controls(method, epochs, cells, seed):
    """The explorer's box with its controls attached as `.method`, `.epochs`, `.cells`, `.seed`, `.train_button`."""
    import ipywidgets as widgets
    import matplotlib.pyplot as plt

    from . import forecast

    box = widgets.VBox()
    box.method = widgets.Dropdown(options=list(forecast.METHODS), value=method, description="method")
    box.epochs = widgets.IntSlider(value=epochs, min=10, max=2000, step=10, description="epochs",
                                   continuous_update=False)
    box.cells = widgets.IntSlider(value=cells, min=1, max=64, description="cells", continuous_update=False)
    box.seed = widgets.BoundedIntText(value=seed, min=0, max=99, description="seed", layout={"width": "160px"})
    box.train_button = widgets.Button(description="Train", button_style="primary", icon="play")
    box.figure = plt.figure(figsize=(8, 3.6))
    plt.close(box.figure)  # drawn into PNG bytes only, never shown by the inline backend
    return box


def _train_and_draw(box, progress):
    """Train with the explorer's settings, redraw its figure and summary; controls are off meanwhile."""
    from . import data, forecast, plotting

    if box.train_button.disabled:  # already training: ignore the click
        return
    controls = [box.method, box.epochs, box.cells, box.seed, box.train_button]
    for control in controls:
        control.disabled = True
    box.summary.value = f"Training {box.method.value} for {box.epochs.value} epochs…"
    try:
        progress.clear_output()
        with progress:
            result = forecast.run_method(box.method.value, epochs=box.epochs.value, cells=box.cells.value,
                                         seed=box.seed.value, reuse=True)  # no new tracing after the first click
        progress.clear_output()
        box.figure.clear()
        title = f"{result['method']}, {result['epochs']} epochs, {result['cells']} cells, seed {result['seed']}"
        plotting.forecast_figure(data.article_data()[0], result["expected"], result["generated"],
                                 ax=box.figure.add_subplot(), title=title)
        box.image.value = _figure_png(box.figure)
        box.results.append(result)
        box.summary.value = (f"{title}: 36-step MSE <b>{result['mse_36']:.2g}</b>, largest error "
                             f"{result['max_abs_err_36']:.3f}; trained in {result['train_seconds']:.1f} s")
    except Exception as error:  # show the problem in the widget instead of losing it in a callback
        box.summary.value = f"<span style='color:#b00'>Training failed: {type(error).__name__}: {error}</span>"
    finally:
        for control in controls:
            control.disabled = False


# ---------------------------------------------------------------------------------------------------------
# Notebook 08 · Writing sequences: a keyboard that suggests completions, a box that translates dates.
# ---------------------------------------------------------------------------------------------------------


@validate(prefix=Text(allow_empty=True), predictors=Check(_check_predictors), known_words=Check(text.check_words),
          checked_in_body=("alphabet", "k", "alpha"))  # by text.check_alphabet and writing.complete
def keyboard_text(prefix, predictors, alphabet, k=3, known_words=(), alpha=0.0):
    """The text the keyboard box shows for `prefix`: each predictor's `k` best completions, one line each.

    Introduced in notebook 08. Never raises for what a learner can type: an empty box asks for letters,
    and characters the models never saw are named in the reply.

    Args:
        prefix: what was typed. predictors: dict label -> predictor (`rh.writing.lstm_predictor`, ...).
        alphabet: from `rh.text.build_alphabet`. k: completions per predictor.
        known_words: words to mark with "✓" (e.g. the training words); others are marked "(new)". If
            empty, nothing is marked.
        alpha: length normalisation of the beam search (`rh.writing.complete`): 0 ranks by probability,
            1 by the mean log-probability per letter.

    Returns:
        A plain-text string.
    """
    from . import writing

    alphabet = text.check_alphabet(alphabet)
    known = set(known_words)
    typed = prefix.strip().lower()
    if not typed:
        return "Type the first letters of a word to see suggestions."
    unknown = text.unknown_characters([typed], alphabet)
    if unknown:
        return (f"Cannot suggest for {prefix!r}: the models never saw {' '.join(unknown)}. "
                f"Use only the letters {''.join(alphabet[3:])}.")
    lines = []
    for label, predict_next in predictors.items():
        found = writing.complete(predict_next, typed, alphabet, k=k, alpha=alpha)
        mark = {word: (" ✓" if word in known else " (new)") if known else "" for word, _ in found}
        shown = [f"{word}{mark[word]} {p:.0%}" for word, p in found]
        lines.append(f"{label}: " + ", ".join(shown))
    return "\n".join(lines)


@validate(value=Text(allow_empty=True), checked_in_body=("predictors", "alphabet", "k", "known_words", "alpha"))
def keyboard_box(predictors, alphabet, k=3, known_words=(), value="", alpha=0.0):
    """A text box that suggests completions as you type (see `keyboard_text`). Introduced in notebook 08.

    Returns:
        the box of `_reply_box`: `.text` (description "Type:"), `.reply` and `.reply_text()`.
    """
    reply = lambda typed: keyboard_text(typed, predictors, alphabet, k=k, known_words=known_words,  # noqa: E731
                                        alpha=alpha)
    return _reply_box(reply, "Type:", "the start of a word, e.g. wor", value, continuous_update=True,
                      min_height="3.5em")


@validate(written=Text(allow_empty=True), checked_in_body=("translator",))  # by translating.check_translator
def date_text(written, translator):
    """The reply of the date box for `written`: its ISO translation, or a message saying what is wrong.

    Introduced in notebook 08. Never raises for what a learner can type.

    Args:
        written: a date as typed. translator: dict from `rh.translating.fit_date_translator`.

    Returns:
        A plain-text string.
    """
    import datetime

    from . import translating

    translator = translating.check_translator(translator)
    written = written.strip()
    if not written:
        return "Type a date, e.g. Nov 26, 2026 or 26.11.26."
    unknown = text.unknown_characters([written], translator["source_alphabet"])
    if unknown:
        return (f"Cannot translate {written!r}: the model never saw {' '.join(unknown)}. It knows only "
                f"{''.join(translator['source_alphabet'][3:])!r} (month names are capitalised).")
    iso = translating.translate(translator["model"], [written], translator["source_alphabet"],
                            translator["target_alphabet"])[0]
    try:
        datetime.date.fromisoformat(iso)
    except ValueError:
        return f"{written}  →  {iso}  (not a valid date: the model made a mistake)"
    return f"{written}  →  {iso}"


@validate(value=Text(allow_empty=True), checked_in_body=("translator",))
def date_box(translator, value="Thu 26 Nov 2026"):
    """A text box that translates a date into ISO form as you type (see `date_text`). Notebook 08.

    Returns:
        the box of `_reply_box`: `.text` (description "Date:"), `.reply` and `.reply_text()`.
    """
    return _reply_box(lambda typed: date_text(typed, translator), "Date:", "e.g. 26 November 2026", value,
                      continuous_update=False, min_height="2em")


# ---------------------------------------------------------------------------------------------------------
# Notebook 07 · Reading sequences: a text box that names the language of a word.
# ---------------------------------------------------------------------------------------------------------


@validate(word=Text(allow_empty=True), names=Check(_check_names),
          width=Int(minimum=1, maximum=200, hint="A bar wider than a screen cannot be read."),
          checked_in_body=("model", "alphabet", "languages"))  # by reading.language_probabilities
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

    try:
        probabilities = reading.language_probabilities(model, alphabet, languages, word)
    except ValueError as error:
        return str(error)
    lines = [f"{word.strip().lower()!r} is most likely:"]
    for language, p in probabilities.items():
        bar = "█" * int(round(p * width))
        lines.append(f"  {names.get(language, language):<10} {bar:<{width}} {p:6.1%}")
    return "\n".join(lines)


@validate(value=Text(allow_empty=True), checked_in_body=("model", "alphabet", "languages", "names"))
def language_box(model, alphabet, languages, names=None, value=""):
    """A text box that shows the language probabilities of the typed word (see `language_text`).

    Introduced in notebook 07.

    Returns:
        the box of `_reply_box`: `.text` (description "Word:"), `.reply` and `.reply_text()`.
    """
    reply = lambda typed: language_text(typed, model, alphabet, languages, names=names)  # noqa: E731
    return _reply_box(reply, "Word:", "type one word, e.g. wasser", value, continuous_update=True,
                      min_height="7em")


def _reply_box(reply, description, placeholder, value, continuous_update, min_height):
    """A `Text` box and, below it, the plain-text `reply(typed)` to what is typed, redrawn on every change.

    The text boxes of notebooks 07 and 08 are this box with their own `reply`. Returns an `ipywidgets.VBox`
    with `.text` (the `Text`), `.reply` (an `Output` holding the reply) and `.reply_text()` (the reply shown).
    """
    import ipywidgets as widgets

    box_text = widgets.Text(value=value, description=description, placeholder=placeholder,
                            continuous_update=continuous_update, layout={"width": "420px"})
    output = widgets.Output(layout={"min_height": min_height})
    shown = {"text": ""}

    def update(change=None):
        shown["text"] = reply(box_text.value)
        output.clear_output(wait=True)
        with output:
            print(shown["text"])

    box_text.observe(update, names="value")
    update()
    box = widgets.VBox([box_text, output])
    box.text, box.reply, box.reply_text = box_text, output, lambda: shown["text"]
    return _with_fallback(box, lambda: {"text/plain": f"{description} {box_text.value}\n{shown['text']}"})
