"""rnn_helpers: the small package the course notebooks import.

Use it as `import rnn_helpers as rh` and call helpers with their module, e.g. `rh.data.sine_series(36)`,
so every call site shows where the code lives. Modules load on first use: `rh.data` needs only numpy,
while `rh.forecast` brings in TensorFlow.
"""

import importlib
import os

# Quiet TensorFlow's C++ start-up lines (they would show up as cell output). This only works if it runs
# before TensorFlow is imported, which is why each notebook's setup cell also sets it first.
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")

__version__ = "0.1.0"

# Only under the test suite (which sets RNN_HELPERS_RECORD): record the notebook's results for the claims tests.
from . import _record  # noqa: E402

_record.start_if_asked()


def __getattr__(name):
    """Import a submodule the first time it is used: `rh.data`, `rh.forecast`, ..."""
    if name.startswith("_"):
        raise AttributeError(name)
    try:
        return importlib.import_module(f".{name}", __name__)
    except ModuleNotFoundError as error:
        if error.name == f"{__name__}.{name}":
            raise AttributeError(f"module 'rnn_helpers' has no attribute or submodule {name!r}") from None
        raise
