"""CLI failure paths of issue 24: each says what is wrong in one line (exit 2) or answers."""

import csv

import pytest
from _cli import run_cli


def test_plot_into_unwritable_folder_names_the_flag(tmp_path):
    """``ptft advise --plot /proc/x.png``: exit 2 naming --plot, before the advice is computed.  Before:
    exit 1 after the search, naming a temporary file (/proc/.tmp-x-....png) the user never gave."""
    rc, out, err = run_cli("advise", "--rho-pt", 0.1, "--rho-shared", 0.05, "--rho-new", 0.05, "--alpha", 0.3,
                           "--plot", "/proc/x.png")
    assert rc == 2 and "--plot='/proc/x.png'" in err and ".tmp-" not in err, err


@pytest.mark.parametrize("kind", ["transformer", "resnet"])
@pytest.mark.parametrize("junk", ["text", "empty_metrics"])
def test_network_figure_of_non_numeric_csv_is_an_error(tmp_path, kind, junk):
    """A results CSV whose values are not numbers: exit 2 naming the column.  Before: `ptft transformer
    figure` drew an empty figure and exited 0."""
    from ptft_theory.experiments.resnet.sweep import COLUMNS as RESNET
    from ptft_theory.experiments.transformer.sweep import COLUMNS as TRANSFORMER
    columns = TRANSFORMER if kind == "transformer" else RESNET
    path = tmp_path / "r.csv"
    with path.open("w", newline="") as f:
        w = csv.writer(f)
        w.writerow(columns)
        for i in range(4):
            if junk == "text":
                w.writerow([f"abc{i}" for _ in columns])
            else:  # levers and sizes numeric, every metric empty
                w.writerow(["1" if c in ("c_pt", "kappa", "gamma_ft", "n_ft", "p", "seed") else
                            "add" if c in ("ft_op", "pt_op") else "" for c in columns])
    rc, out, err = run_cli(kind, "figure", "--csv", path, "--out", tmp_path / "fig")
    assert rc == 2 and "column" in err and "csv=" in err, (rc, err)
    assert not (tmp_path / "fig").exists() or not list((tmp_path / "fig").rglob("*.png"))


class _InterruptedFinaliser:
    """Ctrl-C landing while a finaliser runs: the KeyboardInterrupt is raised inside ``__del__``, where
    Python can only print "Exception ignored" and go on (what swallowed 1 of 12 Ctrl-C in the probe)."""

    def __del__(self):
        import signal
        signal.raise_signal(signal.SIGINT)
        for _ in range(3):  # a backward jump: the handler runs here, inside __del__
            pass


def test_ctrl_c_in_a_finaliser_is_not_lost(monkeypatch):
    """SIGINT delivered inside a finaliser still ends the command with exit 130, and soon.  Before: the
    interrupt was swallowed, the command ran to the end and exited 0."""
    import time

    from ptft_theory.cli import theory
    progress = []

    def command(args):
        _InterruptedFinaliser()  # dropped at once: __del__ runs here
        for i in range(300):  # 3 s of work the interrupt must stop
            progress.append(i)
            time.sleep(0.01)
    monkeypatch.setattr(theory, "_cmd_regime", command)
    rc, out, err = run_cli("regime", "--c-pt", 1, "--rho-pt", 0.1, "--rho-shared", 0.05, "--rho-new", 0.05)
    assert rc == 130 and "interrupted" in err
    assert len(progress) < 300  # stopped early, not at the end
