"""How the site reads a notebook: as stored, except that each widget keeps its static picture beside it.

A widget output stores both the widget (`application/vnd.jupyter.widget-view+json`, drawn in the browser from
the state saved in the notebook) and a static picture of its first state (`image/png`, else `text/plain`;
see `rnn_helpers.widgets`). myst-nb would render only one of them, so each such output becomes one piece of
HTML: the widget's script tag, then the picture in a `widget-static` block, which `_static/site.css` hides once
the widget has drawn. Without the widget scripts, or if a widget's state is missing, the picture stays.

A notebook without a widget output also loses its stored widget state (left over from progress bars that no
output shows), so its page does not load the widget scripts.
"""

import html
import json

import nbformat

WIDGET_VIEW = "application/vnd.jupyter.widget-view+json"


def read(text):
    notebook = nbformat.reads(text, as_version=4)
    outputs = [output for cell in notebook.cells if cell.cell_type == "code" for output in cell.outputs]
    views = [output for output in outputs if WIDGET_VIEW in output.get("data", {})]
    for output in views:
        output["data"] = {"text/html": widget_with_picture(output["data"])}
    if not views:
        notebook.metadata.pop("widgets", None)
    return notebook


def widget_with_picture(data):
    """One HTML block: the widget's script tag, then its static picture (an image, or the text fallback)."""
    view = json.dumps(data[WIDGET_VIEW]).replace("</", "<\\/")
    text = data.get("text/plain", "")
    text = "".join(text) if isinstance(text, list) else text
    if "image/png" in data:
        picture = (f'<img src="data:image/png;base64,{data["image/png"].strip()}" '
                   f'alt="{html.escape(text, quote=True)}">')
    else:
        picture = f"<pre>{html.escape(text)}</pre>"
    return f'<script type="{WIDGET_VIEW}">{view}</script>\n<div class="widget-static">{picture}</div>'
