"""Finite pretraining data: the two-stage replica vs the one-stage point and the simulation it predicts.

    python benchmarks/two_stage_bench.py [--json]

Measured in one run (5-class task, c = 1e-2, gamma = 0.1, merged, alpha_PT = 0.4, alpha = 0.4, float64,
compiled moments): a two-stage point (PT fixed point + FT over the (z1, z2) sub-classes, cold, each
rep with a fresh PT state), a 100-point alpha curve (warm starts), the one-stage (perfect PT) point,
and one draw of the D = 2000 simulation the point predicts (a PT convex solve on N_PT samples plus an
FT convex solve; one BLAS thread).  Times are medians; reported as ratios and in ms.
"""

import argparse
import json
import time

import numpy as np

from ptft_theory import Init, Task, generalization_error
from ptft_theory.experiments.sweep import limit_blas_threads
from ptft_theory.simulate import two_stage_convex

TASK = Task(0.1, 0.05, 0.05)
INIT = Init(1e-2, 0.0, 0.1)
ALPHA, ALPHA_PT = 0.4, 0.4


def _median(f, reps):
    times, out = [], None
    for i in range(reps):
        t0 = time.perf_counter()
        out = f(i)
        times.append(time.perf_counter() - t0)
    return float(np.median(times)), out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    limit_blas_threads(1)
    generalization_error(TASK, INIT, ALPHA, alpha_pt=ALPHA_PT)  # compile / warm the C library
    # a fresh PT state per rep (alpha_pt moves by 1e-9): no cached panel edges
    t_point, r = _median(lambda i: generalization_error(TASK, INIT, ALPHA, alpha_pt=ALPHA_PT + 1e-9 * i), 7)
    t_one, r1 = _median(lambda i: generalization_error(TASK, INIT, ALPHA), 21)
    alphas = np.linspace(0.05, 0.6, 100)
    t_curve, rc = _median(lambda i: generalization_error(TASK, INIT, alphas, alpha_pt=ALPHA_PT + 1e-9 * i), 3)
    t_sim, d = _median(lambda i: two_stage_convex(2000, TASK, INIT, alpha_pt=ALPHA_PT, alpha=ALPHA, seed=i), 3)
    out = {"point_ms": 1e3 * t_point, "one_stage_point_ms": 1e3 * t_one, "curve_100_s": t_curve,
           "point_over_one_stage": t_point / t_one, "simulation_D2000_over_point": t_sim / t_point,
           "simulation_D2000_s": t_sim, "E": float(r.E[0]), "quad_error": float(r.quad_error[0]),
           "curve_max_quad_error": float(rc.quad_error.max()), "E_perfect_pt": float(r1.E[0]), "E_pt": r.E_pt,
           "simulation_one_draw_E": d.E, "targets": {"point_ms": 10.0, "curve_100_s": 0.5}}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    print(f"two-stage point (alpha_PT = {ALPHA_PT}): {out['point_ms']:.1f} ms = {out['point_over_one_stage']:.0f}x the "
          f"one-stage point ({out['one_stage_point_ms']:.2f} ms); E = {out['E']:.6f} (+- {out['quad_error']:.1e}), "
          f"perfect PT {out['E_perfect_pt']:.6f}, E_PT = {out['E_pt']:.4f}")
    print(f"100-point curve: {t_curve:.2f} s (max quadrature estimate {out['curve_max_quad_error']:.1e})")
    print(f"one D = 2000 draw (PT + FT convex solves) takes {out['simulation_D2000_over_point']:.0f}x a two-stage "
          f"point ({t_sim:.2f} s); a 2-SE band needs >= 10 draws")


if __name__ == "__main__":
    main()
