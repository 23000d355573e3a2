"""The date translator of rnn_helpers.translating (notebook 08): teacher forcing, greedy decoding, attention,
clear errors, and the committed benchmark."""

import keras
import numpy as np
import pytest

from rnn_helpers import text, translating

ALPHABET = text.build_alphabet(["cat", "car", "cart", "care", "dog"])


def copy_model(vocabulary):
    """A hand-made 'translator' that writes the source's id at each step: greedy decoding must return it."""
    encoder_ids = keras.Input((None,), dtype="int32")
    decoder_ids = keras.Input((None,), dtype="int32")
    copied = keras.layers.Lambda(
        lambda xs: keras.ops.one_hot(xs[0][:, : keras.ops.shape(xs[1])[1]], vocabulary))([encoder_ids, decoder_ids])
    return keras.Model([encoder_ids, decoder_ids], copied)


def test_greedy_decode_feeds_back_one_symbol_a_step():
    source = text.encode(["cart", "dog"], ALPHABET, end=True, length=6)
    written = translating.greedy_decode(copy_model(len(ALPHABET)), source, steps=5)
    assert written.shape == (2, 6) and (written[:, 0] == text.START).all()
    np.testing.assert_array_equal(written[:, 1:], source[:, :5])
    assert text.decode(written, ALPHABET) == ["cart", "dog"]


@pytest.mark.slow  # builds and runs the encoder-decoder, about a second: part of make test, not make check
def test_translator_shapes_and_attention_weights():
    sources, targets = ["Nov 2", "Oct 13"], ["11-02", "10-13"]
    source_alphabet, target_alphabet = text.build_alphabet(sources), text.build_alphabet(targets)
    (encoder_ids, decoder_ids), target_ids = translating.translation_data(sources, targets, source_alphabet, target_alphabet)
    assert decoder_ids.shape == target_ids.shape == (2, 6)
    np.testing.assert_array_equal(decoder_ids[:, 1:], target_ids[:, :-1])          # teacher forcing: shifted by one
    for encoder in translating.ENCODERS:
        model = translating.build_translator(len(source_alphabet), len(target_alphabet), units=4, encoder=encoder)
        assert np.asarray(model([encoder_ids, decoder_ids])).shape == (2, 6, len(target_alphabet))
    weights = translating.attention_weights(model, encoder_ids, decoder_ids)
    assert weights.shape == (2, 6, encoder_ids.shape[1])
    np.testing.assert_allclose(weights.sum(-1), 1.0, rtol=1e-5)
    assert weights[0, :, 5].max() < 1e-6                     # "Nov 2" is one character shorter: padding is masked
    plain = translating.build_translator(len(source_alphabet), len(target_alphabet), units=4, attention=False)
    with pytest.raises(ValueError, match="no layer named 'attention'"):
        translating.attention_weights(plain, encoder_ids, decoder_ids)
    assert len(translating.translate(plain, ["Nov 2"], source_alphabet, target_alphabet, steps=6)) == 1


@pytest.fixture(scope="module")
def small_translator():
    source_alphabet, target_alphabet = text.build_alphabet(["Nov 2"]), text.build_alphabet(["11-02"])
    return translating.build_translator(len(source_alphabet), len(target_alphabet), units=2), source_alphabet, target_alphabet


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda m, a, b: translating.translate(m, [""], a, b), ValueError, "non-empty strings; type a date"),
        (lambda m, a, b: translating.translate(m, ["Nov 2"], a, b) and translating.translate(m, ["Dec 2"], a, b),
         ValueError, r"'Dec 2' holds character\(s\) \['D', 'c', 'e'\]"),
        (lambda m, a, b: translating.translate(m, "Nov 2", a, b), TypeError, r"single string 'Nov 2'. Use \['Nov 2'\]"),
        (lambda m, a, b: translating.build_translator(len(a), len(b), encoder="sideways"), ValueError, "encoder must be one of"),
        (lambda m, a, b: translating.translation_data(["Nov 2"], [], a, b), ValueError, "must pair up"),
        (lambda m, a, b: translating.greedy_decode(m, [[1, 2]], steps=0), ValueError, "steps must be >= 1"),
        (lambda m, a, b: translating.greedy_decode("model", [[1, 2]], steps=1), TypeError, "must be a keras.Model"),
    ],
)
def test_translator_bad_input_is_explained(call, error, match, small_translator):
    with pytest.raises(error, match=match):
        call(*small_translator)


def test_wrong_fields_names_the_wrong_parts():
    assert translating.wrong_fields("2026-11-26", "2026-11-26") == ""
    assert translating.wrong_fields("1926-11-26", "2026-11-26") == "year"
    assert translating.wrong_fields("2026-12-25", "2026-11-26") == "month+day"
    assert translating.wrong_fields("2026-1126", "2026-11-26") == "not a date"
    with pytest.raises(ValueError, match="truth must be an ISO date"):
        translating.wrong_fields("2026-11-26", "26.11.26")


def test_the_date_benchmark_loads_and_a_missing_file_names_the_script(tmp_path):
    results = translating.load_date_benchmark()
    assert {"machine", "rows", "medians"} <= set(results) and results["rows"][0]["budget"] == "notebook"
    with pytest.raises(FileNotFoundError, match="python benchmarks/date_translation.py"):
        translating.load_date_benchmark(tmp_path / "missing.json")


def test_fit_date_translator_and_score_translations_check_their_input():
    with pytest.raises(TypeError, match="columns 'text' and 'iso'"):
        translating.fit_date_translator([("Nov 2", "2026-11-02")])
    with pytest.raises(TypeError, match="returned by fit_date_translator"):
        translating.score_translations("model", None)
