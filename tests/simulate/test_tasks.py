"""Teachers, data, configs and the package boundary: every bad input names parameter and range."""

import subprocess
import sys

import numpy as np
import pytest

from ptft_theory import Init, Task, ft_scales, make_teachers, regime, sample_data, simulate_gradient_flow
from ptft_theory.simulate import NEW, PT_ONLY, SHARED, UNUSED, class_counts


def test_teacher_counts_amplitudes_and_seed():
    task = Task(rho_pt=0.1, rho_shared=0.04, rho_new=0.06)
    T = make_teachers(task, 1000, seed=3)
    counts = class_counts(1000, task)
    for cls in (UNUSED, PT_ONLY, SHARED, NEW):
        assert np.sum(T.classes == cls) == counts[cls]
    assert counts == {PT_ONLY: 60, SHARED: 40, NEW: 60, UNUSED: 840}
    assert np.allclose(np.abs(T.beta_pt[T.beta_pt != 0]), 1 / np.sqrt(0.1))
    assert np.allclose(np.abs(T.beta_ft[T.beta_ft != 0]), 1 / np.sqrt(0.1))
    assert set(np.flatnonzero(T.beta_ft)) == set(np.flatnonzero((T.classes == SHARED) | (T.classes == NEW)))
    # unit mean square per coordinate (docs/design.md section 1)
    assert np.mean(T.beta_pt**2) * 1000 / 100 == pytest.approx(1 / 0.1 * 0.1 * 10)
    T2 = make_teachers(task, 1000, seed=3)
    assert np.array_equal(T.beta_ft, T2.beta_ft) and not np.array_equal(T.beta_ft, make_teachers(task, 1000, 4).beta_ft)


@pytest.mark.parametrize("signs, relation", [("equal", 1), ("opposite", -1)])
def test_shared_sign_relation(signs, relation):
    T = make_teachers(Task(0.2, 0.1, 0.05, shared_signs=signs), 500, seed=0)
    sh = T.classes == SHARED
    assert np.all(np.sign(T.beta_ft[sh]) == relation * np.sign(T.beta_pt[sh]))


def test_independent_signs_are_mixed():
    T = make_teachers(Task(0.2, 0.2, 0.0), 2000, seed=1)
    sh = T.classes == SHARED
    frac = np.mean(np.sign(T.beta_ft[sh]) == np.sign(T.beta_pt[sh]))
    assert 0.4 < frac < 0.6  # 400 fair coins: 5 standard deviations is 0.125


def test_data_noise_scale():
    beta = np.zeros(50)
    X, y = sample_data(20000, beta, sigma=0.3, seed=2)
    assert np.std(y) == pytest.approx(0.3, rel=0.02)  # SE of a std over 2e4 samples ~0.5%
    assert X.shape == (20000, 50)


@pytest.mark.parametrize("make, match", [
    (lambda: Init(0.0), r"c_pt=0.0 is invalid; valid range: c_pt > 0"),
    (lambda: Init(1.0, 1.5), r"lambda_pt=1.5 is invalid; valid range: \|lambda_pt\| <= c_pt = 1.0"),
    (lambda: Init(1.0, 0.0, -0.1), r"gamma_ft=-0.1 is invalid; valid range: gamma_ft >= 0"),
    (lambda: Init(float("nan")), r"c_pt=nan is invalid; valid range: a finite real number"),
    (lambda: Task(1.2, 0.0, 0.1), r"rho_pt=1.2 is invalid; valid range: 0 <= rho_pt <= 1"),
    (lambda: Task(0.1, 0.2, 0.1), r"rho_shared=0.2 is invalid; valid range: 0 <= rho_shared <= rho_pt"),
    (lambda: Task(0.6, 0.1, 0.5), r"rho_new=0.5 is invalid; valid range: 0 <= rho_new <= 1 - rho_pt"),
    (lambda: Task(0.1, 0.0, 0.0), r"FT teacher is empty"),
    (lambda: Task(0.1, 0.05, 0.05, shared_signs="same"), r"shared_signs='same' is invalid"),
    (lambda: ft_scales([1.0], 1.0, 0.0, 0.0, scheme="both"), r"scheme='both'.*'merged', 'readout'"),
    (lambda: ft_scales([1.0, np.inf], 1.0, 0.0, 0.0), r"beta_pt contains a non-finite value"),
    (lambda: ft_scales([1.0], 1.0, -2.0, 0.0), r"\|lambda_pt\| <= c_pt"),
    (lambda: make_teachers(Task(0.1, 0.05, 0.05), 0, 0), r"D=0 is invalid; valid range: an integer >= 1"),
    (lambda: sample_data(5, [1.0, 2.0], sigma=-1.0), r"sigma=-1.0 is invalid; valid range: sigma >= 0"),
    (lambda: regime(Task(0.1, 0.05, 0.05), Init(1.0, -1.0), "merged"), r"every coordinate is frozen"),
])
def test_bad_input_names_parameter_and_range(make, match):
    with pytest.raises(ValueError, match=match):
        make()


def test_simulator_bad_input():
    X = np.ones((3, 4))
    y = np.ones(3)
    with pytest.raises(ValueError, match=r"lambda_pt=2.0 is invalid; valid range: \|lambda_pt\| <= c_pt"):
        simulate_gradient_flow(X, y, X, y, 1.0, 2.0, 0.0)
    with pytest.raises(ValueError, match=r"X_ft must have shape"):
        simulate_gradient_flow(X, y, X, np.ones(4), 1.0, 0.0, 0.0)
    with pytest.raises(ValueError, match=r"mode='euler' is invalid"):
        simulate_gradient_flow(X, y, X, y, 1.0, 0.0, 0.0, mode="euler")
    with pytest.raises(ValueError, match=r"c_pt must be a scalar or have shape \(B,\) = \(1,\)"):
        simulate_gradient_flow(X, y, X, y, [1.0, 2.0], 0.0, 0.0)


def _cli(*args):
    return subprocess.run([sys.executable, "-m", "ptft_theory.cli", *args], capture_output=True, text=True)


@pytest.mark.parametrize("args, match", [
    (["regime", "--c-pt", "1e-3", "--lambda-pt", "-1e-2", "--rho-pt", "0.1", "--rho-shared", "0.05",
      "--rho-new", "0.05"], "lambda_pt=-0.01 is invalid; valid range: |lambda_pt| <= c_pt"),
    (["scales", "--beta-pt", "1", "--c-pt", "-1"], "c_pt=-1.0 is invalid; valid range: c_pt > 0"),
    (["scales", "--beta-pt", "nan", "--c-pt", "1"], "beta_pt contains a non-finite value"),
    (["regime", "--c-pt", "1", "--rho-pt", "0.1", "--rho-shared", "0.2", "--rho-new", "0"], "rho_shared=0.2"),
    (["scales", "--beta-pt", "1", "--c-pt", "x"], "invalid float value: 'x'"),
])
def test_cli_bad_input_one_line_exit_2(args, match):
    r = _cli(*args)
    assert r.returncode == 2
    lines = r.stderr.strip().splitlines()
    assert len(lines) == 1 and match in lines[0], r.stderr
    assert "Traceback" not in r.stderr


def test_cli_json_round_trip_matches_python_api():
    import json
    r = _cli("scales", "--beta-pt", "0", "3.1", "--c-pt", "1e-3", "--lambda-pt", "-1e-3", "--gamma-ft", "0.2", "--json")
    assert r.returncode == 0, r.stderr
    out = json.loads(r.stdout)
    k, b0 = ft_scales([0, 3.1], 1e-3, -1e-3, 0.2)
    assert out["k"] == pytest.approx(list(k), rel=1e-15) and out["b0"] == pytest.approx(list(b0), rel=1e-15)
    r = _cli("regime", "--c-pt", "1e-3", "--rho-pt", "0.1", "--rho-shared", "0.05", "--rho-new", "0.05", "--json")
    out = json.loads(r.stdout)
    ref = regime(Task(0.1, 0.05, 0.05), Init(1e-3))
    assert out["regime"] == ref.regime.value and out["l_order"] == pytest.approx(ref.l_order, rel=1e-15)


def test_cli_help_shows_examples():
    for cmd in ("derive", "scales", "regime", "simulate"):
        r = _cli(cmd, "--help")
        assert r.returncode == 0 and "example: ptft " + cmd in r.stdout
