"""The course's recurrent cells in one table: the id every function takes, the Keras class, the name figures
show, the order of the gates inside the weights, and the colour and line style of the cell's curves.

Introduced in notebook 02 (Elman, Jordan); notebooks 04-05 add the LSTM and GRU, notebook 09 the minimal
cells minGRU and minLSTM (Feng et al., 2024), whose gates read the input only. Every module and notebook
reads cells from here, e.g. `rh.cells.get("gru").name` for a legend, so a cell is spelt the same everywhere.
"""

from dataclasses import dataclass

from ._validation import Check, check_choice, validate


@dataclass(frozen=True)
class _Cell:
    """One recurrent cell of the course: a row of `TABLE` (made here only, so not swept by tests/test_bad_input.py).

    Attributes:
        id: what every function takes: "elman", "jordan", "lstm", "gru", "mingru" or "minlstm".
        keras_class: the class in `keras.layers` that runs it ("RNN" for the course's `JordanCell` inside
            `keras.layers.RNN`), "MinGRU" for the course's own layer, None if there is no Keras layer.
        name: the name figures and tables show (Keras calls the Elman cell `SimpleRNN`).
        gates: the gates in the order their weights are stored: Keras' order inside the fused LSTM and GRU
            arrays, the order of `linear_recurrence.min_param_names` for the minimal cells; () for none.
        colour: an Okabe–Ito colour name (a key of `rnn_helpers.plotting.OKABE_ITO`).
        linestyle: the matplotlib line style of its curves.
        keras_builtin: True if Keras ships the layer and its cell (`keras.layers.LSTM` and `LSTMCell`, ...).
        minimal: True for the minimal cells of notebook 09, whose gates do not read h_{t-1}.
    """

    id: str
    keras_class: str | None
    name: str
    gates: tuple
    colour: str
    linestyle: str | tuple
    keras_builtin: bool = False
    minimal: bool = False


TABLE = {cell.id: cell for cell in (
    _Cell("elman", "SimpleRNN", "Elman", (), "sky_blue", "-", keras_builtin=True),
    _Cell("jordan", "RNN", "Jordan", (), "reddish_purple", "--"),
    _Cell("lstm", "LSTM", "LSTM", ("i", "f", "c", "o"), "blue", "-.", keras_builtin=True),
    _Cell("gru", "GRU", "GRU", ("z", "r", "h"), "vermillion", ":", keras_builtin=True),
    _Cell("mingru", "MinGRU", "minGRU", ("z", "h"), "bluish_green", "-.", minimal=True),
    _Cell("minlstm", None, "minLSTM", ("f", "i", "h"), "orange", (0, (8, 2)), minimal=True),
)}

CLASSIC = tuple(cell.id for cell in TABLE.values() if not cell.minimal)  # the four cells of notebooks 02-05
SIMPLE = tuple(cell.id for cell in TABLE.values() if not cell.gates)  # notebook 02's cells without gates
MINIMAL = tuple(cell.id for cell in TABLE.values() if cell.minimal)  # notebook 09's cells without h_{t-1} in the gates
KERAS_BUILTIN = tuple(cell.id for cell in TABLE.values() if cell.keras_builtin)  # the cells Keras ships
KERAS_LAYERS = tuple(TABLE[cell].keras_class for cell in KERAS_BUILTIN)  # their layers' names in keras.layers


def _check_among(name, among):
    """None (every cell), or a non-empty tuple of ids from TABLE, e.g. CLASSIC."""
    if among is not None and (not isinstance(among, tuple) or not among or not set(among) <= set(TABLE)):
        raise TypeError(f"{name} must be a non-empty tuple of cell ids from {tuple(TABLE)}, e.g. cells.CLASSIC; "
                        f"got {among!r}.")
    return among


@validate(among=Check(_check_among), checked_in_body=("cell",))
def get(cell, among=None):
    """The row of the table (a frozen `_Cell`) with id `cell`, e.g. `get("gru").name == "GRU"`.

    Args:
        cell: a cell id, e.g. "elman".
        among: the ids the caller accepts, e.g. `CLASSIC`; None for every cell of the table.

    Raises:
        TypeError: if `cell` is not a string or `among` not a tuple. ValueError: if `cell` is not one of `among`.
    """
    if among is None:
        among = tuple(TABLE)
    return TABLE[check_choice("cell", cell, among)]

