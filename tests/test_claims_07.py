"""Claims of notebook 07: reading sequences.

How the claims are checked, once for all nine files: `tests/records.py`.
"""


import keras
import numpy as np
import pytest
from notebook_settings import read_settings
from records import notebook_record

import rnn_helpers as rh

pytestmark = pytest.mark.slow  # re-trains the notebooks' networks: part of make test, not make check

# The notebook's seed is read from its record; the other seeds of CHECK_SEEDS are trained here with the helper,
# and the helper is proven to be the notebook's Keras cells (same seed, same data, same losses).
S07 = read_settings(
    "07_reading_sequences.ipynb",
    "SEED", "TEST_FRACTION", "VALIDATION_FRACTION", "UNITS", "EPOCHS", "PIXEL_UNITS", "CONV", "LANGUAGES",
    "WORDS_PER_LANGUAGE", "MIN_LENGTH", "MAX_LENGTH", "WORD_UNITS", "WORD_EPOCHS", "NGRAM_RANGE", "BRACKETS",
    "BRACKET_LENGTH", "BRACKET_UNITS", "BRACKET_EPOCHS", "BRACKET_SEEDS", "CHECK_SEEDS",
)
OTHER_SEEDS07 = [seed for seed in S07["CHECK_SEEDS"] if seed != S07["SEED"]]
PIXELS07 = {"GRU, 64 steps of 1 pixel": {}, "GRU, 16 steps of 4 pixels": {"pixels_per_step": 4},
            "Conv1D + pool + GRU, 16 steps": {"conv": S07["CONV"]}}


@pytest.fixture(scope="module")
def nb07():

    return notebook_record("07_reading_sequences.ipynb")


@pytest.fixture(scope="module")
def development07():
    """(X_fit, X_val, y_fit, y_val): the digits the notebook trains on and chooses with."""
    X_train, _, y_train, _ = rh.data.digit_images(S07["TEST_FRACTION"], seed=S07["SEED"])
    return rh.reading.validation_split(X_train, y_train, S07["VALIDATION_FRACTION"], seed=S07["SEED"])


@pytest.fixture(scope="module")
def rows07(nb07, development07):
    """{seed: {kind: validation accuracy}}: the notebook's seed from its record, the other seeds trained here."""
    rows = {S07["SEED"]: {kind: nb07["val_accuracy"][kind] for kind in rh.reading.KINDS}}
    for seed in OTHER_SEEDS07:
        rows[seed] = {kind: rh.reading.train_digit_model(kind, "rows", development07, S07["UNITS"], S07["EPOCHS"],
                                                         seed=seed)["accuracy"] for kind in rh.reading.KINDS}
    return rows


@pytest.fixture(scope="module")
def pixels07(development07):
    """{name: [helper result per seed]}: the three pixel readers of section 6 with the seeds the notebook did not run."""
    return {name: [rh.reading.train_digit_model("GRU", "pixels", development07, S07["PIXEL_UNITS"], S07["EPOCHS"],
                                                seed=seed, **extra) for seed in OTHER_SEEDS07]
            for name, extra in PIXELS07.items()}


@pytest.fixture(scope="module")
def words07():
    words, _ = rh.data.language_words(S07["LANGUAGES"], S07["WORDS_PER_LANGUAGE"], S07["MIN_LENGTH"], S07["MAX_LENGTH"])
    train, test = rh.reading.split_words(words, S07["TEST_FRACTION"], seed=S07["SEED"])
    gru = {seed: rh.reading.train_language_model(train, test, S07["LANGUAGES"], seed=seed, epochs=S07["WORD_EPOCHS"],
                                                 units=S07["WORD_UNITS"])
           for seed in S07["CHECK_SEEDS"]}
    return train, test, gru


@pytest.fixture(scope="module")
def brackets07():
    brackets = rh.data.bracket_strings(S07["BRACKETS"], S07["BRACKET_LENGTH"], seed=S07["SEED"])
    return rh.reading.split_words(brackets, S07["TEST_FRACTION"], seed=S07["SEED"])


def test_07_the_split_and_the_word_lists_are_the_ones_described(nb07):
    assert (len(nb07["X_fit"]), len(nb07["X_val"]), len(nb07["X_test"])) == (1077, 270, 450)
    words, shared = rh.data.language_words(S07["LANGUAGES"], S07["WORDS_PER_LANGUAGE"], S07["MIN_LENGTH"],
                                           S07["MAX_LENGTH"])
    assert S07["WORDS_PER_LANGUAGE"] == 2000 and (S07["MIN_LENGTH"], S07["MAX_LENGTH"]) == (3, 12)
    assert len(shared) == 661 and len(words) == 8490 and len(nb07["train_words"]) == 6367
    assert {"the", "film", "come", "non"} <= set(shared)  # the examples the notebook names
    assert "schmetterling" not in set(words["word"]) | set(shared)  # the text box's first word is in no list
    assert not words["word"].duplicated().any()


@pytest.mark.slow
def test_07_the_digit_reader_cell_is_the_helper(nb07, development07):
    helper = rh.reading.train_digit_model("GRU", "rows", development07, S07["UNITS"], S07["EPOCHS"], seed=S07["SEED"])
    np.testing.assert_allclose(helper["losses"], nb07["reader_losses"], rtol=1e-6)
    assert helper["accuracy"] == nb07["reader_val_accuracy"] == nb07["val_accuracy"]["GRU"]


@pytest.mark.slow
def test_07_the_conv_and_word_reader_cells_are_the_helper(nb07, development07, words07):
    conv = rh.reading.train_digit_model("GRU", "pixels", development07, S07["PIXEL_UNITS"], S07["EPOCHS"],
                                        seed=S07["SEED"], conv=S07["CONV"])
    np.testing.assert_allclose(conv["losses"], nb07["conv_losses"], rtol=1e-5)
    assert conv["accuracy"] == nb07["conv_accuracy"]
    words = words07[2][S07["SEED"]]
    np.testing.assert_allclose(words["losses"], nb07["word_losses"], rtol=1e-5)
    assert words["accuracy"] == pytest.approx(nb07["word_accuracy"], abs=1e-9)


@pytest.mark.slow
def test_07_rows_the_gru_has_the_best_median_and_logistic_regression_is_close(nb07, rows07):
    assert len(rows07) == len(S07["CHECK_SEEDS"]) >= 5
    median = {kind: np.median([runs[kind] for runs in rows07.values()]) for kind in rh.reading.KINDS}
    assert max(median, key=median.get) == "GRU", median
    assert abs(nb07["val_accuracy"]["logistic regression"] - median["GRU"]) < 0.02      # "within 0.02"
    notebook = nb07["val_accuracy"]                                                    # "in this run the GRU reads best"
    assert max(rh.reading.KINDS, key=notebook.get) == "GRU" == nb07["best_kind"]
    assert notebook["GRU"] - notebook["logistic regression"] < 0.03                     # "a few validation digits"
    weights = nb07["budgets"].set_index("model")["weights"]                       # "8 to 30 times fewer weights"
    assert 8 < weights.iloc[:3].min() / weights["logistic regression (64 pixels)"] < weights.iloc[:3].max() / weights.iloc[3] < 31


def test_07_the_test_once_and_what_goes_wrong(nb07):
    test = nb07["test_accuracy"]
    assert len(test) == 2 and test["GRU (rows)"] > 0.95 and abs(test["GRU (rows)"] - test["logistic regression"]) < 0.02
    mistakes = nb07["digit_counts"].copy()
    np.fill_diagonal(mistakes, 0)
    assert mistakes.sum() / 450 < 0.05 and mistakes.max() <= 4                   # "a few percent", "spread out"


def test_07_the_network_commits_late(nb07):
    accuracy_after, beliefs, y_test = nb07["accuracy_after"], nb07["beliefs"], nb07["y_test"]
    assert accuracy_after[:5].max() < 0.2 and accuracy_after[5] < 0.5             # "hardly more than chance", "a minority"
    assert accuracy_after[7] == pytest.approx(nb07["test_accuracy"]["GRU (rows)"], abs=1e-9)
    assert accuracy_after[7] - accuracy_after[5] > 0.4                            # "the last two rows bring it"
    guesses = beliefs.argmax(axis=-1)
    example = nb07["example"]
    assert guesses[example, -1] == y_test[example] and (np.diff(guesses[example]) != 0).sum() >= 3   # "several times"
    assert (beliefs[example].max(axis=1)[:6] > 0.5).sum() >= 2                    # "several ... above one half"


@pytest.mark.slow
def test_07_pixels_shorter_sequences_win_and_the_shortening_is_the_cause(nb07, pixels07):
    accuracy = {name: np.array([nb07["pixel_accuracy"][name]] + [r["accuracy"] for r in runs])
                for name, runs in pixels07.items()}                               # every seed of CHECK_SEEDS
    plain, chunks, conv = (accuracy[name] for name in PIXELS07)
    assert np.all(conv > plain + 0.05), accuracy                                  # "every time"
    assert np.median(chunks) >= np.median(conv) - 0.01, accuracy                  # "about as accurate in median"
    assert np.median(plain) < 0.9 * np.median(chunks)                             # "a large share of its accuracy"
    losses = nb07["pixel_losses"]
    for short in ("GRU, 16 steps of 4 pixels", "Conv1D + pool + GRU, 16 steps"):  # "still high", "much faster"
        assert losses["GRU, 64 steps of 1 pixel"][-1] > 3 * losses[short][-1]
    fastest = {name: min(r["epoch_seconds"][1:].min() for r in runs) for name, runs in pixels07.items()}
    assert fastest["GRU, 16 steps of 4 pixels"] < fastest["GRU, 64 steps of 1 pixel"], fastest


def test_07_the_mask_makes_padding_invisible_and_without_it_the_answer_changes(nb07):
    assert nb07["padding_effect"]["with mask"] < 1e-6 and nb07["padding_effect"]["without mask"] > 0.3


@pytest.mark.slow
def test_07_the_ngram_baseline_beats_the_gru_with_every_seed(nb07, words07):
    _, test, gru = words07
    ngram = nb07["ngram_accuracy"]
    assert all(run["accuracy"] < ngram for run in gru.values()), {s: r["accuracy"] for s, r in gru.items()}
    assert nb07["word_accuracy"] > 3 * nb07["chance"]                             # "far above chance"
    by_length = nb07["by_length"]
    assert (by_length["n-gram"] >= by_length["GRU"]).mean() >= 0.8               # "at almost every word length"
    assert by_length["GRU"].idxmin() == by_length["n-gram"].idxmin() == by_length.index.min()  # short words hardest


@pytest.mark.slow
def test_07_the_language_box_explains_bad_input(words07):
    run = words07[2][S07["SEED"]]
    reply = rh.widgets.language_text
    assert "never seen in training" in reply("straße", run["model"], run["alphabet"], S07["LANGUAGES"])
    assert "never seen in training" in reply("høj", run["model"], run["alphabet"], S07["LANGUAGES"])
    assert "The word is empty" in reply("", run["model"], run["alphabet"], S07["LANGUAGES"])
    assert "more than one word" in reply("haus boot", run["model"], run["alphabet"], S07["LANGUAGES"])
    assert "'7', never seen in training" in reply("7", run["model"], run["alphabet"], S07["LANGUAGES"])


def test_07_brackets_the_gru_reads_what_the_ngrams_cannot_with_every_seed(nb07):
    scores = nb07["bracket_scores"]
    gru = scores[scores["model"] == "GRU"]["test accuracy"].to_numpy()
    ngram = scores[scores["model"] == "n-gram NB"]["test accuracy"].iloc[0]
    assert len(gru) == len(S07["BRACKET_SEEDS"]) >= 3
    assert gru.min() > 0.95                                                       # "almost perfectly with every seed"
    assert ngram - 0.5 < np.median(gru) - ngram and gru.min() - ngram > 0.15      # "closer to guessing than to the GRU"


# --- notebook 07's exercises: each stated answer, with the notebook's settings --------------------------------


@pytest.mark.slow
def test_07_exercise_1_a_reader_trained_on_every_row_knows_early(development07):
    X_fit, X_val, y_fit, y_val = development07
    keras.utils.set_random_seed(S07["SEED"])
    reader = keras.Sequential([keras.Input((8, 8)), keras.layers.GRU(S07["UNITS"], return_sequences=True),
                               keras.layers.Dense(10, activation="softmax")])
    reader.compile(optimizer=keras.optimizers.Adam(learning_rate=0.01), loss="sparse_categorical_crossentropy")
    reader.fit(X_fit, np.repeat(y_fit[:, None], 8, axis=1), epochs=S07["EPOCHS"], batch_size=64, verbose=0)
    accuracy_after = (reader.predict(X_val, verbose=0).argmax(axis=-1) == y_val[:, None]).mean(axis=0)
    assert accuracy_after[4] > 0.5 and accuracy_after[7] > 0.9, accuracy_after


@pytest.mark.slow
def test_07_exercise_2_bottom_to_top_reads_as_well_and_commits_late_too(development07):
    X_fit, X_val, y_fit, y_val = development07
    flipped = (X_fit[:, ::-1], X_val[:, ::-1], y_fit, y_val)
    run = rh.reading.train_digit_model("GRU", "rows", flipped, S07["UNITS"], S07["EPOCHS"], seed=S07["SEED"])
    accuracy_after = (rh.reading.beliefs_by_step(run["model"], X_val[:, ::-1].copy()).argmax(axis=-1)
                      == y_val[:, None]).mean(axis=0)
    assert accuracy_after[7] > 0.9 and accuracy_after[3] < 0.2, accuracy_after


@pytest.mark.slow
def test_07_exercise_3_a_simple_rnn_on_64_pixel_steps_and_what_the_convolution_gives_it(development07):
    plain, conv = (rh.reading.train_digit_model("SimpleRNN", "pixels", development07, S07["PIXEL_UNITS"], S07["EPOCHS"],
                                                seed=S07["SEED"], **extra)["accuracy"] for extra in ({}, {"conv": S07["CONV"]}))
    assert plain < 0.85 and conv > plain + 0.1, (plain, conv)


def test_07_exercise_4_single_letters_lose_the_ngrams_their_lead(nb07):
    single = rh.reading.ngram_baseline(nb07["train_words"], nb07["test_words"], (1, 1))["accuracy"]
    assert single < nb07["word_accuracy"] < nb07["ngram_accuracy"]


def test_07_exercise_5_longer_ngrams_still_cannot_count_brackets(nb07, brackets07):
    train, test = brackets07
    longer = rh.reading.ngram_baseline(train, test, (1, 8))["accuracy"]
    scores = nb07["bracket_scores"]
    gru = scores[scores["model"] == "GRU"]["test accuracy"]
    ngram = scores[scores["model"] == "n-gram NB"]["test accuracy"].iloc[0]
    assert ngram < longer < np.median(gru) - 0.1
