"""The card's label-distribution figure: events per class and split, one panel per label family, as SVG.

Deterministic bytes, so that a rebuild stays byte-identical: matplotlib's object API (no pyplot, no global
backend), the SVG backend with a fixed `svg.hashsalt` (the ids of clip paths), no date and a fixed creator
in the metadata, text kept as text (`svg.fonttype: none`: no glyph outlines that depend on the installed
fonts, and the leak scan reads it), and matplotlib pinned like pyarrow. Only classes with examples are
drawn.
"""

from __future__ import annotations

import io
from typing import Any

from .layout import SPLITS
from .stats import Stats

FAMILIES = (
    "mobilization_type",
    "population",
    "sector",
    "recruitment_mode",
    "indicators",
    "sanctions_relevance",
    "forced_labour_assessment",
)
"""The label families drawn, top to bottom (each one a panel)."""
COLOURS = {"train": "#4c72b0", "validation": "#dd8452", "test": "#55a868"}
RC: dict[str, Any] = {
    "svg.hashsalt": "nklabor-label-distribution",
    "svg.fonttype": "none",
    "svg.image_inline": True,
    "font.family": "DejaVu Sans",
    "font.size": 9,
    "axes.spines.top": False,
    "axes.spines.right": False,
}
METADATA = {"Creator": "nklabor", "Date": None, "Title": "Label distributions: events per class and split"}
BAR_HEIGHT = 0.22  # inches per class row
PANEL_PAD = 0.7  # inches per panel for its title and axis


def _panels(stats: Stats) -> list[tuple[str, list[str], dict[str, list[int]]]]:
    """(family, classes with examples, counts per split) for each family present."""
    out = []
    for family in FAMILIES:
        if family not in stats.labels:
            continue
        total = stats.total(family)
        classes = [name for name in stats.names[family] if total.get(name)]
        if not classes:
            continue
        per_split = stats.labels[family]
        counts = {s: [per_split[s][c] if s in per_split else 0 for c in classes] for s in SPLITS}
        out.append((family, classes, counts))
    return out


def render(stats: Stats) -> bytes:
    """The SVG bytes of the figure (a single note when no label has examples)."""
    import matplotlib
    from matplotlib.backends.backend_svg import FigureCanvasSVG
    from matplotlib.figure import Figure

    panels = _panels(stats)
    heights = [max(1, len(classes)) * BAR_HEIGHT + PANEL_PAD for _, classes, _ in panels] or [1.0]
    settings: Any = RC  # typed as matplotlib's closed set of keys
    with matplotlib.rc_context(settings):
        figure = Figure(figsize=(7.5, sum(heights)), layout="constrained")
        FigureCanvasSVG(figure)
        if not panels:
            figure.text(0.5, 0.5, "No labelled events in this release.", ha="center", va="center")
        axes: Any = (
            figure.subplots(len(panels), 1, height_ratios=heights, squeeze=False)[:, 0] if panels else []
        )
        for ax, (family, classes, counts) in zip(axes, panels, strict=True):
            rows = list(range(len(classes)))
            left = [0] * len(classes)
            for split in SPLITS:
                if any(counts[split]):
                    ax.barh(rows, counts[split], left=left, color=COLOURS[split], label=split, height=0.7)
                    left = [a + b for a, b in zip(left, counts[split], strict=True)]
            ax.set_yticks(rows, classes)
            ax.invert_yaxis()
            ax.set_title(family, loc="left", fontweight="bold")
            ax.xaxis.get_major_locator().set_params(integer=True)
            ax.margins(x=0.02)
        if panels:
            axes[-1].set_xlabel("events")
            handles, names = axes[0].get_legend_handles_labels()
            figure.legend(handles, names, loc="outside upper right", ncols=len(names), frameon=False)
        buffer = io.BytesIO()
        figure.savefig(buffer, format="svg", metadata=METADATA)
    return buffer.getvalue()
