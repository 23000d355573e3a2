"""Every public helper rejects bad input with a clear TypeError or ValueError.

The sweep finds the package's public functions (and public classes' `__init__`) by introspection, so a new
helper is swept as soon as it exists. For each parameter in turn it passes one bad value (None, -1, 0, NaN,
inf, an empty array, a 4-D array, a string, a dict, 10**12, True, 2.5) while the other arguments keep the
valid values of `EXAMPLES`, and asserts the call ends in a TypeError or ValueError with a message. Any other
exception (AttributeError, IndexError, a TensorFlow error...), a hang, or a silent success fails.
"""

import importlib
import functools
import inspect
import math
import pkgutil
import signal

import numpy as np
import pytest

import rnn_helpers

# The command-line entry points take an argv list and exit with code 2 on bad arguments (argparse's SystemExit), not
# a TypeError/ValueError: tests/test_forecast.py tests them. Every other public function is swept.
NOT_SWEPT = {"forecast_cli.main", "forecast_cli.parse_args"}

BAD_VALUES = {
    "None": None, "-1": -1, "0": 0, "nan": math.nan, "inf": math.inf, "empty array": np.empty(0),
    "4-D array": np.zeros((2, 2, 2, 2)), "string": "bad", "dict": {"bad": 1}, "10**12": 10**12,
    "True": True, "2.5": 2.5,
}

# Every public function declares its parameters with `rnn_helpers._validation.validate`. For a declared parameter
# the sweep takes its cases from the declaration: BAD_VALUES plus values just outside the declared bounds, choices
# and ranks; each value the declaration rejects must be rejected with a message naming the parameter, and ACCEPTED
# has no row for it. Parameters a declaration leaves to the body (`checked_in_body`) are swept as below.

# Values from BAD_VALUES that are right for one parameter, with the reason. Everything else must be rejected.
ACCEPTED = {
    ("bptt.numerical_gradients", "params"): {"dict"},  # {"bad": 1} is a dict of numbers, which it differentiates
    ("numpy_rnn.lstm_cell_values", "step"): {"0"}, ("numpy_rnn.lstm_cell_values", "unit"): {"0"},  # first step, unit
    ("plotting.lstm_cell_picture", "step"): {"0"}, ("plotting.lstm_cell_picture", "unit"): {"0"},
    ("plotting.plot_gate_traces", "marks"): {"0", "empty array"},  # mark step 0, or mark nothing
    ("forecast.load_benchmark", "path"): {"string"},  # a missing file: FileNotFoundError naming the script that makes it
    ("data.frequent_words", "max_length"): {"10**12"},  # longer than any word: no limit, like None
    ("writing.keyboard_words", "max_length"): {"None", "10**12"},
    ("plotting.attention_map", "source"): {"string"},  # "bad" has 3 characters, as many as the weights' columns
    ("recurrence_costs.load_benchmark", "path"): {"string"},  # a missing file: FileNotFoundError naming the script
    ("translating.load_date_benchmark", "path"): {"string"},
    ("data.benchmark_results", "path"): {"string"},  # a missing file: FileNotFoundError naming the script
    ("widgets.keyboard_text", "alpha"): {"0"}, ("widgets.keyboard_box", "alpha"): {"0"},
}

# Parameters that take any value of a kind, whatever function they belong to.
ACCEPTED_FOR_PARAMETER = {
    "seed": {"0", "10**12"},  # any int >= 0 seeds numpy's generator
    "desc": {"string"}, "unit": {"string"}, "name": {"string"}, "title": {"string"}, "ylabel": {"string"},  # any text is a label
}


def _min_params(cell, features=2, units=3):
    from rnn_helpers import linear_recurrence, numpy_rnn

    return numpy_rnn.random_params(linear_recurrence.min_param_names(cell), features, units)


def _date_benchmark_path():
    from rnn_helpers import translating

    return translating.DATE_BENCHMARK


def _X(batch=1, time=3, features=2):
    return np.random.default_rng(0).normal(size=(batch, time, features))


def _params(cell, features=2, units=3, reset_after=True, outputs=1):
    from rnn_helpers import numpy_rnn

    return numpy_rnn.random_params(numpy_rnn.param_names(cell, reset_after), features, units, outputs=outputs)


def _network(cell):
    from rnn_helpers import bptt

    return (bptt.init_elman if cell == "elman" else bptt.init_jordan)(2, 3)


@functools.cache  # Keras models and layers are built once and reused, as the note above WORDS explains
def _built(cell):
    from rnn_helpers import keras_rnn

    return keras_rnn.layer_from_numpy(cell, _params(cell))


def _cache(cell):
    from rnn_helpers import bptt

    forward = bptt.elman_forward_with_cache if cell == "elman" else bptt.jordan_forward_with_cache
    return forward(_X(), _network(cell))[1]


def _learner_fn(*args):
    return None  # a learner's function that is not written yet: the check prints a failing table


@functools.cache
def _model(cell="elman", return_sequences=True):
    from rnn_helpers import keras_rnn

    model = keras_rnn.build_model(cell, units=3, return_sequences=return_sequences)
    model.build((None, None, 1))
    return model


@functools.cache
def _adam():
    from rnn_helpers import fitting

    return fitting.build_adam(_model("lstm"), 0.01)


def _graph_parts():
    import keras

    inputs = keras.Input((2,))
    return dict(inputs=inputs, outputs=keras.layers.Dense(1)(inputs), name="demo")


def _keras_lstm():
    return _built("lstm")


def _trace():
    from rnn_helpers import gates

    return gates.lstm_gate_trace(_keras_lstm(), np.ones((4, 2)))


def _runner():
    import tensorflow as tf

    return tf.function(lambda n: tf.zeros((n,)))


def _windows():
    from rnn_helpers import data

    return data.sine_windows(4, 6)


@functools.cache
def _one_step_model(kind="elman"):
    from rnn_helpers import one_step

    model = one_step.build_recurrent(kind, units=3)
    model.build((None, None, 1))
    return model


# Notebooks 07 and 08: tiny words, images, dates and models. Built once (the sweep calls each example about a
# hundred times) and reused: no function below changes the models it is given except by training them, which
# leaves them valid inputs.
WORDS = ["cat", "car", "dog"]
WEIGHTS = np.array([3.0, 2.0, 1.0])
ALPHABET = ("<pad>", "<start>", "<end>", "a", "c", "d", "g", "o", "r", "t")
LANGUAGES = ("en", "de")
DATES = (["Nov 2, 2026", "26.11.26"], ["2026-11-02", "2026-11-26"])


def _digits():
    """`(X_train, X_test, y_train, y_test)` like data.digit_images, with four 4x4 images."""
    images = np.random.default_rng(0).random((4, 4, 4))
    return images[:2], images[2:], np.array([0, 1]), np.array([1, 0])


@functools.cache
def _digit_model():
    from rnn_helpers import reading

    return reading.build_digit_model("GRU", steps=4, features=4, units=2)


def _language_frames():
    import pandas as pd

    words = pd.DataFrame({"word": ["cat", "dog", "car", "tag", "rat", "cod", "act", "god"],
                          "language": ["en", "de"] * 4})
    return words.iloc[:4].reset_index(drop=True), words.iloc[4:].reset_index(drop=True)


@functools.cache
def _word_model():
    from rnn_helpers import reading

    return reading.build_word_model(len(ALPHABET), len(LANGUAGES), embedding_dim=2, units=2)


@functools.cache
def _keyboard_model():
    from rnn_helpers import writing

    return writing.build_keyboard_model(len(ALPHABET), units=2, embedding=2)


def _table():
    from rnn_helpers import writing

    return writing.letter_table(WORDS, WEIGHTS, ALPHABET)


def _table_predictor():
    from rnn_helpers import writing

    return writing.table_predictor(_table())


@functools.cache
def _translator():
    """A dict like translating.fit_date_translator's, with an untrained two-unit translator."""
    from rnn_helpers import text, translating

    source_alphabet, target_alphabet = text.build_alphabet(DATES[0]), text.build_alphabet(DATES[1])
    model = translating.build_translator(len(source_alphabet), len(target_alphabet), units=2, embedding=2)
    return {"model": model, "source_alphabet": source_alphabet, "target_alphabet": target_alphabet}


def _translation_data():
    from rnn_helpers import translating

    t = _translator()
    return translating.translation_data(*DATES, t["source_alphabet"], t["target_alphabet"])


def _date_frame():
    import pandas as pd

    return pd.DataFrame({"text": DATES[0], "iso": DATES[1], "format": ["Nov 26, 2026", "26.11.26"]})


# One valid call per function: keyword arguments, built when the test runs. Parameters left out take their defaults.
EXAMPLES = {
    "bptt.init_elman": lambda: dict(features=2, units=3),
    "bptt.init_jordan": lambda: dict(features=2, units=3),
    "bptt.elman_forward_with_cache": lambda: dict(X=_X(), params=_network("elman")),
    "bptt.jordan_forward_with_cache": lambda: dict(X=_X(), params=_network("jordan")),
    "bptt.elman_backward": lambda: dict(dY=np.ones((1, 3, 1)), cache=_cache("elman")),
    "bptt.jordan_backward": lambda: dict(dY=np.ones((1, 3, 1)), cache=_cache("jordan")),
    "bptt.elman_loss_and_grads": lambda: dict(X=_X(), Y_target=np.ones((1, 3, 1)), params=_network("elman")),
    "bptt.jordan_loss_and_grads": lambda: dict(X=_X(), Y_target=np.ones((1, 3, 1)), params=_network("jordan")),
    "bptt.numerical_gradients": lambda: dict(loss_fn=lambda p: sum(float(np.sum(w**2)) for w in p.values()),
                                             params={"w": np.ones(2)}),
    "bptt.relative_error": lambda: dict(grads_a={"w": np.ones(2)}, grads_b={"w": np.zeros(2)}),
    "bptt.gradient_check": lambda: dict(cell="elman", X=_X(), Y_target=np.ones((1, 3, 1)), params=_network("elman")),
    "bptt.keras_gradients": lambda: dict(cell="jordan", X=_X(), Y_target=np.ones((1, 3, 1)),
                                         params=_network("jordan")),
    "checks.windows": lambda: dict(fn=_learner_fn),
    "checks.elman_step": lambda: dict(fn=_learner_fn),
    "checks.jordan_step": lambda: dict(fn=_learner_fn),
    "checks.elman_bptt": lambda: dict(fn=_learner_fn),
    "checks.forget_gate": lambda: dict(fn=_learner_fn),
    "checks.lstm_step": lambda: dict(fn=_learner_fn),
    "checks.gru_step": lambda: dict(fn=_learner_fn),
    "checks.stateful_training": lambda: dict(fn=_learner_fn, epochs=2),
    "keras_rnn.JordanCell": lambda: dict(units=3),
    "keras_rnn.cell_of": lambda: dict(layer=_built("lstm")),
    "keras_rnn.params_from_keras": lambda: dict(layer=_built("gru")),
    "keras_rnn.params_from_fused": lambda: dict(cell="lstm", kernel=np.zeros((2, 12)),
                                                recurrent_kernel=np.zeros((3, 12)), bias=np.zeros(12)),
    "keras_rnn.params_to_keras": lambda: dict(cell="gru", params=_params("gru")),
    "keras_rnn.build_layer": lambda: dict(cell="elman", units=3),
    "keras_rnn.build_model": lambda: dict(cell="gru", units=3),
    "keras_rnn.build_graph": lambda: _graph_parts(),
    "keras_rnn.cell_for_class": lambda: dict(class_name="LSTM"),
    "keras_rnn.layer_from_numpy": lambda: dict(cell="jordan", params=_params("jordan")),
    "numpy_rnn.param_names": lambda: dict(cell="gru", reset_after=False),
    "numpy_rnn.random_params": lambda: dict(names=("W_xh", "b_h"), features=2, units=3),
    "numpy_rnn.elman_step": lambda: dict(x_t=np.ones((1, 2)), h_prev=np.zeros((1, 3)), params=_params("elman")),
    "numpy_rnn.elman_forward": lambda: dict(X=_X(), params=_params("elman")),
    "numpy_rnn.jordan_step": lambda: dict(x_t=np.ones((1, 2)), y_prev=np.zeros((1, 1)), params=_params("jordan")),
    "numpy_rnn.jordan_forward": lambda: dict(X=_X(), params=_params("jordan")),
    "numpy_rnn.sigmoid": lambda: dict(a=np.linspace(-3, 3, 5)),
    "numpy_rnn.lstm_step": lambda: dict(x_t=np.ones((1, 2)), h_prev=np.zeros((1, 3)), c_prev=np.zeros((1, 3)),
                                        params=_params("lstm")),
    "numpy_rnn.lstm_forward": lambda: dict(X=_X(), params=_params("lstm")),
    "numpy_rnn.gru_step": lambda: dict(x_t=np.ones((1, 2)), h_prev=np.zeros((1, 3)), params=_params("gru")),
    "numpy_rnn.gru_forward": lambda: dict(X=_X(), params=_params("gru")),
    "data.sine_series": lambda: dict(n=5),
    "data.supervised_pairs": lambda: dict(series=np.arange(5.0)),
    "data.article_data": lambda: dict(),
    "data.article_continuation": lambda: dict(),
    "data.sine_windows": lambda: dict(n_windows=3, length=5),
    "data.lagged_pairs": lambda: dict(windows=_windows(), lags=2),
    "data.sequence_pairs": lambda: dict(windows=_windows()),
    "data.recall_first": lambda: dict(n_samples=3, length=4),
    "data.adding_problem": lambda: dict(n_samples=3, length=4),
    "progress.progress_bar": lambda: dict(total=3, desc="demo", enabled=False),
    "progress.widget_bundle": lambda: dict(widget=importlib.import_module("ipywidgets").Output(),
                                           fallback={"text/plain": "a box"}),
    "gates.param_count": lambda: dict(cell="gru", features=2, units=3),
    "gates.keras_param_count": lambda: dict(cell="lstm", features=2, units=3),
    "gates.lstm_gate_trace": lambda: dict(layer=_keras_lstm(), x=np.ones((4, 2))),
    "gates.gru_gate_trace": lambda: dict(layer=_built("gru"), x=np.ones((4, 2))),
    "gates.gate_means_by_mask": lambda: dict(layer=_keras_lstm(), X=_X(2, 4), mask=np.eye(2, 4, dtype=bool)),
    "gradient_flow.orthogonal_times": lambda: dict(radius=0.9, units=3),
    "gradient_flow.gradient_norms": lambda: dict(cell="elman", length=4, units=3),
    "gradient_flow.state_jacobian_norms": lambda: dict(rnn_cell=_built("elman").cell, x=np.ones((4, 2))),
    "gradient_flow.clipping_data": lambda: dict(length=4),
    "gradient_flow.clipping_params": lambda: dict(units=3),
    "gradient_flow.clipping_run": lambda: dict(clip_norm=1.0, steps=2, length=4, units=3),
    "memory.memory_experiment": lambda: dict(plan=[("adding", ["elman"], [4])], progress=False, epochs=2, n_train=8,
                                             n_test=8, batch_size=4, units=2),
    "one_step.OneStepResult": lambda: dict(name="x", model=_one_step_model(), mse=0.1, params=3, seconds=0.1,
                                           losses=[1.0]),
    "one_step.floor_mse": lambda: dict(),
    "one_step.best_one_value_prediction": lambda: dict(x=np.array([0.5, -0.2])),
    "one_step.task_windows": lambda: dict(split="train"),
    "one_step.build_feedforward": lambda: dict(lags=2, units=3),
    "one_step.build_recurrent": lambda: dict(kind="jordan", units=3),
    "one_step.predict": lambda: dict(model=_one_step_model(), X=np.ones((2, 4, 1))),
    "one_step.train_feedforward": lambda: dict(lags=1, units=2, epochs=1),
    "one_step.per_step_mse": lambda: dict(model=_one_step_model(), windows=_windows()),
    "one_step.train_recurrent": lambda: dict(kind="elman", units=2, epochs=1),
    "one_step.fed_back_vs_input": lambda: dict(model=_one_step_model("jordan"), windows=_windows()),
    "fitting.run_in_chunks": lambda: dict(run_epochs=_runner(), epochs=3, desc="demo", progress=False),
    "fitting.fit_progress": lambda: dict(epochs=2, desc="demo"),
    "fitting.quiet_tracing": lambda: dict(),  # a context manager without parameters: the call only makes it
    "data.task_data": lambda: dict(task="adding", n_samples=3, length=4),
    "scores.r2_score": lambda: dict(y_true=np.array([0.0, 1.0, 2.0]), y_pred=np.array([0.0, 1.0, 1.5])),
    "scores.evaluate_forecast": lambda: dict(generated=np.zeros(3), expected=np.ones(3)),
    "fitting.full_bptt_runner": lambda: dict(model=_model(), x=np.zeros(4), y=np.ones(4), learning_rate=0.01),
    "fitting.minibatch_runner": lambda: dict(model=_model(return_sequences=False), learning_rate=0.01, batch_size=2),
    "fitting.build_adam": lambda: dict(model=_model(), learning_rate=0.01),
    "fitting.compile_and_fit": lambda: dict(model=_model(), x=np.zeros((2, 3, 1)), y=np.ones((2, 3, 1)), epochs=1,
                                            batch_size=2, loss="mse"),
    "fitting.per_value_runner": lambda: dict(model=_model("lstm"), optimizer=_adam(), x=np.zeros(4), y=np.ones(4)),
    "fitting.cut_state_runner": lambda: dict(model=_model("lstm"), x=np.zeros(4), y=np.ones(4), learning_rate=0.01),
    "training.race_sine": lambda: dict(cells=("elman",), units=2, epochs=2, progress=False),
    "training.train_sine": lambda: dict(cell="elman", units=2, epochs=2, progress=False),
    "training.race_memory": lambda: dict(cells=("elman",), length=4, units=2, epochs=2, n_train=8, n_test=8,
                                         batch_size=4, progress=False),
    "training.train_memory": lambda: dict(cell="elman", length=4, units=2, epochs=2, n_train=8, n_test=8,
                                          batch_size=4, progress=False),
    "stateful.reset_rnn_states": lambda: dict(model=_model()),
    "stateful.stateful_twin": lambda: dict(model=_model()),
    "stateful.generate": lambda: dict(model=_model(), warmup=np.zeros(3), steps=2),
    "plotting.use_course_style": lambda: dict(),
    "plotting.line_style": lambda: dict(role="lstm"),
    "plotting.gate_cmap": lambda: dict(),
    "plotting.signed_cmap": lambda: dict(),
    "plotting.forecast_figure": lambda: dict(series=np.zeros(4), expected=np.zeros(3), generated=np.ones(3)),
    "plotting.error_by_horizon": lambda: dict(errors={"bptt": np.ones(3)}),
    "plotting.loss_curves": lambda: dict(losses={"bptt": np.ones(3)}),
    "plotting.plot_gate_traces": lambda: dict(trace=_trace()),
    "plotting.lstm_cell_diagram": lambda: dict(highlight="forget"),
    "numpy_rnn.lstm_cell_values": lambda: dict(trace=_trace(), step=1, unit=0),
    "plotting.lstm_cell_picture": lambda: dict(trace=_trace(), step=1, unit=0),
    "plotting.gru_cell_diagram": lambda: dict(highlight="reset"),
    "plotting.usage_modes_diagram": lambda: dict(),
    "plotting.unrolled_bptt_diagram": lambda: dict(steps=4, truncate=2),
    "plotting.elman_jordan_diagram": lambda: dict(kind="Elman"),
    "forecast.build_article_model": lambda: dict(cells=2),
    "forecast.build_sequence_model": lambda: dict(cells=2),
    "forecast.train_article": lambda: dict(x=np.zeros(3), y=np.ones(3), epochs=1, cells=2, progress=False),
    "forecast.train_compiled": lambda: dict(x=np.zeros(3), y=np.ones(3), epochs=1, cells=2, progress=False),
    "forecast.train_bptt": lambda: dict(x=np.zeros(3), y=np.ones(3), epochs=1, cells=2, progress=False),
    "forecast.fit_ar2": lambda: dict(series=np.sin(np.arange(6.0))),
    "forecast.generate_ar2": lambda: dict(coefficients=(1.0, -0.5), warmup=np.ones(3), steps=2),
    "forecast.load_benchmark": lambda: dict(),
    "forecast.run_method": lambda: dict(method="bptt", epochs=1, cells=2, progress=False),
    "forecast.run_ablation_row": lambda: dict(truncation="full", learning_rate=0.01, updates=1, cells=2),
    "reading.as_sequence": lambda: dict(images=np.zeros((2, 4, 4)), order="pixels", pixels_per_step=2),
    "reading.build_digit_model": lambda: dict(kind="GRU", steps=4, features=4, units=2),
    "reading.train_classifier": lambda: dict(model=_digit_model(), data=_digits(), epochs=1, batch_size=2,
                                             desc="demo"),
    "reading.predict": lambda: dict(model=_digit_model(), X=np.zeros((2, 4, 4))),
    "reading.train_digit_model": lambda: dict(kind="GRU", order="rows", images=_digits(), units=2, epochs=1, seed=0,
                                              batch_size=2),
    "reading.pixel_baseline": lambda: dict(images=_digits()),
    "reading.beliefs_by_step": lambda: dict(model=_digit_model(), X=np.zeros((2, 4, 4))),
    "scores.confusion_matrix": lambda: dict(y_true=np.array([0, 1]), y_pred=np.array([1, 1]), classes=2),
    "reading.split_words": lambda: dict(words=_language_frames()[0].iloc[[0, 1, 2, 3, 0, 1, 2, 3]], test_fraction=0.5),
    "reading.ngram_baseline": lambda: dict(train=_language_frames()[0], test=_language_frames()[1]),
    "reading.build_word_model": lambda: dict(alphabet_size=6, languages=2, embedding_dim=2, units=2),
    "reading.train_language_model": lambda: dict(train=_language_frames()[0], test=_language_frames()[1],
                                                 languages=LANGUAGES, seed=0, epochs=1, embedding_dim=2, units=2,
                                                 batch_size=2),
    "reading.language_probabilities": lambda: dict(model=_word_model(), alphabet=ALPHABET, languages=LANGUAGES,
                                                   word="cat"),
    "text.check_words": lambda: dict(name="words", words=WORDS),
    "text.check_alphabet": lambda: dict(alphabet=ALPHABET),
    "text.build_alphabet": lambda: dict(words=WORDS),
    "text.unknown_characters": lambda: dict(words=["cab"], alphabet=ALPHABET),
    "text.encode": lambda: dict(words=WORDS, alphabet=ALPHABET, length=5, start=True),
    "text.decode": lambda: dict(ids=np.array([[1, 4, 3, 9, 2]]), alphabet=ALPHABET),
    "widgets.lstm_gate_explorer": lambda: dict(trace=_trace(), step=1, unit=1),
    "widgets.forecast_explorer": lambda: dict(method="bptt", epochs=10, cells=2, seed=1),
    "widgets.keyboard_text": lambda: dict(prefix="ca", predictors={"table": _table_predictor()}, alphabet=ALPHABET,
                                          k=2, known_words=WORDS),
    "widgets.keyboard_box": lambda: dict(predictors={"table": _table_predictor()}, alphabet=ALPHABET, k=2,
                                         known_words=WORDS, value="ca"),
    "widgets.date_text": lambda: dict(written="26.11.26", translator=_translator()),
    "widgets.date_box": lambda: dict(translator=_translator(), value="26.11.26"),
    "widgets.language_text": lambda: dict(word="cat", model=_word_model(), alphabet=ALPHABET, languages=LANGUAGES,
                                          names={"en": "English"}, width=10),
    "widgets.language_box": lambda: dict(model=_word_model(), alphabet=ALPHABET, languages=LANGUAGES,
                                         names={"en": "English"}, value="cat"),
    "writing.keyboard_words": lambda: dict(n=5, min_length=2, max_length=6),
    "writing.zipf_weights": lambda: dict(frequencies=np.array([1e-3, 1e-5])),
    "writing.next_letter_data": lambda: dict(words=WORDS, alphabet=ALPHABET, length=5),
    "writing.build_keyboard_model": lambda: dict(vocabulary=len(ALPHABET), units=2, embedding=2),
    "writing.train_keyboard": lambda: dict(words=WORDS, weights=WEIGHTS, alphabet=ALPHABET, units=2, epochs=1,
                                           batch_size=2),
    "writing.letter_table": lambda: dict(words=WORDS, weights=WEIGHTS, alphabet=ALPHABET, context=1),
    "writing.table_probabilities": lambda: dict(table=_table(), X=np.array([[1, 4, 3]])),
    "scores.top_k_accuracy": lambda: dict(P=np.full((1, 2, 10), 0.1), Y=np.array([[4, 2]]), k=2),
    "writing.keyboard_race": lambda: dict(words=WORDS, frequencies=np.array([1e-3, 1e-4, 1e-5]), held_out=0.5,
                                          units=2, epochs=1, seeds=(0,)),
    "writing.lstm_predictor": lambda: dict(model=_keyboard_model()),
    "writing.table_predictor": lambda: dict(table=_table()),
    "writing.complete": lambda: dict(predict_next=_table_predictor(), prefix="c", alphabet=ALPHABET, k=2,
                                     beam_width=3, max_length=5),
    "writing.with_temperature": lambda: dict(P=np.array([[0.2, 0.8]]), temperature=0.5),
    "writing.sample_words": lambda: dict(predict_next=_table_predictor(), alphabet=ALPHABET, n=2, temperature=0.5,
                                         seed=1, max_length=5),
    "translating.translation_data": lambda: dict(sources=DATES[0], targets=DATES[1],
                                             source_alphabet=_translator()["source_alphabet"],
                                             target_alphabet=_translator()["target_alphabet"]),
    "translating.build_translator": lambda: dict(source_vocabulary=6, target_vocabulary=6, units=2, embedding=2,
                                             encoder="forward"),
    "translating.train_translator": lambda: dict(model=_translator()["model"], inputs=_translation_data()[0],
                                             target_ids=_translation_data()[1], epochs=1, batch_size=2),
    "translating.greedy_decode": lambda: dict(model=_translator()["model"], encoder_ids=_translation_data()[0][0],
                                          steps=2),
    "translating.translate": lambda: dict(model=_translator()["model"], sources=DATES[0][:1],
                                      source_alphabet=_translator()["source_alphabet"],
                                      target_alphabet=_translator()["target_alphabet"], steps=2),
    "translating.attention_weights": lambda: dict(model=_translator()["model"], encoder_ids=_translation_data()[0][0],
                                              decoder_ids=_translation_data()[0][1]),
    "translating.fit_date_translator": lambda: dict(train=_date_frame(), units=2, epochs=1, encoder="forward"),
    "translating.check_translator": lambda: dict(translator=_translator()),
    "translating.score_translations": lambda: dict(translator=_translator(), test=_date_frame()),
    "translating.wrong_fields": lambda: dict(predicted="2026-11-02", truth="2026-11-26"),
    "data.frequent_words": lambda: dict(language="en", n=5, min_length=2, max_length=6),
    "data.digit_images": lambda: dict(test_fraction=0.5),
    "data.language_words": lambda: dict(languages=["en", "de"], n_per_language=5, max_length=6),
    "data.date_pairs": lambda: dict(n_train=3, n_test=2),
    "plotting.grouped_bars": lambda: dict(scores={"LSTM": {"top-1": [0.5, 0.6], "top-3": 0.8}}, ylabel="share",
                                          chance=0.1),
    "plotting.attention_map": lambda: dict(weights=np.full((2, 3), 1 / 3), source="abc", target="xy"),
    "plotting.digit_gallery": lambda: dict(images=np.zeros((2, 4, 4)), titles=["a", "b"]),
    "plotting.confusion_heatmap": lambda: dict(counts=np.eye(2), labels=["a", "b"]),
    "plotting.reading_steps": lambda: dict(image=np.zeros((3, 4)), beliefs=np.full((3, 2), 0.5)),
    "plotting.belief_curves": lambda: dict(beliefs=np.full((3, 2), 0.5), classes=[0, 1], labels=["zero", "one"]),
    # notebook 09
    "data.prefix_parity": lambda: dict(n_samples=3, length=4, seed=1),
    "plotting.min_gru_cell_diagram": lambda: dict(),
    "plotting.scan_diagram": lambda: dict(steps=4),
    "recurrence_costs.load_benchmark": lambda: dict(),
    "linear_recurrence.min_param_names": lambda: dict(cell="minlstm"),
    "linear_recurrence.min_gru_gates": lambda: dict(X=_X(), params=_min_params("mingru")),
    "linear_recurrence.min_lstm_gates": lambda: dict(X=_X(), params=_min_params("minlstm")),
    "linear_recurrence.linear_recurrence": lambda: dict(a=np.full((1, 3, 2), 0.5), b=np.ones((1, 3, 2)),
                                                        h0=np.zeros((1, 2))),
    "linear_recurrence.combine": lambda: dict(first=(0.5, 1.0), second=(0.5, 2.0)),
    "linear_recurrence.hillis_steele_scan": lambda: dict(a=np.full((1, 3, 2), 0.5), b=np.ones((1, 3, 2))),
    "linear_recurrence.scan_cost": lambda: dict(T=8),
    "linear_recurrence.keras_scan_traces": lambda: dict(version="3.13.2", backend="tensorflow"),
    "linear_recurrence.keras_hillis_steele": lambda: dict(a=np.full((1, 3, 2), 0.5), b=np.ones((1, 3, 2))),
    "linear_recurrence.keras_scan": lambda: dict(a=np.full((1, 3, 2), 0.5), b=np.ones((1, 3, 2))),
    "linear_recurrence.g": lambda: dict(x=np.array([-1.0, 1.0])),
    "linear_recurrence.log_space_recurrence": lambda: dict(log_a=np.full((1, 3, 2), -0.5), log_b=np.zeros((1, 3, 2))),
    "linear_recurrence.min_gru_forward": lambda: dict(X=_X(), params=_min_params("mingru"), h0=np.zeros((1, 3)),
                                                      method="scan"),
    "linear_recurrence.min_gru_gradient_norms": lambda: dict(X=_X(), params=_min_params("mingru")),
    "min_gru.build_memory_model": lambda: dict(cell="mingru", length=3, features=1, units=2, layers=1,
                                               return_sequences=True, gate_bias=1.0),
    "min_gru.memory_data": lambda: dict(task="parity", n_samples=2, length=3, seed=1),
    "min_gru.score": lambda: dict(task="parity", y_true=np.ones((2, 3, 1)), prediction=np.ones((2, 3, 1))),
    "min_gru.memory_run": lambda: dict(cell="gru", task="parity", length=2, units=1, layers=1, epochs=1,
                                       n_train=2, n_test=2, batch_size=2, learning_rate=0.01, seed=1,
                                       gate_bias=1.0),
    "recurrence_costs.median_seconds": lambda: dict(run=lambda: None, repeats=2),
    "linear_recurrence.feature_map": lambda: dict(x=np.array([-1.0, 1.0])),
    "linear_recurrence.softmax_attention_causal": lambda: dict(Q=np.ones((3, 2)), K=np.ones((3, 2)), V=np.ones((3, 1))),
    "linear_recurrence.linear_attention_masked": lambda: dict(Q=np.ones((3, 2)), K=np.ones((3, 2)), V=np.ones((3, 1))),
    "linear_recurrence.linear_attention_cumsum": lambda: dict(Q=np.ones((3, 2)), K=np.ones((3, 2)), V=np.ones((3, 1))),
    "linear_recurrence.linear_attention_recurrent": lambda: dict(Q=np.ones((3, 2)), K=np.ones((3, 2)),
                                                                 V=np.ones((3, 1))),
    "linear_recurrence.linear_attention_step": lambda: dict(q=np.ones(2), k=np.ones(2), v=np.ones(1),
                                                            S=np.zeros((2, 1)), z=np.zeros(2)),
    "recurrence_costs.generation_cost": lambda: dict(positions=[2, 4], d=2, repeats=1, seed=1),
    "linear_recurrence.ssm_recurrence": lambda: dict(u=np.ones(4), A=np.array([0.5]), B=np.ones(1), C=np.ones(1)),
    "linear_recurrence.ssm_kernel": lambda: dict(A=np.array([0.5]), B=np.ones(1), C=np.ones(1), length=3),
    "linear_recurrence.ssm_convolution": lambda: dict(u=np.ones(4), A=np.array([0.5]), B=np.ones(1), C=np.ones(1)),
    "recurrence_costs.loop_and_scan_times": lambda: dict(T=4, batch=1, units=1, repeats=1, methods=("numpy loop",),
                                                         seed=1),
    "plotting.layered_rnn_diagram": lambda: dict(kind="stacked", steps=3, labels=["a", "b", "c"]),
    "reading.validation_split": lambda: dict(X=np.zeros((10, 2)), y=np.repeat([0, 1], 5), fraction=0.4, seed=1),
    "data.bracket_strings": lambda: dict(n=4, length=8, seed=1),
    "translating.load_date_benchmark": lambda: dict(),
    "cells.get": lambda: dict(cell="gru"),
    "data.benchmark_results": lambda: dict(path=_date_benchmark_path(), script="benchmarks/date_translation.py",
                                           duration="minutes"),
}

SECONDS = 10  # a call that runs longer than this on tiny inputs counts as a hang


def public_callables():
    """`(name, callable, parameter names)` for every public function and class of the package."""
    found = []
    for info in pkgutil.iter_modules(rnn_helpers.__path__):
        # _validation holds the check_* helpers themselves: tests/test_validation.py tests them directly.
        if info.name.startswith("_"):
            continue
        module = importlib.import_module(f"rnn_helpers.{info.name}")
        for attribute, obj in vars(module).items():
            name = f"{info.name}.{attribute}"
            home = getattr(obj, "__module__", None) or ""  # a subpackage's names live in its modules
            if attribute.startswith("_") or (home != module.__name__ and not home.startswith(f"{module.__name__}.")) or \
                    not (inspect.isfunction(obj) or inspect.isclass(obj)) or name in NOT_SWEPT:
                continue
            signature = inspect.signature(obj.__init__ if inspect.isclass(obj) else obj)
            parameters = [p.name for p in signature.parameters.values() if p.name != "self"
                          and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)]
            found.append((name, obj, parameters))
    return found


CALLABLES = public_callables()


def examples_for(name):
    assert name in EXAMPLES, (f"{name} has no entry in EXAMPLES of tests/test_bad_input.py: add one valid call, "
                              f"e.g. \"{name}\": lambda: dict(x=...), so its input checks are swept.")
    return EXAMPLES[name]()


class Hang(Exception):
    pass


def call_with_timeout(fn, arguments):
    def on_alarm(signum, frame):
        raise Hang(f"still running after {SECONDS} s")

    previous = signal.signal(signal.SIGALRM, on_alarm)
    signal.alarm(SECONDS)
    try:
        return fn(**arguments)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def is_valid_for(parameter, value):
    """True for the parameter's own default, True for a flag, and 2.5 for a float: all valid by definition."""
    default = parameter.default
    if default is inspect.Parameter.empty or isinstance(value, np.ndarray) or isinstance(default, np.ndarray):
        return False
    if type(default) is type(value) and type(value) in (bool, float) and value == value:
        return True  # a bool where a bool is expected, a finite float where a float is expected
    return type(default) is type(value) and default == value


def outcome(name, fn, parameter, label):
    """None if `fn` rejects BAD_VALUES[label] for `parameter` with a clear TypeError/ValueError, else what went wrong."""
    arguments = examples_for(name)
    value = BAD_VALUES[label]
    if is_valid_for(inspect.signature(fn.__init__ if inspect.isclass(fn) else fn).parameters[parameter], value):
        return None
    arguments[parameter] = value
    try:
        result = call_with_timeout(fn, arguments)
    except (TypeError, ValueError) as error:
        return None if str(error).strip() else f"{parameter}={label}: {type(error).__name__} with no message"
    except BaseException as error:  # noqa: BLE001 - the point is to name whatever else escaped
        return f"{parameter}={label}: raised {type(error).__name__}: {str(error)[:200]}"
    return (f"{parameter}={label}: returned {type(result).__name__} instead of raising (reject the value, or add "
            "it to ACCEPTED with the reason it is right)")


def declared(fn, parameter):
    """The declared constraint of `parameter`, or None if `fn` leaves it to its body (or declares nothing)."""
    return getattr(fn, "constraints", {}).get(parameter)


def values_outside(constraint):
    """Values just outside what `constraint` declares: below its minimum, above its maximum, not a choice, ..."""
    options = constraint.options
    values = {}
    if options.get("minimum") is not None:
        values["minimum - 1"] = options["minimum"] - 1
    if options.get("maximum") is not None:
        values["maximum + 1"] = options["maximum"] + 1
    if options.get("strictly_positive"):
        values["0.0"] = 0.0
    if options.get("choices"):
        values["not a choice"] = "no such choice"
    if options.get("ndim"):
        values["one rank more"] = np.zeros((2,) * (options["ndim"] + 1))
    if "constraint" in options:  # Optional(inner): None is fine, the inner constraint's edges are not
        values.update(values_outside(options["constraint"]))
    return values


def declaration_rejects(constraint, value):
    try:
        constraint("x", value)
    except (TypeError, ValueError):
        return True
    return False


def declared_outcome(name, fn, parameter, label, value):
    """None if `fn` rejects `value` for `parameter` with a TypeError/ValueError naming it, else what went wrong."""
    arguments = examples_for(name)
    arguments[parameter] = value
    try:
        result = call_with_timeout(fn, arguments)
    except (TypeError, ValueError) as error:
        return None if parameter in str(error) else f"{parameter}={label}: the message does not name it: {error}"
    except BaseException as error:  # noqa: BLE001 - the point is to name whatever else escaped
        return f"{parameter}={label}: raised {type(error).__name__}: {str(error)[:200]}"
    return f"{parameter}={label}: returned {type(result).__name__} although its declaration rejects it"


CASES = [pytest.param(name, fn, parameter, id=f"{name}-{parameter}")
         for name, fn, parameters in CALLABLES for parameter in parameters]


@pytest.mark.parametrize("name, fn, parameter", CASES)
def test_bad_values_raise_a_clear_type_or_value_error(name, fn, parameter):
    constraint = declared(fn, parameter)
    if constraint is not None:
        candidates = {**BAD_VALUES, **values_outside(constraint)}
        rejected = {label: value for label, value in candidates.items() if declaration_rejects(constraint, value)}
        assert rejected, f"{name}: the declaration of {parameter} ({constraint}) rejects none of the sweep's values"
        failures = [problem for label, value in rejected.items()
                    if (problem := declared_outcome(name, fn, parameter, label, value))]
        assert not failures, f"{name}:\n  " + "\n  ".join(failures)
        return
    accepted = ACCEPTED.get((name, parameter), set()) | ACCEPTED_FOR_PARAMETER.get(parameter, set())
    labels = [label for label in BAD_VALUES if label not in accepted]
    failures = [problem for label in labels if (problem := outcome(name, fn, parameter, label))]
    assert not failures, f"{name}:\n  " + "\n  ".join(failures)


@pytest.mark.parametrize("name, fn", [(name, fn) for name, fn, _ in CALLABLES], ids=[n for n, _, _ in CALLABLES])
@pytest.mark.slow  # trains tiny networks for the training helpers: make test
def test_the_valid_example_runs(name, fn):
    """The sweep means something only if the unchanged example call succeeds."""
    call_with_timeout(fn, examples_for(name))


def test_every_entry_of_the_tables_names_a_swept_function():
    swept = {name for name, _, _ in CALLABLES}
    named = set(EXAMPLES) | {name for name, _ in ACCEPTED}
    stale = sorted(named - swept)
    assert not stale, f"remove these entries of EXAMPLES/ACCEPTED, no public function has that name now: {stale}"
    functions = {name: fn for name, fn, _ in CALLABLES}
    declared_rows = sorted(f"{name}-{parameter}" for name, parameter in ACCEPTED
                           if name in functions and declared(functions[name], parameter) is not None)
    assert not declared_rows, f"remove these rows of ACCEPTED, their declarations say what they accept: {declared_rows}"


@pytest.mark.parametrize("name, fn, parameters", CALLABLES, ids=[c[0] for c in CALLABLES])
def test_every_public_function_declares_every_parameter(name, fn, parameters):
    assert hasattr(fn, "constraints"), (
        f"{name} has no declaration: decorate it with @validate(parameter=Constraint(), ...) from "
        "rnn_helpers._validation, as every public function of the package does.")
    named = set(fn.constraints) | set(fn.checked_in_body)
    assert named == set(parameters), (f"{name}: declare {sorted(set(parameters) - named)} (a constraint, or "
                                      "checked_in_body=(...) if the body checks it)")


@pytest.fixture(autouse=True)
def close_figures():
    """The plotting helpers draw into new figures; close them so the sweep does not pile them up."""
    yield
    import matplotlib.pyplot as plt

    plt.close("all")
