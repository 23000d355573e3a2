import keras
import numpy as np
import pytest

import rnn_helpers as rh


@pytest.fixture(scope="module")
def sequence_model():
    keras.utils.set_random_seed(1)
    return rh.forecast.build_sequence_model(cells=4)


def test_reset_rnn_states_zeroes_every_stateful_layer():
    keras.utils.set_random_seed(0)
    model = keras.Sequential(
        [
            keras.Input(batch_shape=(1, 1, 1)),
            keras.layers.LSTM(3, stateful=True, return_sequences=True),
            keras.layers.GRU(2, stateful=True),
            keras.layers.Dense(1),
        ]
    )
    model(np.ones((1, 1, 1), "float32"))
    assert all(np.abs(s.numpy()).sum() > 0 for layer in model.layers[:2] for s in layer.states)
    assert rh.stateful.reset_rnn_states(model) == 2
    assert all(np.abs(s.numpy()).sum() == 0 for layer in model.layers[:2] for s in layer.states)


def test_twin_gives_the_same_outputs_as_the_sequence_model(sequence_model):
    x = np.sin(np.arange(10.0)).reshape(1, 10, 1).astype("float32")
    twin = rh.stateful.stateful_twin(sequence_model)
    assert twin.layers[0].stateful and twin.inputs[0].shape[0] == 1
    # one call over the whole sequence, and ten calls of one step each, both equal the original
    np.testing.assert_allclose(twin(x), sequence_model(x), atol=1e-6)
    rh.stateful.reset_rnn_states(twin)
    steps = [twin(x[:, t : t + 1]).numpy()[0, -1, 0] for t in range(10)]
    np.testing.assert_allclose(steps, sequence_model(x).numpy()[0, :, 0], atol=1e-6)


def test_generate_feeds_predictions_back(sequence_model):
    twin = rh.stateful.stateful_twin(sequence_model)
    warmup = np.sin(np.arange(8.0))
    generated = rh.stateful.generate(twin, warmup, steps=5)
    # the same by hand: warm up on all but the last value, then feed each output back
    rh.stateful.reset_rnn_states(twin)
    twin(warmup[:-1].reshape(1, -1, 1).astype("float32"))
    x, by_hand = warmup[-1], []
    for _ in range(5):
        x = float(twin(np.array([[[x]]], "float32")).numpy()[0, -1, 0])
        by_hand.append(x)
    np.testing.assert_allclose(generated, by_hand, atol=1e-6)


def test_generate_is_repeatable_because_it_resets(sequence_model):
    twin = rh.stateful.stateful_twin(sequence_model)
    first = rh.stateful.generate(twin, np.sin(np.arange(8.0)), steps=4)
    np.testing.assert_array_equal(first, rh.stateful.generate(twin, np.sin(np.arange(8.0)), steps=4))


def test_generate_works_on_the_articles_one_step_model():
    keras.utils.set_random_seed(0)
    article = rh.forecast.build_article_model(cells=3)
    warmup = np.sin(np.arange(6.0))
    generated = rh.stateful.generate(article, warmup, steps=3)
    assert generated.shape == (3,) and np.all(np.isfinite(generated))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"warmup": []}, ValueError, "warmup must not be empty"),
        ({"warmup": [0.1, np.nan]}, ValueError, "NaN"),
        ({"warmup": [[0.1, 0.2]]}, ValueError, "warmup must be 1-D"),
        ({"steps": 0}, ValueError, "steps must be >= 1, got 0"),
        ({"steps": "5"}, TypeError, "steps must be an int"),
        ({"model": "lstm"}, TypeError, "model must be a keras.Model"),
    ],
)
def test_generate_bad_input(sequence_model, kwargs, error, match):
    arguments = {"model": rh.stateful.stateful_twin(sequence_model), "warmup": [0.0, 0.5], "steps": 3, **kwargs}
    with pytest.raises(error, match=match):
        rh.stateful.generate(**arguments)


def test_generate_twins_a_model_that_is_not_stateful(sequence_model):
    warmup = np.sin(np.arange(8.0))
    twin = rh.stateful.stateful_twin(sequence_model)
    np.testing.assert_allclose(
        rh.stateful.generate(sequence_model, warmup, 4), rh.stateful.generate(twin, warmup, 4), atol=1e-6
    )
    # and it equals re-reading the whole sequence so far at every step
    sequence = list(warmup)
    for _ in range(4):
        sequence.append(float(sequence_model(np.array(sequence, "float32")[None, :, None])[0, -1, 0]))
    np.testing.assert_allclose(rh.stateful.generate(sequence_model, warmup, 4), sequence[8:], atol=1e-5)


def test_generate_needs_a_recurrent_model():
    doubler = keras.Sequential([keras.Input((None, 1)), keras.layers.Rescaling(2.0)])
    with pytest.raises(ValueError, match="no recurrent layer"):
        rh.stateful.generate(doubler, [0.0, 0.5], 3)


def test_twin_bad_input(sequence_model):
    with pytest.raises(ValueError, match="batch_size must be >= 1"):
        rh.stateful.stateful_twin(sequence_model, batch_size=0)
    dense_only = keras.Sequential([keras.Input(shape=(None, 1)), keras.layers.Dense(1)])
    with pytest.raises(ValueError, match="no recurrent layer"):
        rh.stateful.stateful_twin(dense_only)
    with pytest.raises(TypeError, match="keras.Model"):
        rh.stateful.reset_rnn_states(None)
