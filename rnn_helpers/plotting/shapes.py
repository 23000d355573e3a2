"""The shapes the course's diagrams are drawn from: boxes, operation nodes, arrows, and a diagram's Axes.

A drawing element is `on` (drawn in full) or muted, and `bold` when it is the part under discussion, so one
diagram can highlight each of its parts in turn.
"""

from .style import _axes

# --- drawing primitives for the diagrams -------------------------------------------------------------------

_MUTED_ALPHA = 0.22


def _tint(color, amount=0.75):
    """`color` mixed with white: `amount` 0 keeps it, 1 gives white."""
    from matplotlib.colors import to_rgb

    return tuple(c + (1 - c) * amount for c in to_rgb(color))


def _box(ax, xy, text, color, on=True, bold=False, size=(1.5, 0.8), gid=None, face=None, fontsize=9, ls="-"):
    """A rounded box with centred text. `on=False` mutes it; `bold` emphasises it (the part under discussion)."""
    from matplotlib.patches import FancyBboxPatch

    (x, y), (width, height) = xy, size
    patch = FancyBboxPatch((x - width / 2, y - height / 2), width, height, boxstyle="round,pad=0.05",
                           facecolor=_tint(color, 0.55 if bold else 0.75) if face is None else face, edgecolor=color if on else "0.5",
                           lw=2.8 if bold else 1.2, ls=ls, alpha=1.0 if on else _MUTED_ALPHA, zorder=2, gid=gid)
    ax.add_patch(patch)
    ax.text(x, y, text, ha="center", va="center", fontsize=fontsize, zorder=5, gid=gid,
            color="black" if on else "0.6")
    return patch


def _node(ax, xy, symbol, on=True, bold=False, gid=None, radius=0.25):
    """A small circle holding an operation (×, +, 1−)."""
    import matplotlib.pyplot as plt

    ax.add_patch(plt.Circle(xy, radius, facecolor="white", edgecolor="0.15" if on else "0.6", zorder=3,
                            lw=2.4 if bold else 1.2, alpha=1.0 if on else _MUTED_ALPHA + 0.2, gid=gid))
    ax.text(*xy, symbol, ha="center", va="center", fontsize=11 if len(symbol) == 1 else 9, zorder=4,
            color="black" if on else "0.6", gid=gid)


def _arrow(ax, start, end, on=True, bold=False, color="0.3", ls="-", gid=None, rad=0.0, head=True):
    """An arrow (or a plain line when `head` is False) from `start` to `end`."""
    from matplotlib.patches import FancyArrowPatch

    patch = FancyArrowPatch(start, end, arrowstyle="-|>" if head else "-", mutation_scale=11, lw=2.4 if bold else 1.2,
                            color=color if on else "0.6", ls=ls, alpha=1.0 if on else _MUTED_ALPHA + 0.2,
                            connectionstyle=f"arc3,rad={rad}", zorder=1, gid=gid, shrinkA=0, shrinkB=0)
    ax.add_patch(patch)
    return patch


def _diagram_axes(ax, xlim, ylim, scale=0.8):
    """Axes for a diagram in data units, equal aspect, no frame; a new figure is `scale` inches per unit."""
    ax = _axes(ax, figsize=(scale * (xlim[1] - xlim[0]), scale * (ylim[1] - ylim[0])))
    ax.set_xlim(*xlim)
    ax.set_ylim(*ylim)
    ax.set_aspect("equal")
    ax.axis("off")
    return ax


def _check_highlight(highlight, allowed):
    if highlight is not None and (not isinstance(highlight, str) or highlight not in allowed):
        raise ValueError(f"highlight must be None or one of {list(allowed)}, got {highlight!r}.")
    return highlight


def _emphasis(part, highlight):
    """(on, bold) for a drawing element of `part` (a name or a set of names) given the highlighted part."""
    parts = {part} if isinstance(part, str) else set(part)
    if highlight is None:
        return True, False
    return highlight in parts, highlight in parts
