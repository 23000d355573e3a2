"""Record a notebook's named results while it runs, so the test suite reads them instead of training again.

Nothing is recorded in a learner's kernel: recording starts only when the environment variable `RNN_HELPERS_RECORD`
names a file, which the test suite sets for each notebook that nbval executes (`conftest.py`). After every
cell, the notebook's plain results — numbers, strings, arrays, pandas tables, trained Keras models, and lists,
tuples, dicts and dataclasses of them — are written to that file with pickle. Functions and figures are left
out. A model is pickled again only when its weights have changed, so a cell costs milliseconds.
The claims in `tests/test_claims_NN.py` then read, say, `record["clipped"]` from the run nbval just checked.

`notebook_shell` is the package's one test for running in a Jupyter kernel (the recorder, the progress bars and
the training summaries ask it); it lives here because this is the lowest module that needs it.
"""

import dataclasses
import hashlib
import io
import os
import pickle
import sys

import numpy as np

ENV = "RNN_HELPERS_RECORD"
MAX_ARRAY = 5_000_000   # elements; larger arrays are data, not results


_models = {}   # id(model) -> (digest of its weights, its pickle, or None if it cannot be reloaded)


def _model_pickle(model):
    """The pickle of a Keras model, made again only when its weights changed; None if it cannot be reloaded."""
    weights = model.get_weights()
    digest = hashlib.sha1(b"".join(w.tobytes() for w in weights) + str([w.shape for w in weights]).encode()).digest()
    if _models.get(id(model), (None,))[0] != digest:
        try:
            data = pickle.dumps(model)
            pickle.loads(data)        # e.g. a Lambda layer saves but does not load in Keras' safe mode
        except Exception:
            data = None
        _models[id(model)] = (digest, data)
    return _models[id(model)][1]


def _is_model(value):
    keras = sys.modules.get("keras")
    return keras is not None and isinstance(value, keras.Model)


class _Pickler(pickle.Pickler):
    """Pickles Keras models from `_model_pickle`'s cache instead of saving them again."""

    def reducer_override(self, obj):
        if _is_model(obj):
            return pickle.loads, (_model_pickle(obj),)
        return NotImplemented


def is_plain(value, depth=0):
    """True if `value` is a result worth recording: numbers, text, arrays, tables and models that reload."""
    if _is_model(value):
        return _model_pickle(value) is not None
    if depth > 6:
        return False
    if value is None or isinstance(value, (bool, int, float, complex, str, bytes, np.generic)):
        return True
    if isinstance(value, np.ndarray):
        return value.dtype != object and value.size <= MAX_ARRAY
    if type(value).__module__.startswith("pandas") and type(value).__name__ in ("DataFrame", "Series"):
        return value.size <= MAX_ARRAY
    if isinstance(value, (list, tuple, set, frozenset)):
        return all(is_plain(item, depth + 1) for item in value)
    if isinstance(value, dict):
        return all(is_plain(k, depth + 1) and is_plain(v, depth + 1) for k, v in value.items())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return all(is_plain(getattr(value, f.name), depth + 1) for f in dataclasses.fields(value))
    return False


def snapshot(namespace, hidden=()):
    """The plain results of a notebook's namespace: every public name (not in `hidden`, IPython's own such as
    `In`) whose value `is_plain` accepts."""
    return {name: value for name, value in namespace.items()
            if not name.startswith("_") and name not in hidden and is_plain(value)}


def start(shell, path):
    """After each cell `shell` runs, write the snapshot and the count of cells run (and failed) to `path`."""
    counts = {"cells_run": 0, "cells_failed": 0}

    def write(result):
        counts["cells_run"] += 1
        counts["cells_failed"] += bool(result.error_before_exec or result.error_in_exec)
        record = {"results": snapshot(shell.user_ns, shell.user_ns_hidden), **counts}
        partial = f"{path}.partial"
        buffer = io.BytesIO()
        _Pickler(buffer).dump(record)
        with open(partial, "wb") as file:
            file.write(buffer.getvalue())
        os.replace(partial, path)

    shell.events.register("post_run_cell", write)


def notebook_shell():
    """The shell of the Jupyter kernel this code runs in, or None in a terminal, a plain script or IPython.

    The package's one test for "in a notebook": the progress bars, the training summaries and the recorder ask it.
    Colab's shell is a subclass of ipykernel's, so the test is `isinstance`, not the class's name.
    """
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    if shell is None:
        return None
    try:
        from ipykernel.zmqshell import ZMQInteractiveShell
    except ImportError:  # IPython without Jupyter: a terminal
        return None
    return shell if isinstance(shell, ZMQInteractiveShell) else None


def start_if_asked():
    """Start recording in this IPython kernel if `RNN_HELPERS_RECORD` names a file (the tests set it)."""
    path = os.environ.get(ENV)
    if not path:
        return
    shell = notebook_shell()
    if shell is not None and not getattr(shell, "_rnn_helpers_recording", False):
        shell._rnn_helpers_recording = True
        start(shell, path)
