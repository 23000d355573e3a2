"""How the course trains (rnn_helpers.fitting): the compiled loops, the progress helpers, one compile-and-fit."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from rnn_helpers import data, fitting, keras_rnn


@pytest.mark.slow  # trains for about a second: make test
def test_full_bptt_runner_takes_one_adam_step_on_the_whole_sequence_per_epoch():
    keras.utils.set_random_seed(0)
    model = keras_rnn.build_model("gru", units=4, return_sequences=True)
    x, y = data.article_data()

    def loss_now():
        return np.mean((np.asarray(model(x[None, :, None].astype("float32")))[0, :, 0] - y) ** 2)

    before = loss_now()
    losses = fitting.full_bptt_runner(model, x, y, 0.01)(tf.constant(20)).numpy()
    assert losses.shape == (20,)
    assert losses[0] == pytest.approx(before, rel=1e-5)  # each loss is measured before its step
    assert np.all(np.diff(losses) < 0) and loss_now() < losses[-1]


def test_minibatch_runner_returns_the_mean_batch_loss_and_steps_once_per_batch():
    keras.utils.set_random_seed(1)
    model = keras_rnn.build_model("elman", units=3)
    X, y = data.recall_first(10, 4, seed=0)
    before = float(np.mean((np.asarray(model(X)) - y) ** 2))
    one_batch = fitting.minibatch_runner(model, 0.01, batch_size=10)
    assert float(one_batch(tf.constant(X), tf.constant(y))) == pytest.approx(before, rel=1e-5)
    assert float(np.mean((np.asarray(model(X)) - y) ** 2)) != pytest.approx(before, rel=1e-6)


def test_run_in_chunks_keeps_every_loss_and_calls_in_chunks():
    calls = []

    def run_epochs(n):
        calls.append(int(n))
        return tf.range(int(n), dtype=tf.float32)

    losses = fitting.run_in_chunks(run_epochs, 7, "test", progress=False, chunk=3)
    assert calls == [3, 3, 1]
    np.testing.assert_array_equal(losses, [0, 1, 2, 0, 1, 2, 0])


def test_fit_progress_counts_the_epochs_of_fit():
    keras.utils.set_random_seed(0)
    model = keras.Sequential([keras.Input((1,)), keras.layers.Dense(1)])
    model.compile(optimizer="sgd", loss="mse")
    bar = fitting.fit_progress(3, "fit")
    seen = []
    model.fit(np.zeros((4, 1)), np.zeros((4, 1)), epochs=3, verbose=0,
              callbacks=[bar, keras.callbacks.LambdaCallback(on_epoch_end=lambda epoch, logs: seen.append(bar.bar.n))])
    assert seen == [1, 2, 3]


@pytest.mark.slow  # two Keras fits, each tracing its training step: part of make test, not make check
def test_compile_and_fit_is_keras_compile_and_fit_with_the_courses_adam():
    results = []
    for by_hand in (True, False):
        keras.utils.set_random_seed(2)
        model = keras_rnn.build_model("lstm", units=3, features=2)
        X, y = data.adding_problem(32, 5, seed=0)
        if by_hand:
            model.compile(optimizer=keras.optimizers.Adam(0.01), loss="mse")
            losses = model.fit(X, y, batch_size=8, epochs=2, verbose=0).history["loss"]
        else:
            losses = fitting.compile_and_fit(model, X, y, 2, 8, "mse", learning_rate=0.01)
        results.append((np.asarray(losses), model.get_weights()))
    (hand_losses, hand_weights), (losses, weights) = results
    np.testing.assert_array_equal(losses, hand_losses)  # same seed, same batch order, same Adam: the same numbers
    for ours, theirs in zip(weights, hand_weights):
        np.testing.assert_array_equal(ours, theirs)


@pytest.mark.slow  # two Keras fits, each tracing its training step: part of make test, not make check
def test_compile_and_fit_keeps_a_given_optimizer_and_its_state_between_calls():
    keras.utils.set_random_seed(0)
    model = keras_rnn.build_model("gru", units=3, return_sequences=True)
    x, y = data.article_data()
    X, Y = x[None, :, None].astype("float32"), y[None, :, None].astype("float32")
    optimizer = fitting.build_adam(model, 0.01)
    first = fitting.compile_and_fit(model, X, Y, 3, 1, "mse", optimizer=optimizer)
    second = fitting.compile_and_fit(model, X, Y, 2, 1, "mse", optimizer=optimizer)
    assert first.shape == (3,) and second.shape == (2,)
    assert model.optimizer is optimizer and int(optimizer.iterations) == 5  # one Adam, its steps carried on
    assert second[-1] < first[0]
