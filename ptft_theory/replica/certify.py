"""Certified enclosures with ball arithmetic (python-flint's arb), docs/design.md section 3.2.

Every number here is an arb ball (midpoint, radius) and every operation returns a ball that
provably contains the exact result for every point of its input balls, so a final ball is a proof
that the exact value lies inside it -- of the *equations* evaluated (the generated arb kernels,
:mod:`ptft_theory.kernels._generated.kernels_arb`, printed from the same sympy expressions as every other
backend).  What is and is not proved is stated with each function and in docs/certified.md.

* :func:`certified_rich_limit_threshold` -- the Donoho-Tanner threshold
  ``alpha_c(rho) = min_t psi(t)``: interval Newton on ``psi'`` proves a unique stationary point in
  a ball ``T`` (``psi'' > 0`` on ``T``: the Newton image of ``T`` lies strictly inside ``T``), and
  convexity of ``psi`` (``psi''(t) = 2 rho + 4 (1 - rho) Phi(-t) > 0`` for every ``t``) makes it
  the global minimiser; then ``psi(m) - |psi'(m)| rad(T) <= alpha_c <= psi(m)`` for the midpoint
  ``m`` (a convex function lies above its tangent at ``m``; the minimum is below any value).

* :mod:`ptft_theory.replica.certify_point`: the replica point (``generalization_error(...,
  certify=True)``) and the boundary roots (``level_crossing_alpha``/``equal_error_alpha(...,
  certify=True)``).

When a proof fails, or proves an interval wider than ``10^-dps`` relative, a
:class:`CertificationError` says which and what to raise; no uncertified interval is ever returned.
"""

from __future__ import annotations

import dataclasses

import flint
import mpmath

from ..kernels import _arb_ops as A
from .. import _validate as V
from .. import kernels
from ..errors import CertificationError, ParameterError
from ..kernels._generated import kernels_arb as KA

__all__ = ["CertificationError", "CertifiedInterval", "certified_rich_limit_threshold"]

#: Working digits beyond the requested ones (default): the proofs lose a few digits to the radii.
GUARD_DIGITS = 10


@dataclasses.dataclass(frozen=True)
class CertifiedInterval:
    """A proved enclosure ``lo <= value <= hi`` (``mpf`` endpoints, exact binary numbers).

    Attributes:
        lo, hi: the endpoints.
        dps: the digits asked for: ``hi - lo <= 10^-dps * |mid|`` was checked.
        proved: what the enclosure proves, in words.
    """

    lo: mpmath.mpf
    hi: mpmath.mpf
    dps: int
    proved: str

    success = True  #: the result contract's field: an enclosure that cannot be proved raises instead

    @property
    def message(self) -> str:
        return f"certified to {self.dps} digits: {self.proved}"

    def __repr__(self) -> str:  # short: the endpoints to a few digits (str() gives them all)
        return (f"CertifiedInterval(mid~{mpmath.nstr(self.mid, 15)}, relative_width="
                f"{mpmath.nstr(self.relative_width, 2)}, dps={self.dps})")

    @classmethod
    def from_ball(cls, ball, dps, proved):
        """The endpoints of an arb ball (rounded outward at the ball's own precision, never at
        flint's default 53 bits)."""
        with flint.ctx.workprec(max(ball.mid().bits(), 53) + 64):
            lo, hi = A.to_mpf(ball.lower()), A.to_mpf(ball.upper())
        return cls(lo, hi, dps, proved)

    @property
    def mid(self):
        with mpmath.workprec(1024):  # the endpoints have fewer bits: exact
            return (self.lo + self.hi) / 2

    @property
    def width(self):
        with mpmath.workprec(512):
            return self.hi - self.lo

    @property
    def relative_width(self):
        with mpmath.workprec(512):
            m = max(abs(self.lo), abs(self.hi))
            return self.width / m if m else self.width

    def __contains__(self, x):
        with mpmath.workprec(1024):
            x = mpmath.mpf(x)
            return self.lo <= x <= self.hi

    def __float__(self):
        return float(self.mid)

    def __str__(self):
        d = self.as_dict()  # decimal endpoints rounded outward
        return f"[{d['lo']}, {d['hi']}]"

    def as_dict(self) -> dict:
        """JSON-ready: endpoints as decimal strings rounded outward (lo down, hi up)."""
        n = self.dps + 5
        with mpmath.workprec(max(64, int(n * 3.33) + 64)):
            lo, hi = mpmath.nstr(self.lo, n), mpmath.nstr(self.hi, n)
            # nstr rounds to nearest: widen by one unit in the last printed place so the strings enclose
            step = mpmath.mpf(10) ** (mpmath.floor(mpmath.log10(max(abs(self.lo), abs(self.hi)) or 1)) - n + 1)
            lo = mpmath.nstr(mpmath.mpf(lo) - step if mpmath.mpf(lo) > self.lo else mpmath.mpf(lo), n + 1)
            hi = mpmath.nstr(mpmath.mpf(hi) + step if mpmath.mpf(hi) < self.hi else mpmath.mpf(hi), n + 1)
        return {"lo": lo, "hi": hi, "relative_width": mpmath.nstr(self.relative_width, 3), "dps": self.dps,
                "certified": True, "proved": self.proved, "success": self.success, "message": self.message}


def ball_interval(lo, hi):
    """A ball containing [lo, hi] (exact arb endpoints).  (python-flint's ``arb.union`` returned a
    ball centred at 0 in our checks: not used.)"""
    m = ((lo + hi) / 2).mid()
    r1, r2 = (hi - m).upper(), (m - lo).upper()
    return flint.arb(m, r1 if r1 >= r2 else r2)


def working_bits(working_dps):
    return int(working_dps * 3.3219280948873626) + 8


def working_digits(dps, working_dps):
    dps = V.dps("dps", dps)
    working_dps = dps + GUARD_DIGITS if working_dps is None else V.dps("working_dps", working_dps)
    return dps, working_dps


def check_width(ball, dps, working_dps, what):
    """CertificationError unless rad(ball) * 2 <= 10^-dps |mid(ball)|."""
    with flint.ctx.workprec(128):
        rel = 2 * ball.rad() / abs(ball.mid()) if ball.mid() != 0 else 2 * ball.rad()
        ok = rel <= flint.arb(10) ** -dps
    if not ok:
        raise CertificationError(
            f"{what}: the certified enclosure has relative width {rel.mid().str(3)} > 10^-{dps} at "
            f"working_dps={working_dps}; raise working_dps (try {working_dps + dps}) or lower dps")


def certified_rich_limit_threshold(rho, dps=30, *, working_dps=None) -> CertifiedInterval:
    """Certified enclosure of ``alpha_c(rho) = min_t psi(t)``, relative width ``<= 10^-dps``.

    ``rho`` is taken as the exact binary value of its float.  The work is done at ``working_dps``
    digits (default ``dps + 10``); CertificationError when the interval Newton does not contract or
    the enclosure is wider than asked (then raise ``working_dps``).
    """
    rho = V.unit_interval("rho", rho)
    if not 0 < rho < 1:
        raise ParameterError(f"rho={rho!r} is invalid; valid range: 0 < rho < 1")
    dps, wdps = working_digits(dps, working_dps)
    K = kernels.mp
    with mpmath.workdps(wdps + 5):  # the candidate (uncertified): Newton on psi' with mpmath
        r_mp, t0 = mpmath.mpf(rho), mpmath.mpf(1)
        for _ in range(100):  # convex psi, psi'' >= 2 rho: Newton from t = 1 converges
            step = K.donoho_tanner_stationarity(t0, r_mp) / K.donoho_tanner_curvature(t0, r_mp)
            t0 -= step
            if abs(step) < mpmath.mpf(10) ** -(wdps + 3):
                break
    with flint.ctx.workprec(working_bits(wdps)):
        r = flint.arb(rho)  # a float is exact in binary
        m = A.from_mpf(t0)
        T = flint.arb(m, flint.arb(2) ** (-working_bits(wdps) + 24) * (1 + abs(m)).upper())
        curv = KA.donoho_tanner_curvature(T, r)
        if not curv > 0:
            raise CertificationError(f"psi'' not certified positive on the t-ball {T.str(5, radius=True)}; "
                                     f"raise working_dps (now {wdps})")
        d = KA.donoho_tanner_stationarity(m, r)
        N = m - d / curv
        if not T.contains_interior(N):
            raise CertificationError(f"interval Newton for the Donoho-Tanner stationary point did not contract "
                                     f"at working_dps={wdps}: N(T) = {N.str(5, radius=True)} is not inside "
                                     f"T = {T.str(5, radius=True)}; raise working_dps")
        psi_m = KA.donoho_tanner_objective(m, r)
        # convex psi: psi(m) + psi'(m)(t* - m) <= psi(t*) <= psi(m), |t* - m| <= |N - m|
        dist = (abs(N - m)).upper()
        lo = (psi_m - abs(d) * dist).lower()
        hi = psi_m.upper()
        ball = ball_interval(lo, hi)
    check_width(ball, dps, wdps, f"rich_limit_threshold(rho={rho!r}, dps={dps})")
    return CertifiedInterval.from_ball(ball, dps,
                                       "alpha_c(rho) = min_t psi(t) of DESIGN section 3 (Donoho-Tanner), "
                                       "psi as generated from symbolic.replica.donoho_tanner_objective")


