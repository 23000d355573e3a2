"""Notebook 08's text boxes and figures: what they show, and that what a learner types never crashes them."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

import rnn_helpers as rh  # noqa: E402
from rnn_helpers import text, translating, writing  # noqa: E402

WORDS = ["cat", "car", "cart", "care", "dog"]
ALPHABET = text.build_alphabet(WORDS)
PREDICTORS = {"table": writing.table_predictor(writing.letter_table(WORDS, np.array([5.0, 4.0, 2.0, 3.0, 1.0]), ALPHABET))}


@pytest.fixture(scope="module")
def translator():
    sources = ["Nov 2, 2026", "26.11.26"]
    source_alphabet, target_alphabet = text.build_alphabet(sources), text.build_alphabet(["2026-11-02"])
    model = translating.build_translator(len(source_alphabet), len(target_alphabet), units=2)
    return {"model": model, "source_alphabet": source_alphabet, "target_alphabet": target_alphabet}


def test_keyboard_text_suggests_three_words_per_predictor_and_marks_known_ones():
    reply = rh.widgets.keyboard_text("ca", PREDICTORS, ALPHABET, known_words=["cat"])
    assert reply.startswith("table: cat ✓ 36%, car (new) 29%") and reply.count(",") == 2 and "(new)" in reply
    assert "✓" not in rh.widgets.keyboard_text("ca", PREDICTORS, ALPHABET)   # no word list: no marks
    assert rh.widgets.keyboard_text(" CA ", PREDICTORS, ALPHABET) == rh.widgets.keyboard_text("ca", PREDICTORS, ALPHABET)


@pytest.mark.parametrize("typed, expected", [("", "Type the first letters"), ("   ", "Type the first letters"),
                                             ("caé", "never saw é. Use only the letters acdegort"),
                                             ("c4t!", "never saw ! 4")])
def test_keyboard_text_explains_instead_of_failing(typed, expected):
    assert expected in rh.widgets.keyboard_text(typed, PREDICTORS, ALPHABET)


def test_keyboard_box_updates_as_you_type():
    box = rh.widgets.keyboard_box(PREDICTORS, ALPHABET, value="")
    assert box.text.description == "Type:" and box.text.continuous_update
    assert box.reply_text().startswith("Type the first letters")
    box.text.value = "do"
    assert box.reply_text().startswith("table: dog")
    box.text.value = "ca"
    assert box.reply_text().startswith("table: cat 36%, car 29%, care 21%")


def test_date_text_and_box(translator):
    assert rh.widgets.date_text("", translator).startswith("Type a date")
    assert "never saw D c e" in rh.widgets.date_text("Dec 2, 2026", translator)
    reply = rh.widgets.date_text("Nov 2, 2026", translator)
    assert reply.startswith("Nov 2, 2026  →  ")        # untrained: any answer, but an answer, never a crash
    box = rh.widgets.date_box(translator, value="")
    assert box.text.description == "Date:" and box.reply_text().startswith("Type a date")
    box.text.value = "26.11.26"
    assert box.reply_text().startswith("26.11.26  →  ")
    with pytest.raises(TypeError, match="written must be a string"):
        rh.widgets.date_text(None, translator)


def test_grouped_bars_draw_medians_with_seed_ranges():
    fig, ax = plt.subplots()
    rh.plotting.grouped_bars({"A": {"top-1": [0.2, 0.3, 0.4], "top-3": [0.5, 0.6, 0.7]}, "B": {"top-1": 0.1, "top-3": 0.9}},
                             ax=ax)
    heights = sorted(round(p.get_height(), 3) for p in ax.patches)
    assert heights == [0.1, 0.3, 0.6, 0.9]   # medians for A, single values for B
    assert [t.get_text() for t in ax.get_xticklabels()] == ["top-1", "top-3"]
    plt.close(fig)
    with pytest.raises(TypeError, match="non-empty dict of label -> dict"):
        rh.plotting.grouped_bars({"A": [0.1]})


def test_attention_map_shows_one_row_per_written_character():
    fig, ax = plt.subplots()
    rh.plotting.attention_map(np.eye(4)[:, :3], "abc", "xyzw", ax=ax)
    assert [t.get_text() for t in ax.get_yticklabels()] == list("xyzw")
    assert ax.images[0].get_array().shape == (4, 3)
    plt.close("all")
    with pytest.raises(ValueError, match="must cover 4 written x 3 source"):
        rh.plotting.attention_map(np.eye(2), "abc", "xyzw")
    with pytest.raises(TypeError, match="non-empty strings"):
        rh.plotting.attention_map(np.eye(2), "", "x")


def test_keyboard_text_passes_length_normalisation_to_the_beam_search():
    normalised = rh.widgets.keyboard_text("ca", PREDICTORS, ALPHABET, alpha=1.0)
    expected = writing.complete(PREDICTORS["table"], "ca", ALPHABET, alpha=1.0)
    assert normalised == "table: " + ", ".join(f"{w} {p:.0%}" for w, p in expected)
    assert rh.widgets.keyboard_box(PREDICTORS, ALPHABET, value="ca", alpha=1.0).reply_text() == normalised
