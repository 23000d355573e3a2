"""Characters to integers and back: the text encoding notebooks 07 and 08 share.

An alphabet is a tuple of symbols; a symbol's position in it is its id. The first three ids are reserved:

- `PAD = 0` fills short words up to a common length, so `keras.layers.Embedding(mask_zero=True)` can
  tell real characters from filler and the recurrent layers skip it;
- `START = 1` marks the beginning of a sequence (the first input of a decoder or a word predictor);
- `END = 2` marks its end (what a decoder or a word predictor outputs when it is done).

The markers are written `"<pad>"`, `"<start>"`, `"<end>"`: several characters long, so they can never be
confused with a character of the text. Every other symbol is one character.
"""

import numpy as np

from ._validation import Array, Bool, Check, Count, Optional, Text, validate

PAD, START, END = 0, 1, 2
MARKERS = ("<pad>", "<start>", "<end>")


@validate(name=Text(), checked_in_body=("words",))
def check_words(name, words):
    """Return `words` as a list of str, or raise: a single string or a non-string item is a mistake.

    Introduced in notebook 07.
    """
    if isinstance(words, str):
        raise TypeError(f"{name} must be a list of strings, got the single string {words!r}. Use [{words!r}].")
    if isinstance(words, dict) or (isinstance(words, np.ndarray) and words.dtype.kind not in "UO"):
        raise TypeError(f"{name} must be a list of strings, got {type(words).__name__}"
                        f"{f' of dtype {words.dtype}' if isinstance(words, np.ndarray) else ''}. "
                        "Pass e.g. ['cat', 'dog'] or list(table['word']).")
    try:
        words = list(words)
    except TypeError:
        raise TypeError(f"{name} must be a list of strings, got {type(words).__name__}.") from None
    for word in words:
        if not isinstance(word, str):
            raise TypeError(
                f"{name} must hold only strings, got {type(word).__name__} {word!r}. Convert it with str()."
            )
    return words


@validate(checked_in_body=("alphabet",))
def check_alphabet(alphabet):
    """Return `alphabet` as a tuple after checking it is one that `build_alphabet` could have made.

    Introduced in notebook 07.

    Raises:
        TypeError: if it is not a sequence of strings.
        ValueError: if it does not start with the three markers, or a character is missing or repeated.
    """
    if isinstance(alphabet, str) or not isinstance(alphabet, (tuple, list)):
        raise TypeError(
            f"alphabet must be the tuple returned by rnn_helpers.text.build_alphabet, got {type(alphabet).__name__}."
        )
    alphabet = tuple(alphabet)
    if alphabet[:3] != MARKERS:
        raise ValueError(
            f"alphabet must start with the markers {MARKERS}, got {alphabet[:3]}. "
            "Make it with rnn_helpers.text.build_alphabet(words)."
        )
    symbols = alphabet[3:]
    if any(not isinstance(s, str) or len(s) != 1 for s in symbols):
        raise ValueError("alphabet must hold single characters after the three markers.")
    if len(set(symbols)) != len(symbols):
        raise ValueError("alphabet holds a character twice; make it with rnn_helpers.text.build_alphabet(words).")
    return alphabet


@validate(words=Check(check_words))
def build_alphabet(words):
    """Return the alphabet of `words`: the three markers, then every character that occurs, sorted.

    Introduced in notebook 07.

    Args:
        words: a list of strings (words, dates, sentences); together they must hold at least one character.

    Returns:
        A tuple `("<pad>", "<start>", "<end>", c1, c2, ...)`; `len(alphabet)` is the vocabulary size to give
        `keras.layers.Embedding(input_dim=len(alphabet), ...)`.

    Example:
        >>> build_alphabet(["cab", "ba"])
        ('<pad>', '<start>', '<end>', 'a', 'b', 'c')
    """
    characters = sorted(set("".join(words)))
    if not characters:
        raise ValueError("words must hold at least one character, got only empty strings or an empty list.")
    return MARKERS + tuple(characters)


@validate(words=Check(check_words), checked_in_body=("alphabet",))
def unknown_characters(words, alphabet):
    """Return the sorted characters of `words` that are not in `alphabet` (an empty list if none).

    Introduced in notebook 07; a text box uses it to explain an input instead of failing on it.
    """
    alphabet = check_alphabet(alphabet)
    return sorted(set("".join(words)) - set(alphabet[3:]))


@validate(words=Check(check_words), length=Optional(Count()), start=Bool(), end=Bool(),
          checked_in_body=("alphabet",))
def encode(words, alphabet, length=None, start=False, end=False):
    """Turn words into a padded array of character ids.

    Introduced in notebook 07.

    Args:
        words: a list of strings. An empty string is allowed (it encodes to padding, plus any markers).
        alphabet: from `build_alphabet`.
        length: columns of the result; None means the longest encoded word. Shorter words are padded with
            `PAD` (0) at the end.
        start: put `START` before each word (the first input of a decoder or a next-letter model).
        end: put `END` after each word (the last target, so a model learns when to stop).

    Returns:
        int32 array of shape `(len(words), length)`.

    Raises:
        ValueError: if a word holds a character the alphabet lacks (the message names it and says how to
            fix it), if `words` is empty, or if a word does not fit in `length`.
    """
    alphabet = check_alphabet(alphabet)
    if not words:
        raise ValueError("words must hold at least one string, got an empty list.")
    unknown = unknown_characters(words, alphabet)
    if unknown:
        example = next(w for w in words if set(w) & set(unknown))
        raise ValueError(
            f"{example!r} holds character(s) {unknown} that the alphabet does not have (it was built from the "
            "training text). Remove or replace them, e.g. word.lower(), or rebuild the alphabet from text "
            "that contains them and train again."
        )
    index = {symbol: i for i, symbol in enumerate(alphabet)}
    rows = [[START] * start + [index[c] for c in word] + [END] * end for word in words]
    longest = max(len(row) for row in rows)
    length = longest if length is None else length
    if longest > length:
        too_long = words[[len(row) for row in rows].index(longest)]
        raise ValueError(
            f"length={length} is too short for {too_long!r} ({longest} ids with markers). "
            f"Pass length={longest} or more, or drop the longest words."
        )
    ids = np.full((len(rows), max(length, 1)), PAD, dtype=np.int32)
    for i, row in enumerate(rows):
        ids[i, : len(row)] = row
    return ids


@validate(ids=Array(ndim=2), checked_in_body=("alphabet",))
def decode(ids, alphabet):
    """Turn rows of character ids back into strings.

    Introduced in notebook 07. A leading `START` is skipped; each row stops at its first `PAD` or `END`.

    Args:
        ids: 2-D array of ints `(batch, length)`, e.g. from `encode` or a model's argmax.
        alphabet: from `build_alphabet`.

    Returns:
        A list of `batch` strings.

    Raises:
        ValueError: if `ids` is not 2-D, is not whole numbers, or holds an id outside the alphabet.
    """
    alphabet = check_alphabet(alphabet)
    if np.any(ids != np.round(ids)):
        raise ValueError("ids must be whole numbers (character ids). Use np.argmax(probabilities, axis=-1).")
    ids = ids.astype(np.int64)
    if ids.min() < 0 or ids.max() >= len(alphabet):
        raise ValueError(
            f"ids must lie in 0..{len(alphabet) - 1} for this alphabet of {len(alphabet)} symbols, "
            f"got values from {ids.min()} to {ids.max()}. Was the model trained with another alphabet?"
        )
    words = []
    for row in ids:
        row = row[1:] if row[0] == START else row
        characters = []
        for i in row:
            if i in (PAD, END):
                break
            characters.append(alphabet[i] if i != START else "")
        words.append("".join(characters))
    return words
