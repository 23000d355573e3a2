"""Every figure of the course: one palette, data figures, and the diagrams drawn in code.

Use it as `rh.plotting.X`. Each helper takes `ax=None` (or `fig=None` for figures of several panels), draws,
and returns the Axes (or Figure); none calls `plt.show()`. Its modules, one job each:

- `style`: the Okabe–Ito palette (`OKABE_ITO`, `PALETTE`, `LINESTYLES`), `use_course_style`, `line_style`, the
  colour maps.
- `figures`: data figures (forecasts, losses, gate heat maps, bars, galleries, confusion and attention maps).
- `shapes`: the boxes, nodes and arrows the diagrams are drawn from.
- `cell_diagrams`: the cells (Elman and Jordan wiring, LSTM, GRU, minGRU) and the gate explorer's picture.
- `network_diagrams`: networks (ways to use one, unrolled BPTT, the parallel scan, two layers).
"""

from .style import (
    CYCLE_COLORS, CYCLE_LINESTYLES, LINESTYLES, OKABE_ITO, PALETTE, gate_cmap, line_style, signed_cmap,
    use_course_style,
)
from .figures import (
    attention_map, belief_curves, confusion_heatmap, digit_gallery, error_by_horizon, forecast_figure, grouped_bars,
    loss_curves, plot_gate_traces, reading_steps,
)
from .cell_diagrams import (
    GRU_PARTS, LSTM_PARTS, RECURRENT_KINDS, elman_jordan_diagram, gru_cell_diagram, lstm_cell_diagram,
    lstm_cell_picture, min_gru_cell_diagram,
)
from .network_diagrams import (
    LAYERED_KINDS, USAGE_MODES, layered_rnn_diagram, scan_diagram, unrolled_bptt_diagram, usage_modes_diagram,
)

__all__ = [  # what `rh.plotting.X` offers
    "CYCLE_COLORS", "CYCLE_LINESTYLES", "LINESTYLES", "OKABE_ITO", "PALETTE", "gate_cmap", "line_style",
    "signed_cmap", "use_course_style", "attention_map", "belief_curves", "confusion_heatmap", "digit_gallery",
    "error_by_horizon", "forecast_figure", "grouped_bars", "loss_curves", "plot_gate_traces", "reading_steps",
    "GRU_PARTS", "LSTM_PARTS", "RECURRENT_KINDS", "elman_jordan_diagram", "gru_cell_diagram",
    "lstm_cell_diagram", "lstm_cell_picture", "min_gru_cell_diagram", "LAYERED_KINDS", "USAGE_MODES",
    "layered_rnn_diagram", "scan_diagram", "unrolled_bptt_diagram", "usage_modes_diagram",
]
