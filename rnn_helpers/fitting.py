"""How every Keras model of the course is trained: the course's Adam, its compiled loops, one compile-and-fit.

Introduced in notebook 03. What is inside:

- `build_adam`: the one optimizer maker, an Adam built for a model's trainable weights.
- the compiled TensorFlow loops, far faster than `fit` on small models: `full_bptt_runner` (one Adam step
  on a whole sequence per epoch), `minibatch_runner` (one pass over a data set in mini-batches),
  `per_value_runner` (the article's loop: one Adam step after each value, the state carried without a
  gradient) and `cut_state_runner` (one step per sequence, the gradient cut at every handed-over state);
- `run_in_chunks` (a compiled loop with a progress bar), `quiet_tracing`, `fit_progress` (`fit`'s bar);
- `compile_and_fit`: compile with the course's Adam, `fit` with the progress bar, return the losses.

Every lesson module trains through this one; it stands on `progress` and never imports a lesson.
"""

import contextlib

import numpy as np

from ._validation import (Bool, Check, Count, Function, KerasModel, LearningRate, Optional, Size, Text, check_array,
                          validate)
from .progress import progress_bar


@validate(model=KerasModel(), learning_rate=LearningRate())
def build_adam(model, learning_rate):
    """An Adam optimizer with step size `learning_rate`, already built for `model.trainable_variables`.

    Introduced in notebook 03. Building it up front creates Adam's moments before any compiled loop is
    traced, so that a loop can apply it inside the graph.

    Args:
        model: a built Keras model. learning_rate: Adam's step size; in (0, 10].

    Returns:
        a built `keras.optimizers.Adam`.
    """
    import keras

    optimizer = keras.optimizers.Adam(learning_rate)
    optimizer.build(model.trainable_variables)
    return optimizer


@validate(run_epochs=Function("a tf.function run_epochs(n) returning n losses"), epochs=Count(), desc=Text(),
          progress=Bool(), chunk=Size())
def run_in_chunks(run_epochs, epochs, desc, progress=True, chunk=50):
    """Call a compiled `run_epochs(n)` (returns `n` losses) in chunks, updating a progress bar between calls.

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

    losses = []
    with progress_bar(epochs, desc, enabled=progress) as bar:
        while len(losses) < epochs:
            n = min(chunk, epochs - len(losses))
            losses.extend(run_epochs(tf.constant(n)).numpy().tolist())
            bar.update(n)
    return np.array(losses)


@validate(epochs=Count(), desc=Text())
def fit_progress(epochs, desc):
    """A Keras callback that shows `fit`'s epochs as one progress bar (use with `fit(..., verbose=0)`).

    Introduced in notebook 07.

    Args:
        epochs: the `epochs` given to `fit`; an int >= 1.
        desc: the bar's label.

    Returns:
        A `keras.callbacks.Callback`.
    """
    import keras

    class _EpochBar(keras.callbacks.Callback):
        def on_train_begin(self, logs=None):
            self.bar = progress_bar(epochs, desc)

        def on_epoch_end(self, epoch, logs=None):
            self.bar.update(1)

        def on_train_end(self, logs=None):
            self.bar.close()

    return _EpochBar()


@validate()
@contextlib.contextmanager
def quiet_tracing():
    """Silence TensorFlow's "frequent retracing" warning inside the block.

    Introduced in notebook 05: a race traces every model's loop once, on purpose, and so does every fresh model
    of notebook 06; the warning would only be noise in a learner's notebook.
    """
    import tensorflow as tf

    logger = tf.get_logger()
    level = logger.level
    logger.setLevel("ERROR")
    try:
        yield
    finally:
        logger.setLevel(level)


# --- the compiled loops -------------------------------------------------------------------------------------


def _check_optimizer(name, optimizer):
    """A Keras optimizer, e.g. from `build_adam`."""
    import keras

    if not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"{name} must be a keras optimizer, got {type(optimizer).__name__}. "
                        "Make it with rnn_helpers.fitting.build_adam(model, learning_rate).")
    return optimizer


def _check_pair(x, y):
    """Return `x`, `y` as 1-D float arrays of the same length, else raise."""
    x, y = check_array("x", x, ndim=1), check_array("y", y, ndim=1)
    if x.shape != y.shape:
        raise ValueError(f"x and y must have the same length, got {x.size} and {y.size}. Use supervised_pairs().")
    return x, y


@validate(model=KerasModel(), learning_rate=LearningRate(), checked_in_body=("x", "y"))
def full_bptt_runner(model, x, y, learning_rate):
    """A compiled `run_epochs(n)` that takes n Adam steps on the whole sequence and returns the n losses.

    Introduced in notebook 06 (the fast forecaster); notebooks 04-05 train their sine forecasters with it.
    Each step feeds all of `x` as one batch, compares the output at every step with `y`, and backpropagates
    through every time step (full BPTT). Use it with `run_in_chunks`.

    Args:
        model: a built Keras model `(1, time, 1) -> (1, time, 1)`. x, y: 1-D inputs and targets of equal length.
        learning_rate: Adam's step size; > 0.

    Returns:
        a `tf.function` taking an int tensor `n` and returning `n` losses.
    """
    x, y = _check_pair(x, y)
    return _whole_sequence_runner(model, x, y, learning_rate, lambda X: model(X, training=True))


def _whole_sequence_runner(model, x, y, learning_rate, predict):
    """A compiled `run_epochs(n)`: n Adam steps, each on the MSE of `predict(X)` over the whole sequence."""
    import tensorflow as tf

    optimizer = build_adam(model, learning_rate)
    variables = model.trainable_variables
    X = tf.constant(x.reshape(1, -1, 1), dtype=tf.float32)  # one batch: the whole sequence
    Y = tf.constant(y.reshape(1, -1, 1), dtype=tf.float32)

    @tf.function
    def run_epochs(n_epochs):
        losses = tf.TensorArray(tf.float32, size=n_epochs)
        for epoch in tf.range(n_epochs):
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(predict(X) - Y))
            optimizer.apply(tape.gradient(loss, variables), variables)  # gradient through all time steps
            losses = losses.write(epoch, loss)
        return losses.stack()

    return run_epochs


@validate(model=KerasModel(), learning_rate=LearningRate(), batch_size=Count())
def minibatch_runner(model, learning_rate, batch_size):
    """A compiled `run_epoch(X, y)`: one pass over `X` in mini-batches, one Adam step on the MSE per batch.

    Introduced in notebook 03 (the memory tasks). The caller shuffles; the batches are taken in order.

    Args:
        model: a built Keras model. learning_rate: Adam's step size; > 0.
        batch_size: sequences per Adam step; an int >= 1.

    Returns:
        a `tf.function` taking tensors `X`, `y` and returning the mean batch loss (what `fit` reports).
    """
    import tensorflow as tf

    optimizer = build_adam(model, learning_rate)
    variables = model.trainable_variables

    @tf.function
    def run_epoch(X, y):
        n_batches = (tf.shape(X)[0] + batch_size - 1) // batch_size
        total = tf.constant(0.0)
        for k in tf.range(n_batches):
            X_batch, y_batch = X[k * batch_size:(k + 1) * batch_size], y[k * batch_size:(k + 1) * batch_size]
            with tf.GradientTape() as tape:
                loss = tf.reduce_mean(tf.square(model(X_batch, training=True) - y_batch))
            optimizer.apply(tape.gradient(loss, variables), variables)
            total += loss
        return total / tf.cast(n_batches, tf.float32)

    return run_epoch


@validate(model=KerasModel(), optimizer=Check(_check_optimizer), reset_states=Bool(), shuffle=Bool(),
          checked_in_body=("x", "y"))
def per_value_runner(model, optimizer, x, y, reset_states=True, shuffle=False):
    """`(run_epochs, restart)`: the article's updates as one graph loop, one Adam step after each value.

    Introduced in notebook 06 (`forecast.train_compiled`). For every step the LSTM cell of `model` (an LSTM
    layer and a Dense layer) sees one value, Adam takes one step on that value's squared error, and the new
    state is carried to the next step without a gradient path back. `run_epochs(n)` returns the n mean
    losses; `restart(seed)` zeroes the carried state and reseeds the order of the values.

    Args:
        model: a built LSTM + Dense model. optimizer: from `build_adam(model, ...)`.
        x, y: 1-D inputs and targets of equal length.
        reset_states: zero the state at the start of every epoch; False carries it over.
        shuffle: visit the values in a new random order every epoch.
    """
    import tensorflow as tf

    x, y = _check_pair(x, y)
    lstm, dense = model.layers
    variables = model.trainable_variables
    X = tf.constant(x.reshape(-1, 1, 1), dtype=tf.float32)  # (steps, batch=1, features=1)
    Y = tf.constant(y.reshape(-1, 1, 1), dtype=tf.float32)
    zeros = tf.zeros((1, lstm.units))
    state = [tf.Variable(zeros), tf.Variable(zeros)]  # survives between chunks when reset_states=False
    order_rng = tf.random.Generator.from_seed(0)
    n_steps = X.shape[0]

    @tf.function
    def run_epochs(n_epochs):
        losses = tf.TensorArray(tf.float32, size=n_epochs)
        for epoch in tf.range(n_epochs):
            h, c = (zeros, zeros) if reset_states else (state[0].read_value(), state[1].read_value())
            order = tf.argsort(order_rng.uniform([n_steps])) if shuffle else tf.range(n_steps)
            total = tf.constant(0.0)
            for t in order:
                with tf.GradientTape() as tape:
                    out, (h_next, c_next) = lstm.cell(X[t], (h, c))
                    loss = tf.reduce_mean(tf.square(dense(out) - Y[t]))
                optimizer.apply(tape.gradient(loss, variables), variables)
                h, c = h_next, c_next  # the state moves on; its gradient path ends here
                total += loss
            state[0].assign(h)
            state[1].assign(c)
            losses = losses.write(epoch, total / n_steps)
        return losses.stack()

    def restart(seed):
        for variable in state:
            variable.assign(zeros)
        order_rng.reset_from_seed(seed)

    return run_epochs, restart


@validate(model=KerasModel(), learning_rate=LearningRate(), cut=Bool(), checked_in_body=("x", "y"))
def cut_state_runner(model, x, y, learning_rate, cut=True):
    """A compiled `run_epochs(n)`: n Adam steps, each on the mean error over the whole sequence (one update per
    sequence, as full BPTT), with the gradient through the carried state cut after one step when `cut`.

    Introduced in notebook 06: the ablation's "one step, per sequence" row, notebook 03's truncated BPTT with
    `truncate=1`. With `cut=False` it is full BPTT written as the same loop (a test checks it equals
    `forecast.train_bptt`).

    Args:
        model: a built LSTM + Dense sequence model. x, y: 1-D inputs and targets of equal length.
        learning_rate: Adam's step size; > 0. cut: stop the gradient at every handed-over state.
    """
    import tensorflow as tf

    x, y = _check_pair(x, y)
    lstm, dense = model.layers

    def predict(X):
        h = c = tf.zeros((1, lstm.units))
        outputs = []
        for t in range(X.shape[1]):  # unrolled: 36 copies of the cell
            if cut:  # the state arrives as a plain number: no gradient flows back through it
                h, c = tf.stop_gradient(h), tf.stop_gradient(c)
            out, (h, c) = lstm.cell(X[:, t], (h, c))
            outputs.append(out)
        return dense(tf.stack(outputs, axis=1))

    return _whole_sequence_runner(model, x, y, learning_rate, predict)


# --- one compile-and-fit ------------------------------------------------------------------------------------


@validate(model=KerasModel(), epochs=Count(), batch_size=Count(), loss=Text(), learning_rate=LearningRate(),
          desc=Optional(Text()), shuffle=Bool(), steps_per_execution=Count(),
          checked_in_body=("x", "y", "optimizer", "sample_weight", "callbacks"))
def compile_and_fit(model, x, y, epochs, batch_size, loss, learning_rate=0.01, optimizer=None, desc=None,
                    shuffle=True, sample_weight=None, steps_per_execution=1, callbacks=()):
    """Compile `model` with the course's Adam and `loss`, `fit` it quietly, return the loss of every epoch.

    Introduced in notebook 01; every lesson that trains with Keras' `fit` trains through this. A model that
    is already compiled with this very `optimizer` is not compiled again, so a loop of one-epoch fits (the
    article's, notebook 06) keeps its traced training step.

    Args:
        model: a built Keras model. x, y: the training inputs (an array, or a list of arrays) and targets.
        epochs: passes over the data; an int >= 1. batch_size: examples per Adam step; an int >= 1.
        loss: a Keras loss name, e.g. "mse" or "sparse_categorical_crossentropy".
        learning_rate: Adam's step size, for a new optimizer (`build_adam`); in (0, 10].
        optimizer: None for a new Adam; or one from `build_adam`, kept between calls (its state carries on).
        desc: the progress bar's label; None shows no bar (trainings of a second or two).
        shuffle: visit the examples in a new order every epoch. sample_weight: None, or a weight per target.
        steps_per_execution: Adam steps per call into the compiled loop; an int >= 1.
        callbacks: more Keras callbacks, called after the bar's.

    Returns:
        1-D float array of the training loss of each epoch.
    """
    import keras

    for label, value in (("x", x), ("y", y), ("sample_weight", sample_weight)):
        if value is not None or label != "sample_weight":  # checked, not converted: fit gets them as they are
            for part in (value if label == "x" and isinstance(value, list) else [value]):
                check_array(label, part, dtype=None)
    if optimizer is None:
        optimizer = build_adam(model, learning_rate)
    elif not isinstance(optimizer, keras.optimizers.Optimizer):
        raise TypeError(f"optimizer must be None or a keras optimizer from build_adam, got {type(optimizer).__name__}.")
    if not isinstance(callbacks, (tuple, list)) or not all(isinstance(c, keras.callbacks.Callback) for c in callbacks):
        raise TypeError(f"callbacks must be a tuple of keras.callbacks.Callback, got {callbacks!r}.")
    if getattr(model, "optimizer", None) is not optimizer:
        model.compile(optimizer=optimizer, loss=loss, steps_per_execution=steps_per_execution)
    bar = [] if desc is None else [fit_progress(epochs, desc)]
    history = model.fit(x, y, sample_weight=sample_weight, batch_size=batch_size, epochs=epochs, shuffle=shuffle,
                        verbose=0, callbacks=[*bar, *callbacks])
    return np.array(history.history["loss"], dtype=np.float64)
