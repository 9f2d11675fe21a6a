"""The printers: sympy expressions -> readable numpy/torch/mpmath/arb Python and C99 kernels.

Small subclasses of sympy's printers with explicit function tables: labelled common subexpressions,
then the result.  Output is deterministic.  The C header also carries the numerical constants the
compiled path shares with Python (:data:`ptft_theory.constants.C_CONSTANTS`): one source.
"""

from __future__ import annotations

import sympy as sp
from sympy.printing.numpy import NumPyPrinter
from sympy.printing.pycode import MpmathPrinter
from sympy.printing.pytorch import TorchPrinter

from ..constants import C_CONSTANTS
from ..symbolic import potential
from ..symbolic import replica as R
from ..symbolic import symbols as S
from .registry import KERNELS, REGENERATE, KernelSpec, expression

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
    """arb backend (python-flint ball arithmetic, :mod:`ptft_theory.replica.certify`): the mpmath printer with
    the function table :mod:`ptft_theory.kernels._arb_ops` (``arbops.exp``, ``arbops.mpf`` exact rationals,
    ``arbops.pi()``).  The table's name is one no kernel argument takes (a symbol named ``A``, the FT
    amplitude, shadowed the former alias ``A`` inside its kernel)."""

    def _module_format(self, fqn, register=True):
        return super()._module_format(fqn, register).replace("mpmath.", "arbops.")

    def _print_Pi(self, expr):
        return "arbops.pi()"


BACKENDS = {
    "numpy": (_NumpyKernelPrinter, "import numpy as np"),
    "torch": (_TorchKernelPrinter, "import torch"),
    "mpmath": (_MpmathKernelPrinter, "import mpmath"),
    "arb": (_ArbKernelPrinter, "from .. import _arb_ops as arbops"),
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
#: (:mod:`ptft_theory.replica.compiled`); every argument and result is a scalar double.
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
    consts = ("\n/* Numerical constants shared with the Python path (ptft_theory.constants.C_CONSTANTS). */\n"
              + "".join(f"#define {name} {value!r}\n" for name, value in C_CONSTANTS.items()))
    return header + consts + "\n" + "\n\n".join(funcs) + "\n\n#endif\n"
