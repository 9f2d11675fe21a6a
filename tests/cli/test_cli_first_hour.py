"""What a new user meets first: ``ptft --version``, bare ``ptft``, a missing optional dependency, readable
``--help`` and ``ptft derive``.  A missing dependency is simulated by ``sys.modules[name] = None`` in a
fresh interpreter (``import name`` then raises ImportError, installed or not)."""

from __future__ import annotations

import subprocess
import sys

import pytest

import ptft_theory
from ptft_theory import cli
from ptft_theory.errors import MissingExtraError

from _cli import run_cli


def _without(module: str, code: str):
    """Run ``code`` in a fresh interpreter where ``import module`` fails."""
    return subprocess.run([sys.executable, "-c", f"import sys; sys.modules[{module!r}] = None\n" + code],
                          capture_output=True, text=True, timeout=300)


def test_version():
    rc, out, err = run_cli("--version")
    assert rc == 0 and out.strip() == f"ptft {ptft_theory.__version__} (ptft-theory)"


def test_bare_ptft_prints_the_help():
    rc, out, err = run_cli()
    assert rc == 0 and err == ""
    assert out == cli.build_parser().format_help() and "COMMAND" in out and "example: ptft regime" in out


@pytest.mark.parametrize("argv, extra", [
    (["simulate", "--dim", "6", "--n-pt", "3", "--n-ft", "3", "--c-pt", "1", "--rho-pt", "0.5", "--rho-shared",
      "0.25", "--rho-new", "0.25"], "sim"),
    (["resnet", "run", "--config", "resnet_fig4_fashion_cpu", "--quick", "--out", "OUT"], "networks"),
    (["transformer", "run", "--config", "transformer_modp_gpu", "--quick", "--out", "OUT"], "networks"),
])
def test_missing_torch_is_one_line_exit_2_naming_the_extra(argv, extra, tmp_path):
    argv = [str(tmp_path / "out") if a == "OUT" else a for a in argv]
    r = _without("torch", f"from ptft_theory.cli import main; sys.exit(main({argv!r}))")
    assert r.returncode == 2, r.stderr
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and f"pip install 'ptft-theory[{extra}]'" in lines[0] and "internal error" not in lines[0]
    assert lines[0].startswith(f"ptft {argv[0]}: error: ") and "torch" in lines[0]
    assert not any((tmp_path / "out").rglob("*.csv"))  # nothing ran


def test_testing_module_without_hypothesis_names_the_extra():
    r = _without("hypothesis", "import ptft_theory.testing")
    assert r.returncode == 1
    assert "MissingExtraError" in r.stderr and "pip install 'ptft-theory[testing]'" in r.stderr
    assert issubclass(MissingExtraError, ImportError)  # `except ImportError` code keeps working


def test_the_library_names_the_extra_too():
    r = _without("torch", "import numpy as np\nfrom ptft_theory import simulate_gradient_flow\n"
                          "X = np.eye(2); y = np.ones(2)\n"
                          "try:\n    simulate_gradient_flow(X, y, X, y, 1.0, 0.0, 0.0)\n"
                          "except ImportError as e:\n    print(type(e).__name__, e)")
    assert r.returncode == 0, r.stderr
    assert r.stdout.startswith("MissingExtraError simulate_gradient_flow needs torch") and "[sim]" in r.stdout


def test_examples_are_printed_verbatim_at_80_columns(monkeypatch):
    """argparse used to reflow the epilog and split ``--rho-shared`` across two lines."""
    monkeypatch.setenv("COLUMNS", "80")
    for name in ("curve", "boundary", "simulate"):
        rc, out, err = run_cli(name, "--help")
        assert rc == 0
        ex = [line for line in out.splitlines() if line.startswith("example: ")]
        assert ex and all(" --rho-shared " in line and line.count("--") >= 4 for line in ex if "--rho" in line)
        assert out.count("are null") <= 1  # the JSON note once, not under every flag


@pytest.mark.parametrize("argv, flag", [(["derive"], "--what"), (["simulate"], "--mode"),
                                        (["regime"], "--l-order-threshold"), (["regime"], "--pt-dependence-threshold"),
                                        (["boundary", "equal"], "--c-pt-a"), (["boundary", "equal"], "--c-pt-b"),
                                        (["boundary", "level"], "--json")])
def test_every_flag_has_help(argv, flag):
    parser = cli.build_parser()
    for name in argv:
        parser = next(a for a in parser._actions if a.__class__.__name__ == "_SubParsersAction").choices[name]
    action = next(a for a in parser._actions if flag in a.option_strings)
    assert action.help and len(action.help) > 10


def test_derive_is_readable_plain_text():
    """One line per formula that sympy reads back to the same expression (no wrapped 2-D art)."""
    import sympy as sp

    from ptft_theory.symbolic import potential
    rc, out, err = run_cli("derive", "--what", "potential")
    assert rc == 0
    lines = dict(line.split(" = ", 1) for line in out.splitlines())
    printed, derived = sp.sympify(lines["Q_k(b)"]), potential.potential()
    at = {"b": 0.7, "k": 0.3}  # by name: the derivation's symbols carry assumptions, sympify's do not
    value = lambda e: float(e.subs({s: at[s.name] for s in e.free_symbols}))  # noqa: E731
    assert value(printed) == pytest.approx(value(derived), rel=1e-14)
