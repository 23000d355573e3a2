"""Many-to-one recurrent networks: read a whole sequence, then give one label (notebook 07).

Three experiments stand on the layers below: a digit image read row by row, column by column or pixel
by pixel (`as_sequence`, `build_digit_model`, `train_digit_model`, `beliefs_by_step`); a convolution in
front of the recurrent layer (`build_digit_model(..., conv=...)`); and the language of a word, read
character by character with padding and masking (`build_word_model`, `train_language_model`), next to a
character n-gram baseline (`ngram_baseline`). Data come from `rnn_helpers.data`, the character encoding
from `rnn_helpers.text`, progress bars from `rnn_helpers.training`.
"""

import contextlib
import time

import numpy as np

from . import _record, cells, text
from ._validation import (MAX_SIZE, SIZE_HINT, Array, Check, Choice, Count, Float, Int, KerasModel, LearningRate, Seed,
                          Size, Text, check_array, check_int, check_size, check_table, validate)

KINDS = cells.KERAS_LAYERS  # the layers Keras ships, by class name: "SimpleRNN", "LSTM", "GRU"
ORDERS = ("rows", "columns", "pixels")


@validate(images=Array(ndim=3, dtype=np.float32), order=Choice(ORDERS), pixels_per_step=Int(minimum=1))
def as_sequence(images, order, pixels_per_step=1):
    """Turn images into sequences: one row, one column or a few pixels per time step.

    Introduced in notebook 07.

    Args:
        images: array `(batch, height, width)`, e.g. from `rnn_helpers.data.digit_images`.
        order: `"rows"` (top to bottom, `width` features per step), `"columns"` (left to right, `height`
            features per step) or `"pixels"` (row after row, `pixels_per_step` pixels per step).
        pixels_per_step: for `"pixels"` only; an int >= 1 that divides `height * width`.

    Returns:
        float32 array `(batch, time, features)`: `(b, h, w)`, `(b, w, h)` or `(b, h * w / p, p)`.
    """
    pixels = images.shape[1] * images.shape[2]
    if pixels % pixels_per_step or (order != "pixels" and pixels_per_step != 1):
        raise ValueError(f"pixels_per_step={pixels_per_step} must divide the {pixels} pixels of an image, "
                         "and is only used with order='pixels'.")
    if order == "rows":
        return images.copy()
    if order == "columns":
        return np.ascontiguousarray(images.transpose(0, 2, 1))
    return images.reshape(len(images), -1, pixels_per_step)


def _check_conv(name, conv):
    """Return `conv` as `(filters, kernel_size, pool_size)` of ints >= 1, or None."""
    if conv is None:
        return None
    if not isinstance(conv, (tuple, list)) or len(conv) != 3:
        raise TypeError(f"{name} must be None or a tuple (filters, kernel_size, pool_size), got {conv!r}.")
    names = ("filters", "kernel_size", "pool_size")
    return tuple(check_size(part, value) for part, value in zip(names, conv))


def _check_data(name, data):
    """Return `(X_train, X_test, y_train, y_test)` after checking it is a 4-tuple of matching arrays."""
    if not isinstance(data, (tuple, list)) or len(data) != 4:
        raise TypeError(f"{name} must be a tuple (X_train, X_test, y_train, y_test), e.g. from "
                        f"rnn_helpers.data.digit_images(), got {type(data).__name__}.")
    X_train, X_test, y_train, y_test = (np.asarray(part) for part in data)
    for name, X, y in (("train", X_train, y_train), ("test", X_test, y_test)):
        if len(X) != len(y) or len(X) == 0:
            raise ValueError(f"the {name} inputs and labels must be non-empty and of the same length, "
                             f"got {len(X)} inputs and {len(y)} labels.")
    return X_train, X_test, y_train, y_test


_CLASSES = Int(minimum=2, maximum=MAX_SIZE, hint=SIZE_HINT)


@validate(kind=Choice(KINDS), steps=Count(), features=Size(), units=Size(), classes=_CLASSES, conv=Check(_check_conv))
def build_digit_model(kind, steps, features, units, classes=10, conv=None):
    """A many-to-one classifier: a recurrent layer reads the sequence, a softmax layer names the class.

    Introduced in notebook 07.

    Args:
        kind: `"SimpleRNN"`, `"LSTM"` or `"GRU"`.
        steps: time steps per sequence; features: values per step; units: size of the hidden layer.
        classes: number of classes (10 digits).
        conv: None, or `(filters, kernel_size, pool_size)` to put `Conv1D` (ReLU, "same" padding) and
            `MaxPooling1D` in front: the recurrent layer then reads `steps // pool_size` steps of features.

    Returns:
        An uncompiled `keras.Sequential` `(batch, steps, features) -> (batch, classes)` probabilities.
    """
    import keras

    from . import keras_rnn

    front = []
    if conv is not None:
        filters, kernel_size, pool_size = conv
        front = [keras.layers.Conv1D(filters, kernel_size, padding="same", activation="relu", name="conv"),
                 keras.layers.MaxPooling1D(pool_size, name="pool")]
    return keras_rnn.build_model(keras_rnn.cell_for_class(kind), units, features, classes, "softmax", steps=steps,
                                 front=front, layer_name="recurrent", head_name="softmax",
                                 name=("conv_" if conv else "") + kind.lower())


@validate(model=KerasModel(), data=Check(_check_data), epochs=Count(), batch_size=Count(), learning_rate=LearningRate(),
          desc=Text())
def train_classifier(model, data, epochs, batch_size=64, learning_rate=0.01, desc="training"):
    """Train a classifier with Adam and cross-entropy, then score it on the test part of `data`.

    Introduced in notebook 07. `fit` runs a whole epoch per call into TensorFlow (`steps_per_execution`)
    and shows a progress bar that disappears when done (`rnn_helpers.fitting.fit_progress`).

    Args:
        model: a built, uncompiled Keras model that outputs class probabilities.
        data: `(X_train, X_test, y_train, y_test)`, labels as ints 0..classes-1.
        epochs: passes over the training data; batch_size, learning_rate: as for Adam in `fit`.
        desc: label of the progress bar.

    Returns:
        A dict: `model`, `params` (weights), `seconds` (wall time of `fit`, graph tracing included),
        `epoch_seconds` (wall time of each epoch; the first includes the tracing), `losses` (training loss
        per epoch), `probabilities` `(n_test, classes)`, `predictions` `(n_test,)` and `accuracy` on the
        test part.
    """
    import keras

    from .fitting import compile_and_fit

    X_train, X_test, y_train, y_test = data
    ends = []
    clock = keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: ends.append(time.perf_counter()))
    with _bar_then_summary() as summary:
        start = time.perf_counter()
        losses = compile_and_fit(model, X_train, y_train, epochs, batch_size, "sparse_categorical_crossentropy",
                                 learning_rate, desc=desc, callbacks=[clock],
                                 steps_per_execution=int(np.ceil(len(X_train) / batch_size)))
        seconds = time.perf_counter() - start
        probabilities = predict(model, X_test)
        predictions = probabilities.argmax(axis=1)
        summary["text"] = (f"{desc}: {epochs} epochs in {seconds:.1f} s, accuracy on the {len(y_test)} "
                           f"held-out examples {np.mean(predictions == y_test):.3f}")
    return {"model": model, "params": model.count_params(), "seconds": seconds,
            "epoch_seconds": np.diff([start, *ends]),
            "losses": losses, "probabilities": probabilities,
            "predictions": predictions, "accuracy": float(np.mean(predictions == y_test))}


@contextlib.contextmanager
def _bar_then_summary():
    """In a notebook, show the progress bar while training, then replace it by one line of plain text.

    Introduced in notebook 07. The bar is shown inside an output area whose display is then updated with
    `summary["text"]`, so a stored notebook shows the finished summary, not a bar frozen at "0%" for
    viewers without widget state. Outside IPython nothing is displayed.
    """
    summary = {"text": ""}
    if _record.notebook_shell() is None:
        yield summary
        return
    from IPython.display import display
    import ipywidgets

    from .progress import widget_bundle

    area = ipywidgets.Output()
    # the bundle, not the widget: ipywidgets 7 (Colab's) would display the widget without the display id
    handle = display(widget_bundle(area, {"text/plain": "training…"}), raw=True, display_id=True)
    try:
        with area:
            yield summary
    finally:
        area.close()
        handle.update({"text/plain": summary["text"] or "training stopped"}, raw=True)


@validate(model=KerasModel(), X=Array(dtype=None), batch_size=Count())
def predict(model, X, batch_size=1024):
    """Class probabilities of `model` for inputs `X`, as a numpy array (no `predict` retracing, no logs).

    Introduced in notebook 07.
    """
    return np.concatenate([np.asarray(model(X[i:i + batch_size], training=False))
                           for i in range(0, len(X), batch_size)])


@validate(kind=Choice(KINDS), order=Choice(ORDERS), images=Check(_check_data), units=Size(), epochs=Count(),
          seed=Seed(), conv=Check(_check_conv), pixels_per_step=Int(minimum=1), batch_size=Count(),
          learning_rate=LearningRate())
def train_digit_model(kind, order, images, units, epochs, seed, conv=None, pixels_per_step=1, batch_size=64,
                      learning_rate=0.01):
    """Read the digit images in `order` with a `kind` classifier, train it with `seed`, score it.

    Introduced in notebook 07. The seed fixes the initial weights and the order of the batches; the
    train/test split is the one in `images`, the same for every model.

    Args:
        kind: `"SimpleRNN"`, `"LSTM"` or `"GRU"`.
        order, pixels_per_step: how an image becomes a sequence (see `as_sequence`).
        images: `(X_train, X_test, y_train, y_test)` from `rnn_helpers.data.digit_images`.
        units, epochs, seed, conv, batch_size, learning_rate: as in `build_digit_model`/`train_classifier`.

    Returns:
        The dict of `train_classifier`, plus `kind`, `order`, `seed`, `conv` and `steps` (sequence length
        the model reads).
    """
    import keras

    X_train, X_test, y_train, y_test = images
    X_train, X_test = as_sequence(X_train, order, pixels_per_step), as_sequence(X_test, order, pixels_per_step)
    keras.utils.set_random_seed(seed)
    model = build_digit_model(kind, X_train.shape[1], X_train.shape[2], units, classes=10, conv=conv)
    reads = f"{pixels_per_step} pixel(s) per step" if order == "pixels" else order
    label = ("Conv1D + " if conv else "") + f"{kind}, {reads}, seed {seed}"
    result = train_classifier(model, (X_train, X_test, y_train, y_test), epochs, batch_size, learning_rate,
                              desc=label)
    steps = X_train.shape[1] // (conv[2] if conv else 1)  # the pooling shortens what the recurrent layer reads
    return {**result, "kind": kind, "order": order, "seed": seed, "conv": conv, "steps": steps}


@validate(X=Array(dtype=None), fraction=Float(strictly_positive=True, maximum=0.5), seed=Seed(), checked_in_body=("y",))
def validation_split(X, y, fraction=0.2, seed=0):
    """Set a share of the training data aside for choosing between models; the test part stays untouched.

    Introduced in notebook 07. Models are compared and chosen on the validation part, and only the chosen
    one meets the test part, once: a choice made on the test part would make its score look better than it
    is. The split is stratified, each class keeping its share.

    Args:
        X: training inputs, e.g. images `(n, 8, 8)`. y: their labels `(n,)`.
        fraction: share of the training data kept for validation; a float in (0, 0.5].
        seed: seed of the split, an int >= 0.

    Returns:
        `(X_fit, X_val, y_fit, y_val)`: the part to train on and the part to choose with.
    """
    from sklearn.model_selection import train_test_split

    y = np.asarray(y)
    check_array("y", y, ndim=1)                                       # labels: a finite 1-D array of numbers
    if X.ndim == 0 or len(X) != len(y):
        raise ValueError(f"X and y must have the same length, got {len(X)} inputs and {len(y)} labels.")
    return tuple(train_test_split(X, y, test_size=fraction, stratify=y, random_state=seed))


@validate(images=Check(_check_data))
def pixel_baseline(images):
    """The simplest baseline: logistic regression on all 64 pixels at once, no sequence at all.

    Introduced in notebook 07. scikit-learn's `LogisticRegression` (default settings, more iterations so
    it converges) on the flattened images: one weight per pixel and class, no hidden layer, no order.

    Args:
        images: `(X_train, X_test, y_train, y_test)` from `rnn_helpers.data.digit_images`.

    Returns:
        A dict: `predictions`, `accuracy`, `seconds` (fit + predict), `params` (weights and biases).
    """
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    X_train, X_test, y_train, y_test = images
    start = time.perf_counter()
    with threadpool_limits(1):  # small matrices: extra BLAS threads only wait for each other on a busy machine
        classifier = LogisticRegression(max_iter=2000).fit(X_train.reshape(len(X_train), -1), y_train)
        predictions = classifier.predict(X_test.reshape(len(X_test), -1))
    seconds = time.perf_counter() - start
    params = classifier.coef_.size + classifier.intercept_.size
    return {"predictions": predictions, "accuracy": float(np.mean(predictions == y_test)), "seconds": seconds,
            "params": int(params)}


@validate(model=KerasModel(), X=Array(ndim=3, dtype=np.float32))
def beliefs_by_step(model, X):
    """What a trained many-to-one classifier would answer after each step it has read.

    Introduced in notebook 07. The recurrent layer is copied with `return_sequences=True` and the same
    weights, and the softmax layer is applied to the state after every step. The last step gives exactly
    the model's answer; earlier steps show what it believed while reading.

    Args:
        model: from `build_digit_model` with a recurrent `kind` and no `conv`, trained.
        X: sequences `(batch, time, features)`.

    Returns:
        float array `(batch, time, classes)` of probabilities.
    """
    import keras

    names = [layer.name for layer in model.layers]
    if names != ["recurrent", "softmax"]:
        raise ValueError(f"model must be a recurrent classifier from build_digit_model without conv, got layers "
                         f"{names}. Rebuild it with rnn_helpers.reading.build_digit_model(kind, ...).")
    recurrent, softmax = model.layers
    every_step = recurrent.__class__.from_config({**recurrent.get_config(), "return_sequences": True})
    states = every_step(keras.ops.convert_to_tensor(X[:1]))  # builds the copy
    every_step.set_weights(recurrent.get_weights())
    states = every_step(keras.ops.convert_to_tensor(X))
    return np.asarray(softmax(states))


# --- the language of a word ----------------------------------------------------------------------------------


def _check_languages(name, languages):
    """Return `languages` as a tuple of at least two distinct strings."""
    if isinstance(languages, str) or not isinstance(languages, (tuple, list)):
        raise TypeError(f"{name} must be a tuple of language codes, got {languages!r}. Use e.g. ('en', 'de').")
    if len(languages) < 2 or len(set(languages)) != len(languages) or not all(isinstance(x, str) for x in languages):
        raise ValueError(f"{name} must hold at least two different codes (strings), got {list(languages)}.")
    return tuple(languages)


def _check_ngram_range(name, ngram_range):
    """Return `ngram_range` as `(shortest, longest)`, ints with 1 <= shortest <= longest."""
    if not isinstance(ngram_range, (tuple, list)) or len(ngram_range) != 2:
        raise TypeError(f"{name} must be a tuple (shortest, longest), got {ngram_range!r}.")
    shortest = check_int(f"{name}[0]", ngram_range[0], minimum=1)
    return shortest, check_int(f"{name}[1]", ngram_range[1], minimum=shortest)


def _check_alphabet(name, alphabet):
    """An alphabet that `text.build_alphabet` could have made, as a tuple."""
    return text.check_alphabet(alphabet)


_WORDS = Check(check_table, columns=("word", "language"), source="rnn_helpers.data.language_words(...)[0]")


@validate(words=_WORDS, test_fraction=Float(strictly_positive=True, maximum=0.9), seed=Seed())
def split_words(words, test_fraction=0.25, seed=0):
    """Split labelled words into training and test words, each language in the same proportion.

    Introduced in notebook 07.

    Args:
        words: DataFrame with columns `word` and `language`, from `rnn_helpers.data.language_words`.
        test_fraction: share of the words kept for testing; a float in (0, 0.9].
        seed: seed of the split, an int >= 0.

    Returns:
        `(train, test)` DataFrames.
    """
    from sklearn.model_selection import train_test_split

    train, test = train_test_split(words, test_size=test_fraction, stratify=words["language"], random_state=seed)
    return train.reset_index(drop=True), test.reset_index(drop=True)


@validate(train=_WORDS, test=_WORDS, ngram_range=Check(_check_ngram_range))
def ngram_baseline(train, test, ngram_range=(1, 4)):
    """The simplest strong baseline: count character n-grams, then naive Bayes.

    Introduced in notebook 07. Each word, with a space added at both ends (`analyzer="char_wb"`), becomes
    counts of its letters, pairs, triples, ... up to `ngram_range[1]`; multinomial naive Bayes (scikit-learn's
    defaults) learns how often each n-gram occurs in each language. No order beyond n letters is used.

    Args:
        train, test: DataFrames with columns `word` and `language` (from `split_words`).
        ngram_range: `(shortest, longest)` n-gram, ints with 1 <= shortest <= longest.

    Returns:
        A dict: `predictions` (language codes of the test words), `accuracy`, `seconds` (fit + predict),
        `features` (number of distinct n-grams) and `pipeline` (the fitted scikit-learn pipeline).
    """
    from sklearn.feature_extraction.text import CountVectorizer
    from sklearn.naive_bayes import MultinomialNB
    from sklearn.pipeline import make_pipeline
    from threadpoolctl import threadpool_limits

    shortest, longest = ngram_range
    start = time.perf_counter()
    pipeline = make_pipeline(CountVectorizer(analyzer="char_wb", ngram_range=(shortest, longest)), MultinomialNB())
    with threadpool_limits(1):  # as in pixel_baseline
        pipeline.fit(list(train["word"]), list(train["language"]))
        predictions = pipeline.predict(list(test["word"]))
    seconds = time.perf_counter() - start
    return {"predictions": predictions, "accuracy": float(np.mean(predictions == test["language"].to_numpy())),
            "seconds": seconds, "features": len(pipeline[0].vocabulary_), "pipeline": pipeline}


@validate(alphabet_size=Int(minimum=len(text.MARKERS) + 1, maximum=MAX_SIZE, hint=SIZE_HINT), languages=_CLASSES,
          kind=Choice(KINDS), embedding_dim=Size(), units=Size())
def build_word_model(alphabet_size, languages, kind="GRU", embedding_dim=16, units=64):
    """Characters -> `Embedding(mask_zero=True)` -> recurrent layer -> softmax over languages.

    Introduced in notebook 07. Id 0 is padding (`rnn_helpers.text.PAD`): the embedding marks it in a mask,
    and the recurrent layer skips masked steps, so a word reads the same however much padding follows it.

    Args:
        alphabet_size: `len(alphabet)` from `rnn_helpers.text.build_alphabet`; an int >= 4.
        languages: number of languages (classes); an int >= 2.
        kind: `"SimpleRNN"`, `"LSTM"` or `"GRU"`.
        embedding_dim: length of each character's learned vector; units: size of the recurrent state.

    Returns:
        An uncompiled `keras.Sequential` `(batch, length)` int ids -> `(batch, languages)` probabilities;
        it accepts any `length`.
    """
    from . import keras_rnn

    return keras_rnn.build_model(keras_rnn.cell_for_class(kind), units, outputs=languages, activation="softmax",
                                 vocabulary=alphabet_size, embedding=embedding_dim, layer_name="recurrent",
                                 head_name="softmax", name=f"word_{kind.lower()}")


@validate(train=_WORDS, test=_WORDS, languages=Check(_check_languages), seed=Seed(), epochs=Count(), kind=Choice(KINDS),
          embedding_dim=Size(), units=Size(), batch_size=Count(), learning_rate=LearningRate())
def train_language_model(train, test, languages, seed, epochs, kind="GRU", embedding_dim=16, units=64,
                         batch_size=64, learning_rate=0.005):
    """Encode the words, train a `build_word_model` classifier with `seed`, score it on the test words.

    Introduced in notebook 07. The alphabet is built from the training words only; the few test words
    holding a character no training word has are set aside (counted in `dropped`), since the model has no
    embedding for it.

    Args:
        train, test: DataFrames with columns `word` and `language` (from `split_words`).
        languages: the language codes, in the order of the model's outputs.
        seed: seed of the initial weights and batch order. epochs, kind, embedding_dim, units, batch_size,
            learning_rate: as in `build_word_model` and `train_classifier`.

    Returns:
        The dict of `train_classifier`, plus `alphabet`, `languages`, `length` (padded length), `dropped`
        (test words set aside) and `test_words` (the scored test words, in order).
    """
    import keras

    alphabet = text.build_alphabet(list(train["word"]))
    known = np.array([not text.unknown_characters([word], alphabet) for word in test["word"]], dtype=bool)
    scored = test[known]
    length = int(max(train["word"].str.len().max(), scored["word"].str.len().max()))
    codes = {language: i for i, language in enumerate(languages)}
    data = (text.encode(list(train["word"]), alphabet, length), text.encode(list(scored["word"]), alphabet, length),
            train["language"].map(codes).to_numpy(), scored["language"].map(codes).to_numpy())
    keras.utils.set_random_seed(seed)
    model = build_word_model(len(alphabet), len(languages), kind, embedding_dim, units)
    result = train_classifier(model, data, epochs, batch_size, learning_rate, desc=f"{kind} on words")
    return {**result, "alphabet": alphabet, "languages": languages, "length": length,
            "dropped": int(np.sum(~known)), "test_words": list(scored["word"]), "seed": seed}


@validate(model=KerasModel(), alphabet=Check(_check_alphabet),
          languages=Check(_check_languages), checked_in_body=("word",))
def language_probabilities(model, alphabet, languages, word):
    """How likely each language is for one typed word, according to a trained word model.

    Introduced in notebook 07 (the text box uses it). The word is stripped of surrounding spaces and
    lower-cased, as the training words were.

    Args:
        model: from `build_word_model`, trained. alphabet: the alphabet it was trained with.
        languages: the language codes, in the order of the model's outputs.
        word: a string.

    Returns:
        A dict `{language: probability}`, most likely first.

    Raises:
        TypeError: if `word` is not a string.
        ValueError: if the word is empty, holds a space, or holds characters the model has never seen
            (the message names them).
    """
    if not isinstance(word, str):
        raise TypeError(f"word must be a string, got {type(word).__name__}. Type one word, e.g. 'haus'.")
    word = word.strip().lower()
    if not word:
        raise ValueError("The word is empty. Type a word, e.g. 'haus' or 'casa'.")
    if any(c.isspace() for c in word):
        raise ValueError(f"{word!r} is more than one word. Type a single word without spaces.")
    unknown = text.unknown_characters([word], alphabet)
    if unknown:
        raise ValueError(f"{word!r} holds {', '.join(repr(c) for c in unknown)}, never seen in training. "
                         "The model knows only the letters of its training words; try another word.")
    probabilities = predict(model, text.encode([word], alphabet))[0]
    if len(probabilities) != len(languages):
        raise ValueError(f"the model has {len(probabilities)} outputs but {len(languages)} languages were given.")
    order = np.argsort(-probabilities)
    return {languages[i]: float(probabilities[i]) for i in order}
