"""The package's shape: imports form a ladder, no function is longer than a screen.

A learner reading notebook 03 should find its code in one hop, and a change to one lesson should never reach
another. So every module sits on a level, and imports only from levels below; the lesson modules (level 4)
share a level and never import each other. A new module must be given a level here.
"""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parent.parent / "rnn_helpers"
LEVELS = {
    "__init__": 0, "_validation": 0, "_record": -1,  # _record: below __init__, which starts it under the test suite
    "data": 1, "numpy_rnn": 1, "progress": 1, "text": 1, "plotting": 1,  # plotting draws; it trains nothing
    "keras_rnn": 2, "stateful": 2, "fitting": 2, "scores": 2,
    "bptt": 3, "training": 3,
    "one_step": 4, "gradient_flow": 4, "memory": 4, "gates": 4, "forecast": 4, "reading": 4, "writing": 4, "translating": 4,
    "linear_recurrence": 4,
    "widgets": 5, "checks": 5, "forecast_cli": 5,
}
MAX_FUNCTION_LINES = 60
MODULES = sorted(path.stem for path in PACKAGE.glob("*.py"))


def package_imports(module):
    """The names of the package's modules that `module` imports (`from . import x`, `from .x import y`)."""
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    found = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.level == 1:
            found |= {alias.name for alias in node.names} if node.module is None else {node.module.split(".")[0]}
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rnn_helpers."):
            found.add(node.module.split(".")[1])
    return found & set(MODULES)


@pytest.mark.parametrize("module", MODULES)
def test_module_has_a_level(module):
    assert module in LEVELS, f"rnn_helpers/{module}.py has no level in LEVELS of tests/test_layout.py: add it."


@pytest.mark.parametrize("module", MODULES)
def test_imports_go_down_the_ladder(module):
    level = LEVELS[module]
    wrong = sorted(name for name in package_imports(module) if LEVELS.get(name, 99) >= level)
    assert not wrong, f"{module} (level {level}) imports {wrong}, which are not below it: move the shared code down."


@pytest.mark.parametrize("module", MODULES)
def test_no_function_is_longer_than_a_screen(module):
    tree = ast.parse((PACKAGE / f"{module}.py").read_text())
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{module}: split {long} into functions of at most {MAX_FUNCTION_LINES} lines."


def test_the_ladder_test_sees_real_imports():
    assert {"_validation", "keras_rnn", "numpy_rnn"} <= package_imports("bptt") | {"keras_rnn"}
    assert "training" in package_imports("memory")


# --- builder+trainer rules: every model through one builder ------------------------------------------------------
BUILDER = "keras_rnn"  # build_layer (every recurrent layer), build_model (every chain), build_graph (the rest)
# stateful_twin copies a built model (its layers' configs and weights): it makes no new architecture.
COPIES_A_MODEL = {"stateful"}
MODEL_MAKERS = {"Sequential", "Model", "SimpleRNN", "LSTM", "GRU", "RNN"}


def model_constructions(module):
    """`(line, what)` for every call in `module` that makes a Keras model or recurrent layer directly."""
    found = []
    for node in ast.walk(ast.parse((PACKAGE / f"{module}.py").read_text())):
        if not isinstance(node, ast.Call):
            continue
        called = ast.unparse(node.func)
        if called.startswith("keras.") and called.rsplit(".", 1)[-1] in MODEL_MAKERS:
            found.append((node.lineno, called))
        elif called.startswith("getattr(keras.layers,"):  # getattr(keras.layers, kind)(units): a layer by name
            found.append((node.lineno, called))
    return found


@pytest.mark.parametrize("module", sorted(set(MODULES) - {BUILDER} - COPIES_A_MODEL))
def test_no_model_is_built_outside_the_builder(module):
    made = model_constructions(module)
    assert not made, (f"{module} makes Keras models or recurrent layers itself at {made}: use "
                      f"rnn_helpers.{BUILDER}.build_layer / build_model / build_graph, the one builder.")


def test_the_builder_rule_sees_a_model_made_by_hand():
    assert {called for _, called in model_constructions(BUILDER)} >= {"keras.Sequential", "keras.Model"}
    assert model_constructions("stateful"), "the twin's copy should be visible to the rule (and exempted by name)"
