"""The Keras side of the course's cells: a Jordan cell, the one layer builder, every numpy<->Keras weight copy.

Introduced in notebook 02. Keras ships the Elman cell as `keras.layers.SimpleRNN` but has no Jordan
cell, so `JordanCell` below follows the Keras cell contract and plugs into `keras.layers.RNN`. Weights use
the Keras kernel layout `(input_dim, units)`, the same as `rnn_helpers.numpy_rnn`, so the Elman and Jordan
weights copy across unchanged, and the LSTM/GRU ones are cut from and glued into Keras' fused arrays here.
"""

import keras
import numpy as np
from keras import ops

from . import cells
from ._validation import (Array, Bool, Check, Choice, KerasLayer, Optional, Size, Text, check_array, check_params,
                          check_shape, validate)
from .numpy_rnn import param_names

_DTYPES = ("float32", "float64")


def _check_activation(name, value, allow_none):
    """Return a Keras activation function for `value`, or raise a clear error."""
    if value is None and allow_none:
        return None
    if not isinstance(value, str) and not callable(value):
        raise TypeError(
            f"{name} must be an activation name such as 'tanh' or a callable, got {type(value).__name__} "
            f"{value!r}." + (" Use None for a linear output." if allow_none else "")
        )
    try:
        return keras.activations.get(value)
    except ValueError:
        raise ValueError(
            f"{name} must be a Keras activation name such as 'tanh', 'relu' or 'sigmoid', got {value!r}."
        ) from None


@keras.saving.register_keras_serializable(package="rnn_helpers")
class JordanCell(keras.layers.Layer):
    """A Jordan cell: the hidden layer sees this step's input and the previous step's *output*.

    Introduced in notebook 02. The output layer lives inside the cell, because its value is the state:

        h_t = activation(x_t W_xh + y_{t-1} W_yh + b_h)
        y_t = output_activation(h_t W_hy + b_y)

    Use it as `keras.layers.RNN(JordanCell(16))`. With a linear output it computes exactly
    `rnn_helpers.numpy_rnn.jordan_forward(X, params)`.

    Args:
        units: size of the hidden layer; an int in [1, 4096].
        output_units: size of the output, which is also the state fed back; an int in [1, 4096].
        activation: activation of the hidden layer (name or callable).
        output_activation: activation of the output layer; None for linear.
        **kwargs: passed to `keras.layers.Layer` (e.g. `name`, `dtype`).

    Call arguments:
        inputs: `(batch, input_dim)`, one time step.
        states: `[y_prev]` with `y_prev` of shape `(batch, output_units)`.

    Returns:
        `(y_t, [y_t])`, with `y_t` of shape `(batch, output_units)`.

    Weights (created in `build`): `kernel` W_xh `(input_dim, units)`, `feedback_kernel` W_yh
    `(output_units, units)`, `bias` b_h `(units,)`, `output_kernel` W_hy `(units, output_units)`,
    `output_bias` b_y `(output_units,)`.
    """

    @validate(units=Size(), output_units=Size(), activation=Check(_check_activation, allow_none=False),
              output_activation=Check(_check_activation, allow_none=True))
    def __init__(self, units, output_units=1, activation="tanh", output_activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units, self.output_units = units, output_units
        self.activation, self.output_activation = activation, output_activation
        self.state_size = self.output_units
        self.output_size = self.output_units

    constraints, checked_in_body = __init__.constraints, __init__.checked_in_body  # the class's declaration

    def build(self, input_shape):
        input_dim = input_shape[-1]
        if input_dim is None:
            raise ValueError(
                "JordanCell needs a known number of input features, got input shape "
                f"{tuple(input_shape)}. Give the model keras.Input(shape=(time, features))."
            )
        self.kernel = self.add_weight(
            shape=(input_dim, self.units), name="kernel", initializer="glorot_uniform"
        )
        self.feedback_kernel = self.add_weight(
            shape=(self.output_units, self.units), name="feedback_kernel", initializer="orthogonal"
        )
        self.bias = self.add_weight(shape=(self.units,), name="bias", initializer="zeros")
        self.output_kernel = self.add_weight(
            shape=(self.units, self.output_units), name="output_kernel", initializer="glorot_uniform"
        )
        self.output_bias = self.add_weight(shape=(self.output_units,), name="output_bias", initializer="zeros")

    def call(self, inputs, states, training=False):
        y_prev = states[0] if isinstance(states, (list, tuple)) else states
        h = self.activation(ops.matmul(inputs, self.kernel) + ops.matmul(y_prev, self.feedback_kernel) + self.bias)
        y = ops.matmul(h, self.output_kernel) + self.output_bias
        if self.output_activation is not None:
            y = self.output_activation(y)
        return y, [y]

    def get_initial_state(self, batch_size=None):
        return [ops.zeros((batch_size, self.output_units), dtype=self.compute_dtype)]

    def get_config(self):
        base = super().get_config()
        own = {
            "units": self.units,
            "output_units": self.output_units,
            "activation": keras.activations.serialize(self.activation),
            "output_activation": (
                None if self.output_activation is None else keras.activations.serialize(self.output_activation)
            ),
        }
        return {**base, **own}


# --- numpy <-> Keras weights -------------------------------------------------------------------------------
# Keras stores the gates of a cell side by side in three fused arrays — `kernel` `(features, k * units)`,
# `recurrent_kernel` `(units, k * units)` and `bias` — in the order below. The numpy cells name every piece
# after its equation (W_xf, W_hf, b_f, ...). The functions here are the one place that cuts and glues them;
# the order is each cell's `gates` in `rnn_helpers.cells`.

FUSED_CELLS = tuple(cell for cell in cells.CLASSIC if cells.get(cell).gates)  # LSTM and GRU: gates side by side

_CLASSIC_LAYER = KerasLayer(*(cells.get(cell).keras_class for cell in cells.CLASSIC))  # SimpleRNN, RNN, LSTM, GRU


@validate(layer=_CLASSIC_LAYER)
def cell_of(layer):
    """Which of the course's cells a built Keras layer is: "elman", "jordan", "lstm" or "gru".

    Introduced in notebook 02.
    """
    for cell in cells.CLASSIC:
        if type(layer) is getattr(keras.layers, cells.get(cell).keras_class):
            if cell == "jordan" and not isinstance(layer.cell, JordanCell):
                break
            return cell
    raise TypeError(f"layer must be a SimpleRNN, LSTM, GRU or RNN(JordanCell) layer, got {type(layer).__name__} "
                    f"with cell {type(getattr(layer, 'cell', None)).__name__}.")


@validate(class_name=Choice(cells.KERAS_LAYERS))
def cell_for_class(class_name):
    """The course's cell id of a Keras layer class name: "SimpleRNN" -> "elman", "LSTM" -> "lstm", ...

    Introduced in notebook 07, whose models are named by their Keras class.
    """
    classes = {cells.get(cell).keras_class: cell for cell in cells.KERAS_BUILTIN}
    return classes[class_name]


@validate(layer=_CLASSIC_LAYER)
def params_from_keras(layer):
    """Cut the weights of a Keras recurrent layer into the named weights of the numpy cell.

    Introduced in notebook 02 (SimpleRNN, JordanCell); notebooks 04-05 use it for the LSTM and GRU. A GRU with
    `reset_after=True` (the default) has a bias of shape `(2, 3 * units)`: row 0 is added to the input part,
    row 1 to the recurrent part, so each gate gets two biases `b_x?` and `b_h?`.

    Args:
        layer: a built `keras.layers.SimpleRNN`, `LSTM`, `GRU` or `RNN(JordanCell(...))`.

    Returns:
        dict of float64 arrays named as in `numpy_rnn.param_names(cell, reset_after)`, ready for the
        numpy forward pass of that cell.
    """
    cell = cell_of(layer)
    weights = layer.get_weights()
    if not cells.get(cell).gates:  # Elman and Jordan: one weight per name, nothing fused
        return {name: np.asarray(w, dtype=np.float64) for name, w in zip(param_names(cell), weights)}
    return params_from_fused(cell, *weights)


@validate(cell=Choice(FUSED_CELLS), kernel=Array(ndim=2), recurrent_kernel=Array(ndim=2), bias=Array())
def params_from_fused(cell, kernel, recurrent_kernel, bias):
    """Cut Keras' fused LSTM or GRU arrays into the named weights of the numpy cell.

    Introduced in notebook 04. Column block k of each array belongs to gate k of the cell's `gates` in
    `rnn_helpers.cells`: (i, f, c, o) for the LSTM, (z, r, h) for the GRU.

    Args:
        cell: "lstm" or "gru".
        kernel: `(features, k * units)`. recurrent_kernel: `(units, k * units)`.
        bias: `(k * units,)`, or `(2, 3 * units)` for a GRU with `reset_after=True`.

    Returns:
        dict of float64 arrays named as in `numpy_rnn.param_names(cell, reset_after)`.
    """
    gates = cells.get(cell).gates
    units = recurrent_kernel.shape[0]
    check_shape("recurrent_kernel", recurrent_kernel, (units, len(gates) * units), f"A {cell} has {len(gates)} blocks.")
    check_shape("kernel", kernel, (kernel.shape[0], len(gates) * units), f"A {cell} has {len(gates)} blocks.")
    two_biases = cell == "gru" and bias.ndim == 2
    check_shape("bias", bias, (2, 3 * units) if two_biases else (len(gates) * units,), "One bias per block.")
    params = {}
    for k, gate in enumerate(gates):
        columns = slice(k * units, (k + 1) * units)
        params[f"W_x{gate}"], params[f"W_h{gate}"] = kernel[:, columns], recurrent_kernel[:, columns]
        if two_biases:
            params[f"b_x{gate}"], params[f"b_h{gate}"] = bias[0, columns], bias[1, columns]
        else:
            params[f"b_{gate}"] = bias[columns]
    return params


@validate(cell=Choice(cells.CLASSIC), reset_after=Bool(), dtype=Choice(_DTYPES), checked_in_body=("params",))
def params_to_keras(cell, params, reset_after=True, dtype="float32"):
    """Glue named numpy weights into the list that `layer.set_weights` of the matching Keras layer takes.

    Introduced in notebook 02; notebooks 04-05 use it for the LSTM and GRU.

    Args:
        cell: "elman", "jordan", "lstm" or "gru".
        params: dict with the weights of `numpy_rnn.param_names(cell, reset_after)`.
        reset_after: GRU form of the target layer (ignored for the other cells).
        dtype: "float32" (Keras' default) or "float64".

    Returns:
        list of arrays in the layer's weight order (fused `[kernel, recurrent_kernel, bias]` for LSTM/GRU).
    """
    gates = cells.get(cell).gates
    names = param_names(cell, reset_after)
    first = params.get(names[0]) if isinstance(params, dict) else None
    features = check_array(names[0], first, ndim=2).shape[0] if first is not None else 1
    p, _ = check_params(params, names, features)
    if not gates:
        return [p[name].astype(dtype) for name in names]
    if cell == "gru" and reset_after:
        bias = np.stack([np.concatenate([p[f"b_x{g}"] for g in gates]), np.concatenate([p[f"b_h{g}"] for g in gates])])
    else:
        bias = np.concatenate([p[f"b_{g}"] for g in gates])
    kernel = np.concatenate([p[f"W_x{g}"] for g in gates], axis=1)
    recurrent_kernel = np.concatenate([p[f"W_h{g}"] for g in gates], axis=1)
    return [kernel.astype(dtype), recurrent_kernel.astype(dtype), bias.astype(dtype)]


@validate(cell=Choice(cells.CLASSIC), units=Size(), return_sequences=Bool(), reset_after=Bool(), output_units=Size(),
          name=Optional(Text()), dtype=Optional(Choice(_DTYPES)), stateful=Bool(), return_state=Bool(),
          go_backwards=Bool())
def build_layer(cell, units, return_sequences=False, reset_after=True, output_units=1, name=None, dtype=None,
                stateful=False, return_state=False, go_backwards=False):
    """A fresh Keras recurrent layer of one of the course's cells (tanh, Keras defaults otherwise).

    Introduced in notebook 02; the one layer builder behind every model of the course (`tests/test_layout.py`
    checks that no other module makes a recurrent layer).

    Args:
        cell: "elman" (`SimpleRNN`), "jordan" (`RNN(JordanCell)`), "lstm" or "gru".
        units: size of the state (hidden layer for Jordan); an int in [1, 4096].
        return_sequences: return the output of every step `(batch, time, units)` instead of the last.
        reset_after: GRU form (ignored for the others).
        output_units: Jordan only: size of the fed-back output; an int >= 1.
        name: the layer's name; None for the cell's name.
        dtype: None for Keras' default (float32), or "float32"/"float64".
        stateful: keep the last state of each batch row as the next call's initial state (notebook 06).
        return_state: also return the final state(s) (an encoder's, notebook 08).
        go_backwards: read the sequence from its end (notebook 08's reversed encoder).

    Returns:
        an unbuilt Keras layer.
    """
    options = {"return_sequences": return_sequences, "name": cell if name is None else name}
    for option, value in (("stateful", stateful), ("return_state", return_state), ("go_backwards", go_backwards)):
        if value:
            options[option] = True
    if dtype is not None:
        options["dtype"] = dtype
    if cell == "jordan":
        jordan_dtype = {"dtype": options["dtype"]} if dtype is not None else {}
        return keras.layers.RNN(JordanCell(units, output_units=output_units, **jordan_dtype), **options)
    if cell == "gru":
        return keras.layers.GRU(units, reset_after=reset_after, **options)
    return getattr(keras.layers, cells.get(cell).keras_class)(units, **options)


@validate(cell=Choice(cells.CLASSIC), return_sequences=Bool(), reset_after=Bool(), dtype=Choice(_DTYPES),
          checked_in_body=("params",))
def layer_from_numpy(cell, params, return_sequences=True, reset_after=True, dtype="float32"):
    """A built Keras layer of `cell` that holds the given numpy weights.

    Introduced in notebook 02: on the same weights, `SimpleRNN` matches `numpy_rnn.elman_forward`,
    `RNN(JordanCell)` matches `jordan_forward`, and LSTM/GRU match `lstm_forward`/`gru_forward`.

    Args:
        cell: "elman", "jordan", "lstm" or "gru".
        params: dict with the weights of `numpy_rnn.param_names(cell, reset_after)`.
        return_sequences: True for the output at every step, False for the last one only.
        reset_after: GRU form (ignored for the others).
        dtype: "float32" (Keras' default) or "float64".

    Returns:
        a built Keras layer whose `get_weights()` equal `params_to_keras(cell, params, ...)`.
    """
    weights = params_to_keras(cell, params, reset_after=reset_after, dtype=dtype)
    features, units = weights[0].shape[0], params[param_names(cell, reset_after)[0]].shape[1]
    outputs = weights[-1].shape[0] if cell == "jordan" else 1
    layer = build_layer(cell, units, return_sequences=return_sequences, reset_after=reset_after,
                        output_units=outputs, dtype=dtype)
    layer.build((None, None, features))
    layer.set_weights(weights)
    return layer


# --- the one model builder ----------------------------------------------------------------------------------


def _check_layers(name, layers):
    """Return `layers` as a list of Keras layers, else raise."""
    if not isinstance(layers, (tuple, list)) or not all(isinstance(layer, keras.layers.Layer) for layer in layers):
        raise TypeError(f"{name} must be a tuple of Keras layers, got {layers!r}. Pass e.g. (keras.layers.Dense(8),).")
    return list(layers)


@validate(cell=Optional(Choice(cells.CLASSIC)), units=Size(), features=Size(), outputs=Optional(Size()),
          activation=Check(_check_activation, allow_none=True), steps=Optional(Size()), sequence=Bool(),
          vocabulary=Optional(Size()), embedding=Size(), front=Check(_check_layers), back=Check(_check_layers),
          return_sequences=Bool(), stateful=Bool(), reset_after=Bool(), output_units=Size(),
          layer_name=Optional(Text()), head_name=Optional(Text()), name=Optional(Text()))
def build_model(cell, units=16, features=1, outputs=1, activation=None, *, steps=None, sequence=True,
                vocabulary=None, embedding=16, front=(), back=(), return_sequences=False, stateful=False,
                reset_after=True, output_units=1, layer_name=None, head_name="dense", name=None):
    """A model of the course: input -> [embedding] -> [front layers] -> recurrent layer -> Dense head -> [back].

    Introduced in notebook 03; every lesson's model is made here (`tests/test_layout.py` checks it), its
    recurrent layer by `build_layer`. The layers are made in the order they run, so a seed set before the
    call gives the weights a model written out by hand in that order gets.

    Args:
        cell: "elman", "jordan", "lstm" or "gru"; or None for no recurrent layer of its own (a feed-forward
            network, or recurrent layers of another kind made by the caller and passed in `front`).
        units: size of the state; an int >= 1 (unused when `cell` is None).
        features: inputs per step; an int >= 1.
        outputs: units of the Dense head; None for no head. activation: the head's activation (None: linear).
        steps: time steps per sequence; None for any length.
        sequence: False for inputs without a time axis, `(batch, features)` (notebook 01's perceptron).
        vocabulary: None for float inputs; else the number of symbol ids, which go through
            `Embedding(vocabulary, embedding, mask_zero=True)` (id 0 is padding).
        front, back: layers (already made) placed before the recurrent layer and after the head.
        return_sequences, reset_after, output_units: of the recurrent layer (see `build_layer`).
        stateful: a stateful recurrent layer on a fixed batch of 1 (the article's model).
        layer_name: the recurrent layer's name (None: the cell's). head_name: the head's name (None: Keras').
        name: the model's name; None for the cell's.

    Returns:
        an uncompiled `keras.Sequential`.
    """
    if vocabulary is not None:
        layers = [keras.Input((steps,), dtype="int32"),
                  keras.layers.Embedding(vocabulary, embedding, mask_zero=True, name="embedding")]
    elif not sequence:
        layers = [keras.Input((features,))]
    else:
        layers = [keras.Input(batch_shape=(1, steps, features)) if stateful else keras.Input((steps, features))]
    layers += front
    if cell is not None:
        layers.append(build_layer(cell, units, return_sequences=return_sequences, reset_after=reset_after,
                                  output_units=output_units, name=layer_name, stateful=stateful))
    if outputs is not None:
        layers.append(keras.layers.Dense(outputs, activation=activation,
                                         **({} if head_name is None else {"name": head_name})))
    layers += back
    return keras.Sequential(layers, name=name or cell)


def _check_tensors(name, tensors):
    """A Keras tensor or a non-empty list of them, passed on as given."""
    listed = tensors if isinstance(tensors, (list, tuple)) else [tensors]
    if not listed or not all(isinstance(tensor, keras.KerasTensor) for tensor in listed):
        raise TypeError(f"{name} must be Keras tensors (from keras.Input and layers called on it), got "
                        f"{type(listed[0]).__name__ if listed else 'nothing'}.")
    return tensors


@validate(inputs=Check(_check_tensors), outputs=Check(_check_tensors), name=Text())
def build_graph(inputs, outputs, name):
    """A functional `keras.Model` from input tensors to output tensors, for models that are not one chain.

    Introduced in notebook 08 (the encoder-decoder, and a view of a trained model's attention weights):
    the one other way the course makes a model; its recurrent layers still come from `build_layer`.

    Args:
        inputs: a `keras.Input` tensor or a list of them. outputs: a tensor computed from them (or a list).
        name: the model's name.
    """
    return keras.Model(inputs, outputs, name=name)
