"""The basic subcommands' contract (moved from tests/simulate/test_tasks.py, run in-process): a user's
mistake is one line on stderr and exit 2, ``--json`` matches the Python API exactly, ``--help`` shows an
example."""

import pytest

from ptft_theory import Init, Task, ft_scales, regime

from _cli import assert_one_line_error, run_cli, strict_json


@pytest.mark.parametrize("args, match", [
    (["regime", "--c-pt", "1e-3", "--lambda-pt", "-1e-2", "--rho-pt", "0.1", "--rho-shared", "0.05",
      "--rho-new", "0.05"], "lambda_pt=-0.01 is invalid; valid range: |lambda_pt| <= c_pt"),
    (["scales", "--beta-pt", "1", "--c-pt", "-1"], "c_pt=-1.0 is invalid; valid range: c_pt > 0"),
    (["scales", "--beta-pt", "nan", "--c-pt", "1"], "beta_pt contains a non-finite value"),
    (["regime", "--c-pt", "1", "--rho-pt", "0.1", "--rho-shared", "0.2", "--rho-new", "0"], "rho_shared=0.2"),
    (["scales", "--beta-pt", "1", "--c-pt", "x"], "invalid float value: 'x'"),
])
def test_cli_bad_input_one_line_exit_2(args, match):
    rc, _, err = run_cli(*args)
    assert match in assert_one_line_error(rc, err, codes=(2,)), err


def test_cli_json_round_trip_matches_python_api():
    rc, out, err = run_cli("scales", "--beta-pt", "0", "3.1", "--c-pt", "1e-3", "--lambda-pt", "-1e-3",
                           "--gamma-ft", "0.2", "--json")
    assert rc == 0, err
    d = strict_json(out)
    k, b0 = ft_scales([0, 3.1], 1e-3, -1e-3, 0.2)
    assert d["k"] == pytest.approx(list(k), rel=1e-15) and d["b0"] == pytest.approx(list(b0), rel=1e-15)
    rc, out, err = run_cli("regime", "--c-pt", "1e-3", "--rho-pt", "0.1", "--rho-shared", "0.05", "--rho-new",
                           "0.05", "--json")
    assert rc == 0, err
    d = strict_json(out)
    ref = regime(Task(0.1, 0.05, 0.05), Init(1e-3))
    assert d["regime"] == ref.regime.value and d["l_order"] == pytest.approx(ref.l_order, rel=1e-15)


@pytest.mark.parametrize("cmd", ["derive", "scales", "regime", "simulate"])
def test_cli_help_shows_examples(cmd):
    rc, out, _ = run_cli(cmd, "--help")
    assert rc == 0 and "example: ptft " + cmd in out
