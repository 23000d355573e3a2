"""Notebook 08's experiments: networks that write — a next-letter keyboard and a date translator.

Two parts, both on top of `text` (characters <-> ids) and `training` (progress bars):

- the keyboard: a character-level LSTM and a letter table (its baseline) that give the probabilities of the
  next letter after a prefix, their top-k accuracy, word completion by beam search and sampling with a
  temperature;
- the translator: an encoder–decoder (sequence to sequence) that rewrites dates as ISO dates, trained with
  teacher forcing and read out by greedy decoding.

A "predictor" below is any function `predict_next(ids) -> probabilities`: it takes a 2-D int array of
prefixes `(batch, time)` that start with `text.START` and returns `(batch, vocabulary)` probabilities of the
next symbol. `lstm_predictor` and `table_predictor` make one, so completion and sampling work for both.
"""

import pathlib

import numpy as np

from . import data, text
from ._validation import (MAX_COUNT, MAX_SIZE, SIZE_HINT, check_array, check_bool, check_choice, check_count,
                          check_float, check_int, check_keras_model, check_size, check_text)
from ._validation import check_learning_rate
from .fitting import compile_and_fit

# --- the keyboard: data, the LSTM and the letter table -----------------------------------------------------


def keyboard_words(n, min_length=2, max_length=12):
    """The keyboard's words: the `n` most frequent English words written with a–z only, with Zipf weights.

    Introduced in notebook 08. `rnn_helpers.data.frequent_words` keeps alphabetic words, which may include
    letters such as "é"; a phone's English layout has 26, so words with other letters are dropped (fewer
    than `n` words may remain).

    Returns:
        A pandas DataFrame with columns `word`, `frequency` and `zipf weight` (see `zipf_weights`).
    """
    from . import data

    words = data.frequent_words("en", n, min_length=min_length, max_length=max_length)
    words = words[words["word"].str.fullmatch("[a-z]+")].reset_index(drop=True)
    words["zipf weight"] = zipf_weights(words["frequency"].to_numpy())
    return words


def zipf_weights(frequencies):
    """Word weights on the Zipf scale: `log10(frequency per billion words)`, about 1 (rare) to 8 ("the").

    Introduced in notebook 08. Raw frequencies span five orders of magnitude, so weighting by them would let
    a few dozen words decide everything; their logarithm still counts common words more.

    Args:
        frequencies: 1-D array of word frequencies (shares of all words), each > 1e-9.

    Returns:
        1-D float array of weights, each > 0.
    """
    frequencies = check_array("frequencies", frequencies, ndim=1)
    if frequencies.min() <= 1e-9:
        raise ValueError(f"frequencies must be > 1e-9 (once per billion words), got {frequencies.min():.3g}. "
                         "Drop the rarest words.")
    return np.log10(frequencies) + 9.0


def next_letter_data(words, alphabet, length=None):
    """Inputs and targets for next-letter prediction: `START w o r d` -> `w o r d END`.

    Introduced in notebook 08. At every step the target is the input shifted by one: after the prefix
    `START w o` the next letter is `r`; after the whole word it is `END`.

    Args:
        words: list of strings. alphabet: from `text.build_alphabet`.
        length: columns of both arrays; None means the longest word + 1.

    Returns:
        `(X, Y)`, two int32 arrays `(len(words), length)` padded with `text.PAD`.
    """
    X = text.encode(words, alphabet, length=length, start=True)
    Y = text.encode(words, alphabet, length=X.shape[1], end=True)
    return X, Y


def build_keyboard_model(vocabulary, units=64, embedding=16):
    """A character-level LSTM: `(batch, time)` ids -> `(batch, time, vocabulary)` next-symbol probabilities.

    Introduced in notebook 08. Embedding (with `mask_zero=True`, so padding is skipped), one LSTM layer that
    returns its output at every step, and a softmax over the alphabet.

    Args:
        vocabulary: `len(alphabet)`; an int >= 4. units: LSTM units. embedding: size of each letter's vector.

    Returns:
        An uncompiled `keras.Model`.
    """
    from . import keras_rnn

    vocabulary = check_int("vocabulary", vocabulary, minimum=4, maximum=MAX_SIZE, hint=SIZE_HINT)
    return keras_rnn.build_model("lstm", check_size("units", units), outputs=vocabulary, activation="softmax",
                                 vocabulary=vocabulary, embedding=check_size("embedding", embedding),
                                 return_sequences=True, name="keyboard")


def train_keyboard(words, weights, alphabet, units=64, epochs=6, seed=0, learning_rate=0.01, batch_size=64):
    """Train `build_keyboard_model` on `words`, each letter's loss weighted by its word's weight.

    Introduced in notebook 08.

    Args:
        words: training words (list of str). weights: 1-D array, one weight per word (`zipf_weights`).
        alphabet: from `text.build_alphabet`. units, epochs, learning_rate, batch_size: as in Keras.
        seed: seeds the initial weights and the shuffling.

    Returns:
        `(model, losses)`: the trained model and the training loss of every epoch.
    """
    import keras

    X, Y = next_letter_data(words, alphabet)
    weights = check_array("weights", weights, ndim=1)
    if weights.shape[0] != X.shape[0]:
        raise ValueError(f"weights must have one value per word ({X.shape[0]}), got {weights.shape[0]}.")
    epochs, learning_rate = check_count("epochs", epochs), check_learning_rate(learning_rate)
    keras.utils.set_random_seed(check_int("seed", seed, minimum=0))
    model = build_keyboard_model(len(alphabet), units)
    sample_weight = (Y != text.PAD) * (weights / weights.mean())[:, None]  # mean weight 1; padding counts 0
    losses = compile_and_fit(model, X, Y, epochs, batch_size, "sparse_categorical_crossentropy", learning_rate,
                             desc=f"keyboard LSTM, seed {seed}", sample_weight=sample_weight)
    return model, losses


def letter_table(words, weights, alphabet, context=2):
    """The baseline: weighted counts of the next symbol after each context of up to `context` symbols.

    Introduced in notebook 08. With `context=2` this is a letter trigram table; shorter contexts (the
    bigram and the plain letter counts) are kept for backing off when a context was never seen.

    Args:
        words: training words. weights: one weight per word. alphabet: from `text.build_alphabet`.
        context: how many previous symbols the table looks at; an int >= 0.

    Returns:
        dict mapping a tuple of up to `context` previous ids to a 1-D array of counts over the alphabet.
    """
    X, Y = next_letter_data(words, alphabet)
    weights = check_array("weights", weights, ndim=1)
    if weights.shape[0] != X.shape[0]:
        raise ValueError(f"weights must have one value per word ({X.shape[0]}), got {weights.shape[0]}.")
    context = check_int("context", context, minimum=0)
    table = {}
    for x, y, weight in zip(X, Y, weights):
        for t in range(int(np.count_nonzero(y))):
            for n in range(min(context, t + 1) + 1):
                key = tuple(int(i) for i in x[t + 1 - n: t + 1])   # the last n symbols seen
                table.setdefault(key, np.zeros(len(alphabet)))[y[t]] += weight
    return table


def table_probabilities(table, X):
    """Next-symbol probabilities from a letter table at every step of `X` (backing off to shorter contexts).

    Introduced in notebook 08.

    Args:
        table: from `letter_table`. X: int array `(batch, time)` of inputs from `next_letter_data`.

    Returns:
        float array `(batch, time, vocabulary)`; rows of padding steps are zero.
    """
    table = _check_table(table)
    X = check_array("X", X, ndim=2).astype(int)
    context = max(len(key) for key in table)
    vocabulary = len(table[()])
    P = np.zeros(X.shape + (vocabulary,))
    for b, x in enumerate(X):
        for t in range(int(np.count_nonzero(x))):
            for n in range(min(context, t + 1), -1, -1):   # longest context first
                counts = table.get(tuple(int(i) for i in x[t + 1 - n: t + 1]))
                if counts is not None and counts.sum() > 0:
                    P[b, t] = counts / counts.sum()
                    break
    return P


def top_k_accuracy(P, Y, k):
    """Share of real (non-padding) steps whose true next symbol is among the `k` most probable.

    Introduced in notebook 08.

    Args:
        P: probabilities `(batch, time, vocabulary)`. Y: int targets `(batch, time)`, `text.PAD` where unused.
        k: an int >= 1.

    Returns:
        A float in [0, 1].
    """
    P = check_array("P", P, ndim=3)
    Y = check_array("Y", Y, ndim=2).astype(int)
    k = check_int("k", k, minimum=1, maximum=P.shape[-1])
    if P.shape[:2] != Y.shape:
        raise ValueError(f"P must have shape (batch, time, vocabulary) matching Y {Y.shape}, got {P.shape}.")
    p_true = np.take_along_axis(P, Y[..., None], axis=-1)
    ahead = (P > p_true) | ((P == p_true) & (np.arange(P.shape[-1]) < Y[..., None]))  # ties: lower id first
    rank = np.sum(ahead, axis=-1)   # how many symbols come before the true one in the ranking
    real = Y != text.PAD
    return float(np.mean(rank[real] < k))


def keyboard_race(words, frequencies, held_out=0.2, units=64, epochs=6, seeds=(0, 1, 2)):
    """The LSTM against the letter table on held-out words, once per seed: the notebook's comparison.

    Introduced in notebook 08. For each seed the words are split anew (a share `held_out` is never trained
    on), both models are trained on the rest with `zipf_weights`, and both are scored by top-1 and top-3
    next-letter accuracy at every letter of the held-out words (and at their end).

    Args:
        words: list of lower-case words. frequencies: their frequencies (same length).
        held_out: share of words kept for testing, in (0, 1). units, epochs: of the LSTM.
        seeds: the seeds; each seeds the split and the LSTM.

    Returns:
        `(scores, runs)`: a pandas DataFrame with one row per seed and model (`seed`, `model`, `top-1`,
        `top-3`, `seconds` of training) and a dict seed -> dict with the `model`, `table`, `alphabet`,
        `train_words` and `test_words` of that run.
    """
    import time

    import pandas as pd

    words = text.check_words("words", words)
    frequencies = check_array("frequencies", frequencies, ndim=1)
    if len(words) != len(frequencies):
        raise ValueError(f"words and frequencies must have the same length, got {len(words)} and {len(frequencies)}.")
    held_out = check_float("held_out", held_out, strictly_positive=True, maximum=0.9)
    seeds = _check_seeds(seeds)
    alphabet = text.build_alphabet(words)
    rows, runs = [], {}
    for seed in seeds:
        test = np.random.default_rng(seed).random(len(words)) < held_out
        train_words = [w for w, t in zip(words, test) if not t]
        weights = zipf_weights(frequencies[~test])
        start = time.perf_counter()
        table = letter_table(train_words, weights, alphabet)
        table_seconds = time.perf_counter() - start
        start = time.perf_counter()
        model, _ = train_keyboard(train_words, weights, alphabet, units=units, epochs=epochs, seed=seed)
        lstm_seconds = time.perf_counter() - start
        X, Y = next_letter_data([w for w, t in zip(words, test) if t], alphabet)
        for name, P, seconds in (("letter table", table_probabilities(table, X), table_seconds),
                                 ("LSTM", np.asarray(model.predict_on_batch(X)), lstm_seconds)):
            rows.append({"seed": seed, "model": name, "top-1": top_k_accuracy(P, Y, 1),
                         "top-3": top_k_accuracy(P, Y, 3), "seconds": seconds})
        runs[seed] = {"model": model, "table": table, "alphabet": alphabet, "train_words": train_words,
                      "test_words": [w for w, t in zip(words, test) if t]}
    return pd.DataFrame(rows), runs


def _check_seeds(seeds):
    """Return `seeds` as a non-empty list of ints >= 0, else raise."""
    if isinstance(seeds, (str, dict)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"seeds must be a list of ints, got {type(seeds).__name__}. Pass e.g. seeds=(0, 1, 2).")
    seeds = [check_int("seed", seed, minimum=0) for seed in seeds]
    if not seeds:
        raise ValueError("seeds must hold at least one seed, got none. Pass e.g. seeds=(0, 1, 2).")
    return seeds


def _check_table(table):
    """Return `table` if it looks like the dict `letter_table` returns, else raise a TypeError."""
    if not isinstance(table, dict) or not isinstance(table.get(()), np.ndarray):
        raise TypeError(f"table must be the dict returned by letter_table, got {type(table).__name__}"
                        f"{' without its () entry' if isinstance(table, dict) else ''}. Make it with "
                        "rnn_helpers.writing.letter_table(words, weights, alphabet).")
    return table


# --- the keyboard: predictors, completion, sampling ----------------------------------------------------------


def lstm_predictor(model):
    """Wrap a keyboard model as a predictor: prefixes `(batch, time)` -> next-symbol probabilities.

    Introduced in notebook 08. Each row's prediction is read at its last non-padding step.
    """
    model = check_keras_model("model", model)

    def predict_next(ids):
        ids = np.asarray(ids, dtype=np.int32)
        P = np.asarray(model(ids, training=False))
        last = np.count_nonzero(ids, axis=1) - 1
        return P[np.arange(len(ids)), last].astype(np.float64)

    return predict_next


def table_predictor(table):
    """Wrap a letter table (from `letter_table`) as a predictor, like `lstm_predictor`. Notebook 08."""
    table = _check_table(table)

    def predict_next(ids):
        ids = np.asarray(ids)
        P = table_probabilities(table, ids)
        return P[np.arange(len(ids)), np.count_nonzero(ids, axis=1) - 1]

    return predict_next


def _prefix_ids(prefix, alphabet):
    """`START` + the prefix's ids as a `(1, time)` array; a clear ValueError for characters never seen."""
    if not isinstance(prefix, str):
        raise TypeError(f"prefix must be a string, got {type(prefix).__name__}.")
    unknown = text.unknown_characters([prefix], alphabet)
    if unknown:
        raise ValueError(f"{prefix!r} holds character(s) {unknown} the model has never seen; "
                         f"it knows only {''.join(alphabet[3:])!r}.")
    return text.encode([prefix], alphabet, start=True)


def complete(predict_next, prefix, alphabet, k=3, beam_width=8, max_length=16, alpha=0.0):
    """The `k` best words that start with `prefix`, found by beam search.

    Introduced in notebook 08. Every step extends each of the `beam_width` best unfinished words by each
    symbol and keeps the `beam_width` most probable; a word is finished when `END` is chosen. Finished words
    are ranked by `log p / n ** alpha`, where `n` counts the symbols written after the prefix (`END`
    included): with `alpha=0` by probability, which favours short words (every extra letter multiplies in
    one more probability below 1: the **short-output bias**); with `alpha=1` by the mean log-probability per
    symbol (**length normalisation**). With `alpha=0` the search stops when no unfinished word can still beat
    the k-th finished one; otherwise it runs to `max_length`.

    Args:
        predict_next: a predictor (`lstm_predictor`, `table_predictor`). prefix: what was typed ("" allowed).
        alphabet: from `text.build_alphabet`. k: how many words; an int >= 1.
        beam_width: unfinished words kept per step; an int >= k. max_length: longest word considered.
        alpha: the length normalisation exponent; a float in [0, 2].

    Returns:
        list of up to `k` `(word, probability)` pairs, best first; probabilities are given the prefix.

    Raises:
        ValueError: if the prefix holds characters the alphabet lacks (the message lists them).
    """
    ids = _prefix_ids(prefix, alphabet)
    k = check_int("k", k, minimum=1)
    beam_width = check_int("beam_width", beam_width, minimum=k, maximum=MAX_SIZE, hint=SIZE_HINT)
    max_length = check_int("max_length", max_length, minimum=len(prefix) + 1, maximum=MAX_COUNT)
    alpha = check_float("alpha", alpha, minimum=0.0, maximum=2.0)
    beams, log_p = ids, np.zeros(1)
    finished = []                                                     # (word, log-probability, score)
    for n in range(1, max_length - len(prefix) + 1):                  # n: symbols written, END included
        log_P = log_p[:, None] + np.log(np.maximum(predict_next(beams), 1e-12))
        log_P[:, : text.END] = -np.inf                                # never PAD or START
        words = text.decode(beams, alphabet)
        finished += [(w, lp, lp / n ** alpha) for w, lp in zip(words, log_P[:, text.END]) if w]  # no empty word
        finished = sorted(finished, key=lambda found: -found[2])[:k]
        log_P[:, text.END] = -np.inf
        best = np.argsort(log_P, axis=None)[::-1][:beam_width]
        rows, symbols = np.unravel_index(best, log_P.shape)
        beams = np.concatenate([beams[rows], symbols[:, None].astype(beams.dtype)], axis=1)
        log_p = log_P[rows, symbols]
        if alpha == 0 and len(finished) == k and log_p.max() < finished[-1][1]:
            break
    return [(word, float(np.exp(lp))) for word, lp, _ in finished]


def with_temperature(P, temperature):
    """Sharpen (temperature < 1) or flatten (> 1) probabilities: `p_T ∝ p ** (1 / temperature)`.

    Introduced in notebook 08. Computed in log space, so a low temperature cannot underflow to all zeros.

    Args:
        P: probabilities `(..., vocabulary)`, each row summing to a positive number. temperature: a float > 0.

    Returns:
        float array like `P`, each row summing to 1; zeros stay zero.
    """
    P = check_array("P", P)
    if P.ndim == 0:
        raise ValueError(f"P must hold probabilities over a vocabulary (at least 1-D), got the single number {P}.")
    temperature = _check_temperature(temperature)
    if np.any(P < 0) or np.any(P.sum(axis=-1) <= 0):
        raise ValueError("P must hold probabilities: no negative values and a positive sum in every row.")
    with np.errstate(divide="ignore"):
        log_p = np.log(P) / temperature
    P_T = np.exp(log_p - log_p.max(axis=-1, keepdims=True))
    return P_T / P_T.sum(axis=-1, keepdims=True)


def _check_temperature(temperature):
    """A temperature: a float in (0, MAX_TEMPERATURE]."""
    return check_float("temperature", temperature, strictly_positive=True, maximum=MAX_TEMPERATURE)


# Above this every letter is about equally likely: p ** (1 / 100) is within 5 % of 1 for any p > 0.6 %.
MAX_TEMPERATURE = 100.0


def sample_words(predict_next, alphabet, n, temperature=1.0, seed=0, max_length=16):
    """Invent `n` words letter by letter, drawing each from the predicted probabilities at a temperature.

    Introduced in notebook 08. The probabilities are sharpened (temperature < 1) or flattened (> 1) as
    `p_T ∝ p ** (1 / temperature)`; temperature 1 samples the model as it is.

    Args:
        predict_next: a predictor. alphabet: from `text.build_alphabet`. n: how many words; an int >= 1.
        temperature: a float > 0. seed: seed of the draws. max_length: letters after which a word is cut.

    Returns:
        list of `n` strings.
    """
    n = check_count("n", n)
    temperature = _check_temperature(temperature)
    max_length = check_count("max_length", max_length)
    rng = np.random.default_rng(check_int("seed", seed, minimum=0))
    ids = np.full((n, 1), text.START, dtype=np.int32)
    done = np.zeros(n, dtype=bool)
    for _ in range(max_length):
        P = predict_next(ids)
        P[:, : text.END] = 0.0                                        # never PAD or START
        P = with_temperature(P, temperature)
        drawn = np.array([rng.choice(len(p), p=p) for p in P])
        drawn[done] = text.PAD                                        # finished words only get padding
        done |= drawn == text.END
        ids = np.concatenate([ids, drawn[:, None].astype(np.int32)], axis=1)
        if done.all():
            break
    return text.decode(ids, alphabet)


# --- the date translator: encoder–decoder with attention, teacher forcing, greedy decoding ------------------


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

    source_vocabulary = check_int("source_vocabulary", source_vocabulary, minimum=4, maximum=MAX_SIZE, hint=SIZE_HINT)
    target_vocabulary = check_int("target_vocabulary", target_vocabulary, minimum=4, maximum=MAX_SIZE, hint=SIZE_HINT)
    units = check_size("units", units)
    embedding = check_size("embedding", embedding)
    attention = check_bool("attention", attention)
    encoder_ids = keras.Input((None,), dtype="int32", name="encoder_ids")
    decoder_ids = keras.Input((None,), dtype="int32", name="decoder_ids")
    source = keras.layers.Embedding(source_vocabulary, embedding, mask_zero=True)(encoder_ids)
    encoder = check_choice("encoder", encoder, ENCODERS)
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

    model = check_keras_model("model", model)
    desc = model.name if desc is None else check_text("desc", desc)
    keras.utils.set_random_seed(check_int("seed", seed, minimum=0))
    return compile_and_fit(model, list(inputs), target_ids, epochs, batch_size, "sparse_categorical_crossentropy",
                           learning_rate, desc=desc)


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
    model = check_keras_model("model", model)
    encoder_ids = check_array("encoder_ids", encoder_ids, ndim=2).astype(np.int32)
    steps = check_count("steps", steps)
    written = np.zeros((len(encoder_ids), steps + 1), dtype=np.int32)
    written[:, 0] = text.START
    for t in range(steps):
        P = model.predict_on_batch([encoder_ids, written[:, :-1]])   # (batch, steps, vocabulary)
        written[:, t + 1] = np.argmax(P[:, t], axis=-1)
    return written


def translate(model, sources, source_alphabet, target_alphabet, steps=11):
    """Translate strings with a trained translator and greedy decoding. Notebook 08.

    Raises:
        ValueError: for an empty string or characters the source alphabet lacks (the message lists them).
    """
    sources = [s.strip() for s in text.check_words("sources", sources)]
    if not sources or any(s == "" for s in sources):
        raise ValueError("sources must be non-empty strings; type a date such as 'Nov 26, 2026'.")
    encoder_ids = text.encode(sources, source_alphabet)
    return text.decode(greedy_decode(model, encoder_ids, steps), target_alphabet)


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

    model = check_keras_model("model", model)
    if "attention" not in [layer.name for layer in model.layers]:
        raise ValueError("model has no layer named 'attention'; build it with build_translator(..., attention=True).")
    encoder_ids = check_array("encoder_ids", encoder_ids, ndim=2).astype(np.int32)
    decoder_ids = check_array("decoder_ids", decoder_ids, ndim=2).astype(np.int32)
    scores = keras_rnn.build_graph(model.inputs, model.get_layer("attention").output[1], name="attention_weights")
    return np.asarray(scores.predict_on_batch([encoder_ids, decoder_ids]))


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

    train = _check_dates("train", train)
    sources, targets = list(train["text"]), list(train["iso"])
    source_alphabet, target_alphabet = text.build_alphabet(sources), text.build_alphabet(targets)
    inputs, target_ids = translation_data(sources, targets, source_alphabet, target_alphabet)
    keras.utils.set_random_seed(check_int("seed", seed, minimum=0))
    model = build_translator(len(source_alphabet), len(target_alphabet), units=units, attention=attention,
                             encoder=encoder)
    label = f"{encoder} {'with attention' if attention else 'plain'}, seed {seed}"
    start = time.perf_counter()
    losses = train_translator(model, inputs, target_ids, epochs, seed=seed, desc=label)
    return {"model": model, "source_alphabet": source_alphabet, "target_alphabet": target_alphabet,
            "losses": losses, "seconds": time.perf_counter() - start}


def _check_dates(name, table):
    """Return `table` if it is a DataFrame with columns `text` and `iso`, else raise a TypeError."""
    if not hasattr(table, "columns") or not {"text", "iso"} <= set(table.columns):
        raise TypeError(f"{name} must be a DataFrame with columns 'text' and 'iso', e.g. from rh.data.date_pairs, "
                        f"got {type(table).__name__}.")
    return table


def check_translator(translator):
    """Return `translator` if it is the dict `fit_date_translator` returns, else raise a TypeError.

    Introduced in notebook 08; the date box checks its translator with it too.
    """
    keys = ("model", "source_alphabet", "target_alphabet")
    if not isinstance(translator, dict) or not all(key in translator for key in keys):
        raise TypeError(f"translator must be the dict returned by fit_date_translator (with keys {list(keys)}), "
                        f"got {type(translator).__name__}.")
    check_keras_model("translator['model']", translator["model"])
    text.check_alphabet(translator["source_alphabet"]), text.check_alphabet(translator["target_alphabet"])
    return translator


def score_translations(translator, test):
    """Translate every test date and compare with the truth. Notebook 08.

    Args:
        translator: dict from `fit_date_translator`. test: DataFrame with `text`, `iso`, `format`.

    Returns:
        A copy of `test` with columns `predicted` and `correct` (exact match of all ten characters).
    """
    translator = check_translator(translator)
    scored = _check_dates("test", test).copy()
    scored["predicted"] = translate(translator["model"], list(test["text"]), translator["source_alphabet"],
                                    translator["target_alphabet"])
    scored["correct"] = scored["predicted"] == scored["iso"]
    return scored


def wrong_fields(predicted, truth):
    """Which parts of an ISO date a translation got wrong: "", "year", "month", "day", "month+day", ...

    Introduced in notebook 08, to sort the translator's mistakes.

    Args:
        predicted, truth: ISO date strings "YYYY-MM-DD" (`truth` must be one; `predicted` may be anything).

    Returns:
        The wrong fields joined by "+", "" if there is none, or "not a date" if `predicted` is not
        shaped like YYYY-MM-DD.
    """
    if not isinstance(predicted, str) or not isinstance(truth, str):
        raise TypeError("predicted and truth must be strings such as '2026-11-26'.")
    if len(truth) != 10 or truth.count("-") != 2:
        raise ValueError(f"truth must be an ISO date YYYY-MM-DD, got {truth!r}.")
    if len(predicted) != 10 or [predicted[4], predicted[7]] != ["-", "-"]:
        return "not a date"
    fields = {"year": slice(0, 4), "month": slice(5, 7), "day": slice(8, 10)}
    return "+".join(name for name, part in fields.items() if predicted[part] != truth[part])


DATE_BENCHMARK = pathlib.Path(__file__).resolve().parent / "date_translation_results.json"  # package data


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
