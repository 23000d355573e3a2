"""Per-weight scales for the Elman and Jordan parity tests, drawn with `numpy_rnn.random_params`.

The recurrent and output weights are drawn smaller than the others, so the state stays away from tanh's flat
ends and the parity tests compare informative values.
"""

from rnn_helpers import numpy_rnn

ELMAN_SCALES = {"W_xh": 1.0, "W_hh": 0.5, "b_h": 1.0}
JORDAN_SCALES = {"W_xh": 1.0, "W_yh": 0.5, "b_h": 1.0, "W_hy": 0.5, "b_y": 1.0}


def parity_params(cell, features, units, outputs=1, seed=0):
    """Elman or Jordan weights from `numpy_rnn.random_params` with the scales above (`seed`: int or Generator)."""
    scales = ELMAN_SCALES if cell == "elman" else JORDAN_SCALES
    return numpy_rnn.random_params(tuple(scales), features, units, outputs=outputs, seed=seed, scale=scales)
