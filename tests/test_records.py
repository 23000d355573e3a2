"""The notebook record: what a kernel keeps of a notebook's namespace, and that a record can be read back."""

import dataclasses

import numpy as np
import pandas as pd
import pytest

from rnn_helpers import _record


@dataclasses.dataclass
class Row:
    name: str
    score: float


def test_plain_results_are_kept_and_models_functions_and_private_names_are_not():
    namespace = {
        "mse": 0.25, "seed": 3, "label": "gru", "flag": True, "r2": np.float32(0.9), "losses": np.ones(5),
        "table": pd.DataFrame({"a": [1, 2]}), "grid": {("adding", 10): 0.9}, "rows": [Row("gru", 0.98)],
        "model": object(), "helper": len, "mixed": [1.0, object()], "_private": 1.0, "In": ["x = 1"],
        "huge": np.zeros(_record.MAX_ARRAY + 1, dtype=np.int8), "objects": np.array([None, 1], dtype=object),
    }
    kept = _record.snapshot(namespace, hidden={"In"})
    assert set(kept) == {"mse", "seed", "label", "flag", "r2", "losses", "table", "grid", "rows"}
    assert kept["rows"][0].score == 0.98


class FakeResult:
    def __init__(self, error=None):
        self.error_before_exec, self.error_in_exec = None, error


class FakeShell:
    def __init__(self):
        self.user_ns, self.user_ns_hidden, self.callbacks = {}, {"In"}, []
        self.events = self

    def register(self, event, callback):
        assert event == "post_run_cell"
        self.callbacks.append(callback)

    def run_cell(self, error=None, **names):
        self.user_ns.update(names)
        for callback in self.callbacks:
            callback(FakeResult(error))


def test_each_cell_rewrites_the_record_with_the_counts(tmp_path):
    import pickle

    shell, path = FakeShell(), tmp_path / "nb.pkl"
    _record.start(shell, path)
    shell.run_cell(loss=1.0)
    shell.run_cell(loss=0.5, accuracy=0.9)
    record = pickle.loads(path.read_bytes())
    assert record == {"results": {"loss": 0.5, "accuracy": 0.9}, "cells_run": 2, "cells_failed": 0}
    shell.run_cell(error=ValueError("boom"))
    assert pickle.loads(path.read_bytes())["cells_failed"] == 1


def test_nothing_is_recorded_without_the_environment_variable(monkeypatch):
    monkeypatch.delenv(_record.ENV, raising=False)
    assert _record.start_if_asked() is None


@pytest.mark.parametrize("value", [np.float64(1.0), (1, "a"), {"k": [1, 2]}, None])
def test_nested_plain_values(value):
    assert _record.is_plain(value)


def test_a_keras_model_is_recorded_and_reloads_with_its_weights(tmp_path):
    import pickle

    import keras

    model = keras.Sequential([keras.Input((None, 1)), keras.layers.SimpleRNN(3), keras.layers.Dense(1)])
    shell, path = FakeShell(), tmp_path / "nb.pkl"
    _record.start(shell, path)
    shell.run_cell(model=model, runs=[Row("elman", 0.1)])
    x = np.linspace(-1, 1, 10, dtype="float32").reshape(2, 5, 1)
    reloaded = pickle.loads(path.read_bytes())["results"]["model"]
    np.testing.assert_array_equal(reloaded.predict(x, verbose=0), model.predict(x, verbose=0))
    model.layers[-1].bias.assign([5.0])           # the weights change: the next cell records the new ones
    shell.run_cell()
    reloaded = pickle.loads(path.read_bytes())["results"]["model"]
    np.testing.assert_array_equal(reloaded.layers[-1].bias.numpy(), [5.0])


def test_a_model_that_cannot_be_reloaded_is_left_out():
    import keras

    class Doubling(keras.layers.Layer):   # not registered as serializable: Keras cannot rebuild it
        def call(self, x):
            return 2 * x

    model = keras.Sequential([keras.Input((3,)), Doubling()])
    assert not _record.is_plain(model)
    assert _record.snapshot({"model": model, "loss": 0.1}) == {"loss": 0.1}
