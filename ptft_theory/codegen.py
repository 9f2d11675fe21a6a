"""Generate the numeric kernels (numpy, torch, mpmath) and derivations/ from the symbolic layer.

Usage::

    python -m ptft_theory.codegen --update   # rewrite ptft_theory/_generated/*.py and derivations/*.md
    python -m ptft_theory.codegen --check    # exit 1 with a unified diff when a committed file is stale

Every kernel is one sympy expression returned by a function of :mod:`ptft_theory.symbolic`; the
printers below (small subclasses of sympy's, with explicit function tables) turn it into plain,
readable Python: labelled common subexpressions, then the result.  Output is deterministic.
"""

from __future__ import annotations

import argparse
import dataclasses
import difflib
import functools
import sys
from pathlib import Path
from typing import Callable

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import MpmathPrinter
from sympy.printing.pytorch import TorchPrinter

from .symbolic import certified as SC
from .symbolic import dynamics, ft_maps, potential, regimes
from .symbolic import replica as R
from .symbolic import two_stage as TS
from .symbolic import symbols as S

PACKAGE_DIR = Path(__file__).resolve().parent
REPO_DIR = PACKAGE_DIR.parent
GENERATED_DIR = PACKAGE_DIR / "_generated"
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
)


# ------------------------------------------------------------------------------------- printers
class _NumpyKernelPrinter(NumPyPrinter):
    """numpy backend: sympy's NumPyPrinter with the module spelled ``np``."""

    def __init__(self):
        super().__init__({"fully_qualified_modules": True})

    def _module_format(self, fqn, register=True):
        return super()._module_format(fqn, register).replace("numpy.", "np.")


class _TorchKernelPrinter(TorchPrinter):
    """torch backend: sympy's TorchPrinter (``torch.asinh``, ``torch.sqrt`` ...)."""


class _MpmathKernelPrinter(MpmathPrinter):
    """mpmath backend: rationals printed exactly as ``mpf`` ratios; precision is the caller's."""


class _ArbKernelPrinter(MpmathPrinter):
    """arb backend (python-flint ball arithmetic, :mod:`ptft_theory.certify`): the mpmath printer with
    the function table :mod:`ptft_theory._arb_ops` (``A.exp``, ``A.mpf`` exact rationals, ``A.pi()``)."""

    def _module_format(self, fqn, register=True):
        return super()._module_format(fqn, register).replace("mpmath.", "A.")

    def _print_Pi(self, expr):
        return "A.pi()"


BACKENDS = {
    "numpy": (_NumpyKernelPrinter, "import numpy as np"),
    "torch": (_TorchKernelPrinter, "import torch"),
    "mpmath": (_MpmathKernelPrinter, "import mpmath"),
    "arb": (_ArbKernelPrinter, "from .. import _arb_ops as A"),
}


def _render_function(spec: KernelSpec, expr: sp.Expr, printer) -> str:
    names = [str(a) for a, _ in spec.args]
    free = {str(x) for x in expr.free_symbols}
    extra = free - set(names)
    if extra:
        raise ValueError(f"kernel {spec.name}: expression has symbols {sorted(extra)} not in its arguments")
    replacements, (reduced,) = sp.cse(expr, symbols=sp.numbered_symbols("x"), optimizations=None)
    lines = [f"def {spec.name}({', '.join(names)}):"]
    doc = [f'    """{spec.doc}.', "", "    Arguments (broadcasting arrays, tensors or mpf scalars):"]
    doc += [f"        {a}: {meaning}" for a, meaning in spec.args]
    doc += ["", f"    Source: ptft_theory.{spec.source}", '    """']
    lines += doc
    for sym, sub in replacements:
        lines.append(f"    {sym} = {printer.doprint(sub)}")
    body = printer.doprint(reduced)
    if not reduced.free_symbols:  # a constant: broadcast it like the first argument
        body = f"{body} + 0 * {names[0]}"
    lines.append(f"    return {body}")
    return "\n".join(lines)


def kernels_of(backend: str) -> tuple[KernelSpec, ...]:
    """The kernels generated for ``backend``."""
    if backend == "arb":  # ball arithmetic evaluates everything the mpmath backend does, and its own
        return tuple(spec for spec in KERNELS if "mpmath" in spec.backends or "arb" in spec.backends)
    return tuple(spec for spec in KERNELS if backend in spec.backends)


def render_backend(backend: str) -> str:
    """The full text of ``_generated/kernels_<backend>.py``."""
    printer_cls, import_line = BACKENDS[backend]
    printer = printer_cls()
    specs = kernels_of(backend)
    funcs = [_render_function(spec, expression(spec), printer) for spec in specs]
    header = (
        f'"""Generated {backend} kernels of ptft-theory. Do NOT edit by hand.\n\n'
        f"Source: the sympy expressions of ptft_theory.symbolic, printed by ptft_theory.codegen.\n"
        f"Regenerate with: {REGENERATE}.\n"
        '"""\n\n'
        "# fmt: off\n"
        "# flake8: noqa\n"
        f"{import_line}\n\n"
        f"__all__ = {sorted(s.name for s in specs)!r}\n"
    )
    return header + "\n\n" + "\n\n\n".join(funcs) + "\n"


#: Kernels also emitted as C (``_generated/kernels_c.h``) for the compiled replica moments
#: (:mod:`ptft_theory._cmoments`); every argument and result is a scalar double.
C_KERNELS = ("prox_residual", "prox_residual_derivative", "beta_of_s_stable", "eta_prime", "eta_second_derivative",
             "eta_prime_zeta_derivative", "eta_zeta_derivative")


#: Fused C kernels: several kernels of one coordinate evaluated together, their common
#: subexpressions (exp 2s, sinh 2s, cosh 2s, zeta + b'(s)) computed once.  Name -> (doc, kernels);
#: each writes its results through pointers ``out_<kernel>`` in the listed order.
C_FUSED = {
    "prox_newton_terms": ("residual and derivative of the prox equation at s (one Newton step)",
                          ("prox_residual", "prox_residual_derivative")),
    "prox_point_terms": ("eta, eta', the Newton-Jacobian terms eta'', d eta'/d zeta, d eta/d zeta, and the "
                         "sensitivities ds/dx, ds/dzeta (the next call's warm start) at the prox point s", ("beta_of_s_stable", "eta_prime", "eta_second_derivative",
                                          "eta_prime_zeta_derivative", "eta_zeta_derivative",
                                          "prox_point_x_derivative", "prox_point_zeta_derivative")),
}


_EM = sp.Symbol("em")  # expm1(2|w|) >= 0
_SW = sp.Symbol("sw")  # sign(w)
_EXP_SIGNED = sp.Symbol("e_sgn")  # exp(2 w sign(b0))


def _one_exponential(exprs):
    """Rewrite ``sinh 2w``, ``cosh 2w`` and ``exp(2w sign b0)`` through one ``em = expm1(2|w|)``
    (``e = em + 1 = exp(2|w|)`` to a few ulps, no underflow for w << 0):
    ``sinh 2w = sign(w) (em/2 + em/(2e))`` (two terms of one sign: no cancellation near w = 0, no
    overflow where e does not), ``cosh 2w = (e + 1/e)/2`` and ``exp(2w sign b0) = e`` if w b0 > 0
    else ``1/e``: one transcendental call instead of three.  Returns ``(prologue lines, rewritten
    exprs)``, or ``([], exprs)`` when no such term occurs.  Checked here: at b0 = 0 no term may keep
    ``e_sgn`` (whose C value there, 1/e, is not exp(0)), and each rewritten expression equals its
    source at sample points to 1e-25 (40 digits)."""
    import mpmath

    w2 = 2 * S.w
    e = _EM + 1
    repl = {sp.sinh(w2): _SW * (_EM / 2 + _EM / (2 * e)), sp.cosh(w2): (e + 1 / e) / 2,
            sp.exp(w2 * sp.sign(S.b0)): _EXP_SIGNED}
    if not any(expr.has(*repl) for expr in exprs):
        return [], exprs
    out = [expr.xreplace(repl) for expr in exprs]
    args = (S.w, S.b0, potential.m_sym, R.zeta, R.x, _EM, _SW, _EXP_SIGNED)
    with mpmath.workdps(40):
        for src, new in zip(exprs, out):
            if new.subs(S.b0, 0).has(_EXP_SIGNED):
                raise AssertionError("exp(2w sign b0) survives at b0 = 0: the C rewrite would be wrong there")
            f_src, f_new = (sp.lambdify(args, ex, modules="mpmath") for ex in (src, new))
            for wv, b0v in (("0.3", "0.7"), ("-1.1", "-0.2"), ("-12.5", "0.4"), ("1e-9", "0.5"), ("2.5", "0")):
                wv, b0v = mpmath.mpf(wv), mpmath.mpf(b0v)
                em = mpmath.expm1(2 * abs(wv))
                e_sgn = em + 1 if wv * b0v > 0 else 1 / (em + 1)
                point = (wv, b0v, mpmath.mpf("0.37"), mpmath.mpf("0.81"), mpmath.mpf("0.6"))
                a, b = f_src(*point, 0, 0, 0), f_new(*point, em, mpmath.sign(wv), e_sgn)
                if abs(a - b) > mpmath.mpf("1e-25") * (1 + abs(a)):
                    raise AssertionError(f"one-exponential rewrite changed {src} at w={wv}, b0={b0v}")
    return [f"const double {_EM} = expm1(2*fabs({S.w}));",
            f"const double {_SW} = ({S.w} > 0) - ({S.w} < 0);",
            f"const double {_EXP_SIGNED} = {S.w}*{S.b0} > 0 ? {_EM} + 1 : 1/({_EM} + 1);"], out


def _c_function(name, doc, specs, printer) -> str:
    """One ``static inline`` C function of the kernels ``specs`` (joint cse): a ``double`` return
    for one kernel, ``void`` with ``out_<kernel>`` pointers for several.  Fused functions evaluate
    their exponentials through one ``expm1`` (:func:`_one_exponential`)."""
    names = []
    for spec in specs:
        names += [str(a) for a, _ in spec.args if str(a) not in names]
    exprs = [expression(spec) for spec in specs]
    prologue, exprs = _one_exponential(exprs) if len(specs) > 1 else ([], exprs)
    replacements, reduced = sp.cse(exprs, symbols=sp.numbered_symbols("x"), optimizations=None)
    params = [f"double {n}" for n in names]
    if len(specs) == 1:
        sig = f"static inline double ptft_{name}({', '.join(params)}) {{"
    else:
        params += [f"double *out_{spec.name}" for spec in specs]
        sig = f"static inline void ptft_{name}({', '.join(params)}) {{"
    lines = [f"/* {doc}.  Source: {', '.join('ptft_theory.' + spec.source for spec in specs)} */", sig]
    lines += [f"    {line}" for line in prologue]
    lines += [f"    const double {sym} = {printer.doprint(sub)};" for sym, sub in replacements]
    if len(specs) == 1:
        lines.append(f"    return {printer.doprint(reduced[0])};")
    else:
        lines += [f"    *out_{spec.name} = {printer.doprint(r)};" for spec, r in zip(specs, reduced)]
    return "\n".join(lines + ["}"])


def render_c_header() -> str:
    """The C kernels: ``static inline`` functions printed by sympy's C99 printer, one per kernel of
    :data:`C_KERNELS` and one per fused group of :data:`C_FUSED`."""
    from sympy.printing.c import C99CodePrinter

    printer = C99CodePrinter()
    by_name = {spec.name: spec for spec in KERNELS}
    missing = (set(C_KERNELS) | {k for _, ks in C_FUSED.values() for k in ks}) - set(by_name)
    if missing:
        raise ValueError(f"C_KERNELS / C_FUSED name unknown kernels: {sorted(missing)}")
    funcs = [_c_function(spec.name, spec.doc, [spec], printer) for spec in KERNELS if spec.name in C_KERNELS]
    funcs += [_c_function(name, doc, [by_name[k] for k in ks], printer) for name, (doc, ks) in C_FUSED.items()]
    header = ("/* Generated C kernels of ptft-theory. Do NOT edit by hand.\n\n"
              "   Source: the sympy expressions of ptft_theory.symbolic, printed by ptft_theory.codegen.\n"
              f"   Regenerate with: {REGENERATE}.\n*/\n"
              "#ifndef PTFT_KERNELS_C_H\n#define PTFT_KERNELS_C_H\n#include <math.h>\n")
    return header + "\n" + "\n\n".join(funcs) + "\n\n#endif\n"


def generated_files() -> dict[Path, str]:
    """Every generated file (kernels and derivations) and its expected content."""
    from .derivations import render_derivations

    out = {GENERATED_DIR / f"kernels_{b}.py": render_backend(b) for b in BACKENDS}
    out[GENERATED_DIR / "kernels_c.h"] = render_c_header()
    out[GENERATED_DIR / "__init__.py"] = '"""Generated kernels (see ptft_theory.codegen). Do NOT edit by hand."""\n'
    for name, text in render_derivations().items():
        out[DERIVATIONS_DIR / name] = text
    return out


def stale_files() -> dict[Path, str]:
    """Map each stale or missing file to a unified diff (committed -> regenerated)."""
    stale = {}
    for path, text in generated_files().items():
        old = path.read_text() if path.exists() else ""
        if old != text:
            diff = difflib.unified_diff(old.splitlines(True), text.splitlines(True),
                                        f"committed/{path.name}", f"regenerated/{path.name}", n=2)
            stale[path] = "".join(diff)
    return stale


def update() -> list[Path]:
    """Write every stale file atomically; returns the paths written.  The kernels go first (and are
    reloaded): the derivations quote numbers computed with them."""
    import importlib

    written = []
    for backend in BACKENDS:
        path, text = GENERATED_DIR / f"kernels_{backend}.py", render_backend(backend)
        if not path.exists() or path.read_text() != text:
            _write_atomic(path, text)
            written.append(path)
            if backend not in ("torch", "arb"):  # torch is imported lazily; nothing holds it yet
                importlib.reload(importlib.import_module(f"ptft_theory._generated.kernels_{backend}"))
    for path, text in generated_files().items():
        if path in written:
            continue
        if not path.exists() or path.read_text() != text:
            _write_atomic(path, text)
            written.append(path)
    return written


def _write_atomic(path: Path, text: str):
    from ._io import atomic_path  # unique temporary name, then os.replace
    with atomic_path(path) as tmp:
        tmp.write_text(text)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(prog="python -m ptft_theory.codegen", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    g = parser.add_mutually_exclusive_group(required=True)
    g.add_argument("--update", action="store_true", help="rewrite stale generated files")
    g.add_argument("--check", action="store_true", help="fail with a diff when a generated file is stale")
    args = parser.parse_args(argv)
    if args.update:
        if not (REPO_DIR / "pyproject.toml").is_file():  # an installed package, not a checkout
            print(f"python -m ptft_theory.codegen: error: --update rewrites a source checkout's generated files; "
                  f"{PACKAGE_DIR} is an installed package (no pyproject.toml beside it): nothing written",
                  file=sys.stderr)
            return 2
        for p in update():
            print(f"wrote {p.relative_to(REPO_DIR)}")
        return 0
    stale = stale_files()
    for p, diff in stale.items():
        print(diff, file=sys.stderr)
    if stale:
        print(f"{len(stale)} generated file(s) stale; run {REGENERATE}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":  # pragma: no cover
    raise SystemExit(main())
