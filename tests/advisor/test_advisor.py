"""The initialisation advisor (issue 15): ``best_init`` against truths from outside the optimiser.

* an exhaustive grid over the same box (the advisor must match or beat its best point);
* the paper's Fig. 5 (no overlap -> regime I best, identical support -> II best);
* direct FT solves at D = 300 (the predicted order of the recommended init and the runner-up
  regime's best init; full size: validation/advisor_check.py, D = 1000);
* the lazy limit E = 1 - alpha, and an independent quadrature of the alpha-interval mean;
* bad input raises our errors naming the parameter; the infeasible corner is counted, not crashed on.

Tolerances: two replica evaluations of one init agree to the replica's error bound
QUAD_RTOL_MAX * max(E, QUAD_E_FLOOR) (ptft_theory/replica/curve.py), the slack of every "match or beat" below.
"""

import json
import math

import numpy as np
import pytest

from ptft_theory import (Init, InfeasibleError, ParameterError, ParameterTypeError, PTFTError, Task, best_init,
                         error_sweep, ft_scales, generalization_error, implicit_bias_solution, make_teachers, regime,
                         relative_error, sample_data)
from ptft_theory.advisor import DEFAULT_BOUNDS, REFERENCE_INIT
from ptft_theory.replica.curve import QUAD_E_FLOOR, QUAD_RTOL_MAX

from conftest import FULL

#: A small global grid keeps the default run fast; the polish is the same as the default's.
SMALL = {"log10_c_pt": 7, "lambda_ratio": 5, "gamma_ft": 4}


def slack(E):
    return QUAD_RTOL_MAX * max(E, QUAD_E_FLOOR)


def brute_force(task, alpha, sizes):
    """Lowest E over a product grid of the default box, evaluated independently (lines in lambda)."""
    (lc0, lc1), (r0, r1), (g0, g1) = DEFAULT_BOUNDS.values()
    best = math.inf
    for lc in np.linspace(lc0, lc1, sizes[0]):
        c = 10.0**lc
        for g in np.linspace(g0, g1, sizes[2]):
            rs = np.linspace(r1, r0, sizes[1])
            rs = rs[:-1] if g == 0 else rs  # lambda = -c, gamma = 0: every coordinate frozen
            best = min(best, min(float(r) for r in error_sweep(task, Init(c, rs[0] * c, g), "lambda_pt", rs * c,
                                                               alpha)))
    return best


@pytest.mark.parametrize("name,task,alpha", [("no_overlap", Task(0.1, 0.0, 0.1), 0.2),
                                             ("identical", Task(0.1, 0.1, 0.0), 0.08)][:2 if FULL else 1])
def test_matches_or_beats_a_dense_grid(name, task, alpha):
    # 15 x 13 x 9 points (full run: 25 x 21 x 11; validation/advisor_check.py: 49 x 41 x 21 on 6 tasks)
    sizes = (25, 21, 11) if FULL else (15, 13, 9)
    adv = best_init(task, alpha, grid=SMALL)
    E_grid = brute_force(task, alpha, sizes)
    assert adv.E <= E_grid + slack(E_grid), (adv, E_grid)


@pytest.mark.parametrize("task,best", [(Task(0.1, 0.0, 0.1), "I"), (Task(0.1, 0.1, 0.0), "II")])
def test_best_regime_is_fig5s(task, best):
    """The paper's Fig. 5 (no overlap: I best; identical support: II best), at alpha = 0.1."""
    adv = best_init(task, 0.1, grid=SMALL)
    assert adv.regime.regime.value == best
    assert min(adv.best_by_regime, key=lambda k: adv.best_by_regime[k].E) == best


def test_invariants_and_strict_json():
    task = Task(0.1, 0.05, 0.05)
    adv = best_init(task, 0.25, grid=SMALL)
    assert adv.E == min(b.E for b in adv.best_by_regime.values())
    assert adv.E <= adv.E_default  # the reference init (c = 1, lambda = 0, gamma = 1) lies inside the box
    for lab, b in adv.best_by_regime.items():  # each regime's best lies in that regime's region
        assert regime(task, b.init).regime.value == lab
        assert abs(float(generalization_error(task, b.init, 0.25)) - b.E) <= slack(b.E)
    assert regime(task, adv.init).regime == adv.regime.regime
    assert adv.E_default == pytest.approx(float(generalization_error(task, REFERENCE_INIT, 0.25)), rel=1e-9)
    assert adv.evaluations > 0 and adv.failures >= adv.infeasible > 0  # the default box holds the corner
    text = json.dumps(adv.as_dict(), allow_nan=False)
    assert json.loads(text)["regime"] == adv.regime.regime.value
    assert "Advice(init=Init(" in repr(adv)


def test_lazy_box_gives_the_l2_limit():
    """In a box where every k >= 2e6 the network is lazy: E = 1 - alpha whatever the init (closed form)."""
    adv = best_init(Task(0.1, 0.05, 0.05), 0.3, bounds={"log10_c_pt": (6.0, 8.0), "lambda_ratio": (0.0, 1.0)},
                    grid={"log10_c_pt": 3, "lambda_ratio": 3, "gamma_ft": 2})
    assert adv.E == pytest.approx(0.7, abs=1e-5)  # l2 limit; k >= 2e6 is within 1e-5 of it (amp / k ~ 1e-6)
    assert adv.regime.regime.value == "III"


def test_alpha_interval_is_the_mean_over_it():
    task, lo, hi = Task(0.1, 0.0, 0.1), 0.1, 0.3
    adv = best_init(task, (lo, hi), fix={"c_pt": 0.01, "gamma_ft": 0.2}, grid={"lambda_ratio": 5})
    a = np.linspace(lo, hi, 401)
    E = np.asarray(generalization_error(task, adv.init, a))
    mean = float(np.sum((E[1:] + E[:-1]) / 2 * np.diff(a)) / (hi - lo))  # trapezoid, error ~1e-6 here
    assert adv.E == pytest.approx(mean, rel=1e-4)  # composite Gauss-Legendre vs 401-point trapezoid
    assert adv.alpha == (lo, hi)


def test_alpha_interval_mean_across_the_recovery_kink():
    """Identical supports, a rich init (c = 1e-4, gamma = 0): E falls to ~1e-7 (exact recovery) inside
    [0.02, 0.3], a kink.  One 5-node Gauss-Legendre rule put the mean 1.9% high (0.1196 vs 0.1174)."""
    task, lo, hi = Task(0.1, 0.1, 0.0), 0.02, 0.3
    init = Init(1e-4, 1e-4, 0.0)
    adv = best_init(task, (lo, hi), fix={"c_pt": 1e-4, "lambda_ratio": 1.0, "gamma_ft": 0.0})
    a = np.linspace(lo, hi, 2001)
    E = np.asarray(generalization_error(task, init, a))
    mean = float(np.sum((E[1:] + E[:-1]) / 2 * np.diff(a)) / (hi - lo))
    # trapezoid, h = 1.4e-4: within ~1e-5 of the mean (agrees with 4 x 8-node Gauss-Legendre to 6e-6);
    # the composite rule's error is ~2e-4, the single rule's 2e-2
    assert adv.E == pytest.approx(mean, rel=1e-3)


def test_fixed_levers_are_kept():
    task = Task(0.1, 0.05, 0.05)
    adv = best_init(task, 0.2, fix={"gamma_ft": 0.0}, grid=SMALL)
    assert adv.init.gamma_ft == 0.0 and all(b.init.gamma_ft == 0.0 for b in adv.best_by_regime.values())
    adv = best_init(task, 0.2, fix={"lambda_pt": 1e-2, "gamma_ft": 0.1}, grid=SMALL)
    assert adv.init.lambda_pt == 1e-2 and adv.init.c_pt >= 1e-2 and adv.init.gamma_ft == 0.1
    # c_pt at its lower face |lambda_pt|: 10**log10(lam) is 1 ulp below lam for this one (0.17% of values),
    # and the pinned lambda_pt used to be clipped to -c_pt
    lam = 1.7899376595166787
    adv = best_init(task, 0.2, fix={"lambda_pt": -lam, "gamma_ft": 0.1}, bounds={"log10_c_pt": (-4.0, math.log10(lam))})
    assert adv.init.lambda_pt == -lam and adv.init.c_pt == lam
    one = best_init(task, 0.2, fix={"c_pt": 0.01, "lambda_ratio": -0.5, "gamma_ft": 0.1})
    assert one.init == Init(0.01, -0.005, 0.1)
    assert one.E == pytest.approx(float(generalization_error(task, Init(0.01, -0.005, 0.1), 0.2)), rel=1e-9)


def test_box_face_message_says_wider_only_where_the_box_can_widen():
    """lambda_pt = -c_pt is the end of the valid range, not a face a wider box moves (before: "a wider box
    may go lower" for it); a face the user set (lambda_ratio <= 0.5 here, E falling with lambda) can."""
    task = Task(0.1, 0.02, 0.0)
    # E reaches 1e-6 here (exact recovery): with the default floor the answer would be the least extreme
    # init below it (tests/test_advisor_resolution.py); this test is about faces, so the floor is off
    adv = best_init(task, 0.15, "readout", fix={"c_pt": 0.01, "gamma_ft": 0.0}, resolution=1e-300)
    assert adv.init.lambda_pt == -0.01 and adv.on_bounds == ("lambda_ratio",)
    assert "wider box" not in adv.message and "edge of the valid range in lambda_ratio" in adv.message
    adv = best_init(task, 0.15, "readout", fix={"c_pt": 0.01, "gamma_ft": 0.0}, bounds={"lambda_ratio": (0.0, 0.5)})
    assert adv.init.lambda_pt == 0.0 and "face of the box in lambda_ratio (a wider box" in adv.message


def test_infeasible_corner_is_an_error_only_when_it_is_all_there_is():
    with pytest.raises(InfeasibleError, match="infeasible"):
        best_init(Task(0.1, 0.05, 0.05), 0.2, fix={"lambda_ratio": -1.0, "gamma_ft": 0.0})


@pytest.mark.parametrize("kwargs,name", [
    (dict(alpha=0.0), "alpha"), (dict(alpha=-1.0), "alpha"), (dict(alpha=math.nan), "alpha"),
    (dict(alpha=(0.3, 0.1)), "alpha"), (dict(alpha=(0.1, 0.2, 0.3)), "alpha"), (dict(alpha="x"), "alpha"),
    (dict(alpha=1e-300), "alpha"), (dict(alpha=(1e-300, 0.1)), "alpha"), (dict(sigma=1e200), "sigma"),
    (dict(sigma=-1.0), "sigma"), (dict(scheme="bogus"), "scheme"), (dict(task="task"), "task"),
    (dict(fix={"c": 1.0}), "fix"), (dict(fix={"c_pt": -1.0}), "c_pt"), (dict(fix={"gamma_ft": math.inf}), "gamma_ft"),
    (dict(fix={"lambda_ratio": 2.0}), "lambda_ratio"), (dict(fix={"lambda_pt": 1e3}), "lambda_pt"),
    (dict(fix={"lambda_pt": 0.1, "lambda_ratio": 0.5}), "lambda"), (dict(fix=[1]), "fix"),
    (dict(bounds={"log10_c_pt": (2.0, -4.0)}), "log10_c_pt"), (dict(bounds={"gamma_ft": (-1.0, 1.0)}), "gamma_ft"),
    (dict(bounds={"lambda_ratio": (-2.0, 1.0)}), "lambda_ratio"), (dict(bounds={"c": (0, 1)}), "bounds"),
    (dict(bounds={"gamma_ft": 1.0}), "gamma_ft"), (dict(bounds=[1]), "bounds"),
    (dict(grid={"gamma_ft": 1}), "grid"), (dict(grid={"x": 3}), "grid"), (dict(reference="init"), "reference"),
    (dict(task=Task(0.0, 0.0, 0.1)), "rho_pt"),
    # with noise E ~ sigma^2 / |1 - alpha| (unbounded mean over an interval holding 1): before, (0.5, 1.5)
    # returned a finite mean from nodes that missed 1, and (0.25, 2.25) blamed alpha=1.0, a node
    (dict(alpha=(0.5, 1.5), sigma=0.3), r"alpha=\(0.5, 1.5\) contains 1"), (dict(alpha=(0.25, 2.25), sigma=0.3), r"alpha=\(0.25"),
    (dict(alpha=(1.0, 1.5), sigma=0.3), "contains 1"),
    # outside the box bounds= accepts: c_PT (or gamma_FT^2) leaves float64, every evaluation failed and
    # the user got a ReplicaError blaming beta_pt (exit 1) instead of naming the lever
    (dict(fix={"c_pt": 1e-320}), "c_pt.*1e-300"), (dict(fix={"c_pt": 1e305}), "c_pt"),
    (dict(fix={"gamma_ft": 1e200}), "gamma_ft.*1e\\+76"),
])
def test_bad_input_names_the_parameter(kwargs, name):
    kw = dict(dict(task=Task(0.1, 0.05, 0.05), alpha=0.2), **kwargs)
    with pytest.raises((ParameterError, ParameterTypeError), match=name):
        best_init(**kw)


def test_finite_pt_data_advice_beats_a_direct_scan():
    """With alpha_pt the advisor searches the two-stage replica: its optimum over lambda_PT / c_PT (c and
    gamma pinned) must match or beat a 41-point scan of generalization_error(alpha_pt=) itself, and
    noiseless alpha_pt >= 1 (exact PT, docs/design.md 3.1) must give the perfect-PT advice."""
    task, alpha, fix = Task(0.1, 0.05, 0.05), 0.3, {"c_pt": 1e-2, "gamma_ft": 0.1}
    adv = best_init(task, alpha, alpha_pt=0.35, fix=fix, grid={"lambda_ratio": 5})
    assert adv.alpha_pt == 0.35 and adv.as_dict()["alpha_pt"] == 0.35
    scan = []
    for r in np.linspace(-1.0, 1.0, 41)[1:]:  # r = -1 with gamma > 0 is feasible but k = gamma^2: kept by the grid
        scan.append(float(generalization_error(task, Init(1e-2, r * 1e-2, 0.1), alpha, alpha_pt=0.35)))
    # the two-stage replica's quadrature target is 1e-5 relative (replica/two_stage.py): a tie within it counts
    assert adv.E <= min(scan) * (1 + 1e-4)
    assert adv.E == pytest.approx(float(generalization_error(task, adv.init, alpha, alpha_pt=0.35)), rel=1e-4)
    from ptft_theory.advisor.plot import error_surface  # the --plot surface is the finite-PT one too
    log_c, ratio, E, _, _ = error_surface(adv, n_c=2, n_r=3)
    for i, j in ((0, 0), (1, 1)):
        init = Init(10.0 ** log_c[i], ratio[j] * 10.0 ** log_c[i], adv.init.gamma_ft)
        assert E[i, j] == pytest.approx(float(generalization_error(task, init, alpha, alpha_pt=0.35)), rel=1e-12)
    exact = best_init(task, alpha, alpha_pt=1.5, fix=fix, grid={"lambda_ratio": 5})
    perfect = best_init(task, alpha, fix=fix, grid={"lambda_ratio": 5})
    # the same one-stage replica; only the warm starts differ (lambda lines without alpha_pt, single solves
    # with it), so E agrees to the fixed point's Newton tolerance, far inside QUAD_RTOL (1e-9), and the
    # polish (finite differences on log E) ends at the same lambda up to that noise
    assert exact.E == pytest.approx(perfect.E, rel=1e-9)
    assert exact.init.lambda_pt == pytest.approx(perfect.init.lambda_pt, rel=1e-6)


@pytest.mark.slow
def test_simulation_confirms_the_predicted_order():
    """Recommended init vs the runner-up regime's best init: direct FT solves on the same draws
    (beta_PT = PT teacher, implicit-bias end point), the paired difference beyond 2 SE."""
    task, alpha = Task(0.1, 0.0, 0.1), 0.25
    D, seeds = (1000, 12) if FULL else (300, 6)
    adv = best_init(task, alpha, grid=SMALL)
    others = {k: v for k, v in adv.best_by_regime.items() if k != adv.regime.regime.value}
    runner = min(others, key=lambda k: others[k].E)
    inits = [adv.init, others[runner].init]
    assert others[runner].E > adv.E * 1.05  # a predicted gap worth testing (0.65 vs 0.74)
    diff = []
    for s in range(seeds):
        ss = np.random.SeedSequence([15, s, D]).spawn(2)
        T = make_teachers(task, D, ss[0])
        X, y = sample_data(int(round(alpha * D)), T.beta_ft, seed=ss[1])
        E = []
        for i in inits:
            k, b0 = ft_scales(T.beta_pt, i.c_pt, i.lambda_pt, i.gamma_ft)
            E.append(relative_error(implicit_bias_solution(X, y, k, b0), T.beta_ft))
        diff.append(E[1] - E[0])
    d = np.asarray(diff)
    assert d.mean() > 2 * d.std(ddof=1) / math.sqrt(seeds)


def test_replica_failures_count_as_inf_not_a_crash(monkeypatch):
    """A solve that fails inside the search is +inf and counted (here: every init with c > 1)."""
    import ptft_theory.advisor.space as A  # where the objective meets the replica
    from ptft_theory.errors import ReplicaError
    real = A.generalization_error

    def flaky(task, init, alpha, *a, **k):
        if init.c_pt > 1.0:
            raise ReplicaError("injected failure")
        return real(task, init, alpha, *a, **k)

    def no_sweep(*a, **k):
        raise ReplicaError("injected failure")
    monkeypatch.setattr(A, "generalization_error", flaky)
    monkeypatch.setattr(A, "error_sweep", no_sweep)
    adv = best_init(Task(0.1, 0.05, 0.05), 0.2, grid=SMALL)
    assert adv.failures > adv.infeasible and adv.init.c_pt <= 1.0 and math.isfinite(adv.E)
    assert "failed" in adv.message
    monkeypatch.setattr(A, "generalization_error", lambda *a, **k: (_ for _ in ()).throw(ReplicaError("x")))
    with pytest.raises(PTFTError, match="failed"):
        best_init(Task(0.1, 0.05, 0.05), 0.2, grid=SMALL)


def test_cli_advise_json_and_plot(tmp_path):
    from _cli import run_cli
    out = tmp_path / "advice.png"
    rc, text, err = run_cli("advise", "--rho-pt", "0.1", "--rho-shared", "0.02", "--rho-new", "0", "--alpha", "0.1",
                            "--fix", "c_pt=0.01", "--fix", "gamma_ft=0.1", "--json", "--plot", out)
    assert rc == 0, err
    d = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    assert d["alpha"] == 0.1 and d["init"]["c_pt"] == 0.01 and d["init"]["gamma_ft"] == 0.1
    assert d["E"] == min(v["E"] for v in d["best_by_regime"].values())
    assert out.stat().st_size > 10_000 and d["plot"] == str(out)
    rc, text, err = run_cli("advise", "--rho-pt", "0.1", "--rho-shared", "0.02", "--rho-new", "0", "--alpha", "0.1",
                            "0.2", "--fix", "gamma_ft=0.1", "--fix", "c_pt=0.001")
    assert rc == 0 and "best init per regime" in text and "mean" not in err
    rc, _, err = run_cli("advise", "--rho-pt", "0.1", "--rho-shared", "0.02", "--rho-new", "0", "--alpha", "0.1",
                         "--fix", "lambda_ratio=-1", "--fix", "gamma_ft=0")
    assert rc == 2 and err.count("\n") == 1 and "infeasible" in err


@pytest.mark.parametrize("flags", [("--fix", "gamma_ft=0", "--fix", "gamma_ft=0.5"),
                                   ("--bound", "gamma_ft=0,1", "--bound", " gamma_ft=0,0.5")])
def test_cli_advise_refuses_a_lever_given_twice(flags):
    """Before: the last --fix/--bound of a name silently won (gamma_ft=0.5 advised, exit 0)."""
    from _cli import run_cli
    rc, _, err = run_cli("advise", "--rho-pt", "0.1", "--rho-shared", "0.02", "--rho-new", "0", "--alpha", "0.15",
                         "--fix", "c_pt=0.01", "--fix", "lambda_ratio=0", *flags)
    assert rc == 2 and err.count("\n") == 1 and "gamma_ft" in err and "twice" in err, err


def test_cli_advise_says_better_when_the_reference_beats_a_pinned_init():
    """Before: "E = 0.7042 (-0.82 dB worse)" for a reference better than the pinned (lazy) init."""
    from _cli import run_cli
    rc, text, err = run_cli("advise", "--rho-pt", "0.1", "--rho-shared", "0.02", "--rho-new", "0", "--alpha", "0.15",
                            "--fix", "c_pt=100", "--fix", "lambda_ratio=0", "--fix", "gamma_ft=1")
    assert rc == 0 and "dB better: the reference lies outside the box" in text and "-" not in text.split("dB")[0][-8:]


def test_alpha_above_one_without_noise_says_the_levers_do_not_matter():
    adv = best_init(Task(0.1, 0.05, 0.05), 1.5, grid={"log10_c_pt": 2, "lambda_ratio": 2, "gamma_ft": 2})
    assert adv.E == 0 and adv.E_default == 0 and "do not matter" in adv.message and "face" not in adv.message
