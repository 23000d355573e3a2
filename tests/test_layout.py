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
    "cells": 0.5,  # the one table of cells: on _validation, below every module that names a cell
    "data": 1, "numpy_rnn": 1, "progress": 1, "text": 1,
    # the plotting subpackage draws and trains nothing: style, the shapes and figures on it, the diagrams on those
    "plotting.style": 1, "plotting.shapes": 1.2, "plotting.figures": 1.2, "plotting.cell_diagrams": 1.4,
    "plotting.network_diagrams": 1.4, "plotting": 1.6,
    "keras_rnn": 2, "stateful": 2, "fitting": 2, "scores": 2,
    "linear_recurrence": 2,  # notebook 09's maths (minimal cells, scans, attention, SSMs): its lessons stand on it
    "bptt": 3, "training": 3,
    "one_step": 4, "gradient_flow": 4, "memory": 4, "gates": 4, "forecast": 4, "reading": 4, "writing": 4,
    "min_gru": 4, "recurrence_costs": 4, "translating": 4,
    "widgets": 5, "checks": 5, "forecast_cli": 5,
}
MAX_FUNCTION_LINES = 60
# modules by dotted name below rnn_helpers: "numpy_rnn", and for a subpackage "plotting" and "plotting.style"
MODULES = sorted([path.stem for path in PACKAGE.glob("*.py")]
                 + [path.parent.name if path.stem == "__init__" else f"{path.parent.name}.{path.stem}"
                    for path in PACKAGE.glob("*/*.py")])


def source(module):
    """The file of a module of MODULES."""
    path = PACKAGE.joinpath(*module.split("."))
    return path / "__init__.py" if path.is_dir() else path.with_suffix(".py")


def package_imports(module):
    """The package's modules that `module` imports (`from . import x`, `from .x import y`, `from ..x import y`)."""
    path = source(module)
    package = [] if path.parent == PACKAGE else [path.parent.name]  # where `from .` points
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = package[:len(package) - node.level + 1] + (node.module.split(".") if node.module else [])
            targets = [base + [alias.name] for alias in node.names] if node.module is None else [base]
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("rnn_helpers."):
            targets = [node.module.split(".")[1:]]
        else:
            continue
        for target in targets:  # the longest dotted prefix that names a module: plotting.style, else plotting
            found |= {next((name for name in (".".join(target[:2]), target[0]) if name in MODULES), None)}
    return found - {None, module}


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
    tree = ast.parse(source(module).read_text())
    long = [f"{node.name} ({node.end_lineno - node.lineno + 1} lines)" for node in ast.walk(tree)
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef))
            and node.end_lineno - node.lineno + 1 > MAX_FUNCTION_LINES]
    assert not long, f"{module}: split {long} into functions of at most {MAX_FUNCTION_LINES} lines."


def test_the_ladder_test_sees_real_imports():
    assert {"_validation", "keras_rnn", "numpy_rnn"} <= package_imports("bptt") | {"keras_rnn"}
    assert "training" in package_imports("memory")
    assert {"plotting.style", "plotting.shapes", "numpy_rnn", "cells", "_validation"} <= package_imports(
        "plotting.cell_diagrams")
    assert {"plotting.style", "plotting.figures"} <= package_imports("plotting")


# --- one cell vocabulary (issue 22) -------------------------------------------------------------------------

def _cell_words():
    """Every way the package spells a cell: ids, Keras class names and the names figures show."""
    from rnn_helpers.cells import TABLE

    return {word for cell in TABLE.values() for word in (cell.id, cell.keras_class, cell.name) if word}


def _literals_naming_cells(tree, words):
    """Tuple, list, set and dict literals of module-level statements that spell two or more cells."""
    found = []
    for statement in tree.body:
        if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        for node in ast.walk(statement):
            items = (node.keys + node.values if isinstance(node, ast.Dict)
                     else node.elts if isinstance(node, (ast.Tuple, ast.List, ast.Set)) else [])
            named = {item.value for item in items if isinstance(item, ast.Constant) and item.value in words}
            if len(named) >= 2:
                found.append(f"line {node.lineno}: {sorted(named)}")
    return found


@pytest.mark.parametrize("module", [module for module in MODULES if module != "cells"])
def test_no_second_vocabulary_of_cells(module):
    found = _literals_naming_cells(ast.parse(source(module).read_text()), _cell_words())
    assert not found, (f"{module} lists cells itself at {found}: read them from rnn_helpers.cells "
                       "(e.g. cells.CLASSIC, cells.get(cell).keras_class) so that one table names every cell.")


def test_the_vocabulary_rule_sees_a_second_table():
    words = _cell_words()
    assert {"elman", "SimpleRNN", "Elman", "mingru"} <= words
    second = ast.parse('KINDS = ("SimpleRNN", "LSTM")\nSTYLE = {"Elman": "-", "GRU": ":"}\n'
                       'def f(cell):\n    return cell in ("elman", "jordan")\n')
    assert [line.split(":")[0] for line in _literals_naming_cells(second, words)] == ["line 1", "line 2"]


# --- no module over 500 lines (issue 22) -------------------------------------------------------------------

MAX_MODULE_LINES = 500


def module_lines(module):
    return len(source(module).read_text().splitlines())


def test_no_module_is_longer_than_500_lines():
    over = {module: module_lines(module) for module in MODULES if module_lines(module) > MAX_MODULE_LINES}
    assert not over, f"{over} are over {MAX_MODULE_LINES} lines: split each by job into modules of one job."


# --- the README's layout table names every module, and only modules that exist ------------------------------

def readme_layout_files():
    """The `name.py` files the README's "Layout" section lists under rnn_helpers/ (plotting's on its own line)."""
    import re

    readme = (PACKAGE.parent / "README.md").read_text()
    layout = readme.split("## Layout", 1)[1].split("\n## ", 1)[0]
    listed = layout.split("rnn_helpers/", 1)[1].split("\n    tests/", 1)[0]
    return set(re.findall(r"(?<![\w/])([a-z_]+)\.py\b", listed))


def test_the_readme_layout_lists_every_module_and_no_other():
    files = {path.stem for path in PACKAGE.rglob("*.py") if path.stem != "__init__"}
    listed = readme_layout_files()
    assert not files - listed, f"README's Layout does not describe {sorted(files - listed)}: add a row for each."
    assert not listed - files, f"README's Layout lists {sorted(listed - files)}, which rnn_helpers does not have."


# --- builder+trainer rules: every model through one builder ------------------------------------------------------
BUILDER = "keras_rnn"  # build_layer (every recurrent layer), build_model (every chain), build_graph (the rest)
# stateful_twin copies a built model (its layers' configs and weights): it makes no new architecture.
COPIES_A_MODEL = {"stateful"}
MODEL_MAKERS = {"Sequential", "Model", "SimpleRNN", "LSTM", "GRU", "RNN"}


def model_constructions(module):
    """`(line, what)` for every call in `module` that makes a Keras model or recurrent layer directly."""
    found = []
    for node in ast.walk(ast.parse(source(module).read_text())):
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
