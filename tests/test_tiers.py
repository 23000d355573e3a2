"""The fast tier's shortcut: `pytest -m "not slow"` skips the files that are slow throughout and loses no test.

`conftest.py` (`pytest_ignore_collect`) does not import a test file whose module-level `pytestmark` names
`pytest.mark.slow` when the selection is exactly `-m "not slow"` (make check). `-m "not (slow)"` selects the
same tests the long way, importing every file, so the two collections must name the same tests.
"""

import importlib.util
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent


def collected(markexpr):
    """The node ids that `pytest --collect-only -m markexpr tests` selects, and pytest's summary line."""
    run = subprocess.run([sys.executable, "-m", "pytest", "--collect-only", "-q", "-m", markexpr, "tests"],
                         cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, run.stdout[-2000:] + run.stderr[-2000:]
    lines = run.stdout.splitlines()
    return {line for line in lines if "::" in line}, lines[-1]


@pytest.mark.slow
def test_the_fast_tier_skips_whole_slow_files_and_selects_the_same_tests():
    (shortcut, shortcut_summary), (long_way, long_way_summary) = collected("not slow"), collected("not (slow)")
    assert len(shortcut) > 1000 and shortcut == long_way
    # the shortcut deselected fewer tests: it never collected the files that are slow throughout
    deselected = [int(summary.split("(")[1].split()[0]) for summary in (shortcut_summary, long_way_summary)]
    assert deselected[0] < deselected[1], (shortcut_summary, long_way_summary)


def test_slow_throughout_reads_the_module_level_mark(tmp_path):
    spec = importlib.util.spec_from_file_location("root_conftest", ROOT / "conftest.py")  # not tests/conftest.py
    root_conftest = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(root_conftest)
    slow_throughout = root_conftest.slow_throughout

    cases = {
        "pytestmark = pytest.mark.slow\n": True,
        "pytestmark = [pytest.mark.slow, pytest.mark.filterwarnings('ignore')]\n": True,
        "pytestmark = pytest.mark.filterwarnings('ignore')\n\n@pytest.mark.slow\ndef test_a():\n    pass\n": False,
        "@pytest.mark.slow\ndef test_a():\n    pass\n": False,
        "pytestmark = pytest.mark.slowish\n": False,
    }
    for number, (text, expected) in enumerate(cases.items()):
        path = tmp_path / f"test_case_{number}.py"
        path.write_text("import pytest\n\n" + text)
        assert slow_throughout(path) is expected, text
    assert slow_throughout(ROOT / "tests" / "test_claims_07.py") and slow_throughout(ROOT / "tests" / "test_course.py")
    assert not slow_throughout(ROOT / "tests" / "test_keras_rnn.py")
