"""Random float64 weights for the Elman and Jordan cells, shared by the numpy and Keras tests."""

import numpy as np


def elman_weights(rng, features, units):
    """`(W_xh, W_hh, b_h)` with a recurrent kernel small enough to keep the state away from saturation."""
    return (rng.normal(size=(features, units)), rng.normal(scale=0.5, size=(units, units)), rng.normal(size=units))


def jordan_weights(rng, features, units, outputs):
    """`(W_xh, W_yh, b_h, W_hy, b_y)`, in the argument order of `numpy_rnn.jordan_forward`."""
    return (
        rng.normal(size=(features, units)),
        rng.normal(scale=0.5, size=(outputs, units)),
        rng.normal(size=units),
        rng.normal(scale=0.5, size=(units, outputs)),
        rng.normal(size=outputs),
    )


def random_jordan(seed, features, units, outputs):
    """`jordan_weights` from a fresh generator seeded with `seed`."""
    return jordan_weights(np.random.default_rng(seed), features, units, outputs)
