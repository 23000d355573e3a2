"""Test-wide settings: quiet TensorFlow, mark the notebooks as slow, and let each notebook record its results.

These run before any test imports TensorFlow, and notebook kernels started by nbval inherit them.
"""

import os
import pathlib

import pytest

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def _is_notebook(item):
    return item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid


def pytest_collection_modifyitems(items):
    """Every re-executed notebook (nbval) is slow: `pytest -m "not slow"` is the fast unit-test tier."""
    for item in items:
        if _is_notebook(item):
            item.add_marker(pytest.mark.slow)


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_setup(item):
    """With RNN_HELPERS_RECORD_DIR set (make test), the kernel nbval starts for a notebook records its results
    into <dir>/<notebook>.pkl (see tests/records.py): the claims read them instead of training again."""
    folder = os.environ.get("RNN_HELPERS_RECORD_DIR")
    if not (folder and _is_notebook(item)):
        yield
        return
    pathlib.Path(folder).mkdir(parents=True, exist_ok=True)
    os.environ["RNN_HELPERS_RECORD"] = str(pathlib.Path(folder) / (pathlib.Path(str(item.fspath)).stem + ".pkl"))
    try:
        yield   # the notebook's kernel starts here, before its first cell
    finally:
        os.environ.pop("RNN_HELPERS_RECORD", None)
