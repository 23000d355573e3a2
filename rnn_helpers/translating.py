"""Notebook 08's translator: an encoder–decoder (sequence to sequence) that rewrites dates as ISO dates.

A GRU encoder reads the source characters, a GRU decoder writes the target one symbol a step, optionally
looking back at every encoder output through attention. It is trained with teacher forcing
(`translation_data`, `train_translator`) and read out by greedy decoding (`greedy_decode`, `translate`);
`fit_date_translator` is the notebook's recipe and `score_translations`/`wrong_fields` sort its mistakes.
Characters become ids with `rnn_helpers.text`; the models come from `keras_rnn`, the training from `fitting`.
"""

import pathlib

import numpy as np

from . import data, text
from ._validation import (MAX_SIZE, SIZE_HINT, Array, Bool, Check, Choice, Count, Int, KerasModel, LearningRate,
                          Optional, Seed, Size, Text, check_keras_model, check_table, validate)
from .fitting import compile_and_fit


_STRINGS = Check(text.check_words)  # a list of strings


@validate(sources=_STRINGS, targets=_STRINGS, checked_in_body=("source_alphabet", "target_alphabet"))
def translation_data(sources, targets, source_alphabet, target_alphabet):
    """Arrays for teacher forcing: encoder input, decoder input `START t a r g e t`, target `t a r g e t END`.

    Introduced in notebook 08. In training the decoder is fed the *true* previous character at every step
    (teacher forcing), not its own guess, so all steps are learned in parallel.

    Args:
        sources: list of input strings ("Nov 26, 2026"). targets: list of output strings ("2026-11-26").
        source_alphabet, target_alphabet: from `text.build_alphabet`.

    Returns:
        `((encoder_ids, decoder_ids), target_ids)`, int32 arrays.
    """
    if len(sources) != len(targets):
        raise ValueError(f"sources and targets must pair up, got {len(sources)} and {len(targets)} strings.")
    encoder_ids = text.encode(sources, source_alphabet)
    decoder_ids = text.encode(targets, target_alphabet, start=True)
    target_ids = text.encode(targets, target_alphabet, end=True, length=decoder_ids.shape[1])
    return (encoder_ids, decoder_ids), target_ids


ENCODERS = ("bidirectional", "forward", "reversed")


_VOCABULARY = Int(minimum=4, maximum=MAX_SIZE, hint=SIZE_HINT)


@validate(source_vocabulary=_VOCABULARY, target_vocabulary=_VOCABULARY, units=Size(), attention=Bool(),
          embedding=Size(), encoder=Choice(ENCODERS))
def build_translator(source_vocabulary, target_vocabulary, units=32, attention=True, embedding=32,
                     encoder="bidirectional"):
    """An encoder–decoder: a GRU encoder reads the source, a GRU decoder writes the target one symbol a step.

    Introduced in notebook 08. The decoder starts from the encoder's final state(s). With `attention=True`
    every decoder step also looks back at all encoder outputs through `keras.layers.Attention` (dot-product
    scores, a softmax over source positions, a weighted sum) and predicts from its own output and that
    context together. The attention layer is named "attention".

    Args:
        source_vocabulary, target_vocabulary: `len(...)` of the two alphabets; ints >= 4.
        units: GRU units of each encoder direction (a bidirectional encoder's decoder has twice as many).
        attention: whether the decoder attends to the encoder outputs. embedding: size of character vectors.
        encoder: "bidirectional" (one GRU reads left to right, one right to left, final states side by side),
            "forward" (one GRU, left to right) or "reversed" (one GRU reading the source backwards, so the
            decoder starts next to the source's first characters, the trick of Sutskever et al. 2014).

    Returns:
        An uncompiled `keras.Model` `[encoder_ids, decoder_ids] -> (batch, target_time, target_vocabulary)`.
    """
    import keras

    from . import keras_rnn

    encoder_ids = keras.Input((None,), dtype="int32", name="encoder_ids")
    decoder_ids = keras.Input((None,), dtype="int32", name="decoder_ids")
    source = keras.layers.Embedding(source_vocabulary, embedding, mask_zero=True)(encoder_ids)
    reader = keras_rnn.build_layer("gru", units, return_sequences=True, return_state=True, name="encoder",
                                   go_backwards=encoder == "reversed")
    if encoder == "bidirectional":
        encoder_outputs, forward_state, backward_state = keras.layers.Bidirectional(reader)(source)
        state = keras.layers.Concatenate()([forward_state, backward_state])
    else:
        encoder_outputs, state = reader(source)
    written = keras.layers.Embedding(target_vocabulary, embedding)(decoder_ids)
    decoder = keras_rnn.build_layer("gru", state.shape[-1], return_sequences=True, name="decoder")
    decoder_outputs = decoder(written, initial_state=state)
    if attention:
        attend = keras.layers.Attention(name="attention")
        context, _ = attend([decoder_outputs, encoder_outputs], return_attention_scores=True)
        decoder_outputs = keras.layers.Concatenate()([decoder_outputs, context])
    probabilities = keras.layers.Dense(target_vocabulary, activation="softmax")(decoder_outputs)
    return keras_rnn.build_graph([encoder_ids, decoder_ids], probabilities, name="translator")


@validate(model=KerasModel(), epochs=Count(), seed=Seed(), learning_rate=LearningRate(), batch_size=Count(),
          desc=Optional(Text()), checked_in_body=("inputs", "target_ids"))
def train_translator(model, inputs, target_ids, epochs, seed=0, learning_rate=0.003, batch_size=64, desc=None):
    """Compile and fit a translator with teacher forcing; returns the training loss of every epoch.

    Introduced in notebook 08.

    Args:
        model: from `build_translator`. inputs, target_ids: from `translation_data`.
        epochs: an int >= 1. seed: seeds the shuffling. learning_rate, batch_size: as in Keras.
        desc: label of the progress bar.

    Returns:
        1-D float array of per-epoch losses.
    """
    import keras

    desc = model.name if desc is None else desc
    keras.utils.set_random_seed(seed)
    return compile_and_fit(model, list(inputs), target_ids, epochs, batch_size, "sparse_categorical_crossentropy",
                           learning_rate, desc=desc)


@validate(model=KerasModel(), encoder_ids=Array(ndim=2), steps=Count())
def greedy_decode(model, encoder_ids, steps):
    """Write the target one symbol at a time, each step feeding back the most probable symbol so far.

    Introduced in notebook 08. At test time there is no true previous symbol to feed (teacher forcing is
    over): the decoder input starts as `START`, and after step t the argmax of the output at t is written
    into position t + 1. Only positions <= t influence the output at t, so the rest may stay padding.

    Args:
        model: a trained translator. encoder_ids: int array `(batch, source_time)` from `text.encode`.
        steps: how many symbols to write (the target length + 1 for `END`); an int >= 1.

    Returns:
        int32 array `(batch, steps + 1)`: `START` followed by the written ids (decode with `text.decode`).
    """
    encoder_ids = encoder_ids.astype(np.int32)
    written = np.zeros((len(encoder_ids), steps + 1), dtype=np.int32)
    written[:, 0] = text.START
    for t in range(steps):
        P = model.predict_on_batch([encoder_ids, written[:, :-1]])   # (batch, steps, vocabulary)
        written[:, t + 1] = np.argmax(P[:, t], axis=-1)
    return written


@validate(model=KerasModel(), sources=_STRINGS, steps=Count(), checked_in_body=("source_alphabet", "target_alphabet"))
def translate(model, sources, source_alphabet, target_alphabet, steps=11):
    """Translate strings with a trained translator and greedy decoding. Notebook 08.

    Raises:
        ValueError: for an empty string or characters the source alphabet lacks (the message lists them).
    """
    sources = [s.strip() for s in sources]
    if not sources or any(s == "" for s in sources):
        raise ValueError("sources must be non-empty strings; type a date such as 'Nov 26, 2026'.")
    encoder_ids = text.encode(sources, source_alphabet)
    return text.decode(greedy_decode(model, encoder_ids, steps), target_alphabet)


@validate(model=KerasModel(), encoder_ids=Array(ndim=2), decoder_ids=Array(ndim=2))
def attention_weights(model, encoder_ids, decoder_ids):
    """How much each written symbol looked at each source character: the attention layer's softmax weights.

    Introduced in notebook 08.

    Args:
        model: a translator built with `attention=True`. encoder_ids, decoder_ids: int arrays `(batch, time)`
            (the decoder input, e.g. `greedy_decode(...)[:, :-1]`).

    Returns:
        float array `(batch, target_time, source_time)`; each row sums to 1 over the source characters.
    """

    from . import keras_rnn

    if "attention" not in [layer.name for layer in model.layers]:
        raise ValueError("model has no layer named 'attention'; build it with build_translator(..., attention=True).")
    encoder_ids, decoder_ids = encoder_ids.astype(np.int32), decoder_ids.astype(np.int32)
    scores = keras_rnn.build_graph(model.inputs, model.get_layer("attention").output[1], name="attention_weights")
    return np.asarray(scores.predict_on_batch([encoder_ids, decoder_ids]))


_DATES = Check(check_table, columns=("text", "iso"), source="rh.data.date_pairs")


def _check_translator(name, translator):
    """The dict `fit_date_translator` returns: a built model and its two alphabets."""
    keys = ("model", "source_alphabet", "target_alphabet")
    if not isinstance(translator, dict) or not all(key in translator for key in keys):
        raise TypeError(f"{name} must be the dict returned by fit_date_translator (with keys {list(keys)}), "
                        f"got {type(translator).__name__}.")
    check_keras_model(f"{name}['model']", translator["model"])
    text.check_alphabet(translator["source_alphabet"]), text.check_alphabet(translator["target_alphabet"])
    return translator


@validate(train=_DATES, units=Size(), epochs=Count(), attention=Bool(), seed=Seed(),
          encoder=Choice(ENCODERS))
def fit_date_translator(train, units=32, epochs=3, attention=True, seed=0, encoder="bidirectional"):
    """Build the alphabets and a translator from a table of dates and train it: notebook 08's recipe.

    Introduced in notebook 08.

    Args:
        train: DataFrame with columns `text` and `iso`, e.g. from `rnn_helpers.data.date_pairs`.
        units, attention, encoder: as in `build_translator`. epochs: an int >= 1. seed: seeds weights and
            shuffling.

    Returns:
        dict with `model`, `source_alphabet`, `target_alphabet`, `losses` (per epoch) and `seconds` of training.
    """
    import time

    import keras

    sources, targets = list(train["text"]), list(train["iso"])
    source_alphabet, target_alphabet = text.build_alphabet(sources), text.build_alphabet(targets)
    inputs, target_ids = translation_data(sources, targets, source_alphabet, target_alphabet)
    keras.utils.set_random_seed(seed)
    model = build_translator(len(source_alphabet), len(target_alphabet), units=units, attention=attention,
                             encoder=encoder)
    label = f"{encoder} {'with attention' if attention else 'plain'}, seed {seed}"
    start = time.perf_counter()
    losses = train_translator(model, inputs, target_ids, epochs, seed=seed, desc=label)
    return {"model": model, "source_alphabet": source_alphabet, "target_alphabet": target_alphabet,
            "losses": losses, "seconds": time.perf_counter() - start}


@validate(translator=Check(_check_translator))
def check_translator(translator):
    """Return `translator` if it is the dict `fit_date_translator` returns, else raise a TypeError.

    Introduced in notebook 08; the date box checks its translator with it too.
    """
    return translator


@validate(translator=Check(_check_translator), test=_DATES)
def score_translations(translator, test):
    """Translate every test date and compare with the truth. Notebook 08.

    Args:
        translator: dict from `fit_date_translator`. test: DataFrame with `text`, `iso`, `format`.

    Returns:
        A copy of `test` with columns `predicted` and `correct` (exact match of all ten characters).
    """
    scored = test.copy()
    scored["predicted"] = translate(translator["model"], list(test["text"]), translator["source_alphabet"],
                                    translator["target_alphabet"])
    scored["correct"] = scored["predicted"] == scored["iso"]
    return scored


@validate(predicted=Text(allow_empty=True), truth=Text(allow_empty=True))
def wrong_fields(predicted, truth):
    """Which parts of an ISO date a translation got wrong: "", "year", "month", "day", "month+day", ...

    Introduced in notebook 08, to sort the translator's mistakes.

    Args:
        predicted, truth: ISO date strings "YYYY-MM-DD" (`truth` must be one; `predicted` may be anything).

    Returns:
        The wrong fields joined by "+", "" if there is none, or "not a date" if `predicted` is not
        shaped like YYYY-MM-DD.
    """
    if len(truth) != 10 or truth.count("-") != 2:
        raise ValueError(f"truth must be an ISO date YYYY-MM-DD, got {truth!r}.")
    if len(predicted) != 10 or [predicted[4], predicted[7]] != ["-", "-"]:
        return "not a date"
    fields = {"year": slice(0, 4), "month": slice(5, 7), "day": slice(8, 10)}
    return "+".join(name for name, part in fields.items() if predicted[part] != truth[part])


DATE_BENCHMARK = pathlib.Path(__file__).resolve().parent / "date_translation_results.json"  # package data


@validate(checked_in_body=("path",))
def load_date_benchmark(path=DATE_BENCHMARK):
    """The committed results of `benchmarks/date_translation.py`: every design, budget and seed it trained.

    Introduced in notebook 08, which reads the designs it does not train itself from here.

    Args:
        path: the results file; by default the one in the course's `benchmarks/` folder.

    Returns:
        dict with `machine`, `rows` (one per design, budget and seed: `exact_match`, `weights`, ...) and `medians`.

    Raises:
        FileNotFoundError: if the file is missing (re-create it with `python benchmarks/date_translation.py`).
    """
    return data.benchmark_results(path, "benchmarks/date_translation.py", "15-30 minutes on 2 cores")
