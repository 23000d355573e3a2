"""Test-wide settings: quiet TensorFlow, and mark the notebooks as slow.

These run before any test imports TensorFlow, and notebook kernels started by nbval inherit them.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")


def pytest_collection_modifyitems(items):
    """Every re-executed notebook (nbval) is slow: `pytest -m "not slow"` is the fast unit-test tier."""
    import pytest

    for item in items:
        if item.nodeid.endswith(".ipynb") or ".ipynb::" in item.nodeid:
            item.add_marker(pytest.mark.slow)
