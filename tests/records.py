"""The results a notebook recorded when it ran in this test run: one execution, checked twice.

`make test` first executes every notebook with nbval, with `RNN_HELPERS_RECORD_DIR` set: `conftest.py` gives
each notebook's kernel a file there, and `rnn_helpers._record` writes the notebook's plain results into it
after every cell. The claims tests then read those results instead of training the same networks again.

The claims files (`tests/test_claims_01.py` ... `_09.py`, one per notebook, so that a test run spreads them over
the cores) re-measure every sentence a notebook states as a result, with the notebook's own settings and seeds
(`notebook_settings.read_settings`), and read what the notebook itself trained from its record
(`notebook_record`), so a lesson and its test cannot drift apart.

A test run on its own (`pytest tests/test_claims_07.py`, no records yet) executes the notebook itself, once,
the way nbval does, and reads the record it leaves. A lock keeps two test processes from executing the same
notebook at once.
"""

import contextlib
import fcntl
import json
import os
import pathlib
import pickle
import tempfile

import nbformat
from nbclient import NotebookClient
from notebook_settings import NOTEBOOKS

import rnn_helpers as rh

# The course's own Keras layers must be registered before a recorded model that uses them can be unpickled:
# JordanCell (notebooks 02-03) is registered on import, MinGRU (notebook 09) when first asked for.
_COURSE_LAYERS = (rh.keras_rnn.JordanCell, rh.min_gru.MinGRU)

RECORD_ENV = "RNN_HELPERS_RECORD"           # the file one kernel writes (set only while it starts)
RECORD_DIR_ENV = "RNN_HELPERS_RECORD_DIR"   # where make test keeps every notebook's record
_fallback_dir = None


def record_dir():
    """The folder of this run's records: `RNN_HELPERS_RECORD_DIR`, else a temporary folder of this process."""
    global _fallback_dir
    if os.environ.get(RECORD_DIR_ENV):
        folder = pathlib.Path(os.environ[RECORD_DIR_ENV])
    else:
        _fallback_dir = _fallback_dir or tempfile.mkdtemp(prefix="notebook-records-")
        folder = pathlib.Path(_fallback_dir)
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def record_path(notebook):
    """Where the record of `notebook` (a file name such as "03_bptt.ipynb") goes."""
    return record_dir() / (pathlib.Path(notebook).stem + ".pkl")


@contextlib.contextmanager
def recording_to(path):
    """Set `RNN_HELPERS_RECORD` for a kernel that starts inside this block, then remove it again."""
    os.environ[RECORD_ENV] = str(path)
    try:
        yield
    finally:
        os.environ.pop(RECORD_ENV, None)


def cells_to_record(notebook):
    """Non-empty code cells from the one that imports rnn_helpers to the end (each one writes the record)."""
    cells = [c for c in json.loads((NOTEBOOKS / notebook).read_text())["cells"]
             if c["cell_type"] == "code" and "".join(c["source"]).strip()]
    first = next(i for i, c in enumerate(cells) if "import rnn_helpers" in "".join(c["source"]))
    return len(cells) - first


def _complete(path, notebook):
    if not path.exists():
        return None
    record = pickle.loads(path.read_bytes())
    if record["cells_failed"] or record["cells_run"] < cells_to_record(notebook):
        return None
    return record["results"]


def _execute(notebook, path):
    """Run the notebook top to bottom in a fresh kernel, as nbval does, recording into `path`."""
    nb = nbformat.read(NOTEBOOKS / notebook, as_version=4)
    client = NotebookClient(nb, timeout=600, kernel_name="python3", allow_errors=False,
                            resources={"metadata": {"path": str(NOTEBOOKS)}})
    with recording_to(path):
        client.execute()


def notebook_record(notebook):
    """{name: value} of the plain results `notebook` left in its namespace when it ran in this test run."""
    path = record_path(notebook)
    with open(f"{path}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        results = _complete(path, notebook)
        if results is None:
            _execute(notebook, path)
            results = _complete(path, notebook)
    if results is None:
        raise RuntimeError(f"{notebook} ran but left no complete record in {path}")
    return results
