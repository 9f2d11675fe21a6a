"""The exact whitened time course vs integrating the weights' ODE.

    python benchmarks/trajectory_bench.py [--dim 10000] [--times 1000] [--ode-dim 1000] [--json]

Closed form: ``coordinate_trajectory`` for ``--times`` times x ``--dim`` coordinates (random targets,
scales 1e-4..1e2, starts).  Reference: scipy LSODA (rtol 1e-12; DOP853's dense output is off by up to 5e-5 at k ~ 100) on the four weights of ``--ode-dim`` of
the same coordinates, timed in this run; the ratio is per coordinate (the ODE's cost is linear in D).
Also reports the max abs deviation on those coordinates.
"""

import argparse
import json
import time

import numpy as np
from scipy.integrate import solve_ivp

from ptft_theory import coordinate_trajectory


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dim", type=int, default=10_000)
    ap.add_argument("--times", type=int, default=1000)
    ap.add_argument("--ode-dim", type=int, default=1000)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args(argv)
    rng = np.random.default_rng(0)
    bs, k = rng.normal(size=a.dim), 10.0 ** rng.uniform(-4, 2, a.dim)
    t = np.linspace(0, 20, a.times)
    # FT-like starts: b0 = gamma (a+ - a-) with a branch pair of the readout scheme; P, M >= 0 here
    P, M = k / 2 * np.exp(rng.normal(size=a.dim) * 0.3), None
    M = k**2 / (4 * P)
    b0 = P - M
    secs = []
    for _ in range(a.repeats):
        t0 = time.perf_counter()
        out = coordinate_trajectory(t, bs, k, b0)
        secs.append(time.perf_counter() - t0)
    n = a.ode_dim
    # weights with u v = P-branch etc.: u+ = v+ = sqrt(P), u- = v- = sqrt(M) gives beta(0) = P - M, scale k
    up = vp = np.sqrt(P[:n])
    um = vm = np.sqrt(M[:n])

    def f(_, y):
        u1, v1, u2, v2 = y.reshape(4, n)
        g = u1 * v1 - u2 * v2 - bs[:n]
        return np.concatenate([-g * v1, -g * u1, g * v2, g * u2])

    t0 = time.perf_counter()
    sol = solve_ivp(f, (0, t[-1]), np.concatenate([up, vp, um, vm]), t_eval=t, rtol=1e-12, atol=1e-14, method="LSODA")
    ode = time.perf_counter() - t0
    u1, v1, u2, v2 = sol.y.reshape(4, n, -1)
    dev = float(np.max(np.abs((u1 * v1 - u2 * v2).T - out[:, :n])))
    res = {"D": a.dim, "times": a.times, "closed_form_seconds_median": float(np.median(secs)),
           "ode_dim": n, "ode_seconds": ode, "ode_rtol": 1e-12,
           "ratio_ode_over_closed_form_per_coordinate": ode / n / (float(np.median(secs)) / a.dim),
           "max_abs_deviation": dev}
    print(json.dumps(res) if a.json else "\n".join(f"{kk}: {v}" for kk, v in res.items()))


if __name__ == "__main__":
    main()
