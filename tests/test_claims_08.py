"""Claims of notebook 08: writing sequences.

How the claims are checked, once for all nine files: `tests/records.py`.
"""

import json
import re

import keras
import numpy as np
import pytest
from notebook_settings import NOTEBOOKS, read_settings
from records import notebook_record

import rnn_helpers as rh

pytestmark = pytest.mark.slow  # re-trains the notebooks' networks: part of make test, not make check

# The notebook's own trainings (its keyboard LSTM for SEED, both translators) are read from its record; the
# helper retrains the same seed once to prove it is the notebook's code, and the other seeds for the race.
S08 = read_settings(
    "08_writing_sequences.ipynb",
    "SEED", "WORDS", "HELD_OUT", "KEYBOARD_UNITS", "KEYBOARD_EPOCHS", "KEYBOARD_SEEDS", "ALPHA", "TEMPERATURES",
    "TRAIN_DATES", "TEST_DATES", "DATE_UNITS", "DATE_EPOCHS",
)


@pytest.fixture(scope="module")
def nb08():

    return notebook_record("08_writing_sequences.ipynb")


def notebook_cell(notebook, starts_with, namespace):
    """Run the code cell of `notebook` that starts with `starts_with` in `namespace` and return the namespace."""
    cells = json.loads((NOTEBOOKS / notebook).read_text())["cells"]
    (source,) = ["".join(c["source"]) for c in cells
                 if c["cell_type"] == "code" and "".join(c["source"]).startswith(starts_with)]
    exec(source, namespace)
    return namespace


@pytest.fixture(scope="module")
def keyboard():
    words = rh.writing.keyboard_words(S08["WORDS"])
    scores, runs = rh.writing.keyboard_race(list(words["word"]), words["frequency"].to_numpy(),
                                            held_out=S08["HELD_OUT"], units=S08["KEYBOARD_UNITS"],
                                            epochs=S08["KEYBOARD_EPOCHS"], seeds=S08["KEYBOARD_SEEDS"])
    return words, scores, runs


@pytest.fixture(scope="module")
def dates():
    train, test = rh.data.date_pairs(S08["TRAIN_DATES"], S08["TEST_DATES"], seed=S08["SEED"])
    translator = rh.translating.fit_date_translator(train, units=S08["DATE_UNITS"], epochs=S08["DATE_EPOCHS"],
                                                attention=True, seed=S08["SEED"])
    return train, test, translator


def by_model(scores, column):
    return {name: group[column].to_numpy() for name, group in scores.groupby("model")}


def test_08_the_notebooks_keyboard_cell_is_the_helpers_lstm(nb08, keyboard):
    _, scores, _ = keyboard
    helper = scores[scores["seed"] == S08["SEED"]].set_index("model")
    for model in ("LSTM", "letter table"):
        for column in ("top-1", "top-3"):
            assert nb08["keyboard_scores"].loc[model, column] == pytest.approx(helper.loc[model, column], abs=1e-9)


def test_08_the_notebooks_beam_search_sampling_and_greedy_decoding_are_the_helpers(nb08):
    assert nb08["beam_matches_helper"] is True
    assert nb08["sample_matches_helper"] is True
    assert nb08["greedy_matches_helper"] is True


def test_08_the_notebooks_translator_is_the_helpers(nb08, dates):
    _, test, translator = dates
    np.testing.assert_allclose(translator["losses"], nb08["date_losses"], rtol=1e-5)
    helper = rh.translating.score_translations(translator, test)
    assert list(helper["predicted"]) == list(nb08["scored"]["predicted"])


@pytest.mark.slow
def test_08_the_lstm_beats_the_letter_table_on_held_out_words_on_every_seed(keyboard):
    _, scores, _ = keyboard
    assert len(S08["KEYBOARD_SEEDS"]) >= 3
    for column in ("top-1", "top-3"):
        lstm, table = by_model(scores, column)["LSTM"], by_model(scores, column)["letter table"]
        assert (lstm > table).all(), f"{column}: LSTM {lstm} vs table {table}"
    top3 = by_model(scores, "top-3")
    assert 0.55 < np.median(top3["LSTM"]) < 0.65                                 # "about three times in five"
    lead = top3["LSTM"] - top3["letter table"]
    assert 0.01 < lead.min() and lead.max() < 0.08                              # "by a few points"


def test_08_the_table_after_th_and_the_teacher_forcing_shift(nb08, keyboard):
    words, _, runs = keyboard
    run = runs[S08["SEED"]]
    after_th = run["table"][tuple(run["alphabet"].index(c) for c in "th")]
    assert [run["alphabet"][i] for i in np.argsort(after_th)[::-1][:4]] == ["e", "<end>", "o", "i"]
    X, Y = nb08["X"], nb08["Y"]
    letters = (Y[:, :-1] != rh.text.PAD) & (Y[:, :-1] != rh.text.END)
    np.testing.assert_array_equal(X[:, 1:][letters], Y[:, :-1][letters])      # targets = inputs shifted by one
    assert (X[:, 0] == rh.text.START).all() and ((Y == rh.text.END).sum(axis=1) == 1).all()


@pytest.mark.slow
def test_08_completions_find_question_and_invent_words(keyboard):
    words, _, runs = keyboard
    run = runs[S08["SEED"]]
    lstm, table = rh.writing.lstm_predictor(run["model"]), rh.writing.table_predictor(run["table"])
    for alpha in (0.0, S08["ALPHA"]):
        by_lstm = dict(rh.writing.complete(lstm, "questio", run["alphabet"], alpha=alpha))
        assert {"question", "questions"} <= set(by_lstm)
    assert {"question", "questions"} <= set(dict(rh.writing.complete(table, "questio", run["alphabet"], alpha=S08["ALPHA"])))
    known = set(words["word"])
    assert any(word not in known for word, _ in rh.writing.complete(lstm, "beau", run["alphabet"], alpha=S08["ALPHA"]))
    assert len(rh.writing.complete(lstm, "xyz", run["alphabet"], alpha=S08["ALPHA"])) == 3     # it completes "xyz"
    assert rh.writing.complete(lstm, "th", run["alphabet"])[0][0] == "th"                      # "th" → "th"


def test_08_length_normalisation_removes_the_short_output_bias_and_over_corrects_at_1(nb08):
    table = nb08["normalisation"]
    raw, middle, full = (table.loc[f"alpha = {a}"] for a in (0.0, S08["ALPHA"], 1.0))
    assert raw["first suggestion is the prefix"] >= 0.2 and middle["first suggestion is the prefix"] == 0
    assert raw["mean letters per suggestion"] < middle["mean letters per suggestion"] - 1    # "about as long as typed"
    assert full["suggestions in the word list"] < middle["suggestions in the word list"]     # "over-corrects"


def test_08_cooler_sampling_writes_more_real_words(nb08, keyboard):
    shares = [nb08["real_word_share"][T] for T in sorted(S08["TEMPERATURES"])]
    assert shares[0] > shares[1] > shares[2]
    run = keyboard[2][S08["SEED"]]
    p = rh.writing.lstm_predictor(run["model"])(rh.text.encode(["qu"], run["alphabet"], start=True))[0]
    cold, warm = (rh.writing.with_temperature(p, T) for T in (min(S08["TEMPERATURES"]), max(S08["TEMPERATURES"])))
    favourites = np.argsort(p)[-3:]
    assert (cold[favourites] > p[favourites]).all() and p.max() > warm.max()   # the three favourites gain
    assert np.sort(cold)[:-3].sum() < 0.05 < np.sort(warm)[:-3].sum()          # the rare letters almost vanish


def test_08_the_rule_is_perfect_and_says_none_for_an_unknown_format(nb08):
    assert nb08["rule_accuracy"] == 1.0
    assert len(nb08["PATTERNS"]) == len(rh.data.DATE_FORMATS)
    assert nb08["exact_match"]["rule"] == 1.0 > nb08["exact_match"]["with attention"]   # "close to the rule, not there"


def test_08_attention_translates_more_than_99_percent_and_plain_almost_none(nb08):
    assert nb08["exact_match"]["with attention"] > 0.99
    plain = [r["exact_match"] for r in nb08["plain_runs"]]                     # the benchmark's runs, same code
    assert len(plain) == 3 and max(plain) < 0.01 and nb08["exact_match"]["without attention (benchmark, median of 3 seeds)"] < 0.01
    assert all(r["weights"] == nb08["plain_runs"][0]["weights"] for r in nb08["plain_runs"])
    train, test = nb08["train_dates"], nb08["test_dates"]
    assert not set(train["iso"]) & set(test["iso"])


def test_08_the_attention_models_mistakes_are_two_digit_years_not_only_centuries(nb08):
    wrong = nb08["mistakes"]
    assert len(wrong) > 0 and set(wrong["wrong"]) == {"year"} and set(wrong["format"]) == {"26.11.26"}
    garbled = [p[2:4] != t[2:4] for p, t in zip(wrong["predicted"], wrong["iso"])]   # a written digit wrong too
    assert any(garbled)                                        # "but not all of them" are only the century


def test_08_attention_aligns_year_day_and_month_with_their_source(nb08):
    example, looked_at = "Thursday, 26 November 2026", nb08["looked_at"]
    assert nb08["output"] == "2026-11-26"
    year, day, month = example.index("2026"), example.index("26"), example.index("November")
    np.testing.assert_array_equal(looked_at[:4], np.arange(year, year + 4))   # each year digit at that digit
    np.testing.assert_array_equal(looked_at[8:10], [day, day + 1])          # the day at "26"
    assert all(month <= i < month + len("November") for i in looked_at[5:7])  # the month at "November"


@pytest.mark.slow
def test_08_the_date_box_reads_french_but_is_confidently_wrong_on_new_formats(dates):
    t = dates[2]
    assert rh.widgets.date_text("26 novembre 2026", t).endswith("2026-11-26")
    assert not rh.widgets.date_text("26/11/2026", t).endswith("2026-11-26")
    assert len(rh.widgets.date_text("2026", t).split("→")[1].strip()[:10]) == 10  # a full date from a bare year
    assert "never saw" in rh.widgets.date_text("Nov 26, 2026 ☃", t)


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_08_attention_reaches_95_percent_on_other_seeds_too(seed):
    train, test = rh.data.date_pairs(S08["TRAIN_DATES"], S08["TEST_DATES"], seed=seed)
    translator = rh.translating.fit_date_translator(train, units=S08["DATE_UNITS"], epochs=S08["DATE_EPOCHS"],
                                                attention=True, seed=seed)
    assert rh.translating.score_translations(translator, test)["correct"].mean() >= 0.95


def test_08_zipf_weights_tame_four_orders_of_magnitude():
    words = rh.writing.keyboard_words(S08["WORDS"])
    assert 1000 < words["frequency"].max() / words["frequency"].min() < 10_000     # "almost four orders"
    assert words["zipf weight"].max() / words["zipf weight"].min() == pytest.approx(2, abs=0.1)  # "about twice"


def test_08_the_benchmark_table_quoted_in_the_notebook():
    results = json.loads(rh.translating.DATE_BENCHMARK.read_text())
    rows = results["rows"]

    def scores(design, budget):
        return [r["exact_match"] for r in rows if r["design"] == design and r["budget"] == budget]

    notebook = {"train_dates": S08["TRAIN_DATES"], "epochs": S08["DATE_EPOCHS"], "units": S08["DATE_UNITS"]}
    assert all(r[k] == v for r in rows if r["budget"] == "notebook" for k, v in notebook.items())
    for design in ("forward, plain", "reversed, plain", "bidirectional, plain"):
        assert len(scores(design, "notebook")) == 3 and max(scores(design, "notebook")) <= 0.003
    # the notebook's table and prose quote the file: each quoted number is the file's, to the digits shown
    prose = "".join(next("".join(c["source"]) for c in json.loads(
        (NOTEBOOKS / "08_writing_sequences.ipynb").read_text())["cells"]
        if c["cell_type"] == "markdown" and "exact match: median (range)" in "".join(c["source"])))
    for design, label in (("forward, attention", "forward encoder with attention"),
                          ("bidirectional, attention", "bidirectional encoder with attention")):
        quoted = re.search(rf"{label} \| ([\d.]+) \(([\d.]+)–([\d.]+)\)", prose).groups()
        digits = len(quoted[0].split(".")[1])
        values = scores(design, "notebook")
        shown = [round(float(np.median(values)), digits), round(min(values), digits), round(max(values), digits)]
        assert shown == [float(q) for q in quoted], (design, values, quoted)
    large = {design: scores(design, "large") for design in ("forward, plain", "bidirectional, plain", "reversed, plain")}
    quoted = re.search(r"forward (\d\.\d+), bidirectional (\d\.\d+), reversed (\d\.\d+)", prose).groups()
    assert [round(v[0], 3) for v in large.values()] == [float(q) for q in quoted]
    # the lesson: attention wins at the small budget on every seed, and a large budget lets the plain designs learn
    assert min(scores("forward, attention", "notebook")) > 100 * max(
        max(scores(d, "notebook")) for d in ("forward, plain", "reversed, plain", "bidirectional, plain"))
    assert np.median(scores("bidirectional, attention", "notebook")) > np.median(scores("forward, attention", "notebook"))
    assert large["reversed, plain"][0] < large["forward, plain"][0]  # reading backwards hurts here
    assert all(r["units"] == 128 and r["train_dates"] == 12000 and r["epochs"] == 10 for r in rows if r["budget"] == "large")


# --- notebook 08's exercises: each stated answer, with the notebook's settings --------------------------------


def test_08_exercise_1_a_four_gram_table_beats_the_trigram_table_and_edges_past_the_lstm(nb08, keyboard):
    words, _, runs = keyboard
    run = runs[S08["SEED"]]
    held_out = np.random.default_rng(S08["SEED"]).random(len(words)) < S08["HELD_OUT"]
    weights = rh.writing.zipf_weights(words["frequency"].to_numpy()[~held_out])
    four = rh.writing.letter_table(run["train_words"], weights, run["alphabet"], context=3)
    X, Y = rh.writing.next_letter_data(run["test_words"], run["alphabet"])
    top3 = rh.scores.top_k_accuracy(rh.writing.table_probabilities(four, X), Y, 3)
    assert top3 > nb08["keyboard_scores"].loc["letter table", "top-3"] + 0.03
    assert top3 > nb08["keyboard_scores"].loc["LSTM", "top-3"]


def test_08_exercise_2_wh_stays_wh_without_normalisation_and_grows_with_alpha(keyboard):
    run = keyboard[2][S08["SEED"]]
    lstm = rh.writing.lstm_predictor(run["model"])
    found = {a: rh.writing.complete(lstm, "wh", run["alphabet"], alpha=a) for a in (0.0, S08["ALPHA"], 1.0)}
    assert found[0.0][0][0] == "wh"
    lengths = [np.mean([len(w) for w, _ in found[a]]) for a in (0.0, S08["ALPHA"], 1.0)]
    assert lengths[0] < lengths[1] < lengths[2] and min(len(w) for w, _ in found[1.0]) >= 6


def test_08_exercise_3_cold_sampling_writes_more_real_words_and_fewer_different_ones(nb08, keyboard):
    words, _, runs = keyboard
    run = runs[S08["SEED"]]
    drawn = rh.writing.sample_words(rh.writing.lstm_predictor(run["model"]), run["alphabet"], 200, 0.2, seed=S08["SEED"])
    assert np.mean([w in set(words["word"]) for w in drawn]) > nb08["real_word_share"][0.5]
    assert len(set(drawn)) < 100


def test_08_exercise_4_day_first_slashes_fool_the_rule_and_the_network(dates):
    import datetime

    _, test, translator = dates
    namespace = {"datetime": datetime, "np": np, "TEST_DATES": len(test), "test_dates": test, "print": lambda *a, **k: None}
    rule = notebook_cell("08_writing_sequences.ipynb", "PATTERNS = ", namespace)["rule"]
    assert namespace["rule_accuracy"] == 1.0                   # the notebook's rule, on the notebook's test dates
    days = [datetime.date.fromisoformat(iso) for iso in test["iso"]]
    european = [f"{d.day}/{d.month}/{d.year}" for d in days]
    assert all(rule(text) is None for text, d in zip(european, days) if d.day > 12)
    assert np.mean([rule(text) == iso for text, iso in zip(european, test["iso"])]) < 0.05
    written = rh.translating.translate(translator["model"], european, translator["source_alphabet"], translator["target_alphabet"])
    assert all(len(w) == 10 for w in written)
    assert np.mean([w == iso for w, iso in zip(written, test["iso"])]) < 0.5


@pytest.mark.slow
def test_08_exercise_5_additive_attention_also_learns_the_dates_in_three_epochs(nb08, dates):
    train, test, translator = dates
    namespace = {"keras": keras, "DATE_UNITS": S08["DATE_UNITS"], "train_dates": train, "rh": rh}
    cells = json.loads((NOTEBOOKS / "08_writing_sequences.ipynb").read_text())["cells"]
    (source,) = ["".join(c["source"]) for c in cells if c["cell_type"] == "code"
                 and "def build_translator" in "".join(c["source"])]
    assert "keras.layers.Attention(" in source
    exec(source.replace("keras.layers.Attention(", "keras.layers.AdditiveAttention("), namespace)
    keras.utils.set_random_seed(S08["SEED"])
    model = namespace["build_translator"](True)
    (encoder_ids, decoder_ids), target_ids = rh.translating.translation_data(
        list(train["text"]), list(train["iso"]), translator["source_alphabet"], translator["target_alphabet"])
    rh.translating.train_translator(model, (encoder_ids, decoder_ids), target_ids, S08["DATE_EPOCHS"], seed=S08["SEED"])
    additive = {**translator, "model": model}
    assert rh.translating.score_translations(additive, test)["correct"].mean() > 0.9
