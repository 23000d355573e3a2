"""Read a notebook's settings (`NAME = literal` lines in its code cells) so claims tests use the same values."""

import ast
import json
import pathlib

NOTEBOOKS = pathlib.Path(__file__).resolve().parent.parent / "notebooks"


def read_settings(notebook, *names):
    """Return {name: value} for top-level `NAME = <literal>` assignments in the notebook's code cells.

    Raises KeyError if a name is not assigned a literal, so a renamed setting fails loudly.
    """
    cells = json.loads((NOTEBOOKS / notebook).read_text())["cells"]
    found = {}
    for cell in cells:
        if cell["cell_type"] != "code":
            continue
        source = "".join(cell["source"])
        source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
        for node in ast.parse(source).body:
            if isinstance(node, ast.Assign) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name):
                try:
                    found.setdefault(node.targets[0].id, ast.literal_eval(node.value))
                except ValueError:
                    pass  # not a literal (e.g. computed): not a setting
    missing = [name for name in names if name not in found]
    if missing:
        raise KeyError(f"{notebook} assigns no literal to {missing}")
    return {name: found[name] for name in names}
