"""Unit tests of rnn_helpers.writing (notebook 08): fast, with tiny word lists and untrained or hand-made models."""

import itertools

import keras
import numpy as np
import pytest

from rnn_helpers import scores, text, translating, writing

WORDS = ["cat", "car", "cart", "care", "dog"]
WEIGHTS = np.array([5.0, 4.0, 2.0, 3.0, 1.0])
ALPHABET = text.build_alphabet(WORDS)


def ids_of(word):
    return text.encode([word], ALPHABET)[0]


def test_zipf_weights_are_log10_per_billion():
    np.testing.assert_allclose(writing.zipf_weights([1e-3, 1e-6]), [6.0, 3.0])
    with pytest.raises(ValueError, match="must be > 1e-9"):
        writing.zipf_weights([1e-3, 0.0])


def test_next_letter_targets_are_the_inputs_shifted_by_one():
    X, Y = writing.next_letter_data(["cat", "do"], ALPHABET)
    assert text.decode(X, ALPHABET) == ["cat", "do"] and (X[:, 0] == text.START).all()
    real = X[:, 1:] != text.PAD
    np.testing.assert_array_equal(Y[:, :-1][real], X[:, 1:][real])   # the target is the next input
    assert Y[0, 3] == text.END and Y[1, 2] == text.END and Y[1, 3] == text.PAD


def test_letter_table_counts_weighted_successors_and_backs_off():
    table = writing.letter_table(WORDS, WEIGHTS, ALPHABET, context=2)
    c, a, r, t, e = (ALPHABET.index(ch) for ch in "carte")
    after_ca = table[(c, a)]
    assert after_ca[r] == 4 + 2 + 3 and after_ca[t] == 5 and after_ca.sum() == 14
    assert table[(text.START,)][c] == 14 and table[(text.START,)][ALPHABET.index("d")] == 1
    X, _ = writing.next_letter_data(["ca", "xa"[1:]], ALPHABET)   # "ca" and "a"
    P = writing.table_probabilities(table, X)
    np.testing.assert_allclose(P[0, 2], after_ca / 14)             # context (c, a) was seen
    np.testing.assert_allclose(P[1, 1], table[(text.START, a)] / table[(text.START, a)].sum()
                               if (text.START, a) in table else table[(a,)] / table[(a,)].sum())
    np.testing.assert_allclose(P.sum(-1)[X != 0], 1.0)
    assert not P[X == 0].any()


def test_top_k_accuracy_counts_only_real_steps_and_breaks_ties_by_id():
    P = np.array([[[0.1, 0.1, 0.2, 0.6], [0.25, 0.25, 0.25, 0.25]]])
    assert scores.top_k_accuracy(P, np.array([[3, 0]]), 1) == 1.0           # the padding step is ignored
    assert scores.top_k_accuracy(P, np.array([[2, 3]]), 1) == 0.0
    assert scores.top_k_accuracy(P, np.array([[2, 3]]), 2) == 0.5           # a tie: id 3 ranks after 1 and 2
    assert scores.top_k_accuracy(P, np.array([[2, 3]]), 4) == 1.0
    zero_true = np.array([[[0.0, 0.5, 0.5, 0.0]]])
    assert scores.top_k_accuracy(zero_true, np.array([[3]]), 3) == 0.0      # an impossible letter is never a hit
    with pytest.raises(ValueError, match="matching Y"):
        scores.top_k_accuracy(P, np.zeros((2, 2)), 1)


def brute_force_best(predict_next, prefix, k, max_length):
    """Probability given the prefix of every word up to max_length that starts with it, by enumeration."""
    letters = sorted(set("".join(WORDS)))
    scores = {}
    for n in range(0, max_length - len(prefix) + 1):
        for tail in itertools.product(letters, repeat=n):
            word = prefix + "".join(tail)
            ids = text.encode([word], ALPHABET, start=True)[0]
            p = 1.0
            for t in range(len(prefix) + 1, len(ids) + 1):
                p *= predict_next(ids[None, :t])[0][ids[t] if t < len(ids) else text.END]
            if word:
                scores[word] = p
    return sorted(scores.items(), key=lambda pair: -pair[1])[:k]


def test_beam_search_finds_the_most_probable_words():
    predict_next = writing.table_predictor(writing.letter_table(WORDS, WEIGHTS, ALPHABET))
    best = brute_force_best(predict_next, "ca", 3, max_length=5)
    found = writing.complete(predict_next, "ca", ALPHABET, k=3, beam_width=20, max_length=5)
    assert [w for w, _ in found] == [w for w, _ in best]
    np.testing.assert_allclose([p for _, p in found], [p for _, p in best])


def test_complete_explains_bad_prefixes():
    predict_next = writing.table_predictor(writing.letter_table(WORDS, WEIGHTS, ALPHABET))
    with pytest.raises(ValueError, match=r"'caß' holds character\(s\) \['ß'\] the model has never seen"):
        writing.complete(predict_next, "caß", ALPHABET)
    with pytest.raises(TypeError, match="prefix must be a string"):
        writing.complete(predict_next, None, ALPHABET)
    with pytest.raises(ValueError, match="beam_width must be >= 3"):
        writing.complete(predict_next, "c", ALPHABET, k=3, beam_width=2)
    assert all(w for w, _ in writing.complete(predict_next, "", ALPHABET))  # never the empty word


def test_temperature_sharpens_and_flattens_but_keeps_zeros():
    p = np.array([0.0, 0.2, 0.3, 0.5])
    np.testing.assert_allclose(writing.with_temperature(p, 1.0), p)
    np.testing.assert_allclose(writing.with_temperature(p, 0.5), [0, 0.04, 0.09, 0.25] / np.float64(0.38))
    np.testing.assert_allclose(writing.with_temperature(p, 1e-3), [0, 0, 0, 1], atol=1e-12)   # no underflow
    hot = writing.with_temperature(p, 100.0)
    assert hot[0] == 0 and np.ptp(hot[1:]) < 0.01
    with pytest.raises(ValueError, match="temperature must be > 0"):
        writing.with_temperature(p, 0.0)
    with pytest.raises(ValueError, match="probabilities"):
        writing.with_temperature([-0.1, 1.1], 1.0)


def test_sampling_is_reproducible_and_cold_sampling_writes_the_favourite():
    predict_next = writing.table_predictor(writing.letter_table(WORDS, WEIGHTS, ALPHABET, context=3))
    a = writing.sample_words(predict_next, ALPHABET, 20, temperature=1.0, seed=3)
    assert a == writing.sample_words(predict_next, ALPHABET, 20, temperature=1.0, seed=3)
    assert set("".join(a)) <= set(ALPHABET[3:]) and all(a)
    # c (14 of 15), then a, then r (9 against t's 5), then the end (4 against e's 3 and t's 2)
    assert set(writing.sample_words(predict_next, ALPHABET, 5, temperature=0.01)) == {"car"}


def test_keyboard_model_masks_padding_and_outputs_probabilities():
    model = writing.build_keyboard_model(len(ALPHABET), units=4)
    X, _ = writing.next_letter_data(["cat", "do"], ALPHABET)
    P = np.asarray(model(X))
    assert P.shape == X.shape + (len(ALPHABET),)
    np.testing.assert_allclose(P.sum(-1), 1.0, rtol=1e-5)
    predict_next = writing.lstm_predictor(model)
    np.testing.assert_allclose(predict_next(X[1:2, :3]), P[1:2, 2], rtol=1e-5)   # read at the last real step


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


def test_keyboard_race_and_fit_date_translator_check_their_input():
    with pytest.raises(ValueError, match="same length, got 2 and 1"):
        writing.keyboard_race(["cat", "dog"], np.array([1e-3]))
    with pytest.raises(TypeError, match="columns 'text' and 'iso'"):
        translating.fit_date_translator([("Nov 2", "2026-11-02")])
    with pytest.raises(TypeError, match="returned by fit_date_translator"):
        translating.score_translations("model", None)


def test_length_normalisation_ranks_by_mean_log_probability_per_symbol():
    predict_next = writing.table_predictor(writing.letter_table(WORDS, WEIGHTS, ALPHABET))
    everything = [(w, p) for w, p in brute_force_best(predict_next, "ca", 50, max_length=6) if p > 0]
    for alpha in (0.5, 1.0):
        score = {word: np.log(p) / (len(word) - 1) ** alpha for word, p in everything}   # symbols after "ca" + END
        expected = sorted(score, key=lambda word: -score[word])[:3]
        found = writing.complete(predict_next, "ca", ALPHABET, k=3, beam_width=50, max_length=6, alpha=alpha)
        assert [w for w, _ in found] == expected
        np.testing.assert_allclose([p for _, p in found], [dict(everything)[w] for w in expected])  # raw probabilities
    assert writing.complete(predict_next, "ca", ALPHABET, alpha=0.0) == writing.complete(predict_next, "ca", ALPHABET)


def test_length_normalisation_removes_the_short_output_bias():
    """A model that ends every word with probability 0.3 after each letter, else writes 'a' (0.7): by
    probability the prefix itself wins, by mean log-probability the longer words catch up."""
    def predict_next(ids):
        P = np.zeros((len(ids), len(ALPHABET)))
        P[:, text.END], P[:, ALPHABET.index("a")] = 0.3, 0.7
        return P

    raw = writing.complete(predict_next, "c", ALPHABET, k=3, max_length=8)
    assert [w for w, _ in raw] == ["c", "ca", "caa"]                      # the short-output bias
    normalised = writing.complete(predict_next, "c", ALPHABET, k=3, max_length=8, alpha=1.0)
    assert all(len(w) > 3 for w, _ in normalised)                         # log p / n grows towards log 0.7
    with pytest.raises(ValueError, match="alpha must be <= 2"):
        writing.complete(predict_next, "c", ALPHABET, alpha=3.0)


def test_the_date_benchmark_loads_and_a_missing_file_names_the_script(tmp_path):
    results = translating.load_date_benchmark()
    assert {"machine", "rows", "medians"} <= set(results) and results["rows"][0]["budget"] == "notebook"
    with pytest.raises(FileNotFoundError, match="python benchmarks/date_translation.py"):
        translating.load_date_benchmark(tmp_path / "missing.json")
