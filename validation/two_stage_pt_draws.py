"""Is the PT excess of two_stage_vs_convex.csv a fluctuation?  The PT error alone, many fresh draws.

    python validation/two_stage_pt_draws.py [--out validation/results/two_stage_pt_draws.csv]

The validation settings share their PT draws (seeds 0..19 give the same PT data to every setting with
the same rho_PT and alpha_PT), so their PT deviations are one sample, not many.  This script draws the
rich PT problem of those settings (rho_PT = 0.1, alpha_PT = 0.25 < alpha_c, c_PT = 1e-3) with fresh
seeds (10000 + i) at D = 500, 1000, 2000 and compares the mean PT error with the two-stage replica's
E_PT (the one-stage replica of the PT problem).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from ptft_theory import Init, Task, generalization_error, relative_error
from ptft_theory.experiments.sweep import limit_blas_threads
from ptft_theory.fileio import write_csv_atomic
from ptft_theory.simulate import draw_data, mean_se, pt_end_point

TASK, C_PT, ALPHA_PT = Task(0.1, 0.1, 0.0), 1e-3, 0.25
SIZES = ((500, 400), (1000, 200), (2000, 100))  # (D, draws): about 70 s in all on one core
FIELDS = ["D", "draws", "sim_E_pt", "sim_E_pt_se", "replica_E_pt", "dev_in_se", "seconds"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--out", default="validation/results/two_stage_pt_draws.csv")
    args = ap.parse_args(argv)
    limit_blas_threads(1)
    E_pt = generalization_error(TASK, Init(C_PT, C_PT, 0.0), 0.2, alpha_pt=ALPHA_PT).E_pt
    rows = []
    for D, n in SIZES:
        t0 = time.perf_counter()
        e = []
        for i in range(n):
            T, (Xp, yp), _ = draw_data(D, TASK, ALPHA_PT, 0.2, 0.0, 0.0, 10000 + i)
            b = pt_end_point(Xp, yp, C_PT)
            e.append(float(relative_error(b, T.beta_pt)))
        m, se = mean_se(e)
        rows.append(dict(D=D, draws=n, sim_E_pt=m, sim_E_pt_se=se, replica_E_pt=E_pt, dev_in_se=(m - E_pt) / se,
                         seconds=round(time.perf_counter() - t0, 1)))
        print(f"D = {D}, {n} draws: PT error {m:.4f} +- {se:.4f}, replica {E_pt:.4f} ({(m - E_pt) / se:+.2f} SE)",
              flush=True)
    write_csv_atomic(Path(args.out), FIELDS, rows)


if __name__ == "__main__":
    main()
