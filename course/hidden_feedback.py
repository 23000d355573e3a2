"""Feedback without the hidden tests: what `nbgrader generate_feedback` hands back to students.

nbgrader's feedback page shows each graded test cell as it ran, hidden tests included, and a failed hidden
test's traceback quotes its lines and the numbers it expected. This course's hidden tests compute the
reference answers, so after one feedback release every student (and next year's class) would have them.
`nbgrader_config.py` therefore runs two steps before the page is written:

1. `hide_hidden_test_outputs` (this file): any output of a graded cell that quotes a hidden-test line — a
   traceback, a warning — is replaced by one line saying which error a hidden test raised (with its
   message, unless it is an assertion's, which the test wrote);
2. nbgrader's own `ClearHiddenTests`: the hidden lines are removed from the cell.

Grades are untouched: they were saved by `nbgrader autograde`, which ran the hidden tests in full.
"""

import re

BEGIN, END = "BEGIN HIDDEN TESTS", "END HIDDEN TESTS"  # nbgrader's markers, as ClearHiddenTests finds them
ANSI_COLOUR = re.compile(r"\x1b\[[0-9;]*m")
WITHHELD = "(details not shown: they quote a hidden test)"


def hidden_lines(source):
    """The non-empty lines between the hidden-test markers of a cell's source, stripped."""
    lines, inside = [], False
    for line in source.splitlines():
        if BEGIN in line:
            inside = True
        elif END in line:
            inside = False
        elif inside and line.strip():
            lines.append(line.strip())
    return lines


def _text(output):
    """Every string an output shows, without terminal colours."""
    parts = [output.get("text", ""), output.get("evalue", ""), *output.get("traceback", [])]
    parts += [str(value) for value in output.get("data", {}).values()]
    return ANSI_COLOUR.sub("", "\n".join(parts))


def _withhold(output):
    """Replace an output's text by WITHHELD; an error keeps its type, and its message unless a test wrote it.

    An `AssertionError`'s message comes from the test (numpy's lists the expected numbers); other errors
    come from the student's code or from the grading switch ("... is switched off while ... is graded"),
    and their messages are the student's to read.
    """
    if output.output_type == "error":
        message = "" if output.ename == "AssertionError" else f": {output.evalue}"
        output.traceback = [f"{output.ename} in a hidden test{message} {WITHHELD}"]
        output.evalue = f"{output.evalue if message else ''} {WITHHELD}".strip()
    elif output.output_type == "stream":
        output.text = WITHHELD + "\n"
    else:
        output.data = {"text/plain": WITHHELD}
        output.metadata = {}


def hide_hidden_test_outputs(nb, resources):
    """nbgrader feedback step: withhold each output of a graded cell that quotes one of its hidden lines.

    Args:
        nb: an autograded notebook, hidden tests still in its test cells.
        resources: nbconvert's resources (unused).

    Returns:
        `(nb, resources)`, as nbconvert expects from a preprocessor.
    """
    for cell in nb.cells:
        secret = hidden_lines(cell.source) if cell.cell_type == "code" else []
        for output in cell.get("outputs", []) if secret else []:
            if any(line in _text(output) for line in secret):
                _withhold(output)
                if any(line in _text(output) for line in secret):  # the kept error message quotes one too
                    output.evalue, output.traceback = WITHHELD, [f"{output.ename} in a hidden test {WITHHELD}"]
    return nb, resources
