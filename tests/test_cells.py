"""rnn_helpers.cells: one table of the course's cells, checked against Keras and the palette."""

import keras
import matplotlib.lines
import numpy as np
import pytest

from rnn_helpers import cells, plotting


def test_the_table_keys_each_cell_by_its_id_and_splits_into_the_course_s_groups():
    assert all(cell_id == row.id for cell_id, row in cells.TABLE.items())
    assert cells.CLASSIC == ("elman", "jordan", "lstm", "gru")
    assert cells.MINIMAL == ("mingru", "minlstm")
    assert cells.KERAS_BUILTIN == ("elman", "lstm", "gru")
    assert cells.KERAS_LAYERS == ("SimpleRNN", "LSTM", "GRU")
    assert [cells.get(cell).name for cell in cells.TABLE] == ["Elman", "Jordan", "LSTM", "GRU", "minGRU", "minLSTM"]


def test_every_cell_has_its_own_okabe_ito_colour_and_a_valid_line_style():
    rows = cells.TABLE.values()
    assert all(row.colour in plotting.OKABE_ITO and row.colour != "yellow" for row in rows)  # yellow: too pale
    assert len({row.colour for row in rows}) == len(cells.TABLE)
    for row in rows:
        matplotlib.lines.Line2D([], []).set_linestyle(row.linestyle)  # raises on a style matplotlib lacks
        assert plotting.line_style(row.name) == {"color": plotting.OKABE_ITO[row.colour], "linestyle": row.linestyle}


@pytest.mark.parametrize("cell", cells.KERAS_BUILTIN)
def test_keras_ships_the_layer_and_its_fused_weights_have_one_block_per_gate(cell):
    row, units = cells.get(cell), 3
    layer = getattr(keras.layers, row.keras_class)(units)
    layer(np.zeros((1, 2, 4), dtype="float32"))
    assert isinstance(layer.cell, getattr(keras.layers, f"{row.keras_class}Cell"))
    assert layer.get_weights()[0].shape == (4, max(1, len(row.gates)) * units)


def _first_state(layer, biases):
    """h_1 of a Keras layer with zero kernels and one bias value per gate block, from a zero state."""
    layer(np.zeros((1, 1, 1), dtype="float32"))
    kernel, recurrent, bias = layer.get_weights()
    units = recurrent.shape[0]
    block_bias = np.concatenate([np.full(units, value) for value in biases])
    bias = np.broadcast_to(block_bias, bias.shape).copy()
    layer.set_weights([np.zeros_like(kernel), np.zeros_like(recurrent), bias])
    return float(layer(np.zeros((1, 1, 1), dtype="float32"))[0, 0])


def test_the_gate_orders_are_the_ones_keras_fuses():
    # LSTM: input gate open, forget gate closed, output open, candidate bias 0.5 -> h = tanh(tanh(0.5))
    lstm = {"i": 20.0, "f": -20.0, "o": 20.0, "c": 0.5}
    h = _first_state(keras.layers.LSTM(2), [lstm[g] for g in cells.get("lstm").gates])
    assert h == pytest.approx(np.tanh(np.tanh(0.5)), abs=1e-5)
    # GRU: update gate closed (take the candidate), candidate bias 0.25 -> h = tanh(0.25) (reset_after: once per row)
    gru = {"z": -20.0, "r": 20.0, "h": 0.25}
    h = _first_state(keras.layers.GRU(2, reset_after=False), [gru[g] for g in cells.get("gru").gates])
    assert h == pytest.approx(np.tanh(0.25), abs=1e-5)


def test_get_explains_a_wrong_cell():
    with pytest.raises(ValueError, match=r"cell must be one of \['elman', 'gru', 'jordan', 'lstm'\], got 'mingru'"):
        cells.get("mingru", among=cells.CLASSIC)
    with pytest.raises(TypeError, match="cell must be a string"):
        cells.get(3)
    assert cells.get("mingru").minimal and not cells.get("gru").minimal
