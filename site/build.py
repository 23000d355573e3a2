"""Build the course site: the committed notebooks as pages, without running them (`make site`).

    python site/build.py [OUTPUT]      # default _build/html; open OUTPUT/index.html

Steps, each cheap when repeated:

1. fetch the browser code the pages use from npm (`npm pack`, once, into `_build/npm`): MathJax 3 for the
   equations (its `es5/` tree works offline; MathJax 4 fetches fonts from a CDN), and require.js with
   `@jupyter-widgets/html-manager`, which draw the widgets from the state stored in the notebooks;
2. stage the sources in `_build/site-src`: copies of the notebooks, course/README.md and the licences, and
   the landing page made from the README's opening and learning path;
3. run Sphinx with `site/conf.py` (myst-nb renders the stored outputs; nothing is executed).
"""

import fnmatch
import json
import pathlib
import shutil
import subprocess
import sys
import tarfile

ROOT = pathlib.Path(__file__).resolve().parent.parent
SITE = ROOT / "site"
BUILD = ROOT / "_build"
NPM = BUILD / "npm"
SOURCE = BUILD / "site-src"
# npm package -> (folder under _static/, folder inside the package, the files of that folder to copy)
NPM_PACKAGES = {
    "mathjax@3.2.2": ("mathjax", "es5/", ["tex-chtml.js", "input/*", "output/chtml*", "ui/*", "a11y/*", "sre/*",
                                         "adaptors/*"]),
    "requirejs@2.3.8": ("requirejs", "", ["require.js"]),
    "@jupyter-widgets/html-manager@1.0.15": ("html-manager", "dist/", ["embed-amd.js", "*.woff2", "*.woff", "*.ttf",
                                                                       "*.eot", "*.svg"]),
}
LANDING_END = "## Quick start"  # the landing page is the README up to here: its opening and learning path


def fetch_npm(target=NPM):
    """Unpack the browser code of `NPM_PACKAGES` into `target/_static/` (once; `npm pack` needs the registry)."""
    static = target / "_static"
    if (target / ".complete").exists():
        return static
    shutil.rmtree(target, ignore_errors=True)
    (target / "tarballs").mkdir(parents=True)
    npm = shutil.which("npm")
    if npm is None:
        sys.exit("make site needs npm (Debian: apt-get install npm) to fetch MathJax and the widget scripts once.")
    packed = subprocess.run([npm, "pack", "--json", *NPM_PACKAGES], cwd=target / "tarballs", check=True,
                            capture_output=True, text=True)
    for package, tarball in zip(NPM_PACKAGES, json.loads(packed.stdout)):
        folder, inside, patterns = NPM_PACKAGES[package]
        with tarfile.open(target / "tarballs" / tarball["filename"]) as archive:
            for member in archive.getmembers():
                inner = member.name.removeprefix("package/")
                if not (member.isfile() and inner.startswith(inside)):
                    continue
                relative = inner.removeprefix(inside)
                if any(fnmatch.fnmatch(relative, pattern) for pattern in patterns):
                    destination = static / folder / relative
                    destination.parent.mkdir(parents=True, exist_ok=True)
                    destination.write_bytes(archive.extractfile(member).read())
    (target / ".complete").touch()
    return static


def landing_page():
    """The README's opening and learning path, with the notebooks' links made relative to the site's root."""
    readme = (ROOT / "README.md").read_text()
    opening = readme.split(LANDING_END)[0].rstrip()
    return opening + "\n\n" + (SITE / "index_tail.md").read_text()


def stage(source=SOURCE):
    """Fill `source` with the landing page and copies of the notebooks, the course README and the licences.

    Unchanged files keep their time stamps, so Sphinx rebuilds only the pages whose notebook changed.
    """
    wanted = {"index.md": landing_page().encode()}
    for notebook in sorted((ROOT / "notebooks").glob("*.ipynb")):
        wanted[f"notebooks/{notebook.name}"] = notebook
    wanted["course/README.md"] = ROOT / "course" / "README.md"
    for licence in ("LICENSE", "LICENSE-CC-BY-4.0"):
        wanted[f"_licences/{licence}.txt"] = ROOT / licence
    for old in [path for path in source.rglob("*") if path.is_file()] if source.exists() else []:
        if old.relative_to(source).as_posix() not in wanted:
            old.unlink()  # e.g. a notebook renamed since the last build
    for name, content in wanted.items():
        target = source / name
        target.parent.mkdir(parents=True, exist_ok=True)
        new = content if isinstance(content, bytes) else content.read_bytes()
        if not target.exists() or target.read_bytes() != new:
            target.write_bytes(new)
    return source


def build(output=BUILD / "html"):
    """Fetch, stage and build; return Sphinx's exit code (0 when the site built without a warning)."""
    # nbformat imports jsonschema, which builds a parser for one URI format (rfc3987_syntax, installed for
    # jupyter-events) at import: about 4 s, for a check the site never makes. Without it that format is skipped.
    sys.modules.setdefault("rfc3987_syntax", None)
    from sphinx.cmd.build import build_main

    fetch_npm()
    source = stage()
    return build_main(["-q", "-W", "--keep-going", "-b", "html", "-c", str(SITE), "-d", str(BUILD / "doctrees"),
                       str(source), str(output)])


if __name__ == "__main__":
    sys.exit(build(*(pathlib.Path(arg) for arg in sys.argv[1:2])))
