"""Progress bars that read well live and when stored: one `progress_bar` for every long loop of the course.

tqdm draws the bar. In a notebook, the bar is one line of text that is redrawn in place (an IPython display
with an id), so the notebook file stores its *final* state — "bptt: 100%|██████| 400/400 [00:01, ...]" —
which GitHub, nbviewer and any other reader show as it is. (tqdm's widget bar stores a "0%" text fallback
that such readers show instead.) Outside a notebook it is tqdm's usual bar on stderr.
"""

import io
import sys

from tqdm.std import tqdm

from ._validation import check_bool, check_count, check_text


def _in_notebook():
    """True inside a Jupyter kernel (where display handles exist), False in a terminal or a plain script."""
    shell = sys.modules.get("IPython") and sys.modules["IPython"].get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


class _StoredBar(tqdm):
    """tqdm whose every redraw replaces one text output of the notebook cell, so its last state is stored."""

    def __init__(self, *args, **kwargs):
        from IPython.display import display

        self._handle = display(display_id=True)
        super().__init__(*args, **kwargs)

    def display(self, msg=None, pos=None):
        from IPython.display import Pretty

        self._handle.update(Pretty(msg if msg is not None else self.__str__()))
        return True


def progress_bar(total, desc, unit="epoch", enabled=True):
    """A tqdm bar over `total` steps; use it as a context manager and call `bar.update(n)`.

    Introduced in notebook 01 (the first training loop); every long loop of the course uses it.

    Args:
        total: number of steps; an int >= 1.
        desc: the bar's label, e.g. "bptt".
        unit: what one step is, e.g. "epoch" or "run".
        enabled: False for no bar at all (tests, benchmarks).

    Returns:
        a `tqdm` object that stays on screen, finished, after the loop.
    """
    total = check_count("total", total)
    desc, unit = check_text("desc", desc), check_text("unit", unit)
    options = {"total": total, "desc": desc, "unit": unit, "disable": not check_bool("enabled", enabled)}
    if options["disable"] or not _in_notebook():
        return tqdm(**options, leave=False)
    # tqdm's own writes (a final newline) go to a dummy file: the display handle shows the bar.
    return _StoredBar(**options, leave=True, ascii=False, ncols=80, mininterval=0.2, file=io.StringIO())
