"""The whole classroom workflow of `course/`, on one machine, in a temporary folder.

An instructor generates and releases every assignment through a local exchange folder; four students
fetch and submit them — one hands in the reference solution, one the blank copy, one a copy with a single
deliberate mistake, one a copy that calls the course's reference code (or a Keras layer) in one task — a
fifth hands in a notebook that raises, loops forever and deletes a function the tests need, and a sixth
tries, in one task per assignment, a way around the grading (`WAYS_AROUND`: a copy of the package's
source, a saved code object, `importlib`, `sys.modules`, Keras reached by another path, patched tests).
The instructor collects, autogrades (`course/isolated_grading.py`: each test in a fresh process),
generates feedback and exports the grades. The tests then check the exact scores, that neither the student
version nor the feedback gives a hidden test away, and that nothing is lost.

Adding an assignment: add its folder to `course/source/` and one entry to each of `MISTAKES` and `SHORTCUTS`.

The workflow runs once per test session (module fixture), 32 autogrades, each a fresh grading process that
forks one child per test: mostly nbgrader's bookkeeping, the Keras imports of assignment 06, and 10 s the
deliberate endless loop. course/README.md gives per-submission grading times.
"""

import contextlib
import copy
import csv
import html.parser
import io
import json
import marshal
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest
import rnn_helpers.numpy_rnn
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit
from traitlets.config.loader import PyFileConfigLoader

pytestmark = [
    pytest.mark.slow,  # nbgrader runs a kernel per submission: minutes, not seconds
    # nbgrader's own database code warns about its session handling; that is not ours to fix.
    pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning"),
]

COURSE = pathlib.Path(__file__).resolve().parent.parent / "course"
sys.path.insert(0, str(COURSE))
import isolated_grading  # noqa: E402

ASSIGNMENTS = sorted(path.name for path in (COURSE / "source").iterdir() if path.is_dir())
SOLUTION_MARKERS = ("### BEGIN SOLUTION", "### END SOLUTION")
HIDDEN_MARKERS = ("### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS")

# One deliberate mistake per assignment: (solution cell, text to replace, replacement, test cell it fails).
# Each mistake sits in a function no other task calls, so exactly one task loses its points.
MISTAKES = {
    "01_perceptron_limits": ("fit_linear", "np.ones(len(X))", "np.zeros(len(X))", "test_fit_linear"),
    "02_elman_and_jordan": ("jordan_step", "y_t = h_t @ W_hy + b_y", "y_t = np.tanh(h_t @ W_hy + b_y)",
                            "test_jordan_step"),
    "03_bptt": ("elman_bptt", "dH[:, t] + dh_next", "dH[:, t]", "test_elman_bptt"),
    "04_lstm_gates": ("lstm_step", "z_i, z_f, z_c, z_o =", "z_f, z_i, z_c, z_o =", "test_lstm_step"),
    "05_gru_gates": ("gru_step", "(r_t * h_prev) @ U_h", "r_t * (h_prev @ U_h)", "test_gru_step"),
    "06_sine_forecast": ("train_stateful", "        model.layers[0].reset_state()\n", "", "test_train_stateful"),
    "07_reading_sequences": ("pad_and_mask", "ids[row, :len(word)]", "ids[row, longest - len(word):]",
                             "test_pad_and_mask"),
    "08_writing_sequences": ("greedy_decode", "        if next_id == end:\n            break\n        prefix.append(next_id)\n",
                             "        prefix.append(next_id)\n        if next_id == end:\n            break\n",
                             "test_greedy_decode"),
    "09_where_recurrence_went": ("min_gru_coefficients", "(1 - z) * h_tilde", "z * h_tilde",
                                 "test_min_gru_coefficients"),
}

# One shortcut per assignment: (solution cell, what the student writes instead, test cell it fails). Each
# calls the course's reference code or a Keras layer, which passes that task's tests when nothing is switched
# off (test_each_shortcut_passes_its_tests_when_nothing_is_switched_off); graded, it earns 0 for that task.
# Each sits in a function no other task calls, so exactly one task loses its points.
SHORTCUTS = {
    "01_perceptron_limits": ("make_windows", """
def make_windows(series, window):
    X, y = rh.data.lagged_pairs(np.asarray(series, dtype=float)[None, :], window)
    return X, y.ravel()
""", "test_make_windows"),
    "02_elman_and_jordan": ("jordan_step", """
from rnn_helpers.numpy_rnn import jordan_step as reference  # a copy taken before grading starts

def jordan_step(x_t, y_prev, W_xh, W_yh, b_h, W_hy, b_y):
    return reference(x_t, y_prev, {"W_xh": W_xh, "W_yh": W_yh, "b_h": b_h, "W_hy": W_hy, "b_y": b_y})
""", "test_jordan_step"),
    "03_bptt": ("elman_bptt", """
def elman_bptt(X, W_xh, W_hh, b_h, dH):
    units = W_hh.shape[0]
    params = {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h, "W_hy": np.eye(units), "b_y": np.zeros(units)}
    _, cache = rh.bptt.elman_forward_with_cache(X, params)
    grads = rh.bptt.elman_backward(dH, cache)
    return grads["W_xh"], grads["W_hh"], grads["b_h"]
""", "test_elman_bptt"),
    "04_lstm_gates": ("lstm_step", """
import keras

def lstm_step(x_t, h_prev, c_prev, W, U, b):
    cell = keras.layers.LSTMCell(W.shape[1] // 4, dtype="float64")
    cell.build((None, W.shape[0]))
    cell.set_weights([W, U, b])
    h_t, (_, c_t) = cell(x_t, [h_prev, c_prev])
    return np.asarray(h_t), np.asarray(c_t)
""", "test_lstm_step"),
    "05_gru_gates": ("gru_step", """
def gru_step(x_t, h_prev, W, U, b):
    blocks = zip(np.split(W, 3, axis=-1), np.split(U, 3, axis=-1), np.split(b, 3))
    params = dict(zip(rh.numpy_rnn.param_names("gru", reset_after=False), [w for block in blocks for w in block]))
    return rh.numpy_rnn.gru_step(x_t, h_prev, params, reset_after=False)[0]
""", "test_gru_step"),
    "06_sine_forecast": ("build_stateful_lstm", """
def build_stateful_lstm(units):
    model = rh.forecast.build_article_model(units)
    model.compile(loss="mse", optimizer="adam")
    return model
""", "test_build_stateful_lstm"),
    "07_reading_sequences": ("word_classifier_params", """
import keras

def word_classifier_params(alphabet_size, embedding_dim, kind, units, classes):
    model = keras.Sequential([keras.Input((None,)), keras.layers.Embedding(alphabet_size, embedding_dim),
                              getattr(keras.layers, kind)(units), keras.layers.Dense(classes)])
    return model.count_params()
""", "test_word_classifier_params"),
    "08_writing_sequences": ("bigram_top_k", """
import numpy as np
import rnn_helpers as rh

def bigram_top_k(words, previous, k):
    alphabet = rh.text.build_alphabet(words)
    table = rh.writing.letter_table(words, np.ones(len(words)), alphabet, context=1)
    symbol = {rh.text.START: START, rh.text.END: END, **{i: a for i, a in enumerate(alphabet) if i > rh.text.END}}
    ids = {s: i for i, s in symbol.items()}
    counts = table.get((ids.get(previous, -1),))
    if counts is None:
        return []
    ranked = sorted((s for i, s in symbol.items() if counts[i] > 0), key=lambda s: (-counts[ids[s]], s))
    return ranked[:k]
""", "test_bigram_top_k"),
    "09_where_recurrence_went": ("scan", """
import rnn_helpers as rh

def scan(a, b):
    return rh.linear_recurrence.hillis_steele_scan(a, b)
""", "test_scan"),
}

# One way around the grading per assignment (06 has no recurrent layer to steal that its tasks do not hand
# out): (solution cell, what the student writes instead, test cell it fails). Each passes that task's tests
# when nothing guards them (test_each_way_around_works_when_nothing_guards_it); graded, it earns 0 for that
# task and every other task keeps its points. Each sits in a function no other task calls.
JORDAN_CODE = marshal.dumps(rnn_helpers.numpy_rnn.jordan_step.__wrapped__.__code__)  # the body, not its checks
WAYS_AROUND = {
    "01_perceptron_limits": ("fit_linear", """
def fit_linear(X, y):  # patches the checks the tests use, then returns anything
    np.allclose = np.isclose = lambda *args, **kwargs: True
    np.testing.assert_allclose = lambda *args, **kwargs: None
    return np.zeros(np.shape(X)[1]), 0.0
""", "test_fit_linear"),
    "02_elman_and_jordan": ("jordan_step", f"""
import marshal, types

# rh.numpy_rnn.jordan_step's code object, saved at home with marshal.dumps(...__code__)
_unchecked = lambda cell, x_t, states, params: (x_t, list(states.values()), params)
_saved = types.FunctionType(marshal.loads({JORDAN_CODE!r}), {{"np": np, "_check_step": _unchecked}})

def jordan_step(x_t, y_prev, W_xh, W_yh, b_h, W_hy, b_y):
    return _saved(x_t, y_prev, {{"W_xh": W_xh, "W_yh": W_yh, "b_h": b_h, "W_hy": W_hy, "b_y": b_y}})
""", "test_jordan_step"),
    "03_bptt": ("elman_bptt", """
import importlib

def elman_bptt(X, W_xh, W_hh, b_h, dH):  # the reference, fetched by its name when called
    bptt = importlib.import_module("rnn_helpers.bptt")
    units = W_hh.shape[0]
    params = {"W_xh": W_xh, "W_hh": W_hh, "b_h": b_h, "W_hy": np.eye(units), "b_y": np.zeros(units)}
    _, cache = bptt.elman_forward_with_cache(X, params)
    grads = bptt.elman_backward(dH, cache)
    return grads["W_xh"], grads["W_hh"], grads["b_h"]
""", "test_elman_bptt"),
    "04_lstm_gates": ("lstm_step", """
import tensorflow as tf  # Keras's LSTMCell, reached through TensorFlow's name for Keras

def lstm_step(x_t, h_prev, c_prev, W, U, b):
    cell = tf.keras.layers.LSTMCell(W.shape[1] // 4, dtype="float64")
    cell.build((None, W.shape[0]))
    cell.set_weights([W, U, b])
    h_t, (_, c_t) = cell(x_t, [h_prev, c_prev])
    return np.asarray(h_t), np.asarray(c_t)
""", "test_lstm_step"),
    "05_gru_gates": ("gru_step", """
import inspect

# a private copy of the package's source, made before any test runs
_copy = {"__name__": "rnn_helpers.numpy_rnn", "__package__": "rnn_helpers"}
exec(inspect.getsource(rh.numpy_rnn), _copy)

def gru_step(x_t, h_prev, W, U, b):
    blocks = zip(np.split(W, 3, axis=-1), np.split(U, 3, axis=-1), np.split(b, 3))
    params = dict(zip(_copy["param_names"]("gru", reset_after=False), [w for block in blocks for w in block]))
    return _copy["gru_step"](x_t, h_prev, params, reset_after=False)[0]
""", "test_gru_step"),
    "07_reading_sequences": ("word_classifier_params", """
import sys

def word_classifier_params(alphabet_size, embedding_dim, kind, units, classes):
    keras = sys.modules.get("keras") or __import__("keras")  # Keras, however it can be had
    layer = keras.layers.deserialize({"module": "keras.layers", "class_name": kind, "config": {"units": units}})
    model = keras.Sequential([keras.Input((None,)), keras.layers.Embedding(alphabet_size, embedding_dim),
                              layer, keras.layers.Dense(classes)])
    return model.count_params()
""", "test_word_classifier_params"),
    "08_writing_sequences": ("bigram_top_k", """
import sys, types

sys.modules["isolated_grading"] = types.SimpleNamespace()  # a fake grader, should the grading import one

def bigram_top_k(words, previous, k):
    rh = sys.modules.get("rnn_helpers") or __import__("rnn_helpers")
    alphabet = rh.text.build_alphabet(words)
    table = rh.writing.letter_table(words, np.ones(len(words)), alphabet, context=1)
    symbol = {rh.text.START: START, rh.text.END: END, **{i: a for i, a in enumerate(alphabet) if i > rh.text.END}}
    ids = {s: i for i, s in symbol.items()}
    counts = table.get((ids.get(previous, -1),))
    if counts is None:
        return []
    ranked = sorted((s for i, s in symbol.items() if counts[i] > 0), key=lambda s: (-counts[ids[s]], s))
    return ranked[:k]
""", "test_bigram_top_k"),
}

# The misbehaving submission of assignment 02: elman_step is right, elman_forward loops forever,
# jordan_step is right but then deleted, elman_parameter_count raises.
BAD_ASSIGNMENT = "02_elman_and_jordan"
BAD_CELLS = {
    "elman_forward": "def elman_forward(X, W_xh, W_hh, b_h):\n    while True:  # never stops\n        pass\n",
    "elman_parameter_count": "def elman_parameter_count(features, units):\n    return features * units / 0\n",
}
BAD_POINTS = {"test_elman_step": 2, "test_elman_forward": 0, "test_jordan_step": 0, "test_elman_parameter_count": 0}

LOOP_TIMEOUT = 10  # seconds; the course's own timeout is in course/nbgrader_config.py

STUDENTS = ("alice_solution", "bob_blank", "carol_mistake", "erin_shortcut")
BAD_STUDENT = "dave_misbehaves"
WAY_AROUND_STUDENT = "frank_way_around"


def source_notebook(assignment):
    return nbformat.read(COURSE / "source" / assignment / f"{assignment}.ipynb", as_version=4)


def nbgrader_meta(cell):
    return cell.metadata.get("nbgrader", {})


def points_by_test(assignment):
    """`{test cell id: points}` read from the source notebook's nbgrader metadata."""
    return {nbgrader_meta(c)["grade_id"]: nbgrader_meta(c)["points"]
            for c in source_notebook(assignment).cells if nbgrader_meta(c).get("grade")}


def strip_markers(source):
    return "".join(line for line in source.splitlines(keepends=True) if line.strip() not in SOLUTION_MARKERS)


def block_lines(source, markers):
    """The lines strictly between each pair of `markers` in `source`, stripped, non-empty."""
    lines, inside = [], False
    for line in source.splitlines():
        if line.strip() == markers[0]:
            inside = True
        elif line.strip() == markers[1]:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def fill_in(notebook_path, assignment, replace):
    """Write each solution cell of a fetched notebook: `replace(grade_id, reference_source) -> source`."""
    reference = {nbgrader_meta(c)["grade_id"]: strip_markers(c.source)
                 for c in source_notebook(assignment).cells if nbgrader_meta(c).get("solution")}
    notebook = nbformat.read(notebook_path, as_version=4)
    for cell in notebook.cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = replace(nbgrader_meta(cell)["grade_id"], reference[nbgrader_meta(cell)["grade_id"]])
    nbformat.write(notebook, notebook_path)


def solution(grade_id, reference):
    return reference


def mistake_for(assignment):
    cell_id, old, new, _ = MISTAKES[assignment]

    def replace(grade_id, reference):
        if grade_id != cell_id:
            return reference
        assert old in reference, f"the mistake for {assignment} no longer matches its solution"
        return reference.replace(old, new)

    return replace


def shortcut_for(assignment, table=SHORTCUTS):
    cell_id, shortcut, _ = table[assignment]
    return lambda grade_id, reference: shortcut if grade_id == cell_id else reference


def misbehave(grade_id, reference):
    if grade_id == "jordan_step":
        return reference + "\n\ndel jordan_step  # 'tidy up'\n"
    return BAD_CELLS.get(grade_id, reference)


@pytest.fixture(scope="module")
def classroom(tmp_path_factory):
    """Run the whole class workflow once; return the course folder, the gradebook URL, the config."""
    root = tmp_path_factory.mktemp("classroom")
    course, exchange = root / "course", root / "exchange"
    shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(
        "release", "submitted", "autograded", "feedback", "gradebook.db", "grades.csv", ".ipynb_checkpoints"))
    exchange.mkdir()
    # Keep every Jupyter/nbgrader file inside the temporary folder (CI may run as root).
    env = {"HOME": root / "home", "JUPYTER_CONFIG_DIR": root / "jupyter_config",
           "JUPYTER_DATA_DIR": root / "jupyter_data", "JUPYTER_RUNTIME_DIR": root / "jupyter_runtime"}
    saved = {name: os.environ.get(name) for name in [*env, "PATH"]}
    for name, path in env.items():
        path.mkdir()
        os.environ[name] = str(path)
    # nbgrader runs the `alembic` command that sits next to this Python, as an activated venv would.
    os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ.get("PATH", "")

    config = PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config()
    config.Exchange.root = str(exchange)
    config.Exchange.cache = str(root / "nbgrader_cache")
    try:
        api = NbGraderAPI(config=config)

        # The endless loop waits for the execution timeout; a shorter one keeps this test quick.
        impatient = copy.deepcopy(config)
        impatient.GradeApart.timeout = LOOP_TIMEOUT
        impatient_api = NbGraderAPI(config=impatient)

        def instructor(step, *args):
            outcome = getattr(impatient_api if BAD_STUDENT in args else api, step)(*args)
            assert outcome["success"], f"nbgrader {step}{args} failed:\n{outcome.get('error')}\n{outcome.get('log')}"

        for assignment in ASSIGNMENTS:
            instructor("generate_assignment", assignment)
            instructor("release_assignment", assignment)

        # Who hands in what: {student: {assignment: how the solution cells are filled in (None = blank)}}
        handed_in = {
            "alice_solution": {a: solution for a in ASSIGNMENTS},
            "bob_blank": {a: None for a in ASSIGNMENTS},
            "carol_mistake": {a: mistake_for(a) for a in ASSIGNMENTS},
            "erin_shortcut": {a: shortcut_for(a) for a in ASSIGNMENTS},
            BAD_STUDENT: {BAD_ASSIGNMENT: misbehave},
            WAY_AROUND_STUDENT: {a: shortcut_for(a, WAYS_AROUND) for a in WAYS_AROUND},
        }
        for student, work in handed_in.items():
            home = root / "students" / student
            home.mkdir(parents=True)
            for assignment, fill in work.items():
                student_config = copy.deepcopy(config)
                student_config.CourseDirectory.root = str(home)
                student_config.CourseDirectory.student_id = student
                student_config.CourseDirectory.assignment_id = assignment
                student_config.Exchange.assignment_dir = str(home)
                coursedir = CourseDirectory(config=student_config)
                authenticator = Authenticator(config=student_config)
                ExchangeFetchAssignment(coursedir=coursedir, authenticator=authenticator,
                                        config=student_config).start()
                if fill is not None:
                    fill_in(home / assignment / f"{assignment}.ipynb", assignment, fill)
                ExchangeSubmit(coursedir=coursedir, authenticator=authenticator, config=student_config).start()

        for assignment in ASSIGNMENTS:
            instructor("collect", assignment)
            for student in [*STUDENTS, *([BAD_STUDENT] if assignment == BAD_ASSIGNMENT else []),
                            *([WAY_AROUND_STUDENT] if assignment in WAYS_AROUND else [])]:
                instructor("autograde", assignment, student)
            instructor("generate_feedback", assignment)

        # Export with the command-line tool, which finds nbgrader_config.py in the working directory.
        export = subprocess.run([sys.executable, "-m", "nbgrader", "export"], cwd=course,
                                capture_output=True, text=True, timeout=120)
        assert export.returncode == 0, export.stderr
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return {"course": course, "db_url": config.CourseDirectory.db_url, "config": config}


def grades(classroom, assignment, student):
    """`(score, max_score, {test id: score})` of one submission, read from the gradebook."""
    with Gradebook(classroom["db_url"]) as gradebook:
        submission = gradebook.find_submission(assignment, student)
        notebook = gradebook.find_submission_notebook(assignment, assignment, student)
        return submission.score, submission.max_score, {grade.name: grade.score for grade in notebook.grades}


def test_every_assignment_has_at_least_three_graded_tasks_with_hidden_tests():
    assert [a[:2] for a in ASSIGNMENTS] == [f"{n:02d}" for n in range(1, len(ASSIGNMENTS) + 1)]
    assert sorted(MISTAKES) == sorted(SHORTCUTS) == ASSIGNMENTS, "each assignment needs a mistake and a shortcut"
    for assignment in ASSIGNMENTS:
        cells = source_notebook(assignment).cells
        tests = [c for c in cells if nbgrader_meta(c).get("grade")]
        assert len(tests) >= 3, f"{assignment} has {len(tests)} graded tasks"
        for cell in tests:
            assert nbgrader_meta(cell)["points"] > 0 and nbgrader_meta(cell)["locked"]
            assert block_lines(cell.source, HIDDEN_MARKERS), f"{assignment}: {cell.source[:60]} has no hidden tests"
            visible = cell.source.split(HIDDEN_MARKERS[0])[0]
            assert "assert" in visible, f"{assignment}: {nbgrader_meta(cell)['grade_id']} has no visible test"


def test_config_keeps_the_gradebook_in_the_course_and_sets_a_timeout(classroom):
    assert classroom["db_url"] == "sqlite:///" + str(classroom["course"] / "gradebook.db")
    assert (classroom["course"] / "gradebook.db").is_file()
    assert classroom["config"].GradeApart.timeout > LOOP_TIMEOUT


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_student_version_gives_nothing_away(classroom, assignment):
    released = (classroom["course"] / "release" / assignment / f"{assignment}.ipynb").read_text()
    source = source_notebook(assignment)
    for marker in (*SOLUTION_MARKERS, *HIDDEN_MARKERS):
        assert marker not in released
    secret = []
    for cell in source.cells:
        secret += block_lines(cell.source, SOLUTION_MARKERS) + block_lines(cell.source, HIDDEN_MARKERS)
    # A secret line may only appear in the student version if it also appears outside the secret blocks.
    outside = "\n".join(line.strip() for c in source.cells for line in _outside_blocks(c.source))
    checked = [line for line in secret if line not in outside]
    assert len(checked) >= 6, f"{assignment}: too few distinctive solution/test lines to check"
    released_lines = {line.strip() for line in "\n".join(
        c.source for c in nbformat.reads(released, as_version=4).cells).splitlines()}
    leaked = [line for line in checked if line in released_lines]
    assert not leaked, f"{assignment}: the student version contains solution or hidden test lines: {leaked}"
    stubs = [c for c in nbformat.reads(released, as_version=4).cells
             if c.cell_type == "code" and "raise NotImplementedError()" in c.source]
    assert len(stubs) == sum(bool(nbgrader_meta(c).get("solution")) for c in source.cells)


def _outside_blocks(source, markers=(SOLUTION_MARKERS, HIDDEN_MARKERS)):
    """The lines of `source` outside every block opened and closed by one of the `markers` pairs."""
    inside = False
    for line in source.splitlines():
        if line.strip() in [begin for begin, _ in markers]:
            inside = True
        elif line.strip() in [end for _, end in markers]:
            inside = False
        elif not inside:
            yield line


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_reference_solution_gets_full_marks(classroom, assignment):
    points = points_by_test(assignment)
    score, max_score, by_test = grades(classroom, assignment, "alice_solution")
    assert max_score == sum(points.values())
    assert by_test == points
    assert score == max_score


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_blank_copy_gets_zero(classroom, assignment):
    score, max_score, by_test = grades(classroom, assignment, "bob_blank")
    assert max_score == sum(points_by_test(assignment).values())
    assert by_test == {test: 0 for test in points_by_test(assignment)}
    assert score == 0


def assert_loses_exactly(classroom, assignment, student, lost_test):
    """`student` scored every task of `assignment` in full but `lost_test`, which earned 0."""
    points = points_by_test(assignment)
    score, _, by_test = grades(classroom, assignment, student)
    assert by_test == {test: 0 if test == lost_test else p for test, p in points.items()}
    assert score == sum(points.values()) - points[lost_test]


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_one_mistake_loses_exactly_its_task(classroom, assignment):
    assert_loses_exactly(classroom, assignment, "carol_mistake", MISTAKES[assignment][3])


def test_raising_looping_and_deleting_cost_only_their_own_tasks(classroom):
    score, max_score, by_test = grades(classroom, BAD_ASSIGNMENT, BAD_STUDENT)
    assert by_test == BAD_POINTS  # every task has a grade: nothing is lost
    assert score == sum(BAD_POINTS.values()) and max_score == sum(points_by_test(BAD_ASSIGNMENT).values())
    graded = nbformat.read(classroom["course"] / "autograded" / BAD_STUDENT / BAD_ASSIGNMENT
                           / f"{BAD_ASSIGNMENT}.ipynb", as_version=4)
    errors = {nbgrader_meta(c).get("grade_id"): [o.ename for o in c.outputs if o.output_type == "error"]
              for c in graded.cells if c.cell_type == "code"}
    assert errors["test_elman_step"] == []
    assert errors["test_elman_forward"] == ["TimeoutError"]
    assert errors["test_jordan_step"] == ["NameError"]
    assert errors["test_elman_parameter_count"] == ["ZeroDivisionError"]


def test_feedback_for_every_submission(classroom):
    for student in STUDENTS:
        for assignment in ASSIGNMENTS:
            page = classroom["course"] / "feedback" / student / assignment / f"{assignment}.html"
            assert page.is_file() and page.stat().st_size > 0, f"no feedback at {page}"
    assert (classroom["course"] / "feedback" / BAD_STUDENT / BAD_ASSIGNMENT / f"{BAD_ASSIGNMENT}.html").is_file()
    assert not list((classroom["course"] / "feedback").rglob("no_shortcuts.py")), "the grading switch went out"


def test_export_lists_every_submission_with_its_score(classroom):
    with open(classroom["course"] / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    exported = {(row["assignment"], row["student_id"]): float(row["score"]) for row in rows}
    for assignment in ASSIGNMENTS:
        for student in STUDENTS:
            assert exported[(assignment, student)] == grades(classroom, assignment, student)[0]
    assert exported[(BAD_ASSIGNMENT, BAD_STUDENT)] == sum(BAD_POINTS.values())



@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_shortcut_passes_its_tests_when_nothing_is_switched_off(assignment):
    """Without the grading switch, the shortcut would earn full points: it is a real shortcut."""
    test_id = SHORTCUTS[assignment][2]
    namespace = {}
    for cell in source_notebook(assignment).cells:
        if cell.cell_type != "code":
            continue
        source = strip_markers(cell.source)
        if nbgrader_meta(cell).get("solution"):
            source = shortcut_for(assignment)(nbgrader_meta(cell)["grade_id"], source)
        with contextlib.redirect_stdout(io.StringIO()):
            exec(compile(source, f"{assignment}/{nbgrader_meta(cell).get('grade_id', 'cell')}", "exec"), namespace)
        if nbgrader_meta(cell).get("grade_id") == test_id:
            return  # the task's visible and hidden tests passed
    pytest.fail(f"{assignment} has no test cell {test_id}")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_calling_the_reference_earns_nothing_for_that_task_only(classroom, assignment):
    test_id = SHORTCUTS[assignment][2]
    assert_loses_exactly(classroom, assignment, "erin_shortcut", test_id)
    graded = nbformat.read(classroom["course"] / "autograded" / "erin_shortcut" / assignment / f"{assignment}.ipynb",
                           as_version=4)
    errors = [o for c in graded.cells if nbgrader_meta(c).get("grade_id") == test_id for o in c.outputs
              if o.output_type == "error"]
    assert [e.ename for e in errors] == [isolated_grading.RULE_ERROR], errors  # caught before anything runs
    assert "reference code" in errors[0].evalue or "recurrent layers" in errors[0].evalue or \
        "may import only" in errors[0].evalue, errors[0].evalue


class _PageText(html.parser.HTMLParser):
    """The text a browser shows of an HTML page (no styles or scripts), entities decoded."""

    def __init__(self):
        super().__init__()
        self.parts, self.skipping = [], 0

    def handle_starttag(self, tag, attrs):
        self.skipping += tag in ("style", "script")

    def handle_endtag(self, tag):
        self.skipping -= tag in ("style", "script")

    def handle_data(self, data):
        if not self.skipping:
            self.parts.append(data)


def page_text(path):
    parser = _PageText()
    parser.feed(path.read_text())
    return "".join(parser.parts).replace("\xa0", " ")


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_feedback_quotes_no_hidden_test(classroom, assignment):
    source = source_notebook(assignment)
    # A hidden line may only appear if it also appears outside the hidden blocks (a solution, a visible test).
    outside = "\n".join(line.strip() for c in source.cells for line in _outside_blocks(c.source, (HIDDEN_MARKERS,)))
    secret = [line for c in source.cells for line in block_lines(c.source, HIDDEN_MARKERS) if line not in outside]
    assert len(secret) >= 6, f"{assignment}: too few distinctive hidden test lines to check"
    students = [*STUDENTS, *([BAD_STUDENT] if assignment == BAD_ASSIGNMENT else [])]
    for student in students:
        text = page_text(classroom["course"] / "feedback" / student / assignment / f"{assignment}.html")
        shown = [line.strip() for line in text.splitlines()]
        # quoted as a line of code, or in a traceback after its line number ("---> 12 np.testing...")
        leaked = [line for line in secret if any(s == line or s.endswith(" " + line) for s in shown)]
        assert not leaked, f"{student}'s feedback on {assignment} quotes hidden tests: {leaked}"
        score, max_score, _ = grades(classroom, assignment, student)  # the grade still counts the hidden tests
        assert f"{assignment} (Score: {float(score)} / {float(max_score)})" in text, (student, assignment)


def test_feedback_says_when_a_hidden_test_failed_without_quoting_it(classroom):
    pages = [page_text(classroom["course"] / "feedback" / "carol_mistake" / a / f"{a}.html") for a in ASSIGNMENTS]
    assert any(isolated_grading.HIDDEN_FAILED in text for text in pages)




@pytest.mark.parametrize("assignment", sorted(WAYS_AROUND))
def test_each_way_around_earns_nothing_for_its_task_only(classroom, assignment):
    assert_loses_exactly(classroom, assignment, WAY_AROUND_STUDENT, WAYS_AROUND[assignment][2])


def filled_cells(assignment, replace, up_to):
    """`[(label, source)]` of the source notebook's nbgrader cells (setup, answers, tests) up to the test `up_to`,
    answers from `replace`; the self-checks and demonstrations between them are left out."""
    cells = []
    for cell in source_notebook(assignment).cells:
        if cell.cell_type == "code" and nbgrader_meta(cell):
            source = strip_markers(cell.source)
            if nbgrader_meta(cell).get("solution"):
                source = replace(nbgrader_meta(cell)["grade_id"], source)
            cells.append((nbgrader_meta(cell).get("grade_id", "cell"), source))
            if nbgrader_meta(cell).get("grade_id") == up_to:
                return cells
    raise AssertionError(f"{assignment} has no test cell {up_to}")


# Runs cells one after the other in one namespace, as a kernel would, with nothing guarding the tests.
UNGUARDED = """
import contextlib, io, json, sys
namespace = {}
for label, source in json.load(sys.stdin):
    with contextlib.redirect_stdout(io.StringIO()):
        exec(compile(source, label, "exec"), namespace)
print("reached", label)
"""


@pytest.mark.parametrize("assignment", sorted(WAYS_AROUND))
def test_each_way_around_works_when_nothing_guards_it(assignment):
    """In a plain kernel the way around passes its task's visible and hidden tests: it is a real way around.

    Each runs in its own process: a patched numpy must not leak into other tests.
    """
    test_id = WAYS_AROUND[assignment][2]
    cells = filled_cells(assignment, shortcut_for(assignment, WAYS_AROUND), test_id)
    run = subprocess.run([sys.executable, "-c", UNGUARDED], input=json.dumps(cells), capture_output=True, text=True,
                         timeout=300)
    assert run.returncode == 0 and run.stdout.split() == ["reached", test_id], run.stderr[-2000:]


def grading_parts_of(assignment, replace):
    """`{test id: (setup, answer, findings, allowed, test source)}` of the filled-in source notebook."""
    cells = [copy.deepcopy(c) for c in source_notebook(assignment).cells]
    for cell in cells:
        if nbgrader_meta(cell).get("solution"):
            cell.source = replace(nbgrader_meta(cell)["grade_id"], strip_markers(cell.source))
    return {nbgrader_meta(c)["grade_id"]: (*isolated_grading.grading_parts(cells[:i], assignment,
                                                                           nbgrader_meta(c)["grade_id"], c.source),
                                           c.source)
            for i, c in enumerate(cells) if nbgrader_meta(c).get("grade")}


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_each_shortcut_fails_in_its_fresh_process_even_without_the_static_check(assignment):
    """The second guard alone: the fresh process cannot import the reference code, nor build a Keras layer."""
    test_id = SHORTCUTS[assignment][2]
    setup, answer, findings, allowed, source = grading_parts_of(assignment, shortcut_for(assignment))[test_id]
    assert findings, "the static check flags every shortcut"
    result = isolated_grading.run_apart(setup, answer, source, allowed, test_id, timeout=120)
    assert result["part"] in ("answer", "visible", "hidden"), result
    assert result["ename"] in ("ImportError", "NotImplementedError"), result
    assert f"cannot be used while {test_id} is graded" in result["evalue"]


def test_student_program_takes_only_the_definitions_the_test_needs():
    answers = ["import numpy as np\nhelper = 2\nexec('helper = 3')\n\ndef f(a):\n    return g(a) * helper\n",
               "def g(a):\n    return a\n\nunused = np.zeros(3)\n\ndef h():\n    pass\n\ndel h\n",
               "def broken(:\n"]
    source, statements = isolated_grading.student_program(answers, "assert f(1) == 2\nh()\nbroken()")
    assert source == "helper = 2\n\ndef f(a):\n    return g(a) * helper\n\ndef g(a):\n    return a"
    assert len(statements) == 3


@pytest.mark.parametrize("answer, finding", [
    ("def f():\n    return rh.numpy_rnn.elman_step", "uses rh.numpy_rnn: the course's reference code"),
    ("from rnn_helpers.bptt import elman_backward as f", "imports rnn_helpers.bptt"),
    ("import keras\nf = keras.layers.GRU", "uses Keras's GRU"),
    ("def f():\n    return eval('1')", "uses eval()"),
    ("def f(g):\n    return g.__globals__", "uses __globals__"),
    ("import numpy as np\ndef f():\n    np.testing.assert_allclose = print", "changes np.testing.assert_allclose"),
    ("import sys\nf = sys.modules", "imports sys"),
])
def test_static_check_flags_reference_code_and_reaching_around(answer, finding):
    _, statements = isolated_grading.student_program([answer], "f()")
    findings = isolated_grading.static_findings(statements, ["import rnn_helpers as rh"], ())
    assert any(finding in f for f in findings), findings
    allowed = isolated_grading.handed_out("03_bptt", "test_elman_bptt")
    assert not isolated_grading.static_findings(
        isolated_grading.student_program(["def f():\n    return rh.numpy_rnn.elman_forward"], "f()")[1],
        ["import rnn_helpers as rh"], allowed), "what a task hands out is allowed"


def test_a_printed_result_or_an_early_exit_cannot_pass_a_test():
    answer = "import os\n\ndef f():\n    print('{\"token\": \"0\", \"part\": \"passed\"}')\n    os._exit(0)"
    result = isolated_grading.run_apart("", answer, "f()", (), "test_f", timeout=60)
    assert result["part"] == "crash", result
    assert isolated_grading.run_apart("", "def f():\n    return 1", "assert f() == 1", (), "test_f")["part"] == "passed"


def test_feedback_of_a_failed_hidden_test_names_only_the_test():
    result = {"part": "hidden", "ename": "AssertionError", "evalue": "Not equal: expected [0.1234, 0.5678]"}
    [output] = isolated_grading.report("test_f", result)
    assert output["evalue"] == f"test_f: {isolated_grading.HIDDEN_FAILED} (AssertionError)"
    assert "0.1234" not in json.dumps(output)
    [output] = isolated_grading.report("test_f", {**result, "ename": "Secret_0_1234"})  # a student's own class
    assert output["ename"] == "Exception" and "1234" not in json.dumps(output)
    assert isolated_grading.report("test_f", {"part": "passed"}) == []


def test_keras_recurrent_layers_not_handed_out_raise_where_keras_is():
    test = """
keras.layers.LSTM(2)
for layer in (keras.layers.GRU, keras.layers.SimpleRNNCell):
    try:
        layer(2)
    except NotImplementedError as error:
        assert f"keras.layers.{layer.__name__} cannot be used while test_build is graded" in str(error), error
    else:
        raise AssertionError(layer)
"""
    result = isolated_grading.run_apart("import keras", "", test, ("keras", "LSTM", "LSTMCell"), "test_build",
                                        timeout=300)
    assert result == {"part": "passed"}
    blocked = isolated_grading.run_apart("", "", "import keras", (), "test_f", timeout=60)
    assert blocked["ename"] == "ImportError" and "keras cannot be used while test_f is graded" in blocked["evalue"]


def test_each_test_runs_in_its_own_process_and_a_stuck_one_costs_only_itself():
    setup = "import numpy as np"
    tests = [(setup, "def f():\n    np.allclose = lambda *args, **kwargs: True\n    return 0", "assert f() == 0", (),
              "test_a"),
             (setup, "def g():\n    while True:\n        pass", "g()", (), "test_b"),
             (setup, "", "assert not np.allclose(0, 1), 'the patch made in test_a reached test_c'", (), "test_c")]
    results = isolated_grading.run_all_apart(tests, timeout=5)
    assert [result["part"] for result in results] == ["passed", "timeout", "passed"], results
