"""rnn_helpers.data: every data set of the course, made in code."""

import numpy as np
import pytest

import rnn_helpers as rh


def test_sine_series_is_the_articles_series():
    np.testing.assert_allclose(rh.data.sine_series(36), [np.sin(x) for x in range(36)])


def test_sine_series_start_and_step():
    np.testing.assert_allclose(rh.data.sine_series(3, start=36, step=0.5), np.sin([36, 36.5, 37]))


def test_supervised_pairs_shift_by_one():
    x, y = rh.data.supervised_pairs(rh.data.sine_series(37))
    assert x.shape == y.shape == (36,)
    np.testing.assert_allclose(x[1:], y[:-1])
    np.testing.assert_allclose(y, np.sin(np.arange(1, 37)))


def test_sine_windows_have_random_phases_and_are_reproducible():
    a = rh.data.sine_windows(100, 5, seed=3)
    assert a.shape == (100, 5)
    np.testing.assert_array_equal(a, rh.data.sine_windows(100, 5, seed=3))
    assert not np.allclose(a[:, 0], a[0, 0])  # different phases
    # every window is a sine with step 1: s[t+1] = 2 cos(1) s[t] - s[t-1]
    np.testing.assert_allclose(a[:, 2], 2 * np.cos(1) * a[:, 1] - a[:, 0], atol=1e-12)


def test_article_data_is_sin_0_to_35_with_targets_one_step_ahead():
    x, y = rh.data.article_data()
    np.testing.assert_allclose(x, np.sin(np.arange(36)))
    np.testing.assert_allclose(y, np.sin(np.arange(1, 37)))
    np.testing.assert_allclose(rh.data.article_continuation(), np.sin(np.arange(36, 72)))


def test_lagged_pairs_line_up_inputs_and_next_values():
    windows = np.arange(12.0).reshape(2, 6)
    X, y = rh.data.lagged_pairs(windows, lags=2)
    assert X.shape == (8, 2) and y.shape == (8, 1)
    np.testing.assert_array_equal(X[0], [0.0, 1.0])
    np.testing.assert_array_equal(y[:, 0], X[:, 1] + 1)  # the next value follows the latest input
    np.testing.assert_array_equal(X[4], [6.0, 7.0])  # second window starts fresh


def test_sequence_pairs_shift_by_one():
    windows = rh.data.sine_windows(5, 9, seed=0)
    X, Y = rh.data.sequence_pairs(windows)
    assert X.shape == Y.shape == (5, 8, 1)
    np.testing.assert_array_equal(Y[:, :-1], X[:, 1:])
    np.testing.assert_array_equal(Y[:, -1, 0], windows[:, -1])


def test_recall_first_and_adding_problem_targets():
    X, y = rh.data.recall_first(50, 7, seed=1)
    assert X.shape == (50, 7, 1) and y.shape == (50, 1)
    np.testing.assert_array_equal(y, X[:, 0])
    X, y = rh.data.adding_problem(200, 10, seed=1)
    assert X.shape == (200, 10, 2) and y.shape == (200, 1)
    markers = X[:, :, 1]
    np.testing.assert_array_equal(markers.sum(axis=1), 2)
    assert np.all(markers[:, :5].sum(axis=1) == 1) and np.all(markers[:, 5:].sum(axis=1) == 1)
    np.testing.assert_allclose(y[:, 0], (X[:, :, 0] * markers).sum(axis=1), rtol=1e-6)
    assert np.var(y) == pytest.approx(1 / 6, rel=0.2)
    np.testing.assert_array_equal(rh.data.adding_problem(3, 10, seed=4)[0], rh.data.adding_problem(3, 10, seed=4)[0])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rh.data.sine_series(0), ValueError, "n must be >= 1, got 0"),
        (lambda: rh.data.sine_series(2.5), TypeError, "n must be an int"),
        (lambda: rh.data.sine_series(5, step=0), ValueError, "step must be > 0"),
        (lambda: rh.data.supervised_pairs([1.0]), ValueError, "at least 2 values"),
        (lambda: rh.data.supervised_pairs([[1.0, 2.0]]), ValueError, "must be 1-D"),
        (lambda: rh.data.supervised_pairs([1.0, np.nan, 2.0]), ValueError, "NaN"),
        (lambda: rh.data.supervised_pairs("abc"), TypeError, "array of numbers"),
        (lambda: rh.data.sine_windows(0, 5), ValueError, "n_windows must be >= 1"),
        (lambda: rh.data.sine_windows(5, 5, seed=-1), ValueError, "seed must be >= 0"),
        (lambda: rh.data.lagged_pairs(np.zeros(5), 1), ValueError, "windows must be 2-D"),
        (lambda: rh.data.lagged_pairs(np.zeros((2, 5)), 5), ValueError, "lags must be <= 4"),
        (lambda: rh.data.lagged_pairs(np.zeros((2, 5)), 0), ValueError, "lags must be >= 1"),
        (lambda: rh.data.sequence_pairs(np.zeros((2, 1))), ValueError, "at least 2 values"),
        (lambda: rh.data.recall_first(0, 5), ValueError, "n_samples must be >= 1"),
        (lambda: rh.data.recall_first(5, 0), ValueError, "length must be >= 1"),
        (lambda: rh.data.adding_problem(5, 1), ValueError, "length must be >= 2"),
        (lambda: rh.data.adding_problem(5, 4, seed=1.5), TypeError, "seed must be an int"),
    ],
)
def test_bad_input_is_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()


# ---------------------------------------------------------------------------------------------------------
# Notebook 07 · Reading sequences
# ---------------------------------------------------------------------------------------------------------


def test_frequent_words_are_lower_case_alphabetic_most_frequent_first():
    words = rh.data.frequent_words("fr", 200, min_length=3, max_length=6)
    assert list(words.columns) == ["word", "frequency"]
    assert len(words) == 200
    assert all(w.isalpha() and w == w.lower() and 3 <= len(w) <= 6 for w in words["word"])
    assert words["word"].is_unique
    assert (np.diff(words["frequency"].to_numpy()) <= 0).all()
    assert words["frequency"].iloc[0] > 0.001  # "les" is a very common word
    assert words["word"].iloc[0] == "les"


def test_frequent_words_rejects_bad_arguments():
    with pytest.raises(ValueError, match=r"language must be one of \[.*'de'.*got 'xx'"):
        rh.data.frequent_words("xx", 10)
    with pytest.raises(TypeError, match="language must be a string"):
        rh.data.frequent_words(None, 10)
    with pytest.raises(ValueError, match="n must be >= 1"):
        rh.data.frequent_words("en", 0)
    with pytest.raises(TypeError, match="n must be an int"):
        rh.data.frequent_words("en", 10.0)
    with pytest.raises(ValueError, match="min_length must be >= 1"):
        rh.data.frequent_words("en", 10, min_length=0)
    with pytest.raises(ValueError, match="max_length must be >= 4"):
        rh.data.frequent_words("en", 10, min_length=4, max_length=3)
    with pytest.raises(ValueError, match="has only .* words .* Lower n"):
        rh.data.frequent_words("en", 10**6, min_length=3, max_length=3)


# ---------------------------------------------------------------- notebook 08: dates


def test_date_pairs_write_each_date_in_a_known_format_and_keep_test_dates_unseen():
    import datetime

    train, test = rh.data.date_pairs(3000, 500, seed=4)
    assert len(train) == 3000 and len(test) == 500
    assert not set(train["iso"]) & set(test["iso"])  # no test date occurs in training
    assert set(train["format"]) == set(rh.data.DATE_FORMATS)  # every format is used
    for row in test.itertuples():
        day = datetime.date.fromisoformat(row.iso)
        assert rh.data.DATE_FORMATS[row.format](day) == row.text
        assert rh.data.FIRST_DATE <= row.iso <= rh.data.LAST_DATE
    train_again, _ = rh.data.date_pairs(3000, 500, seed=4)
    assert train_again.equals(train)


def test_date_formats_write_the_examples_their_names_show():
    import datetime

    day = datetime.date(2026, 11, 26)
    for name, write in rh.data.DATE_FORMATS.items():
        assert write(day) == name


def test_two_digit_years_and_slashes_are_unambiguous_in_the_range():
    import datetime

    day = datetime.date(1950, 3, 4)
    assert rh.data.DATE_FORMATS["26.11.26"](day) == "04.03.50"  # day.month.year
    assert rh.data.DATE_FORMATS["11/26/2026"](day) == "3/4/1950"  # month/day/year


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rh.data.date_pairs(0, 5), ValueError, "n_train must be >= 1"),
        (lambda: rh.data.date_pairs(10, -1), ValueError, "n_test must be >= 0"),
        (lambda: rh.data.date_pairs(36000, 1000), ValueError, "must be <= 36525.*Ask for fewer"),
        (lambda: rh.data.date_pairs(10.0, 5), TypeError, "n_train must be an int"),
    ],
)
def test_date_pairs_bad_input_is_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_digit_images_are_scaled_and_split_the_same_way_for_every_call():
    X_train, X_test, y_train, y_test = rh.data.digit_images(0.25, seed=0)
    assert X_train.shape == (1347, 8, 8) and X_test.shape == (450, 8, 8) and X_train.dtype == np.float32
    assert X_train.min() == 0.0 and X_train.max() == 1.0
    all_labels = np.concatenate([y_train, y_test])
    assert np.all(np.abs(np.bincount(y_test) - 0.25 * np.bincount(all_labels)) <= 1)  # stratified
    np.testing.assert_array_equal(rh.data.digit_images(0.25, seed=0)[1], X_test)
    assert not np.array_equal(rh.data.digit_images(0.25, seed=1)[1], X_test)
    with pytest.raises(ValueError, match="test_fraction must be <= 0.9"):
        rh.data.digit_images(1.5)


def test_language_words_drop_every_word_two_languages_share():
    words, shared = rh.data.language_words(["en", "de"], 300, min_length=3, max_length=8)
    assert list(words.columns) == ["word", "language", "frequency"]
    assert not words["word"].duplicated().any() and not set(shared) & set(words["word"])
    english = set(rh.data.frequent_words("en", 300, 3, 8)["word"])
    german = set(rh.data.frequent_words("de", 300, 3, 8)["word"])
    assert set(shared) == english & german and len(words) == 600 - 2 * len(shared)
    assert words["word"].str.len().between(3, 8).all()
    with pytest.raises(ValueError, match="at least two different codes"):
        rh.data.language_words(["en", "en"], 10)
    with pytest.raises(TypeError, match="list of language codes"):
        rh.data.language_words("en", 10)
    with pytest.raises(ValueError, match="language must be one of"):
        rh.data.language_words(["en", "klingon"], 10)
