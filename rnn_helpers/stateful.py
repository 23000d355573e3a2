"""Keras 3 stateful utilities: reset states, build a batch-1 stateful twin, generate by feedback.

Introduced in notebook 06. Keras 3 keeps a stateful layer's state in variables that `fit`, `predict` and
plain calls all update and never reset on their own; `reset_rnn_states` is the replacement for the
`model.reset_states()` that Keras 2 had.
"""

import numpy as np

from ._validation import Array, Count, KerasModel, validate


def _rnn_layers(model):
    import keras

    return [layer for layer in model.layers if isinstance(layer, keras.layers.RNN)]


@validate(model=KerasModel())
def reset_rnn_states(model):
    """Reset the state of every stateful recurrent layer of `model` to zeros.

    Introduced in notebook 06.

    Args:
        model: a built `keras.Model`.

    Returns:
        The number of layers whose state was reset.
    """
    stateful = [layer for layer in _rnn_layers(model) if layer.stateful]
    for layer in stateful:
        layer.reset_state()
    return len(stateful)


@validate(model=KerasModel(), batch_size=Count())
def stateful_twin(model, batch_size=1):
    """Copy a trained `keras.Sequential` into a stateful model that takes any number of steps at a time.

    The twin has the same layers and weights, every recurrent layer made `stateful=True`, and the input
    shape `(batch_size, None, features)`: a warm-up sequence goes in with one call and generation then
    feeds one step at a time, with the state carried between calls.

    Introduced in notebook 06.

    Args:
        model: a built `keras.Sequential` whose first layer sees `(batch, time, features)`.
        batch_size: the fixed batch size a stateful layer needs; an int >= 1.

    Returns:
        A new `keras.Sequential` with the weights of `model` and zeroed states.
    """
    import keras

    if not isinstance(model, keras.Sequential):
        raise TypeError(
            f"model must be a keras.Sequential, got {type(model).__name__}. "
            "Rebuild it as keras.Sequential([keras.Input(...), LSTM(...), Dense(...)])."
        )
    input_shape = model.inputs[0].shape
    if len(input_shape) != 3:
        raise ValueError(
            f"model must take 3-D input (batch, time, features), got input shape {tuple(input_shape)}."
        )
    if not _rnn_layers(model):
        raise ValueError("model has no recurrent layer, so it has no state to carry; nothing to twin.")
    layers = [keras.Input(batch_shape=(batch_size, None, input_shape[-1]))]
    for layer in model.layers:
        config = layer.get_config()
        if isinstance(layer, keras.layers.RNN):
            config["stateful"] = True
        layers.append(layer.__class__.from_config(config))
    twin = keras.Sequential(layers, name=f"{model.name}_stateful_twin")
    twin.set_weights(model.get_weights())
    return twin


def _last_step_value(output):
    """The model's prediction for the last step as a float, whether it returns sequences or not."""
    output = np.asarray(output)
    return float(output[0, -1, 0] if output.ndim == 3 else output[0, 0])


def _compiled_call(model):
    """`model(inputs, training=False)` as a TensorFlow graph, traced once per model and kept on it.

    A graph call gives the very same numbers as a plain (eager) call, in a fraction of the time: generating
    calls the model once per value.
    """
    import tensorflow as tf

    call = model.__dict__.get("_rnn_helpers_call")
    if call is None:
        spec = tf.TensorSpec((1, model.inputs[0].shape[1], 1), tf.float32)
        call = tf.function(lambda inputs: model(inputs, training=False), input_signature=[spec], autograph=False)
        object.__setattr__(model, "_rnn_helpers_call", call)  # not a weight: kept out of Keras' tracking
    return call


@validate(model=KerasModel(), warmup=Array(ndim=1), steps=Count())
def generate(model, warmup, steps):
    """Forecast `steps` values by feeding each prediction back as the next input.

    The state is reset, then warmed up on `warmup[:-1]`; the last warm-up value is the first input of the
    generation, whose every output becomes the next input. This is the article's procedure. A model whose
    recurrent layers are not stateful (e.g. one trained on whole sequences) is first copied into its
    `stateful_twin`, so the state is carried from step to step instead of re-reading the whole sequence.

    Introduced in notebook 02; the article's version in notebook 06.

    Args:
        model: a trained one-step model, `(batch, time, 1) -> (batch, 1)` or `(batch, time, 1)`: either
            stateful with batch size 1 (like the article's), or a `keras.Sequential` to twin.
        warmup: 1-D array of known values that prepares the state; at least one value.
        steps: how many new values to generate; an int >= 1.

    Returns:
        1-D float64 array of length `steps`.

    Raises:
        ValueError: if `warmup` is empty or holds NaN, `steps` < 1, or the model has no recurrent layer or
            does not take one value per step.
    """
    input_shape = model.inputs[0].shape
    rnn_layers = _rnn_layers(model)
    if not rnn_layers:
        raise ValueError("model has no recurrent layer, so it has no state to warm up; pass a recurrent model.")
    if not all(layer.stateful for layer in rnn_layers):
        model = stateful_twin(model)
        input_shape = model.inputs[0].shape
    if len(input_shape) != 3 or input_shape[0] != 1 or input_shape[-1] != 1:
        raise ValueError(
            f"model must take input of shape (1, time, 1), got {tuple(input_shape)}. "
            "Use rh.stateful.stateful_twin(model) to make a batch-1 copy."
        )
    reset_rnn_states(model)
    call = _compiled_call(model)
    context = warmup[:-1].astype("float32")
    if context.size:
        if input_shape[1] is None:  # the whole warm-up in one call
            call(context.reshape(1, -1, 1))
        else:  # a model fixed to one step per call, like the article's
            for value in context:
                call(value.reshape(1, 1, 1))
    x = float(warmup[-1])
    generated = np.empty(steps)
    for k in range(steps):
        x = _last_step_value(call(np.array(x, dtype="float32").reshape(1, 1, 1)))
        generated[k] = x
    return generated
