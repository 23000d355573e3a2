"""The whole classroom workflow of `course/`, on one machine, in a temporary folder.

An instructor generates and releases every assignment through a local exchange folder; three students
fetch and submit them — one hands in the reference solution, one the blank copy, one a copy with a single
deliberate mistake — and a fourth hands in a notebook that raises, loops forever and deletes a function
the tests need. The instructor collects, autogrades, generates feedback and exports the grades. The tests
then check the exact scores, that the student version gives nothing away, and that nothing is lost.

The workflow runs once per test session (module fixture): about 125–150 s on a busy 2-core machine (load 6),
mostly kernels starting, a third of it assignment 06 importing Keras, and 10 s the deliberate endless loop.
"""

import copy
import csv
import os
import pathlib
import shutil
import subprocess
import sys

import nbformat
import pytest
from nbgrader.api import Gradebook
from nbgrader.apps import NbGraderAPI
from nbgrader.auth import Authenticator
from nbgrader.coursedir import CourseDirectory
from nbgrader.exchange.default import ExchangeFetchAssignment, ExchangeSubmit
from traitlets.config.loader import PyFileConfigLoader

# nbgrader's own database code warns about its session handling; that is not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::sqlalchemy.exc.SAWarning")

COURSE = pathlib.Path(__file__).resolve().parent.parent / "course"
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

STUDENTS = ("alice_solution", "bob_blank", "carol_mistake")
BAD_STUDENT = "dave_misbehaves"


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
        impatient.Execute.timeout = LOOP_TIMEOUT
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
            BAD_STUDENT: {BAD_ASSIGNMENT: misbehave},
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
            for student in [*STUDENTS, *([BAD_STUDENT] if assignment == BAD_ASSIGNMENT else [])]:
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
    assert [a[:2] for a in ASSIGNMENTS] == ["01", "02", "03", "04", "05", "06"]
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
    assert classroom["config"].Execute.timeout > LOOP_TIMEOUT
    assert classroom["config"].Execute.interrupt_on_timeout is True


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


def _outside_blocks(source):
    inside = False
    for line in source.splitlines():
        if line.strip() in (SOLUTION_MARKERS[0], HIDDEN_MARKERS[0]):
            inside = True
        elif line.strip() in (SOLUTION_MARKERS[1], HIDDEN_MARKERS[1]):
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


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_one_mistake_loses_exactly_its_task(classroom, assignment):
    points = points_by_test(assignment)
    broken = MISTAKES[assignment][3]
    score, _, by_test = grades(classroom, assignment, "carol_mistake")
    assert by_test == {test: 0 if test == broken else p for test, p in points.items()}
    assert score == sum(points.values()) - points[broken]


def test_raising_looping_and_deleting_cost_only_their_own_tasks(classroom):
    score, max_score, by_test = grades(classroom, BAD_ASSIGNMENT, BAD_STUDENT)
    assert by_test == BAD_POINTS  # every task has a grade: nothing is lost
    assert score == sum(BAD_POINTS.values()) and max_score == sum(points_by_test(BAD_ASSIGNMENT).values())
    graded = nbformat.read(classroom["course"] / "autograded" / BAD_STUDENT / BAD_ASSIGNMENT
                           / f"{BAD_ASSIGNMENT}.ipynb", as_version=4)
    errors = {nbgrader_meta(c).get("grade_id"): [o.ename for o in c.outputs if o.output_type == "error"]
              for c in graded.cells if c.cell_type == "code"}
    assert errors["test_elman_step"] == []
    assert errors["test_elman_forward"] and errors["test_elman_forward"][0] in ("KeyboardInterrupt", "CellTimeoutError")
    assert errors["test_jordan_step"] == ["NameError"]
    assert errors["test_elman_parameter_count"] == ["ZeroDivisionError"]


def test_feedback_for_every_submission(classroom):
    for student in STUDENTS:
        for assignment in ASSIGNMENTS:
            page = classroom["course"] / "feedback" / student / assignment / f"{assignment}.html"
            assert page.is_file() and page.stat().st_size > 0, f"no feedback at {page}"
    assert (classroom["course"] / "feedback" / BAD_STUDENT / BAD_ASSIGNMENT / f"{BAD_ASSIGNMENT}.html").is_file()


def test_export_lists_every_submission_with_its_score(classroom):
    with open(classroom["course"] / "grades.csv", newline="") as handle:
        rows = list(csv.DictReader(handle))
    exported = {(row["assignment"], row["student_id"]): float(row["score"]) for row in rows}
    for assignment in ASSIGNMENTS:
        for student in STUDENTS:
            assert exported[(assignment, student)] == grades(classroom, assignment, student)[0]
    assert exported[(BAD_ASSIGNMENT, BAD_STUDENT)] == sum(BAD_POINTS.values())

