"""Progress bars that read well live and when stored: one `progress_bar` for every long loop of the course.

tqdm draws the bar. In a notebook, the bar is one line of text that is redrawn in place (an IPython display
with an id), so the notebook file stores its *final* state — "bptt: 100%|██████| 400/400 [00:01, ...]" —
which GitHub, nbviewer and any other reader show as it is. (tqdm's widget bar stores a "0%" text fallback
that such readers show instead.) Outside a notebook it is tqdm's usual bar on stderr.

`widget_bundle` does the same for widgets: it stores, beside the widget, what such readers show instead.
"""

import io

from tqdm.std import tqdm

from . import _record
from ._validation import Bool, Count, Text, validate


WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


@validate(checked_in_body=("widget", "fallback"))
def widget_bundle(widget, fallback):
    """The display data of an ipywidget together with `fallback`, what readers without a kernel show instead.

    JupyterLab and Colab draw the widget; GitHub, nbviewer and the course site show the fallback (a picture of
    the widget's first state, or its text). Published with `display(bundle, raw=True, display_id=...)`, it
    keeps its display id under ipywidgets 7 too, whose own display drops it.

    Args:
        widget: an `ipywidgets.Widget`.
        fallback: dict mime type -> data, with "text/plain" and optionally "image/png" (base64 text).

    Returns:
        dict mime type -> data.
    """
    if not hasattr(widget, "model_id"):
        raise TypeError(f"widget must be an ipywidgets widget, got {type(widget).__name__}. "
                        "Pass e.g. an ipywidgets.VBox.")
    if not isinstance(fallback, dict) or not isinstance(fallback.get("text/plain"), str):
        raise TypeError(f"fallback must be a dict with a 'text/plain' string, got {fallback!r}. "
                        "Pass e.g. {'text/plain': 'what the widget shows'}.")
    view = {"version_major": 2, "version_minor": 0, "model_id": widget.model_id}
    return {**fallback, WIDGET_VIEW: view}


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


@validate(total=Count(), desc=Text(), unit=Text(), enabled=Bool())
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
    options = {"total": total, "desc": desc, "unit": unit, "disable": not enabled}
    if options["disable"] or _record.notebook_shell() is None:
        return tqdm(**options, leave=False)
    # tqdm's own writes (a final newline) go to a dummy file: the display handle shows the bar.
    return _StoredBar(**options, leave=True, ascii=False, ncols=80, mininterval=0.2, file=io.StringIO())
