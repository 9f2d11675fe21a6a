"""The advisor never answers with a frozen network (issue 23, item 5): exact recovery below the
resolution floor gives the least extreme init (largest smallest FT scale k_min); an infimum on the
frozen corner above the floor gives the best init at a stated margin; the answer pastes into
``ptft regime`` and ``ptft curve``.

Truths from outside the search: an independent grid of replica evaluations (no init at the floor
may have a k_min larger than the answer's by more than the grid's resolution allows), the closed
form k of ``ft_scales``, and the CLI's own parsers.
"""

import json
import math

import numpy as np
import pytest

from ptft_theory import Init, ParameterError, Task, best_init, ft_scales, generalization_error
from ptft_theory.advisor import smallest_scale
from ptft_theory.advisor.resolve import corner_distance

SMALL = {"log10_c_pt": 7, "lambda_ratio": 5, "gamma_ft": 4}
README_TASK = Task(0.1, 0.02, 0.0)


@pytest.fixture(scope="module")
def readme_advice():
    return best_init(README_TASK, 0.15)  # the default grid: what `ptft advise` runs (~4 s)


def test_exact_recovery_gives_the_least_extreme_init(readme_advice):
    adv = readme_advice
    assert adv.recovered and adv.E_lowest <= adv.E <= adv.resolution == 1e-6
    assert "recovered exactly" in adv.message and "least extreme" in adv.message
    # k_min is the closed-form merged k of a new feature here: 2 (c + lambda) + gamma^2 (ft_scales, beta_pt = 0)
    i = adv.init
    k_new = float(ft_scales([0.0], i.c_pt, i.lambda_pt, i.gamma_ft)[0][0])
    assert adv.k_min == pytest.approx(k_new, rel=1e-12) == pytest.approx(2 * (i.c_pt + i.lambda_pt) + i.gamma_ft**2)
    # before: the corner itself, 1 + lambda/c = 4.9e-9, k_new ~ 1e-12; now >= 1e4 times further from frozen
    assert adv.k_min > 1e-8
    # independent grid (log10 c in [-4, 0], 1 + lambda/c log-spaced, gamma = 0): no init at the floor is
    # less extreme by more than the factor one grid step in 1 + lambda/c (10^0.5) and in c (10^0.5) can hide
    best_grid = 0.0
    for lc in np.linspace(-4, -1, 7):
        c = 10.0**lc
        ms = np.logspace(0, -8, 17)
        Es = generalization_error(README_TASK, Init(c, c * (-1 + ms[0]), 0.0), 0.15)  # warm-up point
        for m in ms:
            E = float(generalization_error(README_TASK, Init(c, c * (-1 + m), 0.0), 0.15))
            if E <= 1e-6:
                best_grid = max(best_grid, smallest_scale(Init(c, c * (-1 + m), 0.0), README_TASK, "merged"))
        del Es
    assert best_grid > 0 and adv.k_min >= best_grid / 10, (adv.k_min, best_grid)


def test_the_answer_pastes_into_regime_and_curve(readme_advice):
    from _cli import run_cli
    adv = readme_advice
    flags = adv.flags.split()
    assert flags[0::2] == ["--c-pt", "--lambda-pt", "--gamma-ft"]
    assert Init(*(float(v) for v in flags[1::2])) == adv.init  # round-trip digits: the pasted init is the init
    task = ["--rho-pt", "0.1", "--rho-shared", "0.02", "--rho-new", "0"]
    rc, text, err = run_cli("regime", *flags, *task, "--json")
    assert rc == 0, err
    assert json.loads(text)["regime"] == adv.regime.regime.value
    rc, text, err = run_cli("curve", *flags, *task, "--alpha", "0.15", "--json")
    assert rc == 0, err
    assert json.loads(text)["E"][0] == pytest.approx(adv.E, rel=1e-6)


def test_cli_json_carries_the_flags():
    from _cli import run_cli
    rc, text, err = run_cli("advise", "--rho-pt", "0.1", "--rho-shared", "0.02", "--rho-new", "0", "--alpha", "0.15",
                            "--fix", "gamma_ft=0", "--fix", "c_pt=1e-5", "--json")
    assert rc == 0, err
    d = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON constant {c}"))
    # at c = 1e-5 every lambda recovers (E ~ 4e-8): the least extreme is the largest first layer,
    # lambda = +c, where k_new = 2 (c + lambda) = 4e-5 is largest
    assert d["recovered"] is True and d["flags"] == "--c-pt 1e-05 --lambda-pt 1e-05 --gamma-ft 0.0"
    assert d["k_min"] == pytest.approx(4e-5, rel=1e-9)
    rc, text, err = run_cli("advise", "--rho-pt", "0.1", "--rho-shared", "0.02", "--rho-new", "0", "--alpha", "0.15",
                            "--fix", "gamma_ft=0", "--fix", "c_pt=1e-5")
    assert rc == 0 and "paste: --c-pt 1e-05 --lambda-pt 1e-05" in text and "recovered exactly" in text


def test_infimum_on_the_corner_above_the_floor_keeps_a_margin():
    """No overlap at alpha = 0.35 > alpha_c(0.1) = 0.329: E falls toward the corner (plain l1, only
    logarithmically: 0.20 at 1 + lambda/c = 1e-9 with c = 1e-3) and never reaches the floor."""
    adv = best_init(Task(0.1, 0.0, 0.1), 0.35, grid=SMALL, fix={"c_pt": 1e-2})
    assert adv.corner_limit is not None and adv.corner_limit < adv.E and not adv.recovered
    assert corner_distance(adv.init) >= adv.corner_margin * (1 - 1e-9)
    assert "frozen corner" in adv.message and "approached, not attained" in adv.message
    for b in adv.best_by_regime.values():
        assert corner_distance(b.init) >= 1e-4
    assert math.isfinite(adv.E) and adv.E == pytest.approx(float(generalization_error(adv.task, adv.init, 0.35)), rel=1e-6)


@pytest.mark.parametrize("kw,name", [(dict(resolution=0.0), "resolution"), (dict(resolution=-1.0), "resolution"),
                                     (dict(corner_margin=0.0), "corner_margin"), (dict(corner_margin=1.5), "corner_margin")])
def test_bad_resolution_or_margin_names_the_parameter(kw, name):
    with pytest.raises(ParameterError, match=name):
        best_init(README_TASK, 0.15, grid={"log10_c_pt": 2, "lambda_ratio": 2, "gamma_ft": 2}, **kw)
