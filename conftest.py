"""Test-wide settings: quiet TensorFlow.

These run before any test imports TensorFlow, and notebook kernels started by nbval inherit them.
"""

import os

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
