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


def _unwritable(tmp_path):
    """Folders no file can be written in: /proc (not creatable), a path through a regular file, a file
    where the folder should be.  (A chmod-ed read-only folder is no test under root; /proc stands for it.)"""
    (tmp_path / "afile").write_text("x")
    return {"proc": "/proc/ptft-x", "file": str(tmp_path / "afile"), "under_file": str(tmp_path / "afile" / "sub")}


@pytest.mark.parametrize("where", ["proc", "file", "under_file"])
@pytest.mark.parametrize("kind, csv_path", [("resnet", "validation/results/resnet/fig4_resnet_fashion_mnist.csv"),
                                            ("transformer", "validation/results/transformer/transformer_modp_cpu.csv")])
def test_network_figure_out_unwritable_names_the_flag(tmp_path, kind, csv_path, where):
    """``ptft resnet|transformer figure --out STEM`` where STEM's folder cannot be written: exit 2, one line
    naming --out and the value given.  Before: exit 1, "error: /proc/ptft-x: No such file or directory"
    (an OSError naming a path, not the flag)."""
    stem = _unwritable(tmp_path)[where] + "/fig"
    rc, out, err = run_cli(kind, "figure", "--csv", csv_path, "--out", stem)
    assert rc == 2 and f"--out={stem!r}" in err and len(err.strip().splitlines()) == 1, err
    assert out == ""


def test_nonlinear_figure_out_unwritable_names_the_flag(tmp_path):
    """``ptft nonlinear figure --out OUT`` with the study's CSVs in OUT but a file named ``figures`` where
    the figure folder goes: exit 2 naming --out.  Before: exit 1 on an OSError naming OUT/figures."""
    import shutil
    out = tmp_path / "out"
    res = out / "results" / "nonlinear"
    res.mkdir(parents=True)
    for name in ("teacher.csv", "predictions.csv"):
        shutil.copy(f"validation/results/nonlinear/{name}", res)
    (out / "figures").write_text("not a folder")
    rc, _, err = run_cli("nonlinear", "figure", "--study", "teacher", "--out", out)
    assert rc == 2 and f"--out={str(out)!r}" in err and "figures" in err, err
