"""The language box of notebook 07 without a browser: type into it and read the reply."""

import keras
import pytest

import rnn_helpers as rh

LANGUAGES = ("en", "de")
NAMES = {"en": "English", "de": "German"}


@pytest.fixture(scope="module")
def trained_parts():
    """A small untrained word model is enough: the box shows whatever the model says."""
    keras.utils.set_random_seed(4)
    alphabet = rh.text.build_alphabet(["house", "haus"])
    model = rh.reading.build_word_model(len(alphabet), len(LANGUAGES), "GRU", embedding_dim=3, units=4)
    return model, alphabet


def test_reply_lists_every_language_with_a_bar_most_likely_first(trained_parts):
    model, alphabet = trained_parts
    reply = rh.widgets.language_text("Haus", model, alphabet, LANGUAGES, names=NAMES, width=20)
    probabilities = rh.reading.language_probabilities(model, alphabet, LANGUAGES, "haus")
    lines = reply.splitlines()
    assert lines[0] == "'haus' is most likely:"
    assert [line.split()[0] for line in lines[1:]] == [NAMES[code] for code in probabilities]
    first = next(iter(probabilities.values()))
    assert lines[1].count("█") == round(first * 20) and f"{first:.1%}" in lines[1]


@pytest.mark.parametrize(
    "typed, message",
    [("", "The word is empty"), ("  ", "The word is empty"), ("haus boot", "more than one word"),
     ("hüs", "'ü', never seen in training"), ("h0use", "'0', never seen in training")],
)
def test_bad_input_gives_a_message_not_an_error(trained_parts, typed, message):
    model, alphabet = trained_parts
    assert message in rh.widgets.language_text(typed, model, alphabet, LANGUAGES)


def test_the_box_updates_as_you_type(trained_parts):
    model, alphabet = trained_parts
    box = rh.widgets.language_box(model, alphabet, LANGUAGES, names=NAMES, value="house")
    assert box.text.description == "Word:" and "'house' is most likely:" in box.reply_text()
    box.text.value = ""
    assert "The word is empty" in box.reply_text()
    box.text.value = "hä"
    assert "never seen in training" in box.reply_text()
    box.text.value = "sue"
    assert box.reply_text().startswith("'sue' is most likely:")


def test_language_text_rejects_a_non_string(trained_parts):
    model, alphabet = trained_parts
    with pytest.raises(TypeError, match="word must be a string"):
        rh.widgets.language_text(None, model, alphabet, LANGUAGES)
