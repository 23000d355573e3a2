"""Random float64 weight dicts for the Elman and Jordan cells, shared by the numpy, Keras and BPTT tests.

Unlike `numpy_rnn.random_params` (one scale for every weight), the recurrent and output weights here are
drawn smaller, so the state stays away from tanh's flat ends and the parity tests compare informative values.
"""

import numpy as np


def elman_params(rng, features, units):
    """`{"W_xh", "W_hh", "b_h"}`, the names of `numpy_rnn.param_names("elman")`."""
    return {"W_xh": rng.normal(size=(features, units)), "W_hh": rng.normal(scale=0.5, size=(units, units)),
            "b_h": rng.normal(size=units)}


def jordan_params(rng, features, units, outputs):
    """`{"W_xh", "W_yh", "b_h", "W_hy", "b_y"}`, the names of `numpy_rnn.param_names("jordan")`."""
    return {
        "W_xh": rng.normal(size=(features, units)),
        "W_yh": rng.normal(scale=0.5, size=(outputs, units)),
        "b_h": rng.normal(size=units),
        "W_hy": rng.normal(scale=0.5, size=(units, outputs)),
        "b_y": rng.normal(size=outputs),
    }


def random_jordan(seed, features, units, outputs):
    """`jordan_params` from a fresh generator seeded with `seed`."""
    return jordan_params(np.random.default_rng(seed), features, units, outputs)
