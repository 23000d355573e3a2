import ast
import pathlib

import matplotlib
import matplotlib.pyplot as plt
import numpy as np
import pytest

import rnn_helpers as rh

matplotlib.use("Agg")
PLOTTING = sorted(pathlib.Path(rh.plotting.__file__).parent.glob("*.py"))  # the plotting subpackage


@pytest.fixture(autouse=True)
def close_figures():
    yield
    plt.close("all")
    matplotlib.rcdefaults()


def texts_of(ax):
    return " ".join(text.get_text() for text in ax.texts)


def patches_with_gid(ax, gid):
    return [patch for patch in ax.patches if patch.get_gid() == gid]


# --- palette and style -------------------------------------------------------------------------------------


def test_palette_is_okabe_ito_and_keeps_forget_and_input_apart():
    okabe_ito = set(rh.plotting.OKABE_ITO.values())
    assert len(okabe_ito) == 8
    roles = ("forget", "input", "candidate", "output", "cell_state", "update", "reset", "target", "prediction",
             "Elman", "Jordan", "LSTM", "GRU", "article", "compiled", "bptt", "gradient")
    assert all(rh.plotting.PALETTE[role] in okabe_ito for role in roles)
    assert rh.plotting.PALETTE["forget"] != rh.plotting.PALETTE["input"]
    assert len({rh.plotting.PALETTE[cell] for cell in ("Elman", "Jordan", "LSTM", "GRU")}) == 4
    assert len({rh.plotting.LINESTYLES[cell] for cell in ("Elman", "Jordan", "LSTM", "GRU")}) == 4


def test_use_course_style_cycles_okabe_ito_colours_each_with_its_own_line_style():
    rh.plotting.use_course_style()
    _, ax = plt.subplots()
    lines = [ax.plot([0, 1], [k, k])[0] for k in range(7)]
    colours = [line.get_color().upper() for line in lines]
    assert colours == [c.upper() for c in rh.plotting.CYCLE_COLORS]
    assert set(colours) <= set(rh.plotting.OKABE_ITO.values()) and len(set(colours)) == 7
    styles = matplotlib.rcParams["axes.prop_cycle"].by_key()["linestyle"]
    assert len({str(style) for style in styles}) == 7
    assert [line.get_linestyle() for line in lines[:4]] == ["-", "--", "-.", ":"]


# --- data figures ------------------------------------------------------------------------------------------


def test_forecast_figure_draws_the_shared_series_then_both_continuations():
    series, expected = np.sin(np.arange(36.0)), np.sin(np.arange(36.0, 72.0))
    generated = expected + 0.1
    ax = rh.plotting.forecast_figure(series, expected, generated, title="t")
    truth, forecast = ax.get_lines()
    np.testing.assert_allclose(truth.get_ydata(), np.concatenate([series, expected]))
    np.testing.assert_allclose(forecast.get_ydata(), np.concatenate([series, generated]))
    assert ax.get_title() == "t"
    assert truth.get_color() == rh.plotting.PALETTE["target"]
    assert forecast.get_color() == rh.plotting.PALETTE["prediction"]
    assert truth.get_linestyle() != forecast.get_linestyle()


def test_figure_helpers_draw_on_the_axes_they_are_given_and_one_line_per_label():
    _, (left, right) = plt.subplots(1, 2)
    assert rh.plotting.error_by_horizon({"a": np.ones(5), "b": np.zeros(5)}, ax=left) is left
    assert len(left.get_lines()) == 2
    first, second = left.get_lines()
    assert first.get_color() != second.get_color() and first.get_linestyle() != second.get_linestyle()
    assert rh.plotting.loss_curves({"bptt": np.linspace(1, 0.1, 10)}, ax=right) is right
    assert right.get_lines()[0].get_color() == rh.plotting.PALETTE["bptt"]


# --- gate heat maps ----------------------------------------------------------------------------------------


def synthetic_lstm_trace(time=12, units=3, features=2, seed=0):
    rng = np.random.default_rng(seed)
    gates = {key: rng.uniform(size=(time, units)) for key in ("f", "i", "o")}
    signed = {key: rng.uniform(-1, 1, size=(time, units)) for key in ("c_tilde", "c", "h")}
    return {**gates, **signed, "x": rng.normal(size=(time, features))}


def test_gate_heat_maps_have_units_down_time_across_and_labelled_rows():
    trace = synthetic_lstm_trace()
    fig = rh.plotting.plot_gate_traces(trace, keys=("f", "c"), marks=[3, 7], input_labels=("value", "marker"))
    heat_maps = [ax for ax in fig.axes if ax.images]
    assert len(heat_maps) == 2
    np.testing.assert_allclose(heat_maps[0].images[0].get_array(), trace["f"].T)  # units down, time across
    assert [t.get_text() for t in heat_maps[0].get_yticklabels()] == ["unit 0", "unit 2"]
    ticks = heat_maps[-1].get_xticks()
    assert np.allclose(ticks, np.round(ticks))  # whole steps
    assert heat_maps[0].get_ylabel() == "forget gate f"
    marks = [line for line in heat_maps[0].lines if list(line.get_xdata()) == [3, 3]]
    assert marks, "the marked steps are flagged on every heat map"


def test_gate_heat_maps_for_a_gru_call_h_the_state():
    rng = np.random.default_rng(1)
    trace = {"z": rng.uniform(size=(5, 2)), "r": rng.uniform(size=(5, 2)), "h_tilde": rng.normal(size=(5, 2)),
             "h": rng.normal(size=(5, 2)), "x": rng.normal(size=(5, 1))}
    fig = rh.plotting.plot_gate_traces(trace, keys=("z", "r", "h"))
    assert [ax.get_ylabel() for ax in fig.axes if ax.images] == ["update gate z", "reset gate r", "state h"]


# --- diagrams ----------------------------------------------------------------------------------------------


def test_lstm_cell_diagram_names_all_five_parts_and_the_state_line():
    ax = rh.plotting.lstm_cell_diagram()
    text = texts_of(ax)
    for part in ("forget gate", "input gate", "candidate", "output gate", "tanh($c_t$)", "$c_{t-1}$", "$c_t$",
                 "$h_t$", "$x_t$ and $h_{t-1}$"):
        assert part in text
    for gid in rh.plotting.LSTM_PARTS:
        assert patches_with_gid(ax, gid), gid


@pytest.mark.parametrize("part", rh.plotting.LSTM_PARTS)
def test_lstm_highlight_emphasises_that_part_and_mutes_the_others(part):
    plain = rh.plotting.lstm_cell_diagram()
    ax = rh.plotting.lstm_cell_diagram(highlight=part)
    chosen = patches_with_gid(ax, part)
    others = [p for gid in rh.plotting.LSTM_PARTS if gid != part for p in patches_with_gid(ax, gid)]
    assert all(p.get_alpha() in (None, 1.0) for p in chosen)
    assert max(p.get_linewidth() for p in chosen) > max(p.get_linewidth() for p in patches_with_gid(plain, part))
    assert all(p.get_alpha() is not None and p.get_alpha() < 1 for p in others)
    assert ax.get_title() != plain.get_title()


def test_gru_cell_diagram_draws_keras_blend_and_highlights():
    ax = rh.plotting.gru_cell_diagram()
    text = texts_of(ax)
    for part in ("update gate", "reset gate", "candidate", "1−", "$h_{t-1}$", "$h_t$"):
        assert part in text
    assert "z_t \\odot h_{t-1} + (1 - z_t) \\odot \\tilde h_t" in text  # Keras' convention
    for part in rh.plotting.GRU_PARTS:
        ax = rh.plotting.gru_cell_diagram(highlight=part)
        muted = [p for gid in rh.plotting.GRU_PARTS if gid != part for p in patches_with_gid(ax, gid)]
        assert all(p.get_alpha() in (None, 1.0) for p in patches_with_gid(ax, part))
        assert muted and all(p.get_alpha() < 1 for p in muted)


def test_usage_modes_diagram_shows_the_article_s_five_ways():
    ax = rh.plotting.usage_modes_diagram(steps=6)
    text = texts_of(ax)
    for words in ("read every output", "many-to-one", "skip the first outputs", "the next input",
                  "warm-up, then"):
        assert words in text
    gids = [p.get_gid() for p in ax.patches]
    # rows: 6 read + 1 read + 3 read + 6 read + 4 read outputs; generation feeds back 5 and 3 outputs
    assert gids.count("read") == 6 + 1 + 3 + 6 + 4
    assert gids.count("fed_back") == 5 + 3 and gids.count("feedback") == 5 + 3
    assert gids.count("skipped") == 5 + 3 + 2
    one = rh.plotting.usage_modes_diagram(modes=("many_to_one",), steps=4)
    assert [p.get_gid() for p in one.patches].count("read") == 1


def test_unrolled_bptt_diagram_cuts_the_gradient_at_the_truncation_points():
    def counts(**kwargs):
        ax = rh.plotting.unrolled_bptt_diagram(**kwargs)
        gids = [p.get_gid() for p in ax.patches] + [line.get_gid() for line in ax.lines]
        return gids.count("cell"), gids.count("gradient"), gids.count("cut") // 2, ax

    cells, gradients, cuts, ax = counts(steps=6)
    assert (cells, cuts) == (6, 0) and gradients == 6 * 2 + 5  # down from each loss, back through 5 links
    assert "same weights $W$" in texts_of(ax) and "Full BPTT" in ax.get_title()
    _, gradients, cuts, ax = counts(steps=6, truncate=2)
    assert cuts == 2 and gradients == 6 * 2 + 3 and "chunks of 2" in ax.get_title()
    _, gradients, cuts, ax = counts(steps=6, truncate=1)  # the article's stateful training
    assert cuts == 5 and gradients == 6 * 2 and "stateful" in ax.get_title()
    assert counts(steps=6, truncate=6)[2] == 0


def test_elman_and_jordan_diagrams_differ_in_what_comes_back():
    elman, jordan = rh.plotting.elman_jordan_diagram("Elman"), rh.plotting.elman_jordan_diagram("Jordan")
    assert "context\n$h_{t-1}$" in texts_of(elman) and "$W_{hh}$" in texts_of(elman)
    assert "context\n$\\hat y_{t-1}$" in texts_of(jordan) and "$W_{yh}$" in texts_of(jordan)
    for ax, kind in ((elman, "Elman"), (jordan, "Jordan")):
        (copy,) = patches_with_gid(ax, "copy")
        assert copy.get_linestyle() == "--" and ax.get_title() == f"{kind} network"
    assert "copy of $h_t$" in texts_of(elman) and "copy of $\\hat y_t$" in texts_of(jordan)


def test_diagrams_draw_on_the_axes_they_are_given():
    _, axes = plt.subplots(1, 4)
    assert rh.plotting.lstm_cell_diagram(ax=axes[0]) is axes[0]
    assert rh.plotting.gru_cell_diagram(ax=axes[1]) is axes[1]
    assert rh.plotting.usage_modes_diagram(ax=axes[2]) is axes[2]
    assert rh.plotting.unrolled_bptt_diagram(ax=axes[3]) is axes[3]


# --- bad input ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rh.plotting.forecast_figure([0.0, 1.0], [1.0, 2.0], [1.0]), ValueError, "same length"),
        (lambda: rh.plotting.forecast_figure([[0.0]], [1.0], [1.0]), ValueError, "series must be 1-D"),
        (lambda: rh.plotting.error_by_horizon([0.1, 0.2]), TypeError, "dict of label -> 1-D array"),
        (lambda: rh.plotting.error_by_horizon({"a": [np.nan]}), ValueError, "NaN"),
        (lambda: rh.plotting.loss_curves({}), TypeError, "non-empty dict"),
        (lambda: rh.plotting.lstm_cell_diagram("update"), ValueError,
         r"highlight must be None or one of \['forget', 'input', 'candidate', 'output', 'output_tanh'\], got 'update'"),
        (lambda: rh.plotting.gru_cell_diagram("forget"), ValueError,
         r"one of \['update', 'reset', 'candidate', 'blend'\]"),
        (lambda: rh.plotting.gru_cell_diagram(1), ValueError, "got 1"),
        (lambda: rh.plotting.usage_modes_diagram(modes=("one_to_many",)), ValueError, "mode in modes must be one of"),
        (lambda: rh.plotting.usage_modes_diagram(modes=()), ValueError, "at least one"),
        (lambda: rh.plotting.usage_modes_diagram(steps=2), ValueError, "steps must be >= 3"),
        (lambda: rh.plotting.unrolled_bptt_diagram(steps=6, truncate=0), ValueError, "truncate must be >= 1"),
        (lambda: rh.plotting.unrolled_bptt_diagram(steps=4, truncate=5), ValueError, "truncate must be <= 4"),
        (lambda: rh.plotting.unrolled_bptt_diagram(steps=2.5), TypeError, "steps must be an int"),
        (lambda: rh.plotting.plot_gate_traces([1, 2]), TypeError, "trace must be the dict"),
        (lambda: rh.plotting.usage_modes_diagram(modes=3), TypeError, "modes must be a mode name or a list"),
        (lambda: rh.plotting.lstm_cell_diagram(ax="left"), TypeError, "ax must be matplotlib Axes or None"),
        (lambda: rh.plotting.plot_gate_traces(synthetic_lstm_trace(), fig=1), TypeError, "fig must be a matplotlib"),
        (lambda: rh.plotting.line_style("GRU", fallback_index=-1), ValueError, "fallback_index must be >= 0"),
        (lambda: rh.plotting.elman_jordan_diagram("LSTM"), ValueError, r"kind must be one of \['Elman', 'Jordan'\]"),
        (lambda: rh.plotting.plot_gate_traces(synthetic_lstm_trace(), keys=("forget",)), ValueError,
         "key in keys must be one of"),
        (lambda: rh.plotting.plot_gate_traces(synthetic_lstm_trace(features=1), input_labels=("value", "marker")),
         ValueError, "input_labels must be a list of 1"),
        # matplotlib 3.10 only warns on a non-string label (3.11 raises): the helper's own check must refuse it
        (lambda: rh.plotting.plot_gate_traces(synthetic_lstm_trace(features=1), input_labels=np.array([1.0])),
         TypeError, "input_labels must be a list of 1 strings"),
        (lambda: rh.plotting.plot_gate_traces(synthetic_lstm_trace(features=1), input_labels=[7]),
         TypeError, "input_labels must be a list of 1 strings"),
    ],
)
def test_bad_input_is_explained(call, error, match):
    with pytest.raises(error, match=match):
        call()


# --- the module's shape ------------------------------------------------------------------------------------


def test_plotting_stands_on_numpy_matplotlib_and_validation_only():
    imported = set()
    for node in (node for path in PLOTTING for node in ast.walk(ast.parse(path.read_text()))):
        if isinstance(node, ast.Import):
            imported |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            imported.add("." * node.level + (node.module or "").split(".")[0] if not node.level else "." + node.module)
    own = {f".{path.stem}" for path in PLOTTING}  # the subpackage's modules import each other
    # the cell table, and numpy_rnn for the numbers the LSTM picture shows
    assert imported <= {"numpy", "matplotlib", "cycler", "._validation", ".cells", ".numpy_rnn"} | own, imported


def test_no_figure_function_is_longer_than_60_lines_or_shows_the_figure():
    for node in (node for path in PLOTTING for node in ast.walk(ast.parse(path.read_text()))):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            assert node.func.attr != "show", f"line {node.lineno} shows the figure; return it instead"
        if isinstance(node, ast.FunctionDef):
            assert node.end_lineno - node.lineno + 1 <= 60, f"{node.name} is {node.end_lineno - node.lineno + 1} lines"


# ---------------------------------------------------------------------------------------------------------
# Notebook 07 · Reading sequences
# ---------------------------------------------------------------------------------------------------------


def test_digit_gallery_draws_each_image_with_its_title_and_hides_spare_axes():
    _, axes = plt.subplots(1, 4)
    images = np.random.default_rng(0).uniform(size=(3, 8, 8))
    drawn = rh.plotting.digit_gallery(images, ["a", "b", "c"], axes=axes)
    assert [ax.get_title() for ax in drawn[:3]] == ["a", "b", "c"]
    np.testing.assert_allclose(drawn[1].get_images()[0].get_array(), images[1])
    assert not drawn[3].axison


def test_confusion_heatmap_writes_every_nonzero_count():
    ax = rh.plotting.confusion_heatmap(np.array([[5, 0], [2, 3]]), ["x", "y"], title="t")
    assert sorted(t.get_text() for t in ax.texts) == ["2", "3", "5"]
    assert [t.get_text() for t in ax.get_xticklabels()] == ["x", "y"] and ax.get_title() == "t"


def test_reading_steps_titles_each_row_with_the_best_guess():
    beliefs = np.full((8, 10), 0.02)
    beliefs[np.arange(8), [1, 1, 7, 7, 7, 7, 7, 7]] = 0.82
    axes = rh.plotting.reading_steps(np.zeros((8, 8)), beliefs)
    assert axes[0].get_title() == "row 1: 1 (82%)" and axes[7].get_title() == "row 8: 7 (82%)"


def test_belief_curves_draw_one_styled_line_per_class():
    beliefs = np.tile(np.linspace(0.0, 1.0, 10), (8, 1))
    ax = rh.plotting.belief_curves(beliefs, [9, 3], labels=["nine", "three"])
    lines = ax.get_lines()
    assert len(lines) == 2 and lines[0].get_linestyle() != lines[1].get_linestyle()
    np.testing.assert_allclose(lines[1].get_ydata(), beliefs[:, 3])


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rh.plotting.digit_gallery(np.zeros((2, 8, 8)), ["one"]), ValueError, "list of 2 strings"),
        (lambda: rh.plotting.digit_gallery(np.zeros((0, 8, 8)), []), ValueError, "nothing to draw"),
        (lambda: rh.plotting.confusion_heatmap(np.zeros((2, 3)), ["a", "b"]), ValueError, "square"),
        (lambda: rh.plotting.reading_steps(np.zeros((8, 8)), np.zeros((7, 10))), ValueError, "one row per image row"),
        (lambda: rh.plotting.belief_curves(np.zeros((8, 10)), [10]), ValueError, r"indices in 0..9"),
    ],
)
def test_notebook_07_figures_explain_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()


def test_min_gru_cell_diagram_feeds_the_gate_and_candidate_from_the_input_only():
    ax = rh.plotting.min_gru_cell_diagram()
    texts = " ".join(t.get_text() for t in ax.texts)
    assert "$x_t$ only" in texts and "update gate" in texts and "linear" in texts and "reset" not in texts
    assert {p.get_gid() for p in ax.patches} >= {"state", "update", "candidate", "a", "b"}


@pytest.mark.parametrize("steps", [2, 5, 8, 16])
def test_scan_diagram_draws_one_arrow_per_combine_and_ends_with_whole_prefixes(steps):
    ax = rh.plotting.scan_diagram(steps)
    combines = [p for p in ax.patches if p.get_gid() == "combine"]
    assert len(combines) == rh.linear_recurrence.scan_cost(steps)["scan_work"]
    last_row = [t.get_text() for t in ax.texts][-steps - 1:-1]  # the circles of the last round, then its label
    assert last_row == ["1"] + [f"1–{t}" for t in range(2, steps + 1)]


def test_scan_diagram_explains_bad_input():
    with pytest.raises(ValueError, match="<= 16"):
        rh.plotting.scan_diagram(40)


def test_layered_rnn_diagram_draws_two_rows_of_cells_with_the_second_reading_back_or_up():
    both = rh.plotting.layered_rnn_diagram("bidirectional", steps=5, labels=list("26.11"))
    gids = [p.get_gid() for p in both.patches]
    assert gids.count("cell:forward") == gids.count("cell:backward") == 5 and gids.count("input") == 5
    assert gids.count("state:forward") == gids.count("state:backward") == 4   # a state passed between neighbours
    backward = [p for p in both.patches if p.get_gid() == "state:backward"]
    assert all(p._posA_posB[0][0] > p._posA_posB[1][0] for p in backward)      # right to left
    assert "reads right\nto left" in texts_of(both) and "$[\\overrightarrow{h}_3; \\overleftarrow{h}_3]$" in texts_of(both)
    assert [t.get_text() for t in both.texts if t.get_gid() == "input"] == list("26.11")
    stacked = rh.plotting.layered_rnn_diagram("stacked", steps=3)
    gids = [p.get_gid() for p in stacked.patches]
    assert gids.count("cell:forward") == gids.count("cell:upper") == 3 and "cell:backward" not in gids
    upper = [p for p in stacked.patches if p.get_gid() == "state:upper"]
    assert len(upper) == 2 and all(p._posA_posB[0][0] < p._posA_posB[1][0] for p in upper)  # left to right
    assert "second layer" in texts_of(stacked) and "$h^{(2)}_3$" in texts_of(stacked)
    _, ax = plt.subplots()
    assert rh.plotting.layered_rnn_diagram(ax=ax) is ax


@pytest.mark.parametrize(
    "call, error, match",
    [
        (lambda: rh.plotting.layered_rnn_diagram("deep"), ValueError, "'bidirectional', 'stacked'"),
        (lambda: rh.plotting.layered_rnn_diagram(steps=1), ValueError, "steps must be >= 2"),
        (lambda: rh.plotting.layered_rnn_diagram(steps=3, labels="abc"), ValueError, "list of 3 short strings"),
        (lambda: rh.plotting.layered_rnn_diagram(steps=3, labels=["a"]), ValueError, "list of 3 short strings"),
    ],
)
def test_layered_rnn_diagram_explains_bad_input(call, error, match):
    with pytest.raises(error, match=match):
        call()
