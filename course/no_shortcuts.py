"""While a task is graded, the course's reference code is switched off, so only the student's own work scores.

Every student has `rnn_helpers` installed, and it holds the course's own answers (`rh.numpy_rnn.elman_step`,
`rh.bptt.elman_backward`, the self-checks' references, ...); Keras has the recurrent layers themselves. A
function that calls them would pass the hidden tests without doing the task. So `nbgrader autograde` runs
every graded test cell with this switch on (see `prepare_tests` and `nbgrader_config.py`):

- every function and class in the public modules of `rnn_helpers` (their private helpers included; private
  modules such as `_validation` hold no answers and stay on), and Keras's recurrent layers and cells, raise
  `NotImplementedError("... is switched off while <test> is graded ...")`. The stub replaces the code inside
  the function, so a copy the student took earlier (`from rnn_helpers.numpy_rnn import elman_step as ref`)
  is switched off too;
- a module of `rnn_helpers`, or Keras, that is not loaded yet cannot be imported until the cell ends;
- what a task hands to the student on purpose stays on: `ALLOWED` lists it, per task;
- after the cell, everything is restored, so self-checks and later tasks work as before.

A student who calls the reference gets an error in that task's test and 0 points for it; the other tasks
still grade. The students' copies never contain this switch: their self-checks work while they study.

This file needs only the standard library: nbgrader imports it to prepare the notebooks, and the grading
kernel imports the copy `prepare_tests` puts next to each graded notebook.
"""

import importlib.abc
import os
import shutil
import sys
import types

# The Keras classes that compute a recurrent layer; switched off unless a task allows them.
KERAS_RECURRENT = (
    "keras.layers.SimpleRNN", "keras.layers.SimpleRNNCell",
    "keras.layers.LSTM", "keras.layers.LSTMCell",
    "keras.layers.GRU", "keras.layers.GRUCell",
)

# What a task hands to the student, so it stays on while that task is graded:
# (assignment, test cell id) -> module names (every function in them) or "module.Class" names.
ALLOWED = {
    # the task gives the forward pass, `rh.numpy_rnn.elman_forward`; the student writes the backward pass
    ("03_bptt", "test_elman_bptt"): ("rnn_helpers.numpy_rnn",),
    # the tasks build and train a Keras LSTM (an LSTM layer runs its LSTMCell)
    ("06_sine_forecast", "test_build_stateful_lstm"): ("keras.layers.LSTM", "keras.layers.LSTMCell"),
    ("06_sine_forecast", "test_train_stateful"): ("keras.layers.LSTM", "keras.layers.LSTMCell"),
}

PACKAGE = "rnn_helpers"


def switch_off(assignment, test):
    """Switch the reference code off for one graded test; return a function that switches it back on.

    In a Jupyter kernel the switch also turns itself back on when the current cell ends, however it ends
    (passed, failed, interrupted).

    Args:
        assignment: the assignment folder name, e.g. `"02_elman_and_jordan"`.
        test: the graded test cell's id, e.g. `"test_elman_step"`.

    Returns:
        `restore()`, which undoes every change; calling it twice does nothing the second time.
    """
    allowed = ALLOWED.get((assignment, test), ())
    message = (f"{{name}} is switched off while {test} is graded: a graded task must be solved by your own "
               f"code, not by the course's reference code or Keras's recurrent layers.")
    undo = []
    for name, owner, attribute in _targets(allowed):
        undo.append(_stub(owner, attribute, message.format(name=name)))
    blocker = _ImportBlocker(allowed, message)
    sys.meta_path.insert(0, blocker)
    undo.append(lambda: sys.meta_path.remove(blocker))

    def restore():
        while undo:
            undo.pop()()

    shell = _ipython()
    if shell is not None:
        def after_cell(result):
            shell.events.unregister("post_run_cell", after_cell)
            restore()

        shell.events.register("post_run_cell", after_cell)
    return restore


def _targets(allowed):
    """`(name, owner, attribute)` of every loaded function or method to switch off."""
    for module_name, module in sorted(sys.modules.items()):
        if module is None or not _is_switched_off_module(module_name) or module_name in allowed:
            continue
        for attribute, value in sorted(vars(module).items()):
            if getattr(value, "__module__", None) != module_name or f"{module_name}.{attribute}" in allowed:
                continue  # imported from elsewhere, or allowed
            if isinstance(value, type):
                yield from _class_targets(f"{module_name}.{attribute}", value)
            elif callable(value):
                yield f"{module_name}.{attribute}", module, attribute
    if "keras" in sys.modules:
        layers = sys.modules["keras"].layers
        for name in KERAS_RECURRENT:
            if name not in allowed:
                yield from _class_targets(name, getattr(layers, name.rsplit(".", 1)[1]))


def _class_targets(name, cls):
    """A class cannot be built (`__init__`) or run (`call`, `__call__`) while it is switched off."""
    yield name, cls, "__init__"
    for method in ("call", "__call__"):
        if method in vars(cls):
            yield f"{name}.{method}", cls, method


def _stub(owner, attribute, message):
    """Make `owner.attribute` raise `NotImplementedError(message)`; return the function that undoes it."""
    original = vars(owner).get(attribute)
    stub = _raising(message, method=isinstance(owner, type))
    if isinstance(original, types.FunctionType) and not original.__closure__:
        # Swap the code inside the function object: every reference to it, however obtained, now raises.
        code = original.__code__
        original.__code__ = stub.__code__
        return lambda: setattr(original, "__code__", code)
    setattr(owner, attribute, stub)  # a method using super(), a decorated function, or an inherited method
    if original is None:
        return lambda: delattr(owner, attribute)  # uncovers the inherited one again
    return lambda: setattr(owner, attribute, original)


def _raising(message, method):
    """A function `stub(*args, **kwargs)` that raises `NotImplementedError(message)`, message built in.

    A method's stub names its first argument `self`, as Keras expects of a layer's `__init__`.
    """
    namespace = {}
    arguments = "self, *args, **kwargs" if method else "*args, **kwargs"
    exec(f"def stub({arguments}):\n    raise NotImplementedError({message!r})\n", namespace)
    return namespace["stub"]


class _ImportBlocker(importlib.abc.MetaPathFinder):
    """Refuses to import, until restored, the `rnn_helpers` modules not loaded yet and (if not loaded) Keras."""

    def __init__(self, allowed, message):
        self.allowed, self.message = allowed, message
        self.keras_blocked = "keras" not in sys.modules and not any(name.startswith("keras.") for name in allowed)

    def find_spec(self, name, path=None, target=None):
        """Called for modules that are not loaded yet: raise for the blocked ones, leave the rest to Python."""
        if name.split(".")[0] == "keras":
            blocked = self.keras_blocked
        else:
            blocked = _is_switched_off_module(name) and name not in self.allowed
        if blocked:
            raise ImportError(self.message.format(name=name), name=name)
        return None


def _is_switched_off_module(name):
    """Public modules of the package: `rnn_helpers.numpy_rnn` yes, `rnn_helpers._validation` no."""
    return name.startswith(PACKAGE + ".") and not name.split(".")[1].startswith("_")


def _ipython():
    try:
        return get_ipython()  # noqa: F821 - defined inside IPython kernels only
    except NameError:
        return None


def prepare_tests(nb, resources):
    """nbgrader autograde step (before Execute): each graded test cell switches the reference code off first.

    Puts a copy of this file next to the notebook being graded (the grading kernel's working folder), and
    adds one line at the top of every graded cell:

        import no_shortcuts; no_shortcuts.switch_off("<assignment>", "<test id>")  # added for grading

    Args:
        nb: the notebook, with the instructor's test cells already put back by nbgrader.
        resources: nbgrader's resources; `resources["nbgrader"]["assignment"]` names the assignment and
            `resources["metadata"]["path"]` is the folder the kernel runs in.

    Returns:
        `(nb, resources)`, as nbconvert expects from a preprocessor.
    """
    assignment = resources["nbgrader"]["assignment"]
    shutil.copy(__file__, os.path.join(resources["metadata"]["path"], "no_shortcuts.py"))
    for cell in nb.cells:
        nbgrader = cell.metadata.get("nbgrader", {})
        if cell.cell_type == "code" and nbgrader.get("grade"):
            cell.source = (f"import no_shortcuts; no_shortcuts.switch_off({assignment!r}, {nbgrader['grade_id']!r})"
                           f"  # added for grading\n{cell.source}")
    return nb, resources
