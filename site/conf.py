"""Sphinx settings of the course site (built by `make site`, i.e. `python site/build.py`).

The notebooks are rendered from their stored outputs (`nb_execution_mode = "off"`), and every script a page
runs is served from the site itself: MathJax 3, require.js and the widget manager come from npm (fetched by
build.py into `_build/npm`), so a page opened without internet is complete.
"""

import pathlib
import sys

sys.path.insert(0, str(pathlib.Path(__file__).parent))
from build import NPM, SOURCE  # noqa: E402

project = "Recurrent neural networks, hands on"
author = "The authors of Recurrent neural networks, hands on"
copyright = author
extensions = ["myst_nb"]
root_doc = "index"
exclude_patterns = ["**/.ipynb_checkpoints"]

# Notebooks: stored outputs only; the reader in notebook_reader.py keeps a widget's static picture beside it.
nb_execution_mode = "off"
nb_custom_formats = {".ipynb": ["notebook_reader.read", {}, False]}
myst_enable_extensions = ["dollarmath", "amsmath"]
myst_heading_anchors = 3  # "#grading-a-class"-style links of the course README

# Scripts, all from the site: MathJax 3 (es5 tree), require.js and html-manager's embed-amd.js. Widget
# modules that embed-amd.js does not bundle would be fetched from `data-jupyter-widgets-cdn` (by default a
# CDN); here it names an empty folder of the site, so such a module would fail visibly instead of loading from
# outside. The course uses only the bundled ones (base, controls, output).
html_static_path = ["_static", str(NPM / "_static")]
mathjax_path = "mathjax/tex-chtml.js"
html_js_files = ["mathjax2-shim.js"]
nb_ipywidgets_js = {
    "requirejs/require.js": {},
    "widgets-paths.js": {},
    "html-manager/embed-amd.js": {"data-jupyter-widgets-cdn": "_static/html-manager/modules/"},
}

# Look: the book theme, the licence in the footer.
html_theme = "sphinx_book_theme"
html_title = project
templates_path = ["_templates"]
html_css_files = ["site.css"]
html_theme_options = {
    "show_toc_level": 2,
    "footer_content_items": ["copyright.html", "licence.html"],
}
html_extra_path = [str(SOURCE / "_licences")]  # LICENSE and LICENSE-CC-BY-4.0 as .txt files (from build.py)
html_show_sourcelink = False
html_copy_source = True  # the "download .ipynb" button of each page
