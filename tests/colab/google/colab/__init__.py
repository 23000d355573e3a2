"""A stand-in for Colab's `google.colab` package, for `make test-colab` (imported at start by sitecustomize.py).

The notebooks' set-up cell checks only that `google.colab` is imported, as it is in every Colab kernel; with
this folder on PYTHONPATH it is, so the cell's Colab branch runs here: it pip-installs the course and wordfreq.
`google` stays a namespace package (no `__init__.py`), so `google.protobuf`, which TensorFlow imports, is found.
"""
