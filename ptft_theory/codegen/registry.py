"""The kernel registry: every generated kernel as a :class:`KernelSpec` (name, arguments, the sympy
expression of :mod:`ptft_theory.symbolic` it prints, documentation)."""

from __future__ import annotations

import dataclasses
import functools
from pathlib import Path
from typing import Callable

import sympy as sp

from ..symbolic import certified as SC
from ..symbolic import dynamics, ft_maps, lazy_limits, paper_descriptors, potential, regimes, rich_limits
from ..symbolic import replica as R
from ..symbolic import symbols as S
from ..symbolic import two_stage as TS
from ..symbolic import trajectory as TR

PACKAGE_DIR = Path(__file__).resolve().parent.parent  # ptft_theory/
REPO_DIR = PACKAGE_DIR.parent
GENERATED_DIR = PACKAGE_DIR / "kernels" / "_generated"
DERIVATIONS_DIR = REPO_DIR / "derivations"
REGENERATE = "make generate  (python -m ptft_theory.codegen --update)"


@dataclasses.dataclass(frozen=True)
class KernelSpec:
    """One generated function.

    Args:
        name: function name in every backend module.
        args: ``(symbol, meaning)`` pairs, in call order.
        build: returns the sympy expression (called once per generation).
        source: the symbolic function the expression comes from (printed in the docstring).
        doc: one line saying what the kernel computes.
        backends: the backends that get it (special functions such as erfc are mpmath-only).
    """

    name: str
    args: tuple
    build: Callable[[], sp.Expr]
    source: str
    doc: str
    backends: tuple = ("numpy", "torch", "mpmath")


_B = (S.b, "coefficient value b")
_K = (S.k, "FT scale k >= 0")
_B0 = (S.b0, "FT start b0 = beta_FT(0)")
_W = (S.w, "dual value w = (X^T nu)_d, or integrated gradient s")
_BPT = (S.beta_pt, "PT end point beta_PT of the coordinate")
_C = (S.c_pt, "absolute PT scale c_PT > 0")
_LAM = (S.lambda_pt, "relative PT scale lambda_PT, |lambda_PT| <= c_PT")
_G = (S.gamma_ft, "FT readout scale gamma_FT >= 0")
_Z = (S.z, "scaled amplitude z = A / k >= 0")


@functools.lru_cache(maxsize=None)
def expression(spec: KernelSpec) -> sp.Expr:
    """The sympy expression of a kernel (built once per process)."""
    return spec.build()


def _first(f):
    return lambda: f()[0]


def _second(f):
    return lambda: f()[1]


KERNELS: tuple[KernelSpec, ...] = (
    KernelSpec("potential", (_B, _K), potential.potential_stable,
               "symbolic.potential.potential_stable", "Q_k(b) = (k/2) h(b/k), the hyperbolic-entropy potential"),
    KernelSpec("potential_derivative", (_B, _K), potential.potential_derivative,
               "symbolic.potential.potential_derivative", "Q_k'(b) = asinh(b/k)/2"),
    KernelSpec("bregman_divergence", (_B, _B0, _K), potential.bregman_divergence,
               "symbolic.potential.bregman_divergence", "D_k(b, b0) = Q_k(b) - Q_k(b0) - Q_k'(b0)(b - b0)"),
    KernelSpec("mirror_map", (_B, _B0, _K), potential.mirror_map,
               "symbolic.potential.mirror_map", "integrated gradient s at which a coordinate (k, b0) reaches b"),
    KernelSpec("beta_of_s", (_W, _K, _B0), potential.dual_primal_map,
               "symbolic.potential.dual_primal_map",
               "coefficient b(w) = sqrt(k^2+b0^2) sinh 2w + b0 cosh 2w (finite at k = 0)"),
    KernelSpec("beta_of_s_derivative", (_W, _K, _B0), potential.dual_primal_map_derivative,
               "symbolic.potential.dual_primal_map_derivative", "db/dw = 2 sqrt(k^2 + b(w)^2)"),
    KernelSpec("dual_potential", (_W, _K, _B0), potential.dual_potential,
               "symbolic.potential.dual_potential", "G(w) = int_0^w b(w') dw' (convex; the solver's dual)"),
    KernelSpec("minor_coefficient", (_K, _B0), potential.minor_coefficient,
               "symbolic.potential.minor_coefficient", "m = min(P, M) = k^2/(2(sqrt(k^2+b0^2) + |b0|))"),
    KernelSpec("beta_of_s_stable", (_W, (potential.m_sym, "minor branch coefficient m = min(P, M) >= 0"), _B0), potential.beta_of_s_stable,
               "symbolic.potential.beta_of_s_stable", "b(w) = 2 m sinh 2w + b0 exp(2 sign(b0) w), cancellation-free"),
    KernelSpec("beta_of_s_stable_derivative", (_W, (potential.m_sym, "minor branch coefficient m = min(P, M) >= 0"), _B0), potential.beta_of_s_stable_derivative,
               "symbolic.potential.beta_of_s_stable_derivative", "db/dw = 4 m cosh 2w + 2|b0| exp(2 sign(b0) w)"),
    KernelSpec("dual_potential_stable", (_W, (potential.m_sym, "minor branch coefficient m = min(P, M) >= 0"), _B0), potential.dual_potential_stable,
               "symbolic.potential.dual_potential_stable", "G(w) = int_0^w b, cancellation-free"),
    KernelSpec("prox_residual", (_W, (R.x, "denoiser input x = beta* + tau z"), (R.zeta, "replica parameter zeta > 0"),
                                 (potential.m_sym, "minor branch coefficient m"), _B0),
               R.prox_residual_in_mirror_variable, "symbolic.replica.prox_residual_in_mirror_variable",
               "zeta s + b(s) - x, zero at the prox in the mirror variable s"),
    KernelSpec("prox_residual_derivative", (_W, (R.zeta, "replica parameter zeta > 0"),
                                            (potential.m_sym, "minor branch coefficient m"), _B0),
               R.prox_residual_derivative, "symbolic.replica.prox_residual_derivative",
               "d/ds (zeta s + b(s) - x) = zeta + b'(s) > 0"),
    KernelSpec("prox_point_x_derivative", (_W, (R.zeta, "replica parameter zeta > 0"),
                                           (potential.m_sym, "minor branch coefficient m"), _B0),
               _first(R.prox_point_sensitivities), "symbolic.replica.prox_point_sensitivities()[0]",
               "ds/dx = 1 / (zeta + b'(s)) of the prox point s at fixed zeta"),
    KernelSpec("prox_point_zeta_derivative", (_W, (R.zeta, "replica parameter zeta > 0"),
                                              (potential.m_sym, "minor branch coefficient m"), _B0),
               _second(R.prox_point_sensitivities), "symbolic.replica.prox_point_sensitivities()[1]",
               "ds/dzeta = -s / (zeta + b'(s)) of the prox point s at fixed x"),
    KernelSpec("eta_prime", (_W, (R.zeta, "replica parameter zeta > 0"), (potential.m_sym, "minor branch coefficient m"), _B0),
               R.eta_prime, "symbolic.replica.eta_prime", "eta'(x) = b'(s) / (zeta + b'(s)) at the prox point s"),
    KernelSpec("eta_second_derivative", (_W, (R.zeta, "replica parameter zeta > 0"), (potential.m_sym, "minor branch coefficient m"), _B0),
               R.eta_second_derivative, "symbolic.replica.eta_second_derivative",
               "eta''(x) = d eta'/dx at the prox point s (for the Newton Jacobian of the fixed point)"),
    KernelSpec("eta_prime_zeta_derivative", (_W, (R.zeta, "replica parameter zeta > 0"), (potential.m_sym, "minor branch coefficient m"), _B0),
               R.eta_prime_zeta_derivative, "symbolic.replica.eta_prime_zeta_derivative",
               "d eta'/d zeta at fixed x, at the prox point s"),
    KernelSpec("eta_zeta_derivative", (_W, (R.zeta, "replica parameter zeta > 0"), (potential.m_sym, "minor branch coefficient m"), _B0),
               R.eta_zeta_derivative, "symbolic.replica.eta_zeta_derivative",
               "d eta/d zeta at fixed x, at the prox point s"),
    KernelSpec("least_squares_mse", ((R.sigma, "state-evolution noise sigma >= 0"), (R.alpha, "sample ratio alpha > 1")),
               R.least_squares_limit, "symbolic.replica.least_squares_limit",
               "MSE per coordinate of least squares, sigma^2 alpha / (alpha - 1) (noisy, alpha > 1)"),
    KernelSpec("donoho_tanner_objective", ((R.t_dt, "threshold t > 0"), (R.rho, "sparsity 0 < rho < 1")),
               R.donoho_tanner_objective, "symbolic.replica.donoho_tanner_objective",
               "psi(t) = rho(1+t^2) + 2(1-rho)[(1+t^2) Phi(-t) - t phi(t)]; min over t is alpha_c(rho)",
               backends=("mpmath",)),
    KernelSpec("donoho_tanner_stationarity", ((R.t_dt, "threshold t > 0"), (R.rho, "sparsity 0 < rho < 1")),
               R.donoho_tanner_stationarity, "symbolic.replica.donoho_tanner_stationarity",
               "d psi/dt, zero at the minimising threshold", backends=("mpmath",)),
    KernelSpec("donoho_tanner_curvature", ((R.t_dt, "threshold t > 0"), (R.rho, "sparsity 0 < rho < 1")),
               lambda: sp.diff(R.donoho_tanner_stationarity(), R.t_dt),
               "symbolic.replica.donoho_tanner_stationarity (d/dt)",
               "d^2 psi/dt^2 = 2 rho + 4 (1 - rho) Phi(-t) > 0 (the interval Newton of the certified threshold)",
               backends=("mpmath",)),
    *(KernelSpec(name, ((S.w, "mirror variable s"), (R.x, "teacher value beta*"), (R.tau, "replica parameter tau > 0"),
                        (R.zeta, "replica parameter zeta > 0"), (potential.m_sym, "minor branch coefficient m"), _B0),
                 build, source, doc, backends=("arb",))
      for name, build, source, doc in (
          ("moment_integrand_d1", _first(SC.moment_integrands), "symbolic.certified.moment_integrands()[0]",
           "phi(z(s)) eta'(s) z'(s): the s-integrand of E[eta'] (certified path)"),
          ("moment_integrand_mse", _second(SC.moment_integrands), "symbolic.certified.moment_integrands()[1]",
           "phi(z(s)) (b(s) - beta*)^2 z'(s): the s-integrand of E[(eta - beta*)^2] (certified path)"),
          *((f"moment_integrand_{m}_d{v}", (lambda i=i: SC.moment_integrand_derivatives()[i]),
             f"symbolic.certified.moment_integrand_derivatives()[{i}]",
             f"d/d{v} of the s-integrand of the {m} moment at fixed s (certified Jacobian)")
            for i, (m, v) in enumerate((("d1", "tau"), ("d1", "zeta"), ("mse", "tau"), ("mse", "zeta")))))),
    KernelSpec("pt_mirror_density", ((TS.s1, "PT mirror variable s1 (integrated gradient of PT)"),
                                      (TS.beta_star_pt, "PT teacher value beta*_PT"), (TS.tau_pt, "PT tau > 0"),
                                      (TS.zeta_pt, "PT zeta > 0"), _C),
               TS.pt_mirror_density, "symbolic.two_stage.pt_mirror_density",
               "phi(z1(s1)) dz1/ds1: the z1 average of the two-stage replica in the PT mirror variable",
               backends=("numpy",)),
    KernelSpec("readout_kink_s1", (_C, _G), TS.readout_kink_s1, "symbolic.two_stage.readout_kink_s1",
               "s1 > 0 where the readout FT scale at lambda = -c vanishes (a panel edge of the z1 rule)",
               backends=("numpy",)),
    KernelSpec("h", (_Z,), potential.h_function_stable,
               "symbolic.potential.h_function_stable", "h(z) = z asinh z - sqrt(1+z^2) + 1 (stable form)"),
    KernelSpec("pt_beta_of_s", ((S.s, "integrated gradient s"), _C), dynamics.pt_beta_of_s,
               "symbolic.dynamics.pt_beta_of_s", "PT coefficient beta(s) = c_PT sinh 2s (no lambda_PT)"),
    KernelSpec("pt_integrated_gradient", (_BPT, _C), dynamics.pt_integrated_gradient,
               "symbolic.dynamics.pt_integrated_gradient", "s_PT = asinh(beta_PT/c_PT)/2"),
    KernelSpec("pt_first_layer_plus", (_BPT, _C, _LAM), _first(dynamics.pt_first_layers),
               "symbolic.dynamics.pt_first_layers()[0]", "first-layer weight u+ at the end of PT"),
    KernelSpec("pt_first_layer_minus", (_BPT, _C, _LAM), _second(dynamics.pt_first_layers),
               "symbolic.dynamics.pt_first_layers()[1]", "first-layer weight u- at the end of PT (signed)"),
    KernelSpec("pt_readout_plus", (_BPT, _C, _LAM), _first(dynamics.pt_readouts),
               "symbolic.dynamics.pt_readouts()[0]", "readout weight v+ at the end of PT"),
    KernelSpec("pt_readout_minus", (_BPT, _C, _LAM), _second(dynamics.pt_readouts),
               "symbolic.dynamics.pt_readouts()[1]", "readout weight v- at the end of PT (signed)"),
    KernelSpec("ft_scale_merged", (_BPT, _C, _LAM, _G), lambda: ft_maps.ft_scale_and_start("merged")[0],
               'symbolic.ft_maps.ft_scale_and_start("merged")[0]', "FT scale k, merged scheme"),
    KernelSpec("ft_start_merged", (_BPT, _C, _LAM, _G), lambda: ft_maps.ft_scale_and_start("merged")[1],
               'symbolic.ft_maps.ft_scale_and_start("merged")[1]', "FT start b0, merged scheme"),
    KernelSpec("ft_scale_readout", (_BPT, _C, _LAM, _G), lambda: ft_maps.ft_scale_and_start("readout")[0],
               'symbolic.ft_maps.ft_scale_and_start("readout")[0]', "FT scale k, readout scheme"),
    KernelSpec("ft_start_readout", (_BPT, _C, _LAM, _G), lambda: ft_maps.ft_scale_and_start("readout")[1],
               'symbolic.ft_maps.ft_scale_and_start("readout")[1]', "FT start b0, readout scheme"),
    KernelSpec("l_order", (_Z,), regimes.l_order,
               "symbolic.regimes.l_order", "l-order p(z) = z h'(z)/h(z), in (1, 2]"),
    KernelSpec("normalised_cost", (_Z,), regimes.normalised_cost,
               "symbolic.regimes.normalised_cost", "q(z) = h(z)/z = 2 Q_k(A)/A at z = A/k"),
    KernelSpec("pt_dependence", ((regimes.z_pt, "A / k of a PT feature"), (regimes.z_new, "A / k of a new feature")),
               regimes.pt_dependence, "symbolic.regimes.pt_dependence",
               "PT dependence delta = (q(z_new) - q(z_pt)) / (q(z_new) + q(z_pt)), in (-1, 1)"),
    KernelSpec("elasticity_merged", (_BPT, _C, _LAM, _G), lambda: regimes.elasticity("merged"),
               'symbolic.regimes.elasticity("merged")', "d log k / d log beta_PT, merged scheme"),
    KernelSpec("elasticity_readout", (_BPT, _C, _LAM, _G), lambda: regimes.elasticity("readout"),
               'symbolic.regimes.elasticity("readout")', "d log k / d log beta_PT, readout scheme"),
    KernelSpec("rich_weight_ratio", ((rich_limits.amp, "FT amplitude A > 0"), (rich_limits.k_pt_s, "k of a PT feature > 0"),
                                     (rich_limits.k_new_s, "k of a new feature > 0")),
               rich_limits.weight_ratio_first_order, "symbolic.rich_limits.weight_ratio_first_order",
               "weighted-l1 weight ratio r = asinh(A/k_new)/asinh(A/k_pt) (first-order form)"),
    KernelSpec("weighted_l1_dimension", ((rich_limits.t_dt, "threshold t >= 0"), (rich_limits.r_w, "weight ratio r > 0"),
                                         (rich_limits.rho_pt_s, "rho_pt"), (rich_limits.rho_sh_s, "rho_shared"),
                                         (rich_limits.rho_new_s, "rho_new")),
               rich_limits.weighted_l1_dimension, "symbolic.rich_limits.weighted_l1_dimension",
               "statistical dimension of the weighted-l1 descent cone at threshold t (min over t: alpha_c)",
               backends=("mpmath",)),
    KernelSpec("weighted_l1_stationarity", ((rich_limits.t_dt, "threshold t >= 0"), (rich_limits.r_w, "weight ratio r > 0"),
                                            (rich_limits.rho_pt_s, "rho_pt"), (rich_limits.rho_sh_s, "rho_shared"),
                                            (rich_limits.rho_new_s, "rho_new")),
               rich_limits.weighted_l1_stationarity, "symbolic.rich_limits.weighted_l1_stationarity",
               "d/dt of the weighted-l1 statistical dimension (convex: its root is the minimiser)",
               backends=("mpmath",)),
    KernelSpec("lazy_weighted_l2_error", ((lazy_limits.alpha_s, "FT sample ratio alpha in (0, 1)"),
                                          (lazy_limits.r_s, "weight ratio r = k_pt / k_new > 0"),
                                          (lazy_limits.rho_pt_s, "rho_pt"), (lazy_limits.rho_sh_s, "rho_shared"),
                                          (lazy_limits.rho_new_s, "rho_new")),
               lazy_limits.weighted_l2_error, "symbolic.lazy_limits.weighted_l2_error",
               "lazy limit: relative error of the weighted minimum-norm l2 interpolator (weights 1/k, ratio r)",
               backends=("numpy", "mpmath")),
    KernelSpec("lazy_frozen_error", ((lazy_limits.alpha_s, "FT sample ratio alpha in (0, rho_pt)"),
                                     (lazy_limits.rho_pt_s, "rho_pt"), (lazy_limits.rho_sh_s, "rho_shared"),
                                     (lazy_limits.rho_new_s, "rho_new")),
               lazy_limits.frozen_error, "symbolic.lazy_limits.frozen_error",
               "lazy PT features, frozen new features (k_new = 0): relative error of the l2 interpolator on the PT features",
               backends=("numpy", "mpmath")),
    KernelSpec("paper_l_order", (_Z,), paper_descriptors.paper_l_order, "symbolic.paper_descriptors.paper_l_order",
               "the authors' l-order (MTL_FT lorder_fd_plots.py) at z = A/k: p(z/2)"),
    KernelSpec("paper_feature_dependence", (_Z, (paper_descriptors.e_k, "elasticity e = d log k / d log beta_PT")),
               paper_descriptors.paper_feature_dependence, "symbolic.paper_descriptors.paper_feature_dependence",
               "the authors' feature dependence (1 - p_paper(z)) e = d log Q / d log beta_PT of their potential"),
)

#: The exact whitened time course of a coordinate (symbolic.trajectory); numpy only.
_BS = (TR.beta_star, "target beta* of the coordinate (>= 0 after the sign symmetry)")
_RATE = (TR.rate_sym, "relaxation rate A = sqrt(beta*^2 + k^2)")
_MM = (potential.m_sym, "minor branch coefficient m = min(P, M) >= 0")
TRAJECTORY_KERNELS: tuple[KernelSpec, ...] = tuple(KernelSpec(*row, backends=("numpy",)) for row in (
    ("trajectory_rate", (_BS, _K), TR.rate, "symbolic.trajectory.rate",
     "relaxation rate A = sqrt(beta*^2 + k^2): beta(t) - beta* ~ exp(-2At)"),
    ("branch_coefficient_P", (_MM, _B0), _first(TR.stable_branch_coefficients),
     "symbolic.trajectory.stable_branch_coefficients()[0]", "P = m + (|b0| + b0)/2, the coefficient of e^{2s}"),
    ("branch_coefficient_M", (_MM, _B0), _second(TR.stable_branch_coefficients),
     "symbolic.trajectory.stable_branch_coefficients()[1]", "M = m + (|b0| - b0)/2, the coefficient of -e^{-2s}"),
    ("trajectory_coefficient_a", (_BS, _RATE, _MM, _B0), _first(TR.stable_coefficients),
     "symbolic.trajectory.stable_coefficients()[0]", "numerator coefficient a = beta* + A + 2M of x(t) (beta* >= 0)"),
    ("trajectory_coefficient_b", (_BS, _RATE, _K, _MM, _B0), _second(TR.stable_coefficients),
     "symbolic.trajectory.stable_coefficients()[1]",
     "denominator coefficient b = 2P + k^2/(A + beta*) of x(t) (beta* >= 0)"),
    ("trajectory_increment", ((TR.tau_sym, "tau = -expm1(-2At)/(2A) (= t at A = 0)"), (TR.decay_sym, "E = exp(-2At)"),
                              _BS, _B0, (TR.b_sym, "denominator coefficient b")),
     TR.increment, "symbolic.trajectory.increment", "x(t) - 1 = exp(2 s(t)) - 1 = 2 (beta* - b0) tau / (b tau + E)"),
    ("beta_of_increment", ((TR.inc_sym, "increment w = x - 1 = e^{2s} - 1 > -1"),
                           (potential.P_sym, "branch coefficient P >= 0"), _B0),
     TR.beta_of_increment, "symbolic.trajectory.beta_of_increment",
     "beta at e^{2s} = 1 + w: b0/(1+w) + P w (1 + 1/(1+w)) (rational, exact at small w)"),
    ("beta_of_log_x", ((TR.log_x, "ell = log x = 2 s"), (TR.log_P, "log P (-inf for P = 0)"),
                       (TR.log_M, "log M (-inf for M = 0)")),
     TR.beta_of_log_x, "symbolic.trajectory.beta_of_log_x", "beta = P e^{ell} - M e^{-ell} evaluated in logs (large |s|)"),
    ("time_to_reach", ((S.b, "value beta_T between b0 and beta*"), _BS, _K, _B0), TR.time_to_reach_stable,
     "symbolic.trajectory.time_to_reach_stable", "exact time t(beta_T) for the whitened flow from b0 to reach beta_T"),
    ("escape_time", (_BS, _K), TR.escape_time_stable, "symbolic.trajectory.escape_time_stable",
     "time t_1/2 for a coordinate from b0 = 0 to reach beta*/2 (~ log(2 beta*/k)/(2 beta*) rich, log 2/(2k) lazy)"),
))
KERNELS = KERNELS + TRAJECTORY_KERNELS
TRAJECTORY_NAMES = frozenset(spec.name for spec in TRAJECTORY_KERNELS)
