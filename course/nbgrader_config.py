"""nbgrader settings for the course's classroom assignments.

Run every instructor command from this folder (`cd course`), e.g. `nbgrader generate_assignment
02_elman_and_jordan`. Paths here are relative to this file, so the course can live anywhere.
"""

import os
import sys

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, Execute, GetGrades,
                                    IgnorePattern, LimitOutput, SaveAutoGrades)

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)  # the course's two grading steps below live next to this file

import hidden_feedback  # noqa: E402
import no_shortcuts  # noqa: E402

c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file

# The course: its id names the folder inside the exchange, so it must match the students' setting.
c.CourseDirectory.course_id = "rnn-course"
c.CourseDirectory.root = HERE

# The gradebook: one sqlite file inside the course folder (back it up with the course).
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")

# The exchange: the folder through which assignments are released and submissions collected. On a
# shared server (JupyterHub) it must exist and be writable by everyone: see README.md.
c.Exchange.root = "/srv/nbgrader/exchange"

# Autograding runs every submitted cell; stop a cell after this many seconds (an endless loop then
# costs its task's points and the rest of the notebook still grades). The slowest reference cell,
# training a tiny stateful LSTM in assignment 06, takes a few seconds.
c.Execute.timeout = 30
c.Execute.interrupt_on_timeout = True
# If an interrupted cell is slow to stop (busy inside compiled code), go on with the next cell instead of
# abandoning the whole notebook.
c.Execute.raise_on_iopub_timeout = False

# No shortcut: while a graded test cell runs, rnn_helpers and Keras's recurrent layers are switched off, so a
# task solved by calling the course's reference code earns nothing (no_shortcuts.py). The list is nbgrader
# 0.9's default with that step first.
c.Autograde.autograde_preprocessors = [
    no_shortcuts.prepare_tests, Execute, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades,
    AssignLatePenalties, CheckCellMetadata,
]

# The switch's copy next to each graded notebook is not the student's: never copy it into feedback (nor a
# file of that name from a submission into the grading folder).
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback", "no_shortcuts.py"]

# No hidden test in feedback: outputs that quote a hidden test are withheld, then the hidden lines removed
# (hidden_feedback.py). Grades still count every hidden test. nbgrader 0.9's default list, two steps added.
c.GenerateFeedback.preprocessors = [
    GetGrades, CSSHTMLHeaderPreprocessor, hidden_feedback.hide_hidden_test_outputs, ClearHiddenTests,
]

# Each task's test cell carries its points; the student version says "YOUR CODE HERE" where the
# reference solution was.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
