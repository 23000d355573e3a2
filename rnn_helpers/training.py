"""Training shared by the lessons: progress bars around compiled loops and around Keras' `fit`.

The compiled loops, the cell and task vocabulary and the timed races live here too (notebooks 03, 05, 06);
lesson modules (`memory`, `gates`, `forecast`, ...) build on this module, never the other way round.
"""

import numpy as np

from ._validation import check_int


def run_in_chunks(run_epochs, epochs, desc, progress=True, chunk=50):
    """Call a compiled `run_epochs(n)` (returns `n` losses) in chunks, updating a tqdm bar between calls.

    Introduced in notebook 06. A compiled loop runs many epochs without returning to Python, which is
    what makes it fast; returning every `chunk` epochs keeps the progress bar alive.

    Args:
        run_epochs: a `tf.function` taking an int tensor `n` and returning `n` losses.
        epochs: total epochs; an int >= 1.
        desc: the bar's label. progress: show the bar. chunk: epochs per call; an int >= 1.

    Returns:
        1-D float array of the `epochs` losses.
    """
    import tensorflow as tf
    from tqdm.auto import tqdm

    epochs = check_int("epochs", epochs, minimum=1)
    chunk = check_int("chunk", chunk, minimum=1)
    losses = []
    with tqdm(total=epochs, desc=str(desc), unit="epoch", disable=not progress, leave=False) as bar:
        while len(losses) < epochs:
            n = min(chunk, epochs - len(losses))
            losses.extend(run_epochs(tf.constant(n)).numpy().tolist())
            bar.update(n)
    return np.array(losses)


def fit_progress(epochs, desc):
    """A Keras callback that shows `fit`'s epochs as one tqdm bar (use with `fit(..., verbose=0)`).

    Introduced in notebook 07.

    Args:
        epochs: the `epochs` given to `fit`; an int >= 1.
        desc: the bar's label.

    Returns:
        A `keras.callbacks.Callback`.
    """
    import keras
    from tqdm.auto import tqdm

    epochs = check_int("epochs", epochs, minimum=1)

    class _EpochBar(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.bar = tqdm(total=epochs, desc=str(desc), unit="epoch", leave=False)

        def on_epoch_end(self, epoch, logs=None):
            self.bar.update(1)

        def on_train_end(self, logs=None):
            self.bar.close()

    return _EpochBar()
