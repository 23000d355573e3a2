"""Grading by construction: each graded test runs in a fresh Python process that holds only the student's code.

Every student has `rnn_helpers` installed, and it holds the course's own answers (`rh.numpy_rnn.elman_step`,
`rh.bptt.elman_backward`, the self-checks' references, ...); Keras has the recurrent layers themselves. A
kernel that the student's code has run in can be bent in many ways (a private copy of the reference made
before grading, a faked module in `sys.modules`, a patched `np.testing`), so `nbgrader autograde` runs no
kernel at all. For each graded test cell, `GradeApart`:

1. **takes only what the test needs** (`student_program`): read with `ast` from the student's answer cells
   above the test, the last definition of each name the test uses (a `def`, a `class`, an assignment, an
   import) and, in turn, of each name those use — nothing else. Statements that only run something
   (`exec(...)`, a self-check call) are left out, `del name` is obeyed. The instructor's locked setup cells
   are read by the same rule (so a numpy task does not wait for a Keras import);
2. **checks it** (`static_findings`): the student's part may not name the course's reference modules
   (`rh.numpy_rnn`, `import rnn_helpers.bptt`, ...) or Keras's recurrent layers unless the task hands them
   out (`HANDED_OUT`), may import only `STUDENT_IMPORTS`, and may not use the tools that reach around a
   program (`exec`, `getattr`, dunder attributes, `sys.modules`, ...) nor change a module's attributes;
3. **runs it apart** (`run_all_apart`): a fresh `python` process per submission, in an empty folder, imports
   what the instructor's setup needs (Keras, where handed out) and forks one child per test; nothing of the
   student's runs in that parent, so each test starts clean. In the child the reference modules and Keras
   cannot be imported (and Keras's recurrent layers, where Keras is handed out, raise); it runs the setup,
   the student's definitions, the visible tests, then the hidden tests;
4. **reports by allowlist**: a passed test has no output; a failed one has one error output that names the
   test and says whether a visible or a hidden test failed, with the message only for a visible test (its
   lines are in the student's copy). Nothing of a hidden test's source, values or printed output leaves
   the grading process.

nbgrader scores a graded cell by its outputs (an error: 0 points), so these outputs are the grades.
"""

import ast
import builtins
import contextlib
import json
import os
import queue
import secrets
import signal
import subprocess
import sys
import tempfile
import threading
import time

import nbformat
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Integer

# What a task hands to the student on purpose: (assignment, test cell id) -> importable modules and Keras layer
# names. Keras brings its backend (TensorFlow) with it.
HANDED_OUT = {
    # the task gives the forward pass, `rh.numpy_rnn.elman_forward`; the student writes the backward pass
    ("03_bptt", "test_elman_bptt"): ("rnn_helpers.numpy_rnn",),
    # the setup cell imports Keras; two tasks build and train a Keras LSTM (an LSTM layer runs its LSTMCell)
    ("06_sine_forecast", "test_make_stateful_data"): ("keras",),
    ("06_sine_forecast", "test_build_stateful_lstm"): ("keras", "LSTM", "LSTMCell"),
    ("06_sine_forecast", "test_train_stateful"): ("keras", "LSTM", "LSTMCell"),
}
PACKAGE = "rnn_helpers"
KERAS_RECURRENT = ("SimpleRNN", "SimpleRNNCell", "LSTM", "LSTMCell", "GRU", "GRUCell")
FRAMEWORKS = ("keras", "tensorflow", "tf_keras", "jax", "torch")  # importable only with "keras" handed out
# What an answer may import (besides what its task hands out): numpy and plain standard-library maths.
STUDENT_IMPORTS = ("numpy", "math", "cmath", "collections", "itertools", "functools", "operator", "string",
                   "statistics", "fractions", "random")
# Names that reach around a program: running text as code, reading or changing another object's insides.
ESCAPES = ("exec", "eval", "compile", "__import__", "open", "getattr", "setattr", "delattr", "globals",
           "locals", "vars", "breakpoint", "input", "memoryview")
DUNDERS_ALLOWED = ("__init__", "__name__", "__doc__", "__len__", "__call__", "__repr__")

BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
RULE_ERROR = "GradingRuleError"  # the error name of a task whose answer broke a rule of `static_findings`
HIDDEN_FAILED = "a hidden test failed; its lines and values are not shown"


def handed_out(assignment, test):
    """The modules and Keras layers the task `(assignment, test)` hands to the student."""
    return HANDED_OUT.get((assignment, test), ())


# --- 1. what the test needs ---------------------------------------------------------------------------------

def _loaded_names(node):
    """Every plain name `node` reads (over-inclusive on purpose: a name a test defines itself costs nothing)."""
    return {n.id for n in ast.walk(node) if isinstance(n, ast.Name)}


def _bound_names(statement):
    """Names a top-level statement defines, or None if it defines nothing (it only runs something)."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(alias.asname or alias.name).split(".")[0] for alias in statement.names}
    targets = {ast.Assign: lambda s: s.targets, ast.AnnAssign: lambda s: [s.target],
               ast.AugAssign: lambda s: [s.target]}.get(type(statement))
    if targets is None:
        return None
    names = {n.id for target in targets(statement) for n in ast.walk(target)
             if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Store)}
    return names or None  # `np.x = ...` defines no name of its own


def student_program(answer_sources, test_source):
    """The part of `answer_sources` that `test_source` needs: the definitions it uses, in notebook order.

    Args:
        answer_sources: the student's answer cells above the test, in notebook order (also used for the
            instructor's setup cells: a test then imports only what it needs).
        test_source: the test cell, hidden tests included.

    Returns:
        `(source, statements)`: the student's part as text, and its statements (for `static_findings`).
        An answer cell that is not valid Python contributes nothing.
    """
    latest = {}  # name -> (cell, statement index, statement)
    for cell, source in enumerate(answer_sources):
        try:
            statements = ast.parse(source).body
        except SyntaxError:
            continue
        for index, statement in enumerate(statements):
            if isinstance(statement, ast.Delete):
                for name in _loaded_names(statement):
                    latest.pop(name, None)
            for name in _bound_names(statement) or ():
                latest[name] = (cell, index, statement)
    wanted, chosen = _loaded_names(ast.parse(test_source)), {}
    while wanted:
        name = wanted.pop()
        if name in latest and latest[name][:2] not in chosen:
            cell, index, statement = latest[name]
            chosen[(cell, index)] = statement
            wanted |= {n for n in _loaded_names(statement) if n in latest and latest[n][:2] not in chosen}
    statements = [chosen[key] for key in sorted(chosen)]
    return "\n\n".join(ast.unparse(s) for s in statements), statements


# --- 2. the rules an answer keeps -----------------------------------------------------------------------------

def _module_aliases(sources):
    """`{name: module}` of every `import module as name` in `sources` (the setup's `rh`, the student's own)."""
    aliases = {}
    for source in sources:
        for node in ast.walk(ast.parse(source)):
            for alias in node.names if isinstance(node, ast.Import) else ():
                module = alias.name if alias.asname else alias.name.split(".")[0]
                aliases[alias.asname or module] = module
    return aliases


def _dotted(node):
    """`rh.numpy_rnn.elman_step` for an attribute chain on a plain name, else None."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    return ".".join([node.id, *reversed(parts)]) if isinstance(node, ast.Name) else None


def static_findings(statements, setup_sources, allowed):
    """What in the student's part of a test breaks the course's rules: a list of sentences, empty if none.

    Args:
        statements: the student's statements (`student_program(...)[1]`).
        setup_sources: the instructor's setup cells (they tell which name is `rnn_helpers`).
        allowed: what the task hands out (`handed_out(...)`).
    """
    modules = {**_module_aliases(setup_sources), **_module_aliases(ast.unparse(s) for s in statements)}
    importable = (*STUDENT_IMPORTS, *[a for a in allowed if a[0].islower()])
    findings = []
    for statement in statements:
        label = ", ".join(sorted(_bound_names(statement)))

        def flag(node, what):
            findings.append(f"{label} (line {node.lineno} of its cell) {what}")

        for node in ast.walk(statement):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                for name in [node.module] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]:
                    if not any(name == m or name.startswith(m + ".") for m in importable) or getattr(node, "level", 0):
                        flag(node, f"imports {name or '.'}: a graded answer may import only "
                                   f"{', '.join(importable)}")
            elif isinstance(node, ast.Name) and node.id in ESCAPES:
                flag(node, f"uses {node.id}(): a graded answer may not run text as code or reach into other objects")
            elif isinstance(node, (ast.Attribute, ast.Name)):
                name = node.attr if isinstance(node, ast.Attribute) else node.id
                dotted = _dotted(node) if isinstance(node, ast.Attribute) else None
                root = dotted and modules.get(dotted.split(".")[0])
                if name.startswith("__") and name.endswith("__") and name not in DUNDERS_ALLOWED:
                    flag(node, f"uses {name}: a graded answer may not reach into an object's insides")
                elif name in KERAS_RECURRENT and name not in allowed:
                    flag(node, f"uses Keras's {name}: this task must be solved without Keras's recurrent layers")
                elif root == PACKAGE and isinstance(node.value, ast.Name) and \
                        f"{PACKAGE}.{node.attr}" not in allowed:
                    flag(node, f"uses {dotted}: the course's reference code, which this task must do without")
            if isinstance(node, (ast.Assign, ast.AugAssign, ast.AnnAssign, ast.Delete)):
                for target in getattr(node, "targets", None) or [node.target]:
                    dotted = _dotted(target) if isinstance(target, ast.Attribute) else None
                    if dotted and dotted.split(".")[0] in modules:
                        flag(node, f"changes {dotted}: a graded answer may not change a module")
    return list(dict.fromkeys(findings))


# --- 3. running apart ---------------------------------------------------------------------------------------------

# The grading process, started fresh for each submission: reads the jobs from stdin, imports what the
# instructor's setup needs (Keras, where handed out: its import is most of a Keras test's time), then forks one
# child per test, one after the other. Nothing of the student's runs in the parent, so every child starts
# clean and holds only its own test. A child blocks imports, runs its parts and writes JSON lines signed with
# its job's token (a student's print cannot fake a result without it): "started", "ready" after the setup,
# then the result.
_GRADER = r"""
import importlib.abc, json, os, sys

def run(job):
    token, blocked, allowed, message = job.pop("token"), job["blocked"], job["allowed"], job["message"]

    def report(**result):
        sys.__stdout__.write("\n" + json.dumps({"token": token, **result}) + "\n")
        sys.__stdout__.flush()

    report(part="started", pid=os.getpid())
    # the input checks (rnn_helpers._*) and the table of cell names (rnn_helpers.cells) hold no answers
    is_blocked = lambda name: (any(name == b or name.startswith(b + ".") for b in blocked) and name not in allowed
                               and not name.startswith(("rnn_helpers._", "rnn_helpers.cells")))

    class Blocker(importlib.abc.MetaPathFinder):
        def find_spec(self, name, path=None, target=None):
            if is_blocked(name):
                raise ImportError(message.format(name=name), name=name)

    for name in [name for name in sys.modules if is_blocked(name)]:
        del sys.modules[name]  # loaded by the parent for another test: this one must import (and be refused)
    sys.meta_path.insert(0, Blocker())
    if job["keras"]:
        import keras
        for layer in job["keras_off"]:
            cls = getattr(keras.layers, layer)
            def stub(self, *args, _name=f"keras.layers.{layer}", **kwargs):
                raise NotImplementedError(message.format(name=_name))
            cls.__init__ = stub
            if "call" in vars(cls):
                cls.call = stub
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    for part in ("setup", "answer", "visible", "hidden"):
        if part == "answer":
            report(part="ready")  # the test's time starts now
        try:
            exec(compile(job[part], f"<{part}>", "exec"), namespace)
        except BaseException as error:
            report(part=part, ename=type(error).__name__, evalue=str(error))
            return
    report(part="passed")

def main(jobs):
    if any(job["keras"] for job in jobs):
        import keras  # the instructor's choice, before any student code
    for index in range(len(jobs)):
        pid = os.fork()
        if pid == 0:
            job = jobs[index]
            jobs.clear()  # no other test's token stays in this child
            try:
                run(job)
            finally:
                sys.__stdout__.flush()
                os._exit(0)
        os.waitpid(pid, 0)

main(json.loads(sys.stdin.read()))
"""


def run_apart(setup, answer, test_source, allowed, test, timeout=30, setup_timeout=300, python=sys.executable):
    """Run one test apart (`run_all_apart` with one test); return its result."""
    return run_all_apart([(setup, answer, test_source, allowed, test)], timeout, setup_timeout, python)[0]


def run_all_apart(tests, timeout=30, setup_timeout=300, python=sys.executable):
    """Run tests, each in its own fresh process holding only the instructor's setup, the student's part, the test.

    Args:
        tests: `(setup, answer, test_source, allowed, test)` for each test: the instructor's setup code, the
            student's part (`student_program(...)[0]`), the test cell (its lines between the hidden-test
            markers run after the visible ones), what the task hands out (`handed_out(...)`), the test's id.
        timeout: seconds the student's part and the test may take before the test is stopped.
        setup_timeout: seconds Python's start and the instructor's setup may take (a Keras import on a busy
            grader takes most of a minute); they do not count against `timeout`.

    Returns:
        For each test, `{"part": "passed"}`, or `{"part": "setup"|"answer"|"visible"|"hidden"|"timeout"|"crash",
        "ename", "evalue"}` for the first part that failed.
    """
    jobs = [_job(*test) for test in tests]
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen([python, "-P", "-c", _GRADER], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                   stderr=subprocess.DEVNULL, text=True, cwd=folder, start_new_session=True)
        try:
            process.stdin.write(json.dumps(jobs))
            process.stdin.close()
            return _signed_results(process, [job["token"] for job in jobs], setup_timeout, timeout)
        finally:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def _job(setup, answer, test_source, allowed, test):
    visible, hidden = _split_hidden(test_source)
    keras = "keras" in allowed and any("keras" in part for part in (setup, answer, test_source))
    return {"token": secrets.token_hex(16), "setup": setup, "answer": answer, "visible": visible, "hidden": hidden,
            "blocked": [m for m in (PACKAGE, *FRAMEWORKS) if not ("keras" in allowed and m in FRAMEWORKS[:2])],
            "allowed": [a for a in allowed if a[0].islower()] + [PACKAGE], "keras": keras,
            "keras_off": [layer for layer in KERAS_RECURRENT if layer not in allowed],
            "message": f"{{name}} cannot be used while {test} is graded: a graded task must be solved by your own "
                       f"code, not by the course's reference code or Keras's recurrent layers."}


def _signed_results(process, tokens, setup_timeout, timeout):
    """Each test's result line, signed with its token; a test gets `setup_timeout` s to be ready, then `timeout` s."""
    signed = queue.Queue()

    def read():  # only signed lines are kept: a flood of printed output costs no memory
        for line in iter(lambda: process.stdout.readline(1 << 16), ""):
            if line.startswith('{"token": "'):
                with contextlib.suppress(ValueError):
                    signed.put(json.loads(line))
        signed.put(None)

    threading.Thread(target=read, daemon=True).start()
    results = []
    for token in tokens:
        deadline, limit, pid = time.monotonic() + setup_timeout, setup_timeout, None
        while len(results) < len(tokens) and results[-1:] != [None]:
            try:
                line = signed.get(timeout=max(0.0, deadline - time.monotonic()))
            except queue.Empty:
                results.append({"part": "timeout", "ename": "TimeoutError", "evalue": f"stopped after {limit} s"})
                if pid is None:
                    os.killpg(process.pid, signal.SIGKILL)  # stuck before its test started: end the grading
                else:
                    os.kill(pid, signal.SIGKILL)  # the next test starts in a new child
                break
            if line is None:
                results.append(None)  # the grading process ended: this test and the rest have no result
            elif line.pop("token") == token:
                if line["part"] == "started":
                    pid = line["pid"]
                elif line["part"] == "ready":
                    deadline, limit = time.monotonic() + timeout, timeout
                else:
                    results.append(line)
                    break
    crash = {"part": "crash", "ename": "SystemExit", "evalue": "the test ended without a result"}
    return [result or crash for result in results] + [crash] * (len(tokens) - len(results))


def _split_hidden(source):
    """`(visible, hidden)`: the test cell without and with only its hidden-test lines (line numbers kept)."""
    visible, hidden, inside = [], [], False
    for line in source.splitlines():
        if line.strip() in (BEGIN, END):
            inside, line = line.strip() == BEGIN, ""
        (hidden if inside else visible).append(line)
        (visible if inside else hidden).append("")
    return "\n".join(visible), "\n".join(hidden)


def report(test, result):
    """The outputs a test cell gets for its result: none if it passed, else one error by the allowlist."""
    if result["part"] == "passed":
        return []
    ename = result["ename"] if result["ename"] in vars(builtins) or result["ename"] == RULE_ERROR else "Exception"
    if result["part"] == "hidden":
        evalue = f"{test}: {HIDDEN_FAILED} ({ename})"
    else:
        evalue = f"{test}: {result['evalue']}"
    return [{"output_type": "error", "ename": ename, "evalue": evalue, "traceback": [f"{ename}: {evalue}"]}]


# --- 4. the nbgrader step --------------------------------------------------------------------------------------

class GradeApart(NbGraderPreprocessor):
    """nbgrader autograde step: grade every test cell by `static_findings` and `run_all_apart`; set its outputs."""

    timeout = Integer(30, help="seconds one test may run before it fails").tag(config=True)
    setup_timeout = Integer(300, help="seconds Python's start and the instructor's setup may take").tag(config=True)

    def preprocess(self, nb, resources):
        assignment = resources["nbgrader"]["assignment"]
        results, to_run = {}, {}
        for index, cell in enumerate(nb.cells):
            meta = cell.metadata.get("nbgrader", {})
            if cell.cell_type == "code" and meta.get("grade") and not meta.get("solution"):
                setup, answer, findings, allowed = grading_parts(nb.cells[:index], assignment, meta["grade_id"],
                                                                 cell.source)
                if findings:
                    results[index] = {"part": "answer", "ename": RULE_ERROR, "evalue": "; ".join(findings)}
                else:
                    to_run[index] = (setup, answer, cell.source, allowed, meta["grade_id"])
        results.update(zip(to_run, run_all_apart(list(to_run.values()), self.timeout, self.setup_timeout)))
        for index, result in results.items():
            cell = nb.cells[index]
            cell.outputs = [nbformat.from_dict(o) for o in report(cell.metadata["nbgrader"]["grade_id"], result)]
            cell.execution_count = None
        return nb, resources


def grading_parts(above, assignment, test, source):
    """What grading one test cell needs: `(setup, answer, findings, allowed)`.

    Args:
        above: the notebook's cells above the test cell (the instructor's locked cells, the student's answers).
        assignment, test: the assignment's folder name and the test cell's id.
        source: the test cell's source, hidden tests included.

    Returns:
        The instructor's setup code and the student's code the test needs (`student_program`), the rules
        the student's code breaks (`static_findings`), and what the task hands out (`handed_out`).
    """
    def kind(cell):
        meta = cell.metadata.get("nbgrader", {}) if cell.cell_type == "code" else {}
        if meta.get("solution"):
            return "answer"
        return "setup" if meta.get("locked") and not meta.get("grade") else None

    setup = [c.source for c in above if kind(c) == "setup"]
    answer, statements = student_program([c.source for c in above if kind(c) == "answer"], source)
    allowed = handed_out(assignment, test)
    needed_setup = student_program(setup, source + "\n" + answer)[0]  # the instructor's, by the same rule
    return needed_setup, answer, static_findings(statements, setup, allowed), allowed
