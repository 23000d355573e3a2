"""Unit tests of notebook 07's helpers: sequences from images, many-to-one models, masking, bad input.

Nothing here trains a network (the claims of notebook 07 are re-measured in tests/test_claims_07.py); models
are built with their random initial weights, which is enough to test shapes, masking and validation.
"""

import keras
import numpy as np
import pandas as pd
import pytest

import rnn_helpers as rh
from rnn_helpers import reading, scores

LANGUAGES = ("en", "de")


@pytest.fixture(scope="module")
def word_model():
    """A small untrained word model, its alphabet and its languages."""
    keras.utils.set_random_seed(3)
    alphabet = rh.text.build_alphabet(["house", "haus", "mouse", "maus"])
    return reading.build_word_model(len(alphabet), len(LANGUAGES), "GRU", embedding_dim=4, units=5), alphabet


# --- images as sequences ----------------------------------------------------------------------------------------


def test_as_sequence_reads_rows_columns_and_pixels_in_order():
    images = np.arange(2 * 3 * 4, dtype=np.float32).reshape(2, 3, 4)  # 2 images of 3 rows and 4 columns
    rows = reading.as_sequence(images, "rows")
    columns = reading.as_sequence(images, "columns")
    pixels = reading.as_sequence(images, "pixels")
    pairs = reading.as_sequence(images, "pixels", pixels_per_step=2)
    assert rows.shape == (2, 3, 4) and columns.shape == (2, 4, 3) and pixels.shape == (2, 12, 1)
    np.testing.assert_array_equal(rows[1, 2], images[1, 2])  # step 3 = row 3
    np.testing.assert_array_equal(columns[1, 2], images[1, :, 2])  # step 3 = column 3, top to bottom
    np.testing.assert_array_equal(pixels[1, :, 0], images[1].ravel())  # row after row
    np.testing.assert_array_equal(pairs[0, 2], images[0, 1, :2])  # step 3 = first two pixels of row 2
    assert rows.dtype == np.float32


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: reading.as_sequence(np.zeros((8, 8)), "rows"), ValueError, "must be 3-D"),
        (lambda: reading.as_sequence(np.zeros((1, 8, 8)), "diagonal"), ValueError, "order must be one of"),
        (lambda: reading.as_sequence(np.zeros((1, 8, 8)), "pixels", pixels_per_step=3), ValueError, "must divide"),
        (lambda: reading.as_sequence(np.zeros((1, 8, 8)), "rows", pixels_per_step=2), ValueError, "only used"),
        (lambda: reading.as_sequence("digits", "rows"), TypeError, "array of numbers"),
    ],
)
def test_as_sequence_rejects_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- many-to-one models -----------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", reading.KINDS)
def test_digit_models_give_one_probability_row_per_sequence(kind):
    model = reading.build_digit_model(kind, steps=8, features=8, units=4)
    probabilities = reading.predict(model, np.random.default_rng(0).uniform(size=(5, 8, 8)))
    assert probabilities.shape == (5, 10)
    np.testing.assert_allclose(probabilities.sum(axis=1), 1, atol=1e-5)


def test_convolution_and_pooling_shorten_what_the_recurrent_layer_reads():
    model = reading.build_digit_model("GRU", steps=64, features=1, units=6, conv=(5, 3, 4))
    pooled = model.get_layer("pool")(model.get_layer("conv")(np.zeros((2, 64, 1), dtype=np.float32)))
    assert pooled.shape == (2, 16, 5)  # 64 steps / pool 4, 5 filters
    assert reading.predict(model, np.zeros((2, 64, 1))).shape == (2, 10)


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"kind": "Dense"}, ValueError, "kind must be one of"),
        ({"units": 0}, ValueError, "units must be >= 1"),
        ({"conv": (8, 3)}, TypeError, "conv must be None or a tuple"),
        ({"conv": (8, 0, 2)}, ValueError, "kernel_size must be >= 1"),
        ({"classes": 1}, ValueError, "classes must be >= 2"),
    ],
)
def test_build_digit_model_rejects_bad_arguments(kwargs, error, match):
    arguments = {"kind": "GRU", "steps": 8, "features": 8, "units": 4, **kwargs}
    with pytest.raises(error, match=match):
        reading.build_digit_model(**arguments)


def test_beliefs_after_the_last_step_are_the_models_answer():
    keras.utils.set_random_seed(1)
    model = reading.build_digit_model("LSTM", steps=8, features=8, units=5)
    X = np.random.default_rng(1).uniform(size=(4, 8, 8)).astype(np.float32)
    beliefs = reading.beliefs_by_step(model, X)
    assert beliefs.shape == (4, 8, 10)
    np.testing.assert_allclose(beliefs[:, -1], reading.predict(model, X), atol=1e-6)
    np.testing.assert_allclose(beliefs.sum(axis=-1), 1, atol=1e-5)
    assert not np.allclose(beliefs[:, 0], beliefs[:, -1])  # earlier states give other answers


def test_beliefs_need_a_plain_recurrent_classifier():
    model = reading.build_digit_model("GRU", steps=64, features=1, units=4, conv=(4, 3, 4))
    with pytest.raises(ValueError, match="without conv"):
        reading.beliefs_by_step(model, np.zeros((1, 64, 1)))
    with pytest.raises(TypeError, match="must be a keras.Model"):
        reading.beliefs_by_step("model", np.zeros((1, 8, 8)))


def test_confusion_matrix_counts_true_rows_and_answer_columns():
    counts = scores.confusion_matrix([0, 0, 1, 2, 2, 2], [0, 1, 1, 2, 0, 2], classes=3)
    np.testing.assert_array_equal(counts, [[1, 1, 0], [0, 1, 0], [1, 0, 2]])
    with pytest.raises(ValueError, match="same length"):
        scores.confusion_matrix([0, 1], [0], classes=2)
    with pytest.raises(ValueError, match="labels must lie in 0..1"):
        scores.confusion_matrix([0, 2], [0, 1], classes=2)


def test_train_classifier_rejects_data_that_is_not_four_matching_arrays():
    model = reading.build_digit_model("SimpleRNN", steps=8, features=8, units=2)
    with pytest.raises(TypeError, match=r"data must be a tuple \(X_train, X_test, y_train, y_test\)"):
        reading.train_classifier(model, (np.zeros((4, 8, 8)), np.zeros(4)), epochs=1)
    with pytest.raises(ValueError, match="same length"):
        reading.train_classifier(model, (np.zeros((4, 8, 8)), np.zeros((2, 8, 8)), np.zeros(3), np.zeros(2)), epochs=1)
    with pytest.raises(ValueError, match="epochs must be >= 1"):
        reading.train_classifier(model, (np.zeros((4, 8, 8)), np.zeros((2, 8, 8)), np.zeros(4), np.zeros(2)), epochs=0)


def test_pixel_baseline_is_a_strong_linear_reader():
    result = reading.pixel_baseline(rh.data.digit_images(0.25, seed=0))
    assert result["params"] == 64 * 10 + 10
    assert 0.9 < result["accuracy"] < 1.0  # a linear model on 64 pixels already reads most digits


# --- words: padding, masking, the n-gram baseline ---------------------------------------------------------------


def test_the_mask_makes_padding_invisible(word_model):
    model, alphabet = word_model
    short = rh.text.encode(["maus", "house"], alphabet)
    padded = rh.text.encode(["maus", "house"], alphabet, length=11)
    np.testing.assert_allclose(reading.predict(model, short), reading.predict(model, padded), atol=1e-6)


def test_build_word_model_rejects_bad_arguments():
    with pytest.raises(ValueError, match="alphabet_size must be >= 4"):
        reading.build_word_model(3, 2)
    with pytest.raises(ValueError, match="kind must be one of"):
        reading.build_word_model(10, 2, kind="Transformer")


def test_language_probabilities_sum_to_one_most_likely_first(word_model):
    model, alphabet = word_model
    probabilities = reading.language_probabilities(model, alphabet, LANGUAGES, "  Haus ")  # trimmed, lower-cased
    assert set(probabilities) == set(LANGUAGES)
    values = list(probabilities.values())
    assert values == sorted(values, reverse=True) and sum(values) == pytest.approx(1, abs=1e-5)


@pytest.mark.parametrize(
    "word, error, match",
    [
        ("", ValueError, "The word is empty"),
        ("   ", ValueError, "The word is empty"),
        ("haus maus", ValueError, "more than one word"),
        ("straße", ValueError, r"holds 'r', 't', 'ß', never seen in training"),
        ("m4us", ValueError, "'4', never seen in training"),
        (42, TypeError, "word must be a string"),
    ],
)
def test_language_probabilities_explain_bad_words(word_model, word, error, match):
    model, alphabet = word_model
    with pytest.raises(error, match=match):
        reading.language_probabilities(model, alphabet, LANGUAGES, word)


def test_language_probabilities_check_the_language_list(word_model):
    model, alphabet = word_model
    with pytest.raises(ValueError, match="2 outputs but 3 languages"):
        reading.language_probabilities(model, alphabet, ("en", "de", "fr"), "haus")
    with pytest.raises(TypeError, match="tuple of language codes"):
        reading.language_probabilities(model, alphabet, "en", "haus")


def test_split_words_keeps_each_language_share_and_never_repeats_a_word():
    words = pd.DataFrame({"word": [f"w{i}" for i in range(40)], "language": ["en"] * 30 + ["de"] * 10})
    train, test = reading.split_words(words, test_fraction=0.5, seed=0)
    assert len(train) == len(test) == 20
    assert (test["language"] == "de").sum() == 5
    assert not set(train["word"]) & set(test["word"])
    with pytest.raises(TypeError, match="columns 'word' and 'language'"):
        reading.split_words(["haus"], 0.5)


def test_ngram_baseline_learns_telltale_letter_groups():
    train = pd.DataFrame({"word": ["schön", "schule", "schatz", "thing", "think", "three"],
                          "language": ["de", "de", "de", "en", "en", "en"]})
    test = pd.DataFrame({"word": ["schaf", "thank"], "language": ["de", "en"]})
    result = reading.ngram_baseline(train, test, ngram_range=(2, 3))
    assert list(result["predictions"]) == ["de", "en"] and result["accuracy"] == 1.0
    with pytest.raises(ValueError, match=r"ngram_range\[1\] must be >= 3"):
        reading.ngram_baseline(train, test, ngram_range=(3, 2))


# --- choosing on a validation split; balanced brackets -------------------------------------------------------------


def test_validation_split_keeps_each_class_share_and_never_repeats_an_example():
    X, y = np.arange(100, dtype=np.float32).reshape(50, 2), np.repeat([0, 1], [30, 20])
    X_fit, X_val, y_fit, y_val = reading.validation_split(X, y, 0.2, seed=1)
    assert (len(X_fit), len(X_val)) == (40, 10) and np.bincount(y_val).tolist() == [6, 4]
    assert sorted(np.concatenate([X_fit[:, 0], X_val[:, 0]])) == list(X[:, 0])
    np.testing.assert_array_equal(reading.validation_split(X, y, 0.2, seed=1)[1], X_val)   # the seed fixes it
    with pytest.raises(ValueError, match="same length"):
        reading.validation_split(X, y[:-1])
    with pytest.raises(ValueError, match="fraction must be <= 0.5"):
        reading.validation_split(X, y, 0.8)


def test_bracket_strings_are_half_balanced_and_only_the_running_count_tells():
    brackets = rh.data.bracket_strings(400, 16, seed=2)
    assert len(brackets) == 400 and not brackets["word"].duplicated().any()
    assert brackets["language"].value_counts().to_dict() == {"balanced": 200, "unbalanced": 200}
    for word, label in zip(brackets["word"], brackets["language"]):
        count = np.cumsum([1 if c == "(" else -1 for c in word])
        assert len(word) == 16 and word[0] == "(" and word[-1] == ")" and count[-1] == 0
        assert count.min() == (0 if label == "balanced" else -1)   # unbalanced: one dip to exactly -1
    assert rh.data.bracket_strings(400, 16, seed=2).equals(brackets)
    with pytest.raises(ValueError, match="length must be even"):
        rh.data.bracket_strings(10, 13)
    with pytest.raises(ValueError, match="fewer than 5 different strings"):
        rh.data.bracket_strings(10, 6)
