"""Test-wide settings: quiet TensorFlow, mark the notebooks as slow, skip whole slow files in the fast tier, and let
each notebook record its results.

These run before any test imports TensorFlow, and notebook kernels started by nbval inherit them.
"""

import ast
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


def slow_throughout(path):
    """True if the test file at `path` marks every one of its tests slow: a module-level `pytestmark` that names
    `pytest.mark.slow` (alone or in a list)."""
    for node in ast.parse(pathlib.Path(path).read_bytes()).body:
        if isinstance(node, ast.Assign) and any(getattr(target, "id", None) == "pytestmark" for target in node.targets):
            return any(isinstance(mark, ast.Attribute) and ast.unparse(mark) == "pytest.mark.slow"
                       for mark in ast.walk(node.value))
    return False


def pytest_ignore_collect(collection_path, config):
    """The fast tier (`pytest -m "not slow"`, make check) does not import a test file that is slow throughout:
    importing the claims, classroom, hub, site and browser files only to deselect every test in them cost each
    worker about 2 s (collecting took 7.2-9.1 s with them, 5.6-7.2 s without). Any other selection collects
    every file as usual."""
    if (config.getoption("markexpr") == "not slow" and collection_path.suffix == ".py"
            and collection_path.name.startswith("test_") and slow_throughout(collection_path)):
        return True
    return None


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
