"""Keras side of the simple recurrent cells: a Jordan cell, numpy-to-Keras weight copies, generation.

Introduced in notebook 02. Keras ships the Elman cell as `keras.layers.SimpleRNN` but has no Jordan
cell, so `JordanCell` below follows the Keras cell contract and plugs into `keras.layers.RNN`. Weights use
the Keras kernel layout `(input_dim, units)`, the same as `rnn_helpers.numpy_rnn`, so they copy across
unchanged.
"""

import keras
import numpy as np
from keras import ops

from ._validation import check_array, check_choice, check_int

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
    `rnn_helpers.numpy_rnn.jordan_forward(X, W_xh, W_yh, b_h, W_hy, b_y)`.

    Args:
        units: size of the hidden layer; an int >= 1.
        output_units: size of the output, which is also the state fed back; an int >= 1.
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

    def __init__(self, units, output_units=1, activation="tanh", output_activation=None, **kwargs):
        super().__init__(**kwargs)
        self.units = check_int("units", units, minimum=1)
        self.output_units = check_int("output_units", output_units, minimum=1)
        self.activation = _check_activation("activation", activation, allow_none=False)
        self.output_activation = _check_activation("output_activation", output_activation, allow_none=True)
        self.state_size = self.output_units
        self.output_size = self.output_units

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


def _check_weights(named_weights):
    """Validate named weight arrays (name -> (value, ndim)); return float64 arrays."""
    return {name: check_array(name, value, ndim=ndim) for name, (value, ndim) in named_weights.items()}


def _check_shape(name, array, expected):
    if array.shape != expected:
        raise ValueError(f"{name} must have shape {expected}, got {array.shape}. Check the sizes of the other weights.")


def simple_rnn_from_numpy(W_xh, W_hh, b_h, return_sequences=True, dtype="float32"):
    """Build a `keras.layers.SimpleRNN` that holds the given numpy Elman weights.

    Introduced in notebook 02: `SimpleRNN` is the Elman cell, so on the same weights it matches
    `rnn_helpers.numpy_rnn.elman_forward`.

    Args:
        W_xh: input kernel, `(features, units)`.
        W_hh: recurrent kernel, `(units, units)`.
        b_h: bias, `(units,)`.
        return_sequences: True for the state at every step, False for the last one only.
        dtype: "float32" (Keras' default) or "float64".

    Returns:
        A built `keras.layers.SimpleRNN` with activation tanh.

    Raises:
        ValueError: if the weight shapes do not fit together.
    """
    w = _check_weights({"W_xh": (W_xh, 2), "W_hh": (W_hh, 2), "b_h": (b_h, 1)})
    dtype = check_choice("dtype", dtype, _DTYPES)
    if not isinstance(return_sequences, bool):
        raise TypeError(f"return_sequences must be True or False, got {return_sequences!r}.")
    features, units = w["W_xh"].shape
    _check_shape("W_hh", w["W_hh"], (units, units))
    _check_shape("b_h", w["b_h"], (units,))
    layer = keras.layers.SimpleRNN(units, return_sequences=return_sequences, dtype=dtype)
    layer.build((None, None, features))
    layer.set_weights([w["W_xh"], w["W_hh"], w["b_h"]])
    return layer


def jordan_rnn_from_numpy(W_xh, W_yh, b_h, W_hy, b_y, return_sequences=True, dtype="float32"):
    """Build a `keras.layers.RNN(JordanCell(...))` that holds the given numpy Jordan weights.

    Introduced in notebook 02. The cell has a linear output, so on the same weights it matches
    `rnn_helpers.numpy_rnn.jordan_forward`.

    Args:
        W_xh: input kernel, `(features, units)`.
        W_yh: output-feedback kernel, `(outputs, units)`.
        b_h: hidden bias, `(units,)`.
        W_hy: output kernel, `(units, outputs)`.
        b_y: output bias, `(outputs,)`.
        return_sequences: True for the output at every step, False for the last one only.
        dtype: "float32" (Keras' default) or "float64".

    Returns:
        A built `keras.layers.RNN` wrapping a `JordanCell`.

    Raises:
        ValueError: if the weight shapes do not fit together.
    """
    w = _check_weights({"W_xh": (W_xh, 2), "W_yh": (W_yh, 2), "b_h": (b_h, 1), "W_hy": (W_hy, 2), "b_y": (b_y, 1)})
    dtype = check_choice("dtype", dtype, _DTYPES)
    if not isinstance(return_sequences, bool):
        raise TypeError(f"return_sequences must be True or False, got {return_sequences!r}.")
    features, units = w["W_xh"].shape
    outputs = w["W_hy"].shape[1]
    _check_shape("W_yh", w["W_yh"], (outputs, units))
    _check_shape("b_h", w["b_h"], (units,))
    _check_shape("W_hy", w["W_hy"], (units, outputs))
    _check_shape("b_y", w["b_y"], (outputs,))
    layer = keras.layers.RNN(
        JordanCell(units, output_units=outputs, dtype=dtype), return_sequences=return_sequences, dtype=dtype
    )
    layer.build((None, None, features))
    layer.cell.kernel.assign(w["W_xh"])
    layer.cell.feedback_kernel.assign(w["W_yh"])
    layer.cell.bias.assign(w["b_h"])
    layer.cell.output_kernel.assign(w["W_hy"])
    layer.cell.output_bias.assign(w["b_y"])
    return layer
