"""How far back each cell remembers: the memory tasks of notebook 03 over a grid of cells and lengths.

Introduced in notebook 03. `memory_experiment` runs a plan of `(task, cells, lengths)` triples: for every task
and length, the cells race each other (`rnn_helpers.training.race_memory`, the one memory trainer, which
notebooks 04-05 use too), and the results come back as one table. `FULL_PLAN` is the whole grid: both tasks,
every cell, sequences of 5, 10, 20 and 40 steps.
"""

from . import data, training
from ._validation import Bool, check_choice, check_count, validate
from .cells import CLASSIC
from .progress import progress_bar

LENGTHS = (5, 10, 20, 40)
FULL_PLAN = tuple((task, CLASSIC, LENGTHS) for task in data.TASKS)


def _runs(plan):
    """Validate a plan; return its `(task, cells, length)` races in order."""
    if isinstance(plan, (str, dict)) or not hasattr(plan, "__iter__"):
        raise TypeError(f"plan must be a list of (task, cells, lengths) triples, got {type(plan).__name__}.")
    races = []
    for entry in plan:
        if not isinstance(entry, (tuple, list)) or len(entry) != 3:
            raise ValueError(f"each plan entry must be a (task, cells, lengths) triple, got {entry!r}. "
                             "Example: ('adding', ['elman', 'gru'], [10, 20]).")
        task, cells, lengths = entry
        task = check_choice("task", task, data.TASKS)
        if isinstance(cells, str) or isinstance(lengths, (int, str)):
            raise TypeError(f"cells and lengths must be lists, e.g. ['elman', 'gru'] and [10, 20]; got {cells!r} "
                            f"and {lengths!r}.")
        cells = tuple(check_choice("cell", cell, CLASSIC) for cell in cells)
        races += [(task, cells, check_count("length", length, minimum=2)) for length in lengths]
    if not any(cells for _, cells, _ in races):
        raise ValueError("plan must contain at least one (task, cell, length) run.")
    return races


@validate(progress=Bool(), checked_in_body=("plan",))
def memory_experiment(plan=FULL_PLAN, progress=True, **settings):
    """Train every cell of a plan at every length of its triple; return the results as a DataFrame.

    Introduced in notebook 03. For each task and length the cells race (`training.race_memory`), so their
    times are comparable within a row of the table.

    Args:
        plan: a sequence of `(task, cells, lengths)` triples, e.g. `[("adding", ["elman", "gru"], [10, 20])]`.
        progress: show a progress bar over all runs.
        **settings: passed on to `training.race_memory` (units, epochs, n_train, n_test, batch_size,
            learning_rate, seed).

    Returns:
        DataFrame with one row per (task, cell, length), in plan order, and the columns of
        `training.race_memory`'s results: `cell, task, length, model, params, r2, mse, losses, train_seconds,
        seconds_per_epoch`.
    """
    import pandas as pd

    for name in ("task", "length", "cells"):
        if name in settings:
            raise TypeError(f"memory_experiment takes {name} from each plan entry, not as {name}=...; "
                            "write the plan as [(task, cells, lengths), ...].")
    races = _runs(plan)
    rows = []
    with progress_bar(sum(len(cells) for _, cells, _ in races), "training", unit="run", enabled=progress) as bar:
        for task, cells, length in races:
            if not cells:
                continue
            results = training.race_memory(cells, task=task, length=length, progress=False, **settings)
            rows += [results[cell] for cell in cells]
            bar.update(len(cells))
    return pd.DataFrame(rows)
