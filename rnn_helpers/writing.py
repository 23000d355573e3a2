"""Notebook 08's keyboard: a network that writes the next letter (the date translator is in `translating`).

A character-level LSTM and a letter table (its baseline) give the probabilities of the next letter after a
prefix; on top of them stand their race (`keyboard_race`, scored with `scores.top_k_accuracy`), word
completion by beam search and sampling with a temperature. Characters become ids with `rnn_helpers.text`.

A "predictor" below is any function `predict_next(ids) -> probabilities`: it takes a 2-D int array of
prefixes `(batch, time)` that start with `text.START` and returns `(batch, vocabulary)` probabilities of the
next symbol. `lstm_predictor` and `table_predictor` make one, so completion and sampling work for both.
"""


import numpy as np

from . import data, scores, text
from ._validation import (MAX_COUNT, MAX_SIZE, SIZE_HINT, Array, Check, Count, Float, Function, Int, KerasModel,
                          LearningRate, Seed, Size, check_int, validate)
from .fitting import compile_and_fit

# --- the keyboard: data, the LSTM and the letter table -----------------------------------------------------


@validate(n=Int(minimum=1), min_length=Int(minimum=1), checked_in_body=("max_length",))
def keyboard_words(n, min_length=2, max_length=12):
    """The keyboard's words: the `n` most frequent English words written with a–z only, with Zipf weights.

    Introduced in notebook 08. `rnn_helpers.data.frequent_words` keeps alphabetic words, which may include
    letters such as "é"; a phone's English layout has 26, so words with other letters are dropped (fewer
    than `n` words may remain).

    Returns:
        A pandas DataFrame with columns `word`, `frequency` and `zipf weight` (see `zipf_weights`).
    """

    words = data.frequent_words("en", n, min_length=min_length, max_length=max_length)
    words = words[words["word"].str.fullmatch("[a-z]+")].reset_index(drop=True)
    words["zipf weight"] = zipf_weights(words["frequency"].to_numpy())
    return words


@validate(frequencies=Array(ndim=1))
def zipf_weights(frequencies):
    """Word weights on the Zipf scale: `log10(frequency per billion words)`, about 1 (rare) to 8 ("the").

    Introduced in notebook 08. Raw frequencies span five orders of magnitude, so weighting by them would let
    a few dozen words decide everything; their logarithm still counts common words more.

    Args:
        frequencies: 1-D array of word frequencies (shares of all words), each > 1e-9.

    Returns:
        1-D float array of weights, each > 0.
    """
    if frequencies.min() <= 1e-9:
        raise ValueError(f"frequencies must be > 1e-9 (once per billion words), got {frequencies.min():.3g}. "
                         "Drop the rarest words.")
    return np.log10(frequencies) + 9.0


@validate(checked_in_body=("words", "alphabet", "length"))
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


@validate(vocabulary=Int(minimum=4, maximum=MAX_SIZE, hint=SIZE_HINT), units=Size(), embedding=Size())
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

    return keras_rnn.build_model("lstm", units, outputs=vocabulary, activation="softmax",
                                 vocabulary=vocabulary, embedding=embedding,
                                 return_sequences=True, name="keyboard")


@validate(weights=Array(ndim=1), units=Size(), epochs=Count(), seed=Seed(), learning_rate=LearningRate(),
          batch_size=Count(), checked_in_body=("words", "alphabet"))
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
    if weights.shape[0] != X.shape[0]:
        raise ValueError(f"weights must have one value per word ({X.shape[0]}), got {weights.shape[0]}.")
    keras.utils.set_random_seed(seed)
    model = build_keyboard_model(len(alphabet), units)
    sample_weight = (Y != text.PAD) * (weights / weights.mean())[:, None]  # mean weight 1; padding counts 0
    losses = compile_and_fit(model, X, Y, epochs, batch_size, "sparse_categorical_crossentropy", learning_rate,
                             desc=f"keyboard LSTM, seed {seed}", sample_weight=sample_weight,
                             steps_per_execution=int(np.ceil(len(X) / batch_size)))  # an epoch per call: faster
    return model, losses


@validate(weights=Array(ndim=1), context=Int(minimum=0), checked_in_body=("words", "alphabet"))
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
    if weights.shape[0] != X.shape[0]:
        raise ValueError(f"weights must have one value per word ({X.shape[0]}), got {weights.shape[0]}.")
    table = {}
    for x, y, weight in zip(X, Y, weights):
        for t in range(int(np.count_nonzero(y))):
            for n in range(min(context, t + 1) + 1):
                key = tuple(int(i) for i in x[t + 1 - n: t + 1])   # the last n symbols seen
                table.setdefault(key, np.zeros(len(alphabet)))[y[t]] += weight
    return table


def _check_seeds(name, seeds):
    """Return `seeds` as a non-empty list of ints >= 0, else raise."""
    if isinstance(seeds, (str, dict)) or not hasattr(seeds, "__iter__"):
        raise TypeError(f"{name} must be a list of ints, got {type(seeds).__name__}. Pass e.g. seeds=(0, 1, 2).")
    seeds = [check_int(f"{name}[{i}]", seed, minimum=0) for i, seed in enumerate(seeds)]
    if not seeds:
        raise ValueError(f"{name} must hold at least one seed, got none. Pass e.g. seeds=(0, 1, 2).")
    return seeds


def _check_table(name, table):
    """Return `table` if it looks like the dict `letter_table` returns, else raise a TypeError."""
    if not isinstance(table, dict) or not isinstance(table.get(()), np.ndarray):
        raise TypeError(f"{name} must be the dict returned by letter_table, got {type(table).__name__}"
                        f"{' without its () entry' if isinstance(table, dict) else ''}. Make it with "
                        "rnn_helpers.writing.letter_table(words, weights, alphabet).")
    return table


_TABLE = Check(_check_table)


@validate(table=_TABLE, X=Array(ndim=2))
def table_probabilities(table, X):
    """Next-symbol probabilities from a letter table at every step of `X` (backing off to shorter contexts).

    Introduced in notebook 08.

    Args:
        table: from `letter_table`. X: int array `(batch, time)` of inputs from `next_letter_data`.

    Returns:
        float array `(batch, time, vocabulary)`; rows of padding steps are zero.
    """
    X = X.astype(int)
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


@validate(words=Check(text.check_words), frequencies=Array(ndim=1), held_out=Float(strictly_positive=True, maximum=0.9),
          units=Size(), epochs=Count(), seeds=Check(_check_seeds))
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

    if len(words) != len(frequencies):
        raise ValueError(f"words and frequencies must have the same length, got {len(words)} and {len(frequencies)}.")
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
            rows.append({"seed": seed, "model": name, "top-1": scores.top_k_accuracy(P, Y, 1),
                         "top-3": scores.top_k_accuracy(P, Y, 3), "seconds": seconds})
        runs[seed] = {"model": model, "table": table, "alphabet": alphabet, "train_words": train_words,
                      "test_words": [w for w, t in zip(words, test) if t]}
    return pd.DataFrame(rows), runs


# --- the keyboard: predictors, completion, sampling ----------------------------------------------------------


@validate(model=KerasModel())
def lstm_predictor(model):
    """Wrap a keyboard model as a predictor: prefixes `(batch, time)` -> next-symbol probabilities.

    Introduced in notebook 08. Each row's prediction is read at its last non-padding step.
    """
    def predict_next(ids):
        ids = np.asarray(ids, dtype=np.int32)
        P = np.asarray(model(ids, training=False))
        last = np.count_nonzero(ids, axis=1) - 1
        return P[np.arange(len(ids)), last].astype(np.float64)

    return predict_next


@validate(table=_TABLE)
def table_predictor(table):
    """Wrap a letter table (from `letter_table`) as a predictor, like `lstm_predictor`. Notebook 08."""
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


_PREDICTOR = Function("a predictor such as lstm_predictor(model) or table_predictor(table)")


@validate(predict_next=_PREDICTOR, k=Int(minimum=1), alpha=Float(minimum=0.0, maximum=2.0),
          checked_in_body=("prefix", "alphabet", "beam_width", "max_length"))
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
    beam_width = check_int("beam_width", beam_width, minimum=k, maximum=MAX_SIZE, hint=SIZE_HINT)
    max_length = check_int("max_length", max_length, minimum=len(prefix) + 1, maximum=MAX_COUNT)
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


# Above this every letter is about equally likely: p ** (1 / 100) is within 5 % of 1 for any p > 0.6 %.
MAX_TEMPERATURE = 100.0
_TEMPERATURE = Float(strictly_positive=True, maximum=MAX_TEMPERATURE)  # a temperature: a float in (0, 100]


@validate(P=Array(), temperature=_TEMPERATURE)
def with_temperature(P, temperature):
    """Sharpen (temperature < 1) or flatten (> 1) probabilities: `p_T ∝ p ** (1 / temperature)`.

    Introduced in notebook 08. Computed in log space, so a low temperature cannot underflow to all zeros.

    Args:
        P: probabilities `(..., vocabulary)`, each row summing to a positive number. temperature: a float > 0.

    Returns:
        float array like `P`, each row summing to 1; zeros stay zero.
    """
    if P.ndim == 0:
        raise ValueError(f"P must hold probabilities over a vocabulary (at least 1-D), got the single number {P}.")
    if np.any(P < 0) or np.any(P.sum(axis=-1) <= 0):
        raise ValueError("P must hold probabilities: no negative values and a positive sum in every row.")
    with np.errstate(divide="ignore"):
        log_p = np.log(P) / temperature
    P_T = np.exp(log_p - log_p.max(axis=-1, keepdims=True))
    return P_T / P_T.sum(axis=-1, keepdims=True)


@validate(predict_next=_PREDICTOR, n=Count(), temperature=_TEMPERATURE, seed=Seed(), max_length=Count(),
          checked_in_body=("alphabet",))
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
    rng = np.random.default_rng(seed)
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
