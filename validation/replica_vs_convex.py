"""Rung 3: replica prediction vs direct convex solves of the same FT problem.

    python validation/replica_vs_convex.py [--dim 2000] [--seeds 10] [--out validation/results/replica_vs_convex.csv]

For each setting: draw teachers and FT data (seeded), take beta_pt = the PT teacher (the replica's
assumption), ``k, b0 = ft_scales(...)`` and the FT end point from ``implicit_bias_solution``; report
the mean relative error over seeds, its standard error, the replica value and the deviation in
standard errors.  Rows are written atomically as they finish; a rerun skips finished rows.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

from ptft_theory.fileio import read_csv_rows, write_csv_atomic
from ptft_theory import Init, Task, ft_scales, implicit_bias_solution, make_teachers, relative_error, sample_data
from ptft_theory.replica import generalization_error

# (name, scheme, Init, Task, alpha): both schemes, small/large c, lam near -c, 0, +c, gamma 0 and > 0,
# overlapping / distinct supports, several alpha.
OVERLAP = Task(0.1, 0.1, 0.0)
DISTINCT = Task(0.1, 0.0, 0.1)
MIXED = Task(0.1, 0.05, 0.05)
SETTINGS = [
    ("small_c_overlap", "readout", Init(1e-3), OVERLAP, 0.3),
    ("small_c_distinct", "readout", Init(1e-3), DISTINCT, 0.3),
    ("small_c_mixed_a0.2", "readout", Init(1e-3), MIXED, 0.2),
    ("small_c_mixed_a0.5", "readout", Init(1e-3), MIXED, 0.5),
    ("large_c_mixed", "readout", Init(10.0), MIXED, 0.4),
    ("lam_minus_c_gamma", "readout", Init(1e-2, -1e-2, 0.1), MIXED, 0.3),
    ("lam_plus_c", "readout", Init(1e-2, 1e-2), MIXED, 0.3),
    ("gamma_large", "readout", Init(1e-3, 0.0, 1.0), DISTINCT, 0.5),
    ("merged_small_c", "merged", Init(1e-3), MIXED, 0.3),
    ("merged_lam_minus", "merged", Init(1e-2, -0.99e-2, 0.1), MIXED, 0.3),
    ("merged_lam_plus_overlap", "merged", Init(1e-3, 1e-3), OVERLAP, 0.25),
    ("merged_large_c_gamma", "merged", Init(1.0, 0.5, 0.5), DISTINCT, 0.6),
    # label noise y = X beta* + sigma_y xi: checks the noise normalisation sigma = sigma_y / sqrt(N)
    ("noisy_small_c", "readout", Init(1e-2, 0.0, 0.1), MIXED, 0.4, 6.0),
    ("noisy_merged_large_c", "merged", Init(1.0, 0.0, 0.5), MIXED, 0.5, 4.0),
]
FIELDS = ["setting", "scheme", "c_pt", "lambda_pt", "gamma_ft", "rho_pt", "rho_shared", "rho_new", "alpha", "D",
          "sigma_y", "seeds", "sim_mean", "sim_se", "replica", "dev_in_se"]


def run_setting(name, scheme, init, task, alpha, sigma_y=0.0, *, D, seeds):
    errs = []
    n = int(round(alpha * D))
    for seed in range(seeds):
        ss = np.random.SeedSequence([seed, D]).spawn(2)
        T = make_teachers(task, D, ss[0])
        X, y = sample_data(n, T.beta_ft, sigma_y, seed=ss[1])
        k, b0 = ft_scales(T.beta_pt, init.c_pt, init.lambda_pt, init.gamma_ft, scheme)
        errs.append(float(relative_error(implicit_bias_solution(X, y, k, b0), T.beta_ft)))
    errs = np.array(errs)
    rep = float(generalization_error(task, init, n / D, scheme, sigma=sigma_y / np.sqrt(n)))
    se = errs.std(ddof=1) / np.sqrt(errs.size)
    return dict(setting=name, scheme=scheme, c_pt=init.c_pt, lambda_pt=init.lambda_pt, gamma_ft=init.gamma_ft,
                rho_pt=task.rho_pt, rho_shared=task.rho_shared, rho_new=task.rho_new, alpha=n / D, D=D, sigma_y=sigma_y,
                seeds=seeds, sim_mean=errs.mean(), sim_se=se, replica=rep, dev_in_se=(errs.mean() - rep) / se)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dim", type=int, default=2000)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--out", default="validation/results/replica_vs_convex.csv")
    args = ap.parse_args(argv)
    out = Path(args.out)
    rows = {r["setting"]: {"sigma_y": 0.0, **r} for r in read_csv_rows(out)}  # tables before sigma_y: noiseless
    for i, s in enumerate(SETTINGS, 1):
        if s[0] not in rows:
            rows[s[0]] = run_setting(*s, D=args.dim, seeds=args.seeds)
            write_csv_atomic(out, FIELDS, [rows[n] for n, *_ in SETTINGS if n in rows])
        r = rows[s[0]]
        print(f"[{i}/{len(SETTINGS)}] {s[0]}: sim {float(r['sim_mean']):.4f} +- {float(r['sim_se']):.4f}, "
              f"replica {float(r['replica']):.4f} ({float(r['dev_in_se']):+.2f} SE)", file=sys.stderr)
    worst = max(abs(float(r["dev_in_se"])) for r in rows.values())
    print(f"worst deviation: {worst:.2f} standard errors over {len(rows)} settings")


if __name__ == "__main__":
    main()
