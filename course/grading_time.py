"""How long `nbgrader autograde` takes per submission: a simulated class hands in the reference solution.

Run from the repository root in the course environment (course/README.md quotes its output):

    python course/grading_time.py --students 30                 # every assignment
    python course/grading_time.py --students 30 06_sine_forecast

Works in a temporary copy of the course, so the real gradebook is never touched. Each submission is graded
on its own, one after the other, as one grader does; the times include the fresh process each test runs in.
"""

import argparse
import os
import pathlib
import shutil
import statistics
import sys
import tempfile
import time
import warnings

COURSE = pathlib.Path(__file__).resolve().parent


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("assignments", nargs="*", help="assignment folders (default: all in course/source)")
    parser.add_argument("--students", type=int, default=30, help="simulated submissions per assignment")
    return parser.parse_args(argv)


def grade_class(api, course, assignment, students):
    """Hand in the reference solution for `students` students, autograde each; return the seconds each took."""
    notebook = course / "source" / assignment / f"{assignment}.ipynb"
    seconds = []
    for n in range(students):
        student = f"student_{n:02d}"
        folder = course / "submitted" / student / assignment
        folder.mkdir(parents=True)
        shutil.copy(notebook, folder)  # the instructor's version: its solution cells are the reference
        start = time.perf_counter()
        outcome = api.autograde(assignment, student)
        seconds.append(time.perf_counter() - start)
        if not outcome["success"]:
            sys.exit(f"autograde {assignment} {student} failed:\n{outcome.get('error')}")
    return seconds


def main(argv=None):
    args = parse_args(argv)
    warnings.filterwarnings("ignore", module="nbgrader")  # its database code's SAWarnings are not ours to fix
    from nbgrader.apps import NbGraderAPI
    from traitlets.config.loader import PyFileConfigLoader

    assignments = args.assignments or sorted(p.name for p in (COURSE / "source").iterdir() if p.is_dir())
    with tempfile.TemporaryDirectory() as scratch:
        course = pathlib.Path(scratch) / "course"
        shutil.copytree(COURSE, course, ignore=shutil.ignore_patterns(
            "release", "submitted", "autograded", "feedback", "gradebook.db", "grades.csv", "__pycache__"))
        os.environ["PATH"] = os.path.dirname(sys.executable) + os.pathsep + os.environ["PATH"]  # nbgrader's alembic
        api = NbGraderAPI(config=PyFileConfigLoader("nbgrader_config.py", path=str(course)).load_config())
        print(f"{args.students} submissions per assignment, graded one after the other; load before: "
              f"{' '.join(f'{x:.1f}' for x in os.getloadavg())}")
        print("| Assignment | median s | fastest s | slowest s | whole class s |")
        print("|---|---|---|---|---|")
        for assignment in assignments:
            assert api.generate_assignment(assignment)["success"], assignment
            seconds = grade_class(api, course, assignment, args.students)
            print(f"| `{assignment}` | {statistics.median(seconds):.1f} | {min(seconds):.1f} | {max(seconds):.1f} "
                  f"| {sum(seconds):.0f} |", flush=True)
        print(f"load after: {' '.join(f'{x:.1f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
