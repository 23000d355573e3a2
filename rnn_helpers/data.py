"""Data made in code: sine series and the article's data, one-step-ahead pairs, random-phase sine windows cut
into feed-forward or recurrent examples, and the two memory tasks (recall the first value, the adding problem).

Nothing here downloads anything; every data set of the course is a few lines of numpy.
"""

import numpy as np

from ._validation import Array, Choice, Count, Float, Int, Optional, Seed, Text, check_choice, check_int, validate

ARTICLE_POINTS = 36  # the article's series: sin(0) .. sin(35)
ARTICLE_HORIZON = 36  # the values a forecaster generates after it: sin(36) .. sin(71)


@validate(n=Count(), start=Float(minimum=-1e6, maximum=1e6), step=Float(strictly_positive=True, maximum=1e3))
def sine_series(n, start=0.0, step=1.0):
    """Return `sin(start + step * k)` for `k = 0 .. n-1`.

    Introduced in notebook 01; the article's series is `sine_series(36)`: sin at the integers 0..35.

    Args:
        n: number of values; an int >= 1.
        start: the first x value.
        step: distance between consecutive x values (1.0 = one radian, as in the article).

    Returns:
        1-D float64 array of length `n`.
    """
    return np.sin(start + step * np.arange(n))


@validate(series=Array(ndim=1))
def supervised_pairs(series):
    """Split a series into inputs and one-step-ahead targets: `x[t] = s[t]`, `y[t] = s[t+1]`.

    Introduced in notebook 01. The article trains on `supervised_pairs(sine_series(37))`: inputs sin(0..35)
    and targets sin(1..36).

    Args:
        series: 1-D array with at least 2 values.

    Returns:
        `(x, y)`, two 1-D float64 arrays of length `len(series) - 1`.
    """
    if series.size < 2:
        raise ValueError(f"series must hold at least 2 values to make a pair, got {series.size}.")
    return series[:-1].copy(), series[1:].copy()


@validate()
def article_data():
    """The article's training data: inputs sin(0..35) and targets sin(1..36).

    Introduced in notebook 06; notebooks 04-05 train their sine forecasters on it too.

    Returns:
        `(x, y)`, two 1-D float64 arrays of length `ARTICLE_POINTS` (36).
    """
    return supervised_pairs(sine_series(ARTICLE_POINTS + 1))


@validate()
def article_continuation():
    """What a perfect forecaster generates after the article's series: sin(36..71).

    Introduced in notebook 06.

    Returns:
        1-D float64 array of length `ARTICLE_HORIZON` (36).
    """
    return sine_series(ARTICLE_HORIZON, start=ARTICLE_POINTS)


@validate(n_windows=Count(), length=Count(), step=Float(strictly_positive=True, maximum=1e3), seed=Seed())
def sine_windows(n_windows, length, step=1.0, seed=0):
    """Return windows of `sin(phase + step * k)` with phases drawn uniformly from [0, 2π).

    Introduced in notebook 01: with a random phase, the value sin(t) alone does not tell whether the
    sine is rising or falling, which is exactly what a feed-forward net cannot know.

    Args:
        n_windows: number of windows; an int >= 1.
        length: values per window; an int >= 1.
        step: distance between consecutive x values in radians.
        seed: seed of the random phases.

    Returns:
        float64 array of shape `(n_windows, length)`.
    """
    phase = np.random.default_rng(seed).uniform(0.0, 2.0 * np.pi, size=(n_windows, 1))
    return np.sin(phase + step * np.arange(length))


@validate(windows=Array(ndim=2), checked_in_body=("lags",))
def lagged_pairs(windows, lags):
    """Cut windows into feed-forward examples: `lags` consecutive values in, the next value out.

    Introduced in notebook 01. From a window `s`, the example at position `t` is
    `x = (s[t-lags+1], ..., s[t])` and `y = s[t+1]`.

    Args:
        windows: `(n_windows, length)` array.
        lags: how many past values the network sees; an int in [1, length - 1].

    Returns:
        `(X, y)` with `X` of shape `(n, lags)` and `y` of shape `(n, 1)`, `n = n_windows · (length - lags)`.
    """
    lags = check_int("lags", lags, minimum=1, maximum=windows.shape[1] - 1)
    length = windows.shape[1]
    X = np.stack([windows[:, k : length - lags + k] for k in range(lags)], axis=-1).reshape(-1, lags)
    y = windows[:, lags:].reshape(-1, 1)
    return X, y


@validate(windows=Array(ndim=2))
def sequence_pairs(windows):
    """Turn windows into recurrent examples: the sequence in, the sequence shifted by one out.

    Introduced in notebook 02.

    Args:
        windows: `(n_windows, length)` array, length >= 2.

    Returns:
        `(X, Y)`, both `(n_windows, length - 1, 1)`; `Y[:, t]` is the value that follows `X[:, t]`.
    """
    if windows.shape[1] < 2:
        raise ValueError(f"windows must hold at least 2 values each, got length {windows.shape[1]}.")
    return windows[:, :-1, None], windows[:, 1:, None]


@validate(n_samples=Count(), length=Count(), seed=Seed())
def recall_first(n_samples, length, seed=0):
    """The "recall the first value" memory task: read `length` random values, then say what the first was.

    Introduced in notebook 03. Every value is uniform in [-1, 1); the answer depends only on the input
    `length - 1` steps before the last one, and everything after it is a distraction the network must not let
    overwrite its memory. Guessing the mean (0) gives R² = 0.

    Args:
        n_samples: number of sequences; an int >= 1.
        length: steps per sequence, which is how far back the answer lies; an int >= 1.
        seed: seed of the random values, an int >= 0.

    Returns:
        `(X, y)`: `X` float32 `(n_samples, length, 1)` and `y = X[:, 0, :]` float32 `(n_samples, 1)`.
    """
    X = np.random.default_rng(seed).uniform(-1.0, 1.0, size=(n_samples, length, 1)).astype(np.float32)
    return X, X[:, 0, :].copy()


@validate(n_samples=Count(), length=Count(minimum=2), seed=Seed())
def adding_problem(n_samples, length, seed=0):
    """The adding problem: add the two values that carry a marker in a long random sequence.

    Introduced in notebook 03. Each step has two features: a value uniform in [0, 1) and a marker that is 1
    at exactly two steps and 0 elsewhere. The first marker is in the first half of the sequence and the
    second in the second half, so the network must hold a value for about `length / 2` steps. The target is
    the sum of the two marked values; always guessing 1 gives a mean squared error of about 1/6.

    Args:
        n_samples: number of sequences; an int >= 1.
        length: steps per sequence; an int >= 2.
        seed: seed of the values and marker positions, an int >= 0.

    Returns:
        `(X, y)`: `X` float32 `(n_samples, length, 2)` and `y` float32 `(n_samples, 1)`.
    """
    rng = np.random.default_rng(seed)
    values = rng.uniform(0.0, 1.0, size=(n_samples, length))
    half = length // 2
    first = rng.integers(0, half, size=n_samples)
    second = rng.integers(half, length, size=n_samples)
    markers = np.zeros((n_samples, length))
    rows = np.arange(n_samples)
    markers[rows, first] = 1.0
    markers[rows, second] = 1.0
    X = np.stack([values, markers], axis=-1).astype(np.float32)
    y = (values[rows, first] + values[rows, second])[:, None].astype(np.float32)
    return X, y


# ---------------------------------------------------------------------------------------------------------
# Notebook 07 · Reading sequences: word lists and digit images.
# `frequent_words` is committed first and is stable; notebook 08 uses it too.
# ---------------------------------------------------------------------------------------------------------


@validate(n=Int(minimum=1), min_length=Int(minimum=1), checked_in_body=("language", "max_length"))
def frequent_words(language, n, min_length=1, max_length=None):
    """The `n` most frequent words of a language, with their frequencies, from `wordfreq`'s lists.

    Introduced in notebook 07 (and used again in notebook 08). Only purely alphabetic, lower-case words
    are kept (no digits, apostrophes or hyphens), and only those whose length is in
    `[min_length, max_length]`. The lists ship inside the `wordfreq` package, so nothing is downloaded.

    Args:
        language: a `wordfreq` language code such as `"en"`, `"de"`, `"fr"`, `"es"`, `"it"`, `"nl"`, `"pt"`;
            `wordfreq.available_languages()` lists them all.
        n: how many words to return; an int >= 1.
        min_length: shortest word length kept; an int >= 1.
        max_length: longest word length kept; an int >= `min_length`, or None for no limit.

    Returns:
        A pandas DataFrame with columns `word` and `frequency` (`wordfreq.word_frequency`, the share of
        all words in the language's texts), `n` rows, most frequent first.

    Raises:
        ValueError: if `language` is not a `wordfreq` language, if a bound is out of range, or if the
            language has fewer than `n` words that pass the filters.
    """
    import itertools

    import pandas as pd
    import wordfreq

    language = check_choice("language", language, set(wordfreq.available_languages()))
    if max_length is not None:
        max_length = check_int("max_length", max_length, minimum=min_length)
    longest = max_length if max_length is not None else float("inf")
    kept = (
        word
        for word in wordfreq.iter_wordlist(language)
        if word.isalpha() and word == word.lower() and min_length <= len(word) <= longest
    )
    words = list(itertools.islice(kept, n))
    if len(words) < n:
        raise ValueError(
            f"{language!r} has only {len(words)} alphabetic lower-case words of length >= {min_length}"
            f"{'' if max_length is None else f' and <= {max_length}'}, but n={n} were asked for. "
            "Lower n or widen the length range."
        )
    frequencies = [wordfreq.word_frequency(word, language) for word in words]
    return pd.DataFrame({"word": words, "frequency": frequencies})


@validate(test_fraction=Float(strictly_positive=True, maximum=0.9), seed=Seed())
def digit_images(test_fraction=0.25, seed=0):
    """scikit-learn's 8×8 handwritten digits, scaled to [0, 1] and split once into training and test images.

    Introduced in notebook 07. The 1797 images ship inside scikit-learn (`sklearn.datasets.load_digits`),
    so nothing is downloaded. The split is stratified: each digit has the same share in both parts.

    Args:
        test_fraction: share of the images kept for testing; a float in (0, 0.9].
        seed: seed of the split, an int >= 0.

    Returns:
        `(X_train, X_test, y_train, y_test)`: images float32 `(n, 8, 8)` (row 0 at the top, values in
        [0, 1]) and labels int64 `(n,)` in 0..9.
    """
    from sklearn.datasets import load_digits
    from sklearn.model_selection import train_test_split

    digits = load_digits()
    images = (digits.images / 16.0).astype(np.float32)  # pixel values are 0..16
    labels = digits.target.astype(np.int64)
    return tuple(
        train_test_split(images, labels, test_size=test_fraction, stratify=labels, random_state=seed)
    )


@validate(n_per_language=Int(minimum=1), min_length=Int(minimum=1), max_length=Optional(Int(minimum=1)),
          checked_in_body=("languages",))
def language_words(languages, n_per_language, min_length=3, max_length=12):
    """Frequent words of several languages, labelled, without the words two languages share.

    Introduced in notebook 07. Each language contributes its `n_per_language` most frequent words (see
    `frequent_words`); a word that appears in two or more of the lists ("in", "art", "come" ...) has no
    single right answer, so it is removed from all of them.

    Args:
        languages: a list of at least two distinct `wordfreq` language codes, e.g. `["en", "de", "fr"]`.
        n_per_language: words taken from each language before shared ones are removed; an int >= 1.
        min_length: shortest word kept; an int >= 1. max_length: longest word kept; an int >= `min_length`.

    Returns:
        `(words, shared)`: a pandas DataFrame with columns `word`, `language`, `frequency` (in the order of
        `languages`, most frequent first within each), and the sorted list of removed shared words.
    """
    import pandas as pd

    if isinstance(languages, str) or not hasattr(languages, "__iter__"):
        raise TypeError(f"languages must be a list of language codes, got {languages!r}. Use e.g. ['en', 'de'].")
    languages = list(languages)
    if len(languages) < 2 or len(set(languages)) != len(languages):
        raise ValueError(f"languages must hold at least two different codes, got {languages}.")
    frames = [
        frequent_words(language, n_per_language, min_length, max_length).assign(language=language)
        for language in languages
    ]
    words = pd.concat(frames, ignore_index=True)[["word", "language", "frequency"]]
    counts = words["word"].value_counts()
    shared = sorted(counts.index[counts > 1])
    return words[~words["word"].isin(shared)].reset_index(drop=True), shared


# ---------------------------------------------------------------------------------------------------------
# Notebook 08 · Writing sequences: dates written the ways people write them, and their ISO form.
# ---------------------------------------------------------------------------------------------------------

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

# English names are spelled out here (not strftime's %B), so the data never depends on the computer's locale.
DATE_FORMATS = {
    "26 November 2026": lambda d: f"{d.day} {_MONTHS[d.month - 1]} {d.year}",
    "November 26, 2026": lambda d: f"{_MONTHS[d.month - 1]} {d.day}, {d.year}",
    "Nov 26, 2026": lambda d: f"{_MONTHS[d.month - 1][:3]} {d.day}, {d.year}",
    "Thursday, 26 November 2026": lambda d: f"{_WEEKDAYS[d.weekday()]}, {d.day} {_MONTHS[d.month - 1]} {d.year}",
    "Thu 26 Nov 2026": lambda d: f"{_WEEKDAYS[d.weekday()][:3]} {d.day} {_MONTHS[d.month - 1][:3]} {d.year}",
    "26.11.26": lambda d: f"{d.day:02d}.{d.month:02d}.{d.year % 100:02d}",
    "11/26/2026": lambda d: f"{d.month}/{d.day}/{d.year}",
}
FIRST_DATE, LAST_DATE = "1950-01-01", "2049-12-31"


@validate(n_train=Int(minimum=1), n_test=Int(minimum=0), seed=Seed())
def date_pairs(n_train, n_test, seed=0):
    """Random dates written in one of `DATE_FORMATS`, with their ISO 8601 form, for training and testing.

    Introduced in notebook 08. Dates are drawn without replacement from 1950-01-01 .. 2049-12-31, so the
    test dates never occur in training, and each is written in a randomly chosen format. The formats are
    unambiguous: dots mean day.month.year (European), slashes month/day/year (American), and a two-digit
    year means 1950-2049.

    Args:
        n_train: number of training dates; an int >= 1.
        n_test: number of test dates; an int >= 0 (together at most the 36 525 days of the range).
        seed: seed of the dates and formats, an int >= 0.

    Returns:
        `(train, test)`: two pandas DataFrames with columns `text` (e.g. "Nov 26, 2026"), `iso`
        ("2026-11-26") and `format` (the key of `DATE_FORMATS`).
    """
    import datetime

    import pandas as pd

    first, last = (datetime.date.fromisoformat(day) for day in (FIRST_DATE, LAST_DATE))
    days = (last - first).days + 1
    if n_train + n_test > days:
        raise ValueError(f"n_train + n_test must be <= {days} (the days from {FIRST_DATE} to {LAST_DATE}), "
                         f"got {n_train + n_test}. Ask for fewer dates.")
    rng = np.random.default_rng(seed)
    offsets = rng.choice(days, size=n_train + n_test, replace=False)
    formats = rng.choice(list(DATE_FORMATS), size=offsets.size)
    dates = [first + datetime.timedelta(days=int(k)) for k in offsets]
    table = pd.DataFrame({"text": [DATE_FORMATS[s](d) for s, d in zip(formats, dates)],
                          "iso": [d.isoformat() for d in dates], "format": formats})
    return table.iloc[:n_train].reset_index(drop=True), table.iloc[n_train:].reset_index(drop=True)


# ---------------------------------------------------------------------------------------------------------
# Notebook 09 · Where recurrence went next: running parity, a task a linear recurrence cannot do.
# ---------------------------------------------------------------------------------------------------------


@validate(n_samples=Count(), length=Count(), seed=Seed())
def prefix_parity(n_samples, length, seed=0):
    """Random bit strings and, at every step, the parity of the bits so far (1 if an odd number of ones).

    Introduced in notebook 09. Each new bit flips the answer or keeps it, so a network must track one bit of
    state through a nonlinear update (an exclusive or). Guessing gives 50% at every step but the first.

    Args:
        n_samples: number of strings; an int >= 1.
        length: bits per string; an int >= 1.
        seed: seed of the bits, an int >= 0.

    Returns:
        `(X, y)`: `X` float32 `(n_samples, length, 1)` of 0/1 bits and `y` float32 `(n_samples, length, 1)`.
    """
    bits = np.random.default_rng(seed).integers(0, 2, size=(n_samples, length, 1))
    return bits.astype(np.float32), (np.cumsum(bits, axis=1) % 2).astype(np.float32)
# Notebook 07 · Reading sequences: a task where order over the whole sequence decides the label.
# ---------------------------------------------------------------------------------------------------------

BRACKET_LABELS = ("balanced", "unbalanced")


@validate(n=Int(minimum=2), length=Int(minimum=6, maximum=200), seed=Seed())
def bracket_strings(n, length=32, seed=0):
    """Strings of brackets, half of them balanced, that no short piece of the string can tell apart.

    Introduced in notebook 07. Every string has `length / 2` opening and as many closing brackets, starts
    with "(" and ends with ")". A string is balanced when, read left to right, the number of open brackets
    never drops below zero ("(()())"); the unbalanced ones drop to exactly -1 somewhere in the middle
    ("())(()"), so they hold no tell-tale run of closing brackets: only the count over everything read so
    far decides the label. The columns are named like those of `language_words`, so the same word readers
    and the same n-gram baseline apply.

    Args:
        n: number of strings; an int >= 2 (half balanced, half not, in random order).
        length: characters per string; an even int from 6 to 200.
        seed: seed of the strings, an int >= 0.

    Returns:
        A pandas DataFrame with columns `word` (the string) and `language` (its label, "balanced" or
        "unbalanced"); no string occurs twice.

    Raises:
        ValueError: if `length` is odd, or too short to give `n` different strings.
    """
    import pandas as pd

    if length % 2:
        raise ValueError(f"length must be even (as many closing as opening brackets), got {length}.")
    rng = np.random.default_rng(seed)
    wanted = {"balanced": n // 2, "unbalanced": n - n // 2}
    found = {label: {} for label in BRACKET_LABELS}   # dicts keep the order of arrival and drop repeats
    for _ in range(50):
        if all(len(found[label]) >= wanted[label] for label in BRACKET_LABELS):
            break
        steps = rng.permuted(np.tile(np.repeat([1, -1], length // 2), (4096, 1)), axis=1)
        steps = steps[(steps[:, 0] == 1) & (steps[:, -1] == -1)]
        lowest = steps.cumsum(axis=1).min(axis=1)          # lowest count of open brackets
        for row, low in zip(steps, lowest):
            if low >= -1:
                found[BRACKET_LABELS[int(low < 0)]]["".join(np.where(row > 0, "(", ")"))] = None
    else:
        raise ValueError(f"there are fewer than {n // 2} different strings of each kind with length {length}; "
                         "ask for fewer strings or longer ones.")
    words = [w for label in BRACKET_LABELS for w in list(found[label])[: wanted[label]]]
    labels = [label for label in BRACKET_LABELS for _ in range(wanted[label])]
    order = rng.permutation(n)
    return pd.DataFrame({"word": np.array(words)[order], "language": np.array(labels)[order]})


@validate(script=Text(), duration=Text(), checked_in_body=("path",))
def benchmark_results(path, script, duration):
    """Read the committed results of a benchmark script (package data next to this module).

    Introduced in notebook 06; notebooks 08 and 09 read their benchmarks through it too, each via its lesson's
    `load_...` function, for the runs too slow for a notebook.

    Args:
        path: the results file (a str or `pathlib.Path`).
        script: the script that makes the file, e.g. "benchmarks/sine_forecast.py" (named in the error).
        duration: how long that script takes, e.g. "about an hour on 2 cores" (named in the error).

    Returns:
        the parsed JSON (a dict).

    Raises:
        TypeError: if `path` is not a path or `script`/`duration` not text. FileNotFoundError: if the file is missing (the error says how to make it).
    """
    import json
    import pathlib

    if not isinstance(path, (str, pathlib.Path)):
        raise TypeError(f"path must be a file path, got {type(path).__name__}. Leave it out for the course's file.")
    path = pathlib.Path(path)
    if not path.is_file():
        raise FileNotFoundError(f"no benchmark results at {path}. Run `python {script}` from the course folder to "
                                f"make them ({duration}).")
    return json.loads(path.read_text())


# --- the memory tasks by name (notebook 03) -------------------------------------------------------------------

TASKS = ("recall_first", "adding")  # the memory tasks of notebook 03
_TASK_DATA = {"recall_first": recall_first, "adding": adding_problem}


@validate(task=Choice(TASKS), n_samples=Count(), length=Count(minimum=2), seed=Seed())
def task_data(task, n_samples, length, seed=0):
    """The data of a memory task by name: `recall_first` or `adding_problem`.

    Introduced in notebook 03.

    Args:
        task: "recall_first" (say the first of `length` random values) or "adding" (add the two marked values).
        n_samples: number of sequences; an int >= 1.
        length: steps per sequence; an int >= 2.
        seed: seed of the draws; an int >= 0.

    Returns:
        `(X, y)`: float32 `(n_samples, length, features)` (1 feature for recall, 2 for adding) and `(n_samples, 1)`.
    """
    return _TASK_DATA[task](n_samples, length, seed=seed)
