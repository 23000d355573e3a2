"""Unit tests of rnn_helpers.writing (notebook 08): fast, with tiny word lists and untrained or hand-made models."""

import itertools

import numpy as np
import pytest

from rnn_helpers import scores, text, writing

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


def test_keyboard_race_checks_its_input():
    with pytest.raises(ValueError, match="same length, got 2 and 1"):
        writing.keyboard_race(["cat", "dog"], np.array([1e-3]))


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


