"""Certified replica points and boundary roots with ball arithmetic (see :mod:`ptft_theory.replica.certify`).

* :func:`certified_point` (``generalization_error(..., certify=True)``) -- E and the (tau, zeta) box
  of the replica fixed point: Krawczyk's test with rigorous quadrature (``acb.integral``) of the
  mirror-variable integrands (``symbolic.certified``) and bounded Gaussian tails;
* :func:`certify_root` (``level_crossing_alpha``/``equal_error_alpha(..., certify=True)``) -- alpha
  intervals with certified end signs and a certified non-zero derivative in alpha inside (Krawczyk
  with alpha an interval).
"""

from __future__ import annotations

import dataclasses

import flint
import mpmath

from ..kernels import _arb_ops as A
from .. import _validate as V
from ..kernels._generated import kernels_arb as KA
from ..config import as_scheme
from ..errors import CertificationError, InfeasibleError, ParameterError
from .certify import CertifiedInterval, ball_interval, check_width, working_bits, working_digits
from .classes import P_EQUAL_SIGN, CoordinateClass, class_layout
from .mp import PointSolver
from .panels import s_range

# ------------------------------------------------------------------------------ replica point
def _tail_moments(Z):
    """Two-sided Gaussian tail moments M_k = int_{|z| > Z} |z|^k phi(z) dz, k = 0..4 (arb)."""
    phi = (-Z * Z / 2).exp() / (2 * flint.arb.pi()).sqrt()
    M0 = (Z / flint.arb(2).sqrt()).erfc()
    return (M0, 2 * phi, 2 * Z * phi + M0, 2 * (Z * Z + 2) * phi, 2 * (Z**3 + 3 * Z) * phi + 3 * M0)


def _nonneg(bound):
    """The ball [0, bound]."""
    u = bound.upper()
    return flint.arb(u / 2, u / 2)


def _pm(bound):
    """The ball [-bound, bound]."""
    return flint.arb(0, bound.upper())


class ArbClassMoments:
    """The certified moments of one coordinate class (a :class:`~.classes.CoordinateClass` in arb
    balls, the one class record of every precision) over a verified s-range for |z| <= Z."""

    def __init__(self, cls: CoordinateClass, s_range):
        self.weight, self.bs, self.m, self.b0 = cls.weight, cls.beta_star, cls.m, cls.b0
        self.d = abs(self.bs - self.b0)
        self.s_range = s_range

    def z(self, s, tau, zeta):
        return KA.prox_residual(s, self.bs, zeta, self.m, self.b0) / tau

    def covers(self, tau, zeta, Z):
        """True when z(s_lo) <= -Z and z(s_hi) >= Z for every (tau, zeta) in the balls (z increasing
        in s: the truncated s-range then holds all |z| <= Z)."""
        lo, hi = (flint.arb(v) for v in self.s_range)
        return bool(self.z(lo, tau, zeta) < -Z) and bool(self.z(hi, tau, zeta) > Z)

    def integral(self, kernel, tau, zeta, tol_bits):
        lo, hi = (flint.arb(v) for v in self.s_range)
        f = getattr(KA, kernel)
        val = flint.acb.integral(lambda s, _: f(s, self.bs, tau, zeta, self.m, self.b0), lo, hi,
                                 rel_tol=flint.arb(2) ** -tol_bits, eval_limit=10**6)
        if not val.imag.contains(0) or not val.real.is_finite():
            raise CertificationError(f"rigorous quadrature of {kernel} failed (result {val}); raise working_dps")
        return val.real

    def moments(self, tau, zeta, M, tol_bits):
        """(E[eta'], E[(eta - beta*)^2]) of the class, tails included (|z| > Z: eta' in [0, 1];
        |eta - beta*| <= tau |z| + 2 |beta* - b0| since the prox is non-expansive and fixes b0)."""
        M0, M1, M2, M3, M4 = M
        c2 = 4 * self.d * self.d
        d1 = self.integral("moment_integrand_d1", tau, zeta, tol_bits) + _nonneg(M0)
        mse = self.integral("moment_integrand_mse", tau, zeta, tol_bits) + _nonneg(2 * tau * tau * M2 + 2 * c2 * M0)
        return d1, mse

    def derivatives(self, tau, zeta, M, tol_bits):
        """(d/dtau, d/dzeta) of E[eta'] and of E[(eta - beta*)^2] over the balls, each the integral of
        the generated derivative integrand plus a bound on its tails (ds = tau dz/(zeta + b'),
        |s| <= (tau |z| + |beta* - b0|)/zeta, |eta - beta*|^2 <= 2 tau^2 z^2 + 2 c^2, c = 2|beta* - b0|)."""
        M0, M1, M2, M3, M4 = M
        d, c2 = self.d, 4 * self.d * self.d
        t1 = (M2 + M0) / tau
        t2 = (tau * M2 + d * M1) / (tau * zeta)
        t3 = (2 * tau * tau * (M4 + M2) + 2 * c2 * (M2 + M0)) / tau
        t4 = ((2 * tau**3 * M4 + 2 * tau * tau * d * M3 + 2 * c2 * tau * M2 + 2 * c2 * d * M1) / (tau * zeta)
              + (2 * tau * tau * M2 + 2 * c2 * M0) / zeta)
        names = ("moment_integrand_d1_dtau", "moment_integrand_d1_dzeta", "moment_integrand_mse_dtau",
                 "moment_integrand_mse_dzeta")
        return tuple(self.integral(n, tau, zeta, tol_bits) + _pm(t) for n, t in zip(names, (t1, t2, t3, t4)))


@dataclasses.dataclass(frozen=True)
class CertifiedPoint:
    """A certified replica point: E in ``E`` (a :class:`CertifiedInterval`), and the box
    ``tau``, ``zeta`` (intervals) that holds exactly one solution of the replica fixed-point equations."""

    alpha: float
    E: CertifiedInterval
    tau: CertifiedInterval
    zeta: CertifiedInterval
    seconds: float

    success = True  #: scipy's name: a point whose proof fails raises CertificationError instead

    @property
    def message(self) -> str:
        return f"certified: E in {self.E} (relative width {mpmath.nstr(self.E.relative_width, 2)}) at alpha={self.alpha!r}"

    def as_dict(self) -> dict:
        return {"alpha": self.alpha, "E": self.E.as_dict(), "tau": self.tau.as_dict(), "zeta": self.zeta.as_dict(),
                "success": self.success, "message": self.message}

    def __repr__(self) -> str:  # short: E as an interval, not the box's digits
        return (f"CertifiedPoint(alpha={self.alpha!r}, E~{float(self.E):.12g}, relative_width="
                f"{mpmath.nstr(self.E.relative_width, 2)}, seconds={self.seconds:.3g})")


def _classes_arb(task, init, scheme):
    """``([CoordinateClass in arb balls], signal power)`` from the exact binary values of the
    task's and init's floats, through the generated arb kernels (ft_scale/ft_start, minor_coefficient):
    the certified equations are those of the inputs as given, with no rounding left unenclosed.
    Classes of weight 0 are dropped (as :func:`ptft_theory.replica.classes.classes_mp` does)."""
    scheme = as_scheme(scheme)
    f = flint.arb
    rp, rs, rn = f(task.rho_pt), f(task.rho_shared), f(task.rho_new)
    a_pt = f(task.amp_pt) if task.amp_pt is not None else (1 / rp.sqrt() if task.rho_pt > 0 else f(0))
    a_ft = f(task.amp_ft) if task.amp_ft is not None else 1 / (rs + rn).sqrt()
    weight, beta_pt, beta_star = class_layout(rp, rs, rn, a_pt, a_ft, f(P_EQUAL_SIGN[task.shared_signs]))
    c, lam, g = f(init.c_pt), f(init.lambda_pt), f(init.gamma_ft)
    fk, fb = getattr(KA, f"ft_scale_{scheme.value}"), getattr(KA, f"ft_start_{scheme.value}")
    out, power = [], f(0)
    for w, bp, bs in zip(weight, beta_pt, beta_star):
        power += w * bs * bs
        if w == 0 or (w < 0):
            continue
        if not w > 0:
            raise CertificationError(f"class weight {w} not certified positive or zero; raise working_dps")
        k, b0 = fk(bp, c, lam, g), fb(bp, c, lam, g)
        m = f(0) if (k == 0 and b0 == 0) else KA.minor_coefficient(k, b0)
        out.append(CoordinateClass(w, bs, m, b0))
    return out, power


def _z_cut(wdps):
    """Z with M4(Z) ~ 2 Z^3 phi(Z) < 10^-(wdps + 6): the tails are far below the target."""
    Z = 6.0
    while 2 * Z**3 * mpmath.exp(-Z * Z / 2) > mpmath.mpf(10) ** -(wdps + 6):
        Z += 0.5
    return Z


#: Epsilon-inflation steps of the default Krawczyk box (each at least 10x wider) before giving up.
INFLATIONS = 3


def _fmt(ball):
    return f"{ball.mid().str(25)} +/- {ball.rad().str(3)}"


def _krawczyk(alpha, task, init, scheme, sigma, dps, wdps, *, center=None, box=None, alpha_rad=None,
              solver=None, slope=False):
    """Krawczyk's test for the replica fixed point at ``alpha`` (a float; with ``alpha_rad``, for every
    alpha in the ball ``[alpha - alpha_rad, alpha + alpha_rad]``).  Returns ``(E, K, dE/dalpha)``:
    E enclosed over the alpha ball, the (tau, zeta) balls ``K`` holding the unique solution(s), and
    (``slope=True``) an enclosure of dE/dalpha along the solution branch over the alpha ball, X."""
    alpha_mp = alpha if isinstance(alpha, mpmath.mpf) else mpmath.mpf(V.finite_scalar("alpha", alpha))
    alpha = float(alpha_mp)
    solver = solver or PointSolver(task, init, scheme, sigma, wdps)
    if not 0 < alpha < 1:
        raise ParameterError(f"alpha={alpha!r} is invalid for certify=True; valid range: 0 < alpha < 1")
    if solver.cls64.saturated(alpha):  # as the float64 and dps= paths: the frozen coordinates make X b = y infeasible
        raise InfeasibleError(f"alpha={alpha!r} reaches the fraction of non-frozen coordinates "
                              f"({solver.cls64.active_fraction:.6g}); valid range for certify=True: alpha below it")
    if center is None:
        _, t_mp, z_mp, _ = solver.solve(alpha_mp)
    else:
        t_mp, z_mp = (mpmath.mpf(v) for v in center)
    Zf = _z_cut(wdps)
    bits = working_bits(wdps)
    with flint.ctx.workprec(bits):
        u = [A.from_mpf(t_mp), A.from_mpf(z_mp)]
        # the default box around our own centre grows (epsilon-inflation) when K sticks out; a given box or centre
        # is tested as is
        inflate = box is None and center is None
        rel = box if box is not None else (mpmath.mpf(10) ** -(dps + 5),) * 2
        Z = flint.arb(Zf)
        M = _tail_moments(Z)
        params, power = _classes_arb(task, init, scheme)
        if len(params) != len(solver.classes):
            raise CertificationError("the arb and mpmath coordinate classes differ; raise working_dps")
        classes = [ArbClassMoments(prm, s_range(c, float(t_mp), float(z_mp), Zf + 0.5))
                   for c, prm in zip(solver.classes, params)]
        a = A.from_mpf(alpha_mp)
        if alpha_rad is not None:
            a = flint.arb(a, A.from_mpf(alpha_rad).upper())
        sg = flint.arb(float(sigma))
        tol = bits - 12
        d1 = mse = flint.arb(0)
        G = None
        names = ("tau", "zeta")
        for attempt in range(INFLATIONS + 1 if inflate else 1):
            X = [flint.arb(ui, (abs(ui) * A.from_mpf(mpmath.mpf(r))).upper()) for ui, r in zip(u, rel)]
            for k in classes:
                for _ in range(20):
                    if k.covers(X[0], X[1], Z):
                        break
                    s_lo, s_hi = k.s_range
                    w = s_hi - s_lo
                    k.s_range = (s_lo - 0.25 * w, s_hi + 0.25 * w)
                else:
                    raise CertificationError("could not place the truncated s-range around |z| <= Z; check the box")
            if G is None:  # at the centre: the same for every box (s-ranges only widen, the integrals hold)
                for k in classes:
                    dk, mk = k.moments(u[0], u[1], M, tol)
                    d1, mse = d1 + k.weight * dk, mse + k.weight * mk
                G = [u[0] * u[0] - sg * sg - mse / a, d1 - a]
            Jd = [flint.arb(0)] * 4  # d1_tau, d1_zeta, mse_tau, mse_zeta over X
            for k in classes:
                Jd = [acc + k.weight * v for acc, v in zip(Jd, k.derivatives(X[0], X[1], M, 40))]
            J = [[2 * X[0] - Jd[2] / a, -Jd[3] / a], [Jd[0], Jd[1]]]
            # Y: floating inverse of mid(J) (any Y works; a good one makes the test pass)
            j = [[J[i][l].mid() for l in range(2)] for i in range(2)]
            det = j[0][0] * j[1][1] - j[0][1] * j[1][0]
            Y = [[(j[1][1] / det).mid(), (-j[0][1] / det).mid()], [(-j[1][0] / det).mid(), (j[0][0] / det).mid()]]
            K = []
            for i in range(2):
                val = u[i] - (Y[i][0] * G[0] + Y[i][1] * G[1])
                for l in range(2):
                    c_il = (1 if i == l else 0) - (Y[i][0] * J[0][l] + Y[i][1] * J[1][l])
                    val += c_il * (X[l] - u[l])
                K.append(val)
            bad = [i for i in range(2) if not X[i].contains_interior(K[i])]
            if not bad:
                break
            # epsilon-inflation: a box a few times K's reach around u (K is rigorous for any box: only the
            # containment proves; a larger box costs width of E, which check_width bounds)
            with mpmath.workprec(bits):
                rel = tuple(max(mpmath.mpf(r) * 10, 4 * A.to_mpf((abs(K[i] - u[i])).upper()) / abs(A.to_mpf(u[i])))
                            for i, r in enumerate(rel))
        else:
            i = bad[0]
            raise CertificationError(
                f"Krawczyk test failed at alpha={alpha!r}: K_{names[i]} = {_fmt(K[i])} is not inside the box "
                f"{_fmt(X[i])}; the box does not hold a unique solution (check the box / centre) or raise "
                f"working_dps (now {wdps})")
        mse_K = mse + Jd[2] * (K[0] - u[0]) + Jd[3] * (K[1] - u[1])  # mean value theorem, K in X
        E_ball = mse_K / power
        dE = None
        if slope:  # du/dalpha = -J^-1 dG/dalpha, dG/dalpha = (MSE/alpha^2, -1), over the alpha ball and X
            mse_X = mse + Jd[2] * (X[0] - u[0]) + Jd[3] * (X[1] - u[1])
            detJ = J[0][0] * J[1][1] - J[0][1] * J[1][0]
            if detJ.contains(0):
                raise CertificationError(f"the Jacobian is not certified non-singular at alpha={alpha!r}; "
                                         f"raise working_dps (now {wdps})")
            g0, g1 = mse_X / (a * a), flint.arb(-1)
            du = [-(J[1][1] * g0 - J[0][1] * g1) / detJ, -(-J[1][0] * g0 + J[0][0] * g1) / detJ]
            dE = (Jd[2] * du[0] + Jd[3] * du[1]) / power
    return E_ball, K, dE, X


def certified_point(alpha, task, init, scheme, sigma=0.0, dps=30, *, working_dps=None, box=None,
                    center=None) -> CertifiedPoint:
    """Certified replica point at one alpha (0 < alpha < the non-frozen fraction).

    Proof: Krawczyk's test on ``G(tau, zeta) = (tau^2 - sigma^2 - MSE/alpha, E[eta'] - alpha)`` in a box
    ``X`` around the high-precision solution: with ``Y ~ J(mid)^-1``, ``K = u - Y G(u) + (I - Y J(X))(X - u)``
    inside the interior of ``X`` proves exactly one zero in ``X`` and that it lies in ``K``; ``G(u)`` and
    ``J(X)`` come from rigorous quadrature (arb's ``acb.integral``) of the generated s-integrands
    plus bounds on the truncated Gaussian tails; then ``E in (MSE(u) + grad MSE(X) (K - u))/power``.
    ``box`` (relative half-widths of tau, zeta) and ``center`` override the defaults (tests use them
    to check that a wrong box is refused).  CertificationError when any step fails.
    """
    import time
    t_start = time.perf_counter()
    dps, wdps = working_digits(dps, working_dps)
    E_ball, K, _, _ = _krawczyk(alpha, task, init, scheme, sigma, dps, wdps, center=center, box=box)
    with flint.ctx.workprec(working_bits(wdps)):
        check_width(E_ball, dps, wdps, f"generalization_error(alpha={alpha!r}, certify=True)")
        proved = ("exactly one solution (tau, zeta) of the replica-symmetric fixed-point equations "
                  "(DESIGN section 3) lies in the box, and E there lies in this interval")
        return CertifiedPoint(float(alpha), CertifiedInterval.from_ball(E_ball, dps, proved),
                              CertifiedInterval.from_ball(K[0], dps, "tau of the unique solution in the box"),
                              CertifiedInterval.from_ball(K[1], dps, "zeta of the unique solution in the box"),
                              time.perf_counter() - t_start)


# ------------------------------------------------------------------------------ boundaries
def certify_root(sides, root, dps, wdps, what, level=None):
    """Certified interval [root - d, root + d] (d = 10^-(dps+5) root) holding exactly one root of
    ``E - level`` (one side) or ``E_a - E_b`` (two sides) on the certified solution branches."""
    solvers = [PointSolver(t, i, sch, sg, wdps) for t, i, sch, sg in sides]
    with mpmath.workprec(working_bits(wdps) + 20):
        root = +root
        d = root * mpmath.mpf(10) ** -(dps + 5)
        ends = (root - d, root + d)

    def combined(alpha, **kw):
        out = [_krawczyk(alpha, t, i, sch, sg, dps, wdps, solver=sol, **kw) for (t, i, sch, sg), sol in zip(sides, solvers)]
        with flint.ctx.workprec(working_bits(wdps)):
            if level is not None:
                f = out[0][0] - flint.arb(level)
                df = out[0][2]
            else:
                f = out[0][0] - out[1][0]
                df = None if out[0][2] is None else out[0][2] - out[1][2]
        return f, df, [o[1] for o in out], [o[3] for o in out]

    # the whole interval first: one solution per side in X_int for every alpha inside, slope != 0
    _, slope, _, X_int = combined(root, alpha_rad=d, box=(mpmath.mpf(10) ** -(dps + 2),) * 2, slope=True)
    with flint.ctx.workprec(working_bits(wdps)):
        if slope.contains(0):
            raise CertificationError(f"{what}: the derivative in alpha is not certified non-zero on the interval "
                                     f"({_fmt(slope)}); raise working_dps (now {wdps})")
    for end in ends:
        f_end, _, K_end, _ = combined(end)
        # the end's solution (unique in its small box, inside K_end) must lie in X_int, where the
        # solution is unique for that alpha: then it is the branch's, and so is the sign of f there
        if not all(Xs[i].contains(Ks[i]) for Xs, Ks in zip(X_int, K_end) for i in range(2)):
            raise CertificationError(f"{what}: the end point's certified box is not inside the interval's box; "
                                     f"raise working_dps (now {wdps})")
        if end is ends[0]:
            f_lo = f_end
        else:
            f_hi = f_end
    with flint.ctx.workprec(working_bits(wdps)):
        if not ((f_lo < 0 and f_hi > 0) or (f_lo > 0 and f_hi < 0)):
            raise CertificationError(f"{what}: no certified sign change across [{mpmath.nstr(ends[0], 8)}, "
                                     f"{mpmath.nstr(ends[1], 8)}] ({_fmt(f_lo)} vs {_fmt(f_hi)}); raise working_dps "
                                     f"(now {wdps}) or check that the root is simple")
        ball = ball_interval(A.from_mpf(ends[0]), A.from_mpf(ends[1]))
        check_width(ball, dps, wdps, what)
    proved = (f"for every alpha in the interval each side's replica-symmetric fixed-point equations have exactly "
              f"one solution in a certified box (Krawczyk, alpha as an interval), {what} has opposite certified "
              f"signs at the two ends and a derivative in alpha certified non-zero in between: exactly one "
              f"crossing of that solution branch lies in the interval (crossings outside it are not excluded)")
    return CertifiedInterval.from_ball(ball, dps, proved)

