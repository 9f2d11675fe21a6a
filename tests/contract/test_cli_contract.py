"""The CLI's contract, by reproducers: a user mistake is one line on stderr naming the flag and exit 2,
any other failure one line and exit 1 (a bug says it is one), Ctrl-C exit 130, never a traceback; and
``--json`` is strict JSON (null where a number is not finite).  Each reproducer failed on the code before
its fix (said per test).  The same contract over drawn arguments of every subcommand: test_cli_fuzz.py.
"""

import csv
import json
import shutil
import time

import numpy as np
import pytest
from _cli import assert_one_line_error, run_cli, scratch_cwd, strict_json  # noqa: F401  (scratch_cwd: a fixture)

from ptft_theory import Init, Task, cli, generalization_error
from ptft_theory.experiments import figures

pytestmark = pytest.mark.usefixtures("scratch_cwd")

TASK = ["--rho-pt", "0.1", "--rho-shared", "0.05", "--rho-new", "0.05"]


# ------------------------------------------------------------------------------------ strict JSON
def test_json_safe_replaces_every_non_finite_number():
    payload = {"a": [1.0, float("nan"), float("inf")], "b": np.array([-np.inf, 2.0]), "c": np.float64("nan"),
               "d": (np.int64(3), True, None, "x"), "e": {"f": float("-inf")}}
    got = strict_json(cli.dump_json(payload))
    assert got == {"a": [1.0, None, None], "b": [None, 2.0], "c": None, "d": [3, True, None, "x"], "e": {"f": None}}


@pytest.mark.parametrize("args", [
    ["curve", "--c-pt", "0.01", *TASK, "--alpha", "0.5", "1.5", "--json"],  # E_dB of E = 0 is -inf
    ["curve", "--c-pt", "0.01", *TASK, "--alpha", "0.5", "1.5", "--dps", "20", "--json"],
    ["scales", "--beta-pt", "0", "1", "--c-pt", "1e-3", "--gamma-ft", "1e200", "--json"],
    ["regime", "--c-pt", "1e300", *TASK, "--json"],
])
def test_json_reproducers_parse_strictly(args):
    rc, out, err = run_cli(*args)
    if rc == 0:
        strict_json(out)
    else:  # the API may refuse the extreme (a clear error): then one line, no traceback
        assert_one_line_error(rc, err)


def test_json_null_is_documented_in_help():
    assert "null" in cli.build_parser().format_help()
    for name in ("curve", "scales", "regime"):
        rc, out, err = run_cli(name, "--help")
        assert rc == 0 and "are null" in " ".join(out.split()), name


def test_curve_json_null_stands_for_minus_infinity_db():
    rc, out, err = run_cli("curve", "--c-pt", "0.01", *TASK, "--alpha", "0.5", "1.5", "--json")
    assert rc == 0, err
    got = strict_json(out)
    # noiseless, alpha = 1.5 >= 1: exact recovery, E = 0 (a closed-form fact: N >= D noiseless equations)
    assert got["E"][1] == 0.0 and got["E_dB"][1] is None and got["E_dB"][0] < 0


def test_curve_json_names_the_path_that_ran():
    """`ptft curve --json` says which moments backend and quadrature rule ran, as the API
    result does: per alpha in float64 (alpha >= 1 noiseless is the closed form), one name with --dps."""
    args = ("curve", "--c-pt", "1e-3", "--rho-pt", "0.1", "--rho-shared", "0.05", "--rho-new", "0.05",
            "--alpha", "0.2", "1.5", "--json")
    rc, out, err = run_cli(*args)
    got = json.loads(out)
    r = generalization_error(Task(0.1, 0.05, 0.05), Init(1e-3), [0.2, 1.5])
    assert rc == 0 and got["backend"] == r.backend and got["rule"] == [str(x) for x in r.rule]
    assert got["rule"][1] == "closed_form"
    rc, out, err = run_cli(*args, "--dps", "20")
    assert rc == 0 and json.loads(out)["rule"] == "panels" and json.loads(out)["backend"] in ("arb", "mpmath")


# ------------------------------------------------ user mistakes: one line naming the flag, exit 2
@pytest.mark.parametrize("args, names", [
    (["simulate", "--dim", "4", "--n-pt", "2", "--n-ft", "2", "--c-pt", "0.1", "--rho-pt", "0.5", "--rho-shared",
      "0.25", "--rho-new", "0.25", "--device", "bogus"], ("--device",)),
    (["simulate", "--dim", "4", "--n-pt", "2", "--n-ft", "2", "--c-pt", "0.1", "--rho-pt", "0.5", "--rho-shared",
      "0.25", "--rho-new", "0.25", "--seed", "-1"], ("--seed",)),
    (["resnet", "run", "--config", "resnet_fig4_fashion_cpu", "--device", "bogus"], ("--device",)),
    (["resnet", "run", "--config", "no_such_config"], ("no_such_config",)),
    (["resnet", "figure", "--csv", "no_such.csv"], ("no_such.csv",)),
    (["boundary", "equal", *TASK, "--scheme-a", "merged"], ("c_pt",)),
])
def test_user_errors_are_one_line_exit_2(args, names):
    rc, out, err = run_cli(*args)
    assert_one_line_error(rc, err, (2,), names=names)


def test_unwritable_out_and_cache_dir(tmp_path):
    a_file = tmp_path / "a_file"
    a_file.write_text("x")
    rc, out, err = run_cli("figures", "--quick", "--only", "fig2", "--out", a_file / "out")
    assert_one_line_error(rc, err, (2,), names=("--out=",))
    rc, out, err = run_cli("figures", "--quick", "--only", "fig2", "--out", tmp_path / "o", "--cache-dir",
                           a_file / "c")
    assert_one_line_error(rc, err, (2,), names=("--cache-dir=",))
    rc, out, err = run_cli("resnet", "run", "--config", "resnet_fig4_fashion_cpu", "--out", a_file / "out")
    assert_one_line_error(rc, err, (2,), names=("--out=",))


def test_plot_into_unwritable_folder_names_the_flag(tmp_path):
    """``ptft advise --plot /proc/x.png``: exit 2 naming --plot, before the advice is computed.  Before:
    exit 1 after the search, naming a temporary file (/proc/.tmp-x-....png) the user never gave."""
    rc, out, err = run_cli("advise", "--rho-pt", 0.1, "--rho-shared", 0.05, "--rho-new", 0.05, "--alpha", 0.3,
                           "--plot", "/proc/x.png")
    assert rc == 2 and "--plot='/proc/x.png'" in err and ".tmp-" not in err, err


def test_malformed_resnet_config_names_the_file(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("name = 'x'\nseeds = [0,\n")
    rc, out, err = run_cli("resnet", "run", "--config", bad)
    assert "not valid TOML" in assert_one_line_error(rc, err, (2,), names=(str(bad),))


def test_figures_configs_option(tmp_path):
    cfgs = tmp_path / "cfgs"
    cfgs.mkdir()
    rc, out, err = run_cli("figures", "--quick", "--only", "fig2", "--configs", cfgs, "--out", tmp_path / "o")
    assert_one_line_error(rc, err, (2,), names=(str(cfgs / "fig2.toml"),))
    shutil.copy(figures.CONFIG_DIR / "fig2.toml", cfgs / "fig2.toml")
    (cfgs / "fig3.toml").write_text("[baseline\nx = 1\n")
    rc, out, err = run_cli("figures", "--quick", "--only", "fig2", "fig3", "--configs", cfgs, "--out", tmp_path / "o")
    line = assert_one_line_error(rc, err, (2,), names=(str(cfgs / "fig3.toml"),))
    assert "not valid TOML" in line and not (tmp_path / "o" / "results").exists()  # failed before any work
    rc, out, err = run_cli("figures", "--quick", "--only", "fig2", "--configs", tmp_path / "none", "--out", tmp_path)
    assert_one_line_error(rc, err, (2,), names=("--configs",))


def test_curve_sigma_range():
    rc, out, err = run_cli("curve", "--c-pt", "0.01", *TASK, "--alpha", "0.5", "--sigma", "1e200")
    assert_one_line_error(rc, err, (2,), names=("sigma=1e+200 is invalid; valid range: 0 <= sigma <= 1e100",))
    # the largest sigma allowed still gives the closed form of GF's least-squares limit (docs/methods.md, replica theory):
    # E = sigma^2 alpha / ((alpha - 1) E[beta*^2]), E[beta*^2] = rho_ft amp_ft^2 = 1 for the default amplitude
    rc, out, err = run_cli("curve", "--c-pt", "0.01", *TASK, "--alpha", "1.5", "--sigma", "1e100", "--json")
    assert rc == 0, err
    assert strict_json(out)["E"][0] == pytest.approx(3e200, rel=1e-12)  # float64 rounding of a closed form


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


def test_valid_extremes_never_give_a_traceback():
    rc, out, err = run_cli("regime", "--c-pt", "1e-300", *TASK)  # the API's answer or its clear error
    if rc != 0:
        assert_one_line_error(rc, err)


# ---------------------------------------------------- other failures: one line, exit 1 or 130
def test_unexpected_exception_is_one_line_marked_as_a_bug(monkeypatch):
    """A bug (any exception that is not a PTFTError) is one line naming the exception and where it was
    raised, exit 1; PTFT_DEBUG=1 shows the traceback.  A PTFTError that is a RuntimeError (a solve that
    did not converge) is exit 1 with its class name."""
    from ptft_theory import scales
    from ptft_theory.errors import ReplicaError

    def boom(*a, **k):
        raise ZeroDivisionError("division by zero")

    monkeypatch.setattr(scales, "ft_scales", boom)
    args = ["scales", "--beta-pt", "1", "--c-pt", "0.1"]
    rc, out, err = run_cli(*args)
    line = assert_one_line_error(rc, err, (1,))
    assert "internal error" in line and "ZeroDivisionError" in line and "PTFT_DEBUG=1" in line
    monkeypatch.setenv("PTFT_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        cli.main(args)
    monkeypatch.delenv("PTFT_DEBUG")

    def no_fixed_point(*a, **k):
        raise ReplicaError("no fixed point\nat alpha=0.5")

    monkeypatch.setattr(scales, "ft_scales", no_fixed_point)
    rc, out, err = run_cli(*args)
    assert assert_one_line_error(rc, err, (1,)) == "ptft scales: ReplicaError: no fixed point at alpha=0.5"


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


_REPO = __import__("pathlib").Path(__file__).resolve().parents[2]


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
    rc, out, err = run_cli(kind, "figure", "--csv", _REPO / csv_path, "--out", stem)
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
        shutil.copy(_REPO / "validation/results/nonlinear" / name, res)
    (out / "figures").write_text("not a folder")
    rc, _, err = run_cli("nonlinear", "figure", "--study", "teacher", "--out", out)
    assert rc == 2 and f"--out={str(out)!r}" in err and "figures" in err, err
