"""The course's progress bar: counts what it is told, validates its input, and stores its final state."""

import pytest

import rnn_helpers as rh


def test_bar_counts_to_its_total_outside_a_notebook():
    with rh.progress.progress_bar(7, "demo", unit="run") as bar:
        for _ in range(7):
            bar.update(1)
    assert bar.n == 7 and bar.total == 7 and bar.desc == "demo" and bar.unit == "run"


def test_disabled_bar_still_counts_but_draws_nothing(capsys):
    with rh.progress.progress_bar(3, "quiet", enabled=False) as bar:
        bar.update(3)
    assert bar.disable is True
    assert capsys.readouterr().err == ""


@pytest.mark.parametrize("kwargs, error, match", [
    ({"total": 0, "desc": "x"}, ValueError, "total must be >= 1"),
    ({"total": 2.5, "desc": "x"}, TypeError, "total must be an int"),
    ({"total": 3, "desc": ""}, ValueError, "desc must not be empty"),
    ({"total": 3, "desc": None}, TypeError, "desc must be a string"),
    ({"total": 3, "desc": "x", "enabled": "yes"}, TypeError, "enabled must be True or False"),
])
def test_bad_input_is_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        rh.progress.progress_bar(**kwargs)


def test_a_subclass_of_the_jupyter_shell_counts_as_a_notebook(monkeypatch):
    """Colab's shell (google.colab._shell.Shell) subclasses ipykernel's; a terminal's IPython does not."""
    import IPython
    from IPython.core.interactiveshell import InteractiveShell
    from ipykernel.zmqshell import ZMQInteractiveShell

    class ColabLikeShell(ZMQInteractiveShell):
        pass

    shells = {"subclass": object.__new__(ColabLikeShell), "terminal": object.__new__(InteractiveShell)}
    for name, expected in (("subclass", True), ("terminal", False)):
        monkeypatch.setattr(IPython, "get_ipython", lambda: shells[name])
        assert (rh._record.notebook_shell() is shells[name]) is expected, name
    monkeypatch.setattr(IPython, "get_ipython", lambda: None)
    assert rh._record.notebook_shell() is None
