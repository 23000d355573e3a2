"""Import the stand-in `google.colab` when Python starts, as Colab's kernels do (for `make test-colab` only)."""

import google.colab  # noqa: F401
