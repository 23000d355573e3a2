import keras
import numpy as np
import pytest

import rnn_helpers as rh
from rnn_helpers import text

ALPHABET = text.build_alphabet(["cab", "ba", "a-b 1"])


def test_alphabet_reserves_pad_start_end_then_sorted_characters():
    assert ALPHABET == ("<pad>", "<start>", "<end>", " ", "-", "1", "a", "b", "c")
    assert (text.PAD, text.START, text.END) == (0, 1, 2)
    assert ALPHABET[text.PAD] == "<pad>"


def test_encode_pads_with_zero_and_decode_inverts_it():
    ids = text.encode(["cab", "a", ""], ALPHABET)
    assert ids.dtype == np.int32
    np.testing.assert_array_equal(ids, [[8, 6, 7], [6, 0, 0], [0, 0, 0]])
    assert text.decode(ids, ALPHABET) == ["cab", "a", ""]


def test_markers_and_fixed_length():
    ids = text.encode(["ba", "c"], ALPHABET, length=6, start=True, end=True)
    np.testing.assert_array_equal(ids, [[1, 7, 6, 2, 0, 0], [1, 8, 2, 0, 0, 0]])
    assert text.decode(ids, ALPHABET) == ["ba", "c"]


def test_decode_stops_at_the_first_end_even_if_a_model_writes_more():
    assert text.decode([[7, 6, 2, 8, 8]], ALPHABET) == ["ba"]
    assert text.decode(np.array([[1, 8, 0, 7]]), ALPHABET) == ["c"]


def test_padding_is_masked_by_a_keras_embedding():
    ids = text.encode(["cab", "a"], ALPHABET)
    mask = keras.layers.Embedding(len(ALPHABET), 4, mask_zero=True).compute_mask(ids)
    np.testing.assert_array_equal(np.asarray(mask), ids != text.PAD)


def test_unknown_characters_are_listed():
    assert text.unknown_characters(["cat", "Cab"], ALPHABET) == ["C", "t"]
    assert text.unknown_characters(["cab"], ALPHABET) == []


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: text.encode(["café"], ALPHABET), ValueError, r"'café' holds character\(s\) \['f', 'é'\].*rebuild"),
        (lambda: text.encode("cab", ALPHABET), TypeError, r"single string 'cab'. Use \['cab'\]"),
        (lambda: text.encode([], ALPHABET), ValueError, "at least one string"),
        (lambda: text.encode([3], ALPHABET), TypeError, "only strings, got int 3"),
        (lambda: text.encode(["cab"], ALPHABET, length=2), ValueError, "length=2 is too short for 'cab'.*length=3"),
        (lambda: text.encode(["cab"], ALPHABET, length=0), ValueError, "length must be >= 1"),
        (lambda: text.encode(["cab"], "abc"), TypeError, "tuple returned by rnn_helpers.text.build_alphabet"),
        (lambda: text.encode(["cab"], ("a", "b", "c")), ValueError, "must start with the markers"),
        (lambda: text.build_alphabet(["", ""]), ValueError, "at least one character"),
        (lambda: text.build_alphabet(None), TypeError, "list of strings, got NoneType"),
        (lambda: text.decode([1, 2], ALPHABET), ValueError, "must be 2-D"),
        (lambda: text.decode([[0, 99]], ALPHABET), ValueError, r"0\.\.8 for this alphabet of 9 symbols"),
        (lambda: text.decode([[0.5]], ALPHABET), ValueError, "whole numbers"),
    ],
)
def test_bad_input_is_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_reachable_as_rh_text():
    assert rh.text.encode is text.encode
