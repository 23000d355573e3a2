"""LSTM and GRU gates: gate traces over time, gate statistics, parameter counts.

Introduced in notebooks 04 (LSTM) and 05 (GRU). What is inside:

- `lstm_gate_trace`, `gru_gate_trace`: run the numpy copy of a trained Keras layer
  (`keras_rnn.params_from_keras` + `numpy_rnn.lstm_forward` / `gru_forward`) and keep every gate at every step.
- `gate_means_by_mask`: each gate's mean, unit by unit, on marked and unmarked steps.
- `param_count` (the formula) and `keras_param_count` (what Keras builds) for every cell of the course.

The models these functions inspect are trained by `rnn_helpers.training` (`train_sine`, `race_memory`, ...).
"""

import numpy as np

from . import cells, keras_rnn, numpy_rnn
from ._validation import Array, Bool, Choice, KerasLayer, Optional, Sequence, Size, validate


@validate(cell=Choice(cells.CLASSIC), features=Size(), units=Size(), reset_after=Bool())
def param_count(cell, features, units, reset_after=True):
    """The number of weights of one recurrent layer, from the formula (no Keras needed).

    Introduced in notebook 05. Each gate (or the single tanh layer of the Elman cell) has an input kernel
    `features × units`, a recurrent kernel `units × units` and a bias of `units`:

        elman (SimpleRNN): 1 · units · (features + units + 1)
        lstm:              4 · units · (features + units + 1)        (gates i, f, o and the candidate)
        gru:               3 · units · (features + units + 1)        reset_after=False
                           3 · units · (features + units + 2)        reset_after=True: a second bias per gate
        jordan:            units · (features + 1 + 1) + (units + 1)  the hidden layer sees the one fed-back
                                                                     output; the output layer is in the cell

    Args:
        cell: "elman", "jordan", "lstm" or "gru".
        features: inputs per step; an int >= 1.
        units: size of the state (of the hidden layer for Jordan); an int >= 1.
        reset_after: GRU form (ignored for the others).

    Returns:
        int, equal to `keras_param_count(cell, features, units, reset_after)`.
    """
    if cell == "elman":
        return units * (features + units + 1)
    if cell == "jordan":
        return units * (features + 1 + 1) + (units + 1)
    if cell == "lstm":
        return 4 * units * (features + units + 1)
    return 3 * units * (features + units + (2 if reset_after else 1))


@validate(cell=Choice(cells.CLASSIC), features=Size(), units=Size(), reset_after=Bool())
def keras_param_count(cell, features, units, reset_after=True):
    """`count_params()` of the Keras layer of `cell` (`keras_rnn.build_layer`), built on `features` inputs.

    Introduced in notebook 05, to check `param_count` against the library.

    Args:
        cell, units, reset_after: as for `keras_rnn.build_layer`.
        features: inputs per step; an int >= 1.

    Returns:
        int, the number of weights Keras creates.
    """
    layer = keras_rnn.build_layer(cell, units, reset_after=reset_after)
    layer.build((None, None, features))
    return int(layer.count_params())


# --- gate traces (notebooks 04-05) ---------------------------------------------------------------------------


@validate(layer=KerasLayer(cells.get("lstm").keras_class), x=Sequence(), h0=Optional(Array(ndim=1)), c0=Optional(Array(ndim=1)))
def lstm_gate_trace(layer, x, h0=None, c0=None):
    """Run the numpy copy of a Keras LSTM over one sequence and keep every gate at every step.

    Introduced in notebook 04.

    Args:
        layer: a built `keras.layers.LSTM`.
        x: one sequence, `(time, features)`; a 1-D array is read as one feature per step.
        h0, c0: optional start states `(units,)`.

    Returns:
        dict of `(time, units)` float64 arrays: "f", "i", "c_tilde", "o", "c" (cell state), "h" (output),
        plus "x" `(time, features)`.
    """
    H, C, g = numpy_rnn.lstm_forward(x[None], keras_rnn.params_from_keras(layer), h0=_one_row(h0), c0=_one_row(c0))
    trace = {name: value[0] for name, value in g.items()}
    trace.update(c=C[0], h=H[0], x=x)
    return trace


@validate(layer=KerasLayer(cells.get("gru").keras_class), x=Sequence(), h0=Optional(Array(ndim=1)))
def gru_gate_trace(layer, x, h0=None):
    """Run the numpy copy of a Keras GRU over one sequence and keep every gate at every step.

    Introduced in notebook 05.

    Args:
        layer: a built `keras.layers.GRU` (either form of `reset_after`).
        x: one sequence, `(time, features)`; a 1-D array is read as one feature per step.
        h0: optional start state `(units,)`.

    Returns:
        dict of `(time, units)` float64 arrays: "z" (update gate), "r" (reset gate), "h_tilde" (candidate),
        "h" (state), plus "x" `(time, features)`.
    """
    H, g = numpy_rnn.gru_forward(x[None], keras_rnn.params_from_keras(layer), h0=_one_row(h0),
                                 reset_after=layer.reset_after)
    trace = {name: value[0] for name, value in g.items()}
    trace.update(h=H[0], x=x)
    return trace


def _one_row(state):
    """A start state `(units,)` of one sequence as the batch of one `(1, units)` the numpy cells take."""
    return None if state is None else state[None, :]


@validate(layer=KerasLayer(*(cells.get(cell).keras_class for cell in keras_rnn.FUSED_CELLS)), X=Array(ndim=3), checked_in_body=("mask",))
def gate_means_by_mask(layer, X, mask):
    """Average every gate of an LSTM or GRU, unit by unit, over the steps where `mask` is on and where it is off.

    Introduced in notebook 04: on the adding problem, `mask = X[:, :, 1] == 1` marks the steps whose value
    must be remembered, and the input gate of some units opens exactly there. Notebook 05 does the same
    for the GRU's update and reset gates.

    Args:
        layer: a built `keras.layers.LSTM` or `keras.layers.GRU`.
        X: inputs, `(batch, time, features)`.
        mask: booleans `(batch, time)`; needs at least one on and one off step.

    Returns:
        dict gate name -> `(on, off)`, two `(units,)` arrays of means; the names are "f", "i", "c_tilde", "o"
        for an LSTM and "z", "r", "h_tilde" for a GRU.
    """
    mask = np.asarray(mask)
    if mask.dtype != bool:
        raise TypeError(f"mask must be an array of booleans, got dtype {mask.dtype}. Use e.g. X[:, :, 1] == 1.")
    if mask.shape != X.shape[:2]:
        raise ValueError(f"mask must have shape (batch, time) = {X.shape[:2]}, got {mask.shape}.")
    if mask.all() or not mask.any():
        raise ValueError("mask must be on at some steps and off at others, to compare the two.")
    params = keras_rnn.params_from_keras(layer)
    if keras_rnn.cell_of(layer) == "gru":
        _, g = numpy_rnn.gru_forward(X, params, reset_after=layer.reset_after)
    else:
        _, _, g = numpy_rnn.lstm_forward(X, params)
    return {name: (value[mask].mean(axis=0), value[~mask].mean(axis=0)) for name, value in g.items()}
