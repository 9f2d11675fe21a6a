"""The initialisation advisor vs the grid search it replaces, measured in one run.

    python benchmarks/advisor_bench.py [--json] [--grid 49 41 21]

One advice (``best_init``, single alpha, all three levers free, default box) on the issue's example
task (rho_PT = 0.1, rho_shared = 0.02, rho_new = 0, alpha = 0.15) and on the half-overlap task at
alpha = 0.25, against an exhaustive grid over the same box (default 49 x 41 x 21 = 42,189 inits: 1/8
decade in c_PT, 0.05 in lambda/c and gamma_FT), evaluated the fast way (warm-started
``error_sweep`` lines).  Reports wall times, replica evaluations, their ratios and whether the advisor
matched or beat the grid's best E (the advisor's budget is <= 10 s per advice on this machine).
"""

import argparse
import json
import math
import time

import numpy as np

from ptft_theory import Init, Task, error_sweep, generalization_error
from ptft_theory.advisor import DEFAULT_BOUNDS, best_init
from ptft_theory.errors import PTFTError

CASES = [("issue example", Task(0.1, 0.02, 0.0), 0.15), ("half overlap", Task(0.1, 0.05, 0.05), 0.25)]


def grid_search(task, alpha, sizes):
    (lc0, lc1), (r0, r1), (g0, g1) = DEFAULT_BOUNDS.values()
    best, n = math.inf, 0
    for lc in np.linspace(lc0, lc1, sizes[0]):
        c = 10.0**lc
        for g in np.linspace(g0, g1, sizes[2]):
            rs = np.linspace(r1, r0, sizes[1])
            rs = rs[:-1] if g == 0 else rs  # the infeasible corner
            try:
                Es = [float(r) for r in error_sweep(task, Init(c, rs[0] * c, g), "lambda_pt", rs * c, alpha)]
            except PTFTError:
                Es = []
                for r in rs:
                    try:
                        Es.append(float(generalization_error(task, Init(c, r * c, g), alpha)))
                    except PTFTError:
                        Es.append(math.inf)
            n += len(rs)
            best = min(best, min(Es))
    return best, n


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--grid", type=int, nargs=3, default=[49, 41, 21], metavar=("N_C", "N_RATIO", "N_GAMMA"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    out = []
    for name, task, alpha in CASES:
        t0 = time.perf_counter()
        adv = best_init(task, alpha)
        t_adv = time.perf_counter() - t0
        t0 = time.perf_counter()
        E_grid, n_grid = grid_search(task, alpha, args.grid)
        t_grid = time.perf_counter() - t0
        out.append({"case": name, "alpha": alpha, "advice_s": t_adv, "advice_evaluations": adv.evaluations,
                    "grid": "x".join(map(str, args.grid)), "grid_s": t_grid, "grid_evaluations": n_grid,
                    "time_ratio": t_grid / t_adv, "evaluation_ratio": n_grid / adv.evaluations, "E_advisor": adv.E,
                    "E_grid": E_grid, "advisor_matches_or_beats_grid": adv.E <= E_grid * (1 + 1e-6) + 1e-10,
                    "regime": adv.regime.regime.value, "within_10s": t_adv <= 10.0})
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for o in out:
        print(f"{o['case']} (alpha={o['alpha']}): advice {o['advice_s']:.2f} s, {o['advice_evaluations']} replica "
              f"evaluations, E={o['E_advisor']:.4g} (regime {o['regime']}); grid {o['grid']}: {o['grid_s']:.1f} s, "
              f"{o['grid_evaluations']} evaluations, E={o['E_grid']:.4g}; the advice is {o['time_ratio']:.0f}x faster "
              f"with {o['evaluation_ratio']:.0f}x fewer evaluations; matches or beats the grid: "
              f"{o['advisor_matches_or_beats_grid']}; within 10 s: {o['within_10s']}")


if __name__ == "__main__":
    main()
