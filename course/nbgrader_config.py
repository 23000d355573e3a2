"""nbgrader settings for the course's classroom assignments.

Run every instructor command from this folder (`cd course`), e.g. `nbgrader generate_assignment
02_elman_jordan`. Paths here are relative to this file, so the course can live anywhere.
"""

import os

HERE = os.path.dirname(os.path.abspath(__file__))

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

# Each task's test cell carries its points; the student version says "YOUR CODE HERE" where the
# reference solution was.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
