"""Rung 1 of the validation ladder, symbolic part: identities and limits proven by sympy."""

import mpmath
import pytest
import sympy as sp

from ptft_theory.symbolic import design_checks, dynamics, ft_maps, potential, regimes
from ptft_theory.symbolic import symbols as S


def test_conservation_law_each_branch():
    assert dynamics.conservation_law(1) == 0
    assert dynamics.conservation_law(-1) == 0


def test_branch_solution_satisfies_its_ode():
    for sign in (1, -1):
        u, v = dynamics.branch_solution(sign)
        assert sp.simplify(sp.diff(u, S.s) - sign * v) == 0
        assert sp.simplify(sp.diff(v, S.s) - sign * u) == 0
        assert u.subs(S.s, 0) == S.u0 and v.subs(S.s, 0) == S.v0


def test_pt_mirror_map_does_not_depend_on_lambda():
    expr = dynamics.pt_beta_of_s()
    assert S.lambda_pt not in expr.free_symbols
    assert sp.simplify(expr - S.c_pt * sp.sinh(2 * S.s)) == 0
    assert ft_maps.pt_dependence_is_lambda_free()


def test_potential_matches_design_and_inverts_mirror_map():
    Q = potential.potential()
    kp = sp.Symbol("kp", positive=True)
    design = (kp / 2) * (S.b / kp * sp.asinh(S.b / kp) - sp.sqrt(1 + S.b**2 / kp**2) + 1)
    assert sp.simplify(Q.subs(S.k, kp) - design) == 0
    assert sp.simplify(sp.diff(Q, S.b) - sp.asinh(S.b / S.k) / 2) == 0
    # beta(s) composed with the mirror map is the identity.
    beta_s = potential.beta_of_s_sinh_form().subs(S.s, potential.mirror_map())
    assert sp.simplify(beta_s.subs(S.k, kp) - S.b) == 0


def test_potential_limits():
    assert sp.simplify(potential.l2_limit_of_potential() - S.b**2 / (4 * S.k)) == 0
    potential.l1_limit_of_potential()  # raises if the remainder is not o(1)
    assert potential.pt_scale_is_c() == (S.c_pt, 0)


def test_bregman_divergence_zero_and_flat_at_b0():
    D = potential.bregman_divergence()
    assert sp.simplify(D.subs(S.b, S.b0)) == 0
    assert sp.simplify(sp.diff(D, S.b).subs(S.b, S.b0)) == 0


@pytest.mark.parametrize("scheme", ["merged", "readout"])
def test_ft_maps_confirm_design(scheme):
    verdicts = design_checks.compare_with_design(scheme)
    assert set(verdicts.values()) <= {"symbolic", "numeric-50-digits"}, verdicts


def test_merged_scale_is_proven_symbolically():
    assert design_checks.compare_with_design("merged") == {"k^2": "symbolic", "b0": "symbolic"}


def test_positive_roots_of_first_layers_are_wrong_for_negative_lambda():
    # docs/design.md: taking |a+-| is off by up to ~80%; the signed derivation must differ there.
    good, _ = ft_maps.ft_scale_and_start("readout")
    bad = design_checks.wrong_readout_k()
    args = (S.beta_pt, S.c_pt, S.lambda_pt, S.gamma_ft)
    fg, fb = sp.lambdify(args, good, "mpmath"), sp.lambdify(args, bad, "mpmath")
    with mpmath.workdps(30):
        worst = max(abs(fb(bp, 1, lam, g) / fg(bp, 1, lam, g) - 1)
                    for bp in (1, 3, 10) for lam in (-0.99, -0.9, -0.5) for g in (0.3, 0.5, 1.0))
        same = abs(fb(3, 1, mpmath.mpf("0.5"), mpmath.mpf("0.5")) / fg(3, 1, mpmath.mpf("0.5"), mpmath.mpf("0.5")) - 1)
    assert worst > 0.5
    assert same < 1e-25  # for lambda > 0 no first layer crosses zero: both agree


def test_regime_descriptor_limits():
    assert regimes.l_order_limits() == (2, 1)
    assert regimes.pt_dependence_limits() == (1, -1)
