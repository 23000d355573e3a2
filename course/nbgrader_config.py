"""nbgrader settings for the course's classroom assignments.

Run every instructor command from this folder (`cd course`), e.g. `nbgrader generate_assignment
02_elman_and_jordan`. Paths here are relative to this file, so the course can live anywhere.
"""

import os
import sys

from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearHiddenTests, GetGrades, IgnorePattern,
                                    LimitOutput, SaveAutoGrades)

HERE = os.path.dirname(os.path.abspath(__file__))
if HERE not in sys.path:
    sys.path.insert(0, HERE)  # the course's grading step below lives next to this file

from isolated_grading import GradeApart  # noqa: E402

c = get_config()  # noqa: F821 - provided by nbgrader when it reads this file

# The course: its id names the folder inside the exchange, so it must match the students' setting.
c.CourseDirectory.course_id = "rnn-course"
c.CourseDirectory.root = HERE

# The gradebook: one sqlite file inside the course folder (back it up with the course).
c.CourseDirectory.db_url = "sqlite:///" + os.path.join(HERE, "gradebook.db")

# The exchange: the folder through which assignments are released and submissions collected. On a
# shared server (JupyterHub) it must exist and be writable by everyone: see README.md.
c.Exchange.root = "/srv/nbgrader/exchange"

# Grading by construction (isolated_grading.py): no kernel runs the submission. Each graded test runs in a fresh
# Python process that holds only the student's definitions it needs, where the course's reference code and
# Keras's recurrent layers cannot be imported unless the task hands them out; its outputs (none if it passed,
# one error naming the test otherwise, nothing of a hidden test) are the grade. nbgrader 0.9's default list
# with its `Execute` step replaced.
c.Autograde.autograde_preprocessors = [
    GradeApart, IgnorePattern, ClearMetadataPreprocessor, LimitOutput, SaveAutoGrades, AssignLatePenalties,
    CheckCellMetadata,
]
# A test that runs longer than this many seconds fails (an endless loop costs only its own task). The slowest
# reference test, training a tiny stateful LSTM in assignment 06, takes a few seconds plus a Keras import.
c.GradeApart.timeout = 30

# Feedback: the test cells' outputs were written by the allowlist above; nbgrader's `ClearHiddenTests` then removes
# the hidden lines from the cells' source. Grades still count every hidden test. nbgrader 0.9's default list.
c.GenerateFeedback.preprocessors = [GetGrades, CSSHTMLHeaderPreprocessor, ClearHiddenTests]

# Each task's test cell carries its points; the student version says "YOUR CODE HERE" where the
# reference solution was.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
