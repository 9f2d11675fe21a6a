"""The function table of the generated arb kernels (``_generated/kernels_arb.py``).

The arb printer of :mod:`ptft_theory.codegen` prints ``A.exp(x)``, ``A.mpf(1)`` ... with ``A`` this
module, so the generated code reads like the mpmath kernels and evaluates in python-flint's ball
arithmetic (``flint.arb``): every result is a ball that provably contains the exact value of the
expression at every point of the argument balls (at the working precision ``flint.ctx.prec``).
"""

from __future__ import annotations

import flint

from ..errors import CertificationError  # noqa: F401  (raised by sign; re-exported)


arb = flint.arb
acb = flint.acb


def mpf(x):
    """An exact ball (integers and binary floats are exact; strings are rounded outward)."""
    return arb(x)


def _a(x):
    return x if isinstance(x, (arb, acb)) else arb(x)


def exp(x):
    try:  # arb/acb (the hot path: no isinstance)
        return x.exp()
    except AttributeError:  # a Python number (a constant of the expression): exact ball first
        return arb(x).exp()


def sinh(x):
    try:  # arb/acb (the hot path: no isinstance)
        return x.sinh()
    except AttributeError:  # a Python number (a constant of the expression): exact ball first
        return arb(x).sinh()


def cosh(x):
    try:  # arb/acb (the hot path: no isinstance)
        return x.cosh()
    except AttributeError:  # a Python number (a constant of the expression): exact ball first
        return arb(x).cosh()


def sqrt(x):
    try:  # arb/acb (the hot path: no isinstance)
        return x.sqrt()
    except AttributeError:  # a Python number (a constant of the expression): exact ball first
        return arb(x).sqrt()


def asinh(x):
    try:  # arb/acb (the hot path: no isinstance)
        return x.asinh()
    except AttributeError:  # a Python number (a constant of the expression): exact ball first
        return arb(x).asinh()


def erfc(x):
    try:  # arb/acb (the hot path: no isinstance)
        return x.erfc()
    except AttributeError:  # a Python number (a constant of the expression): exact ball first
        return arb(x).erfc()


def pi():
    return arb.pi()


def from_mpf(x) -> "flint.arb":
    """``mpmath.mpf`` -> exact ``arb`` (a ball of radius 0), whatever the working precision."""
    import mpmath
    if not isinstance(x, mpmath.mpf):
        x = mpmath.mpf(x)  # ints and floats: exact at any mpmath precision >= 53 bits
    sgn, man, e, bc = x._mpf_  # never mpmath.mpf(x) of an mpf: that rounds to the current precision
    if not man:
        return arb(0)
    with flint.ctx.workprec(max(int(bc), 2) + 8):
        v = arb(flint.fmpz(int(man))) * arb(2) ** int(e)
    return -v if sgn else v


def to_mpf(v):
    """midpoint of an ``arb`` -> ``mpmath.mpf``, exactly."""
    import mpmath
    m, e = v.mid().man_exp()
    m, e = int(m), int(e)
    with mpmath.workprec(max(m.bit_length(), 53) + 8):  # mpmath.mpf() rounds to the working precision
        return mpmath.mpf((m, e))


def sign(x):
    """sign of a ball; a ball that contains 0 but is not exactly 0 has no certified sign."""
    x = _a(x)
    if x == 0:
        return arb(0)
    if x > 0:
        return arb(1)
    if x < 0:
        return arb(-1)
    raise CertificationError(f"sign of a ball containing 0 ({x.str(5, radius=True)}) is undecided; "
                             "raise the working precision")
