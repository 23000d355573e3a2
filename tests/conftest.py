"""Trainings that several test files need, run once per test session (tiny settings: plumbing, not results)."""

import pytest

from rnn_helpers import training

# The tiny memory race: two cells on the adding problem; tests recompute its scores from the models.
TINY_MEMORY = {"task": "adding", "length": 6, "units": 3, "epochs": 3, "n_train": 100, "n_test": 64, "batch_size": 32,
               "seed": 3}
TINY_SINE = {"units": 3, "epochs": 6, "seed": 2}


@pytest.fixture(scope="session")
def tiny_memory_race():
    """`training.race_memory` of an Elman and an LSTM network with `TINY_MEMORY`."""
    return training.race_memory(("elman", "lstm"), progress=False, **TINY_MEMORY)


@pytest.fixture(scope="session")
def tiny_sine_race():
    """`training.race_sine` of an Elman and a GRU network with `TINY_SINE`."""
    return training.race_sine(("elman", "gru"), progress=False, **TINY_SINE)
