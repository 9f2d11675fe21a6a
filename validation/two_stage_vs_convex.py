"""Finite pretraining data: the two-stage replica vs direct simulation (docs/design.md section 3.1).

    python validation/two_stage_vs_convex.py [--dim 2000] [--seeds 20] [--out validation/results/two_stage_vs_convex.csv]
    python validation/two_stage_vs_convex.py --dim 4000 --only II_identical_apt0.25 ... --out ..._D4000.csv
    python validation/two_stage_vs_convex.py --gf [--out validation/results/two_stage_gf_vs_convex.csv]

Default: for each setting, draw teachers, PT data (N_PT = alpha_pt D, label noise sigma_y_pt) and FT
data (seeded), PT end point = the min-Q_c interpolator from 0 (least squares when N_PT > D), FT
end point = ``implicit_bias_solution`` with ``ft_scales`` of the learned beta_PT
(:func:`ptft_theory.simulate.two_stage_convex`).  Reports the mean FT and PT errors over seeds,
their standard errors, the two-stage replica (``generalization_error(..., alpha_pt=...)``, noise in
state-evolution units sigma = sigma_y / sqrt(N)) and the deviation in standard errors.

``--gf``: rung 2 for the two-stage pipeline: gradient flow of the network (torch, Radau) on the same
PT and FT data vs the convex path, at small D; reports the largest relative difference of the PT and
FT end points.

Rows are written atomically as they finish; a rerun skips finished rows (resumable).
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from ptft_theory import Init, Task, generalization_error, rich_limit_threshold
from ptft_theory.fileio import read_csv_rows, write_csv_atomic
from ptft_theory.experiments.sweep import limit_blas_threads
from ptft_theory.simulate import mean_se, two_stage_convex, two_stage_gradient_flow

NO_OVERLAP = Task(0.1, 0.0, 0.1)
IDENTICAL = Task(0.1, 0.1, 0.0)
SUBSET = Task(0.1, 0.01, 0.0)
MIXED = Task(0.1, 0.05, 0.05)
REG_I, REG_II, REG_III, REG_IV = Init(1e-3, -1e-3, 0.1), Init(1e-3, 1e-3), Init(100.0), Init(1e-3, -0.9e-3)
#: alpha_c(0.1) = 0.3288 (Donoho-Tanner): PT with small c recovers its teacher above it (noiseless).
ALPHA_C = rich_limit_threshold(0.1)

# (name, scheme, init, task, alpha_pt, alpha, sigma_y_pt, sigma_y): both schemes, the four regimes of
# Fig. 5 (merged), alpha_pt below and above alpha_c(0.1), PT label noise (one over-determined: least
# squares PT), FT noise.
SETTINGS = [
    ("I_no_overlap_apt0.2", "merged", REG_I, NO_OVERLAP, 0.2, 0.3, 0.0, 0.0),
    ("II_identical_apt0.25", "merged", REG_II, IDENTICAL, 0.25, 0.2, 0.0, 0.0),
    ("II_identical_apt0.5", "merged", REG_II, IDENTICAL, 0.5, 0.2, 0.0, 0.0),
    ("III_mixed_apt0.25", "merged", REG_III, MIXED, 0.25, 0.4, 0.0, 0.0),
    ("IV_subset_apt0.25", "merged", REG_IV, SUBSET, 0.25, 0.2, 0.0, 0.0),
    ("IV_subset_apt0.5", "merged", REG_IV, SUBSET, 0.5, 0.2, 0.0, 0.0),
    ("IV_subset_apt0.5_ptnoise", "merged", REG_IV, SUBSET, 0.5, 0.2, 2.0, 0.0),
    ("IV_subset_apt1.5_ptnoise_ls", "merged", REG_IV, SUBSET, 1.5, 0.2, 2.0, 0.0),
    ("readout_small_c_mixed_apt0.25", "readout", Init(1e-3), MIXED, 0.25, 0.3, 0.0, 0.0),
    ("readout_lam_minus_mixed_apt0.5", "readout", Init(1e-2, -1e-2, 0.1), MIXED, 0.5, 0.3, 0.0, 0.0),
    ("readout_noisy_mixed_apt0.6", "readout", Init(1e-2, 0.0, 0.1), MIXED, 0.6, 0.4, 1.0, 1.0),
]
FIELDS = ["setting", "scheme", "c_pt", "lambda_pt", "gamma_ft", "rho_pt", "rho_shared", "rho_new", "alpha_pt",
          "alpha", "sigma_y_pt", "sigma_y", "D", "seeds", "sim_E", "sim_E_se", "replica_E", "replica_quad_error",
          "dev_in_se", "sim_E_pt", "sim_E_pt_se", "replica_E_pt", "dev_pt_in_se", "seconds"]
GF_FIELDS = ["setting", "scheme", "D", "seed", "alpha_pt", "alpha", "max_rel_diff_pt", "max_rel_diff_ft"]
#: Settings of the gradient-flow check (rung 2), D = 40 (a task every class of which gets coordinates
#: there), 3 seeds each: both schemes, alpha_pt below and above alpha_c, PT label noise.
GF_SETTINGS = [(("II_identical_apt0.5", "merged", REG_II, IDENTICAL, 0.5, 0.5, 0.0, 0.0), 40),
               (("IV_mixed_apt0.25", "merged", REG_IV, MIXED, 0.25, 0.5, 0.0, 0.0), 40),
               (("IV_mixed_apt0.5_ptnoise", "merged", Init(1e-2, -0.9e-2, 0.0), MIXED, 0.5, 0.5, 0.5, 0.0), 40),
               (("readout_lam_minus_mixed_apt0.5", "readout", Init(1e-2, -1e-2, 0.1), MIXED, 0.5, 0.5, 0.0, 0.0), 40),
               (("readout_small_c_mixed_apt0.25", "readout", Init(1e-2, 0.0, 0.05), MIXED, 0.25, 0.5, 0.0, 0.0), 40)]


def run_setting(name, scheme, init, task, alpha_pt, alpha, sigma_y_pt, sigma_y, *, D, seeds):
    t0 = time.perf_counter()
    draws = [two_stage_convex(D, task, init, scheme, alpha_pt=alpha_pt, alpha=alpha, sigma_y_pt=sigma_y_pt,
                              sigma_y=sigma_y, seed=s) for s in range(seeds)]
    n_pt, n = int(round(alpha_pt * D)), int(round(alpha * D))
    r = generalization_error(task, init, n / D, scheme, sigma=sigma_y / np.sqrt(n), alpha_pt=n_pt / D,
                             sigma_pt=sigma_y_pt / np.sqrt(n_pt))
    m, se = mean_se([d.E for d in draws])
    mp, sep = mean_se([d.E_pt for d in draws])
    return dict(setting=name, scheme=scheme, c_pt=init.c_pt, lambda_pt=init.lambda_pt, gamma_ft=init.gamma_ft,
                rho_pt=task.rho_pt, rho_shared=task.rho_shared, rho_new=task.rho_new, alpha_pt=n_pt / D, alpha=n / D,
                sigma_y_pt=sigma_y_pt, sigma_y=sigma_y, D=D, seeds=seeds, sim_E=m, sim_E_se=se,
                replica_E=float(r.E[0]), replica_quad_error=float(r.quad_error[0]), dev_in_se=(m - float(r.E[0])) / se,
                sim_E_pt=mp, sim_E_pt_se=sep, replica_E_pt=r.E_pt, dev_pt_in_se=(mp - r.E_pt) / sep,
                seconds=round(time.perf_counter() - t0, 1))


def refresh_replica(row, scheme, init, task):
    """``row`` with the replica columns recomputed (same alpha, alpha_pt and noise as recorded)."""
    D, a, ap = int(row["D"]), float(row["alpha"]), float(row["alpha_pt"])
    n, n_pt = round(a * D), round(ap * D)
    r = generalization_error(task, init, a, scheme, sigma=float(row["sigma_y"]) / np.sqrt(n), alpha_pt=ap,
                             sigma_pt=float(row["sigma_y_pt"]) / np.sqrt(n_pt))
    out = dict(row, replica_E=float(r.E[0]), replica_quad_error=float(r.quad_error[0]), replica_E_pt=r.E_pt)
    out["dev_in_se"] = (float(row["sim_E"]) - out["replica_E"]) / float(row["sim_E_se"])
    out["dev_pt_in_se"] = (float(row["sim_E_pt"]) - r.E_pt) / float(row["sim_E_pt_se"])
    return out


def run_gf(out, seeds=3):
    rows = {(r["setting"], int(r["seed"])): r for r in read_csv_rows(out)}
    for (name, scheme, init, task, alpha_pt, alpha, sy_pt, sy), D in GF_SETTINGS:
        for seed in range(seeds):
            if (name, seed) in rows:
                continue
            kw = dict(alpha_pt=alpha_pt, alpha=alpha, sigma_y_pt=sy_pt, sigma_y=sy, seed=seed)
            cv = two_stage_convex(D, task, init, scheme, **kw)
            gf = two_stage_gradient_flow(D, task, init, scheme, rtol=1e-9, residual_tol=1e-10, **kw)
            dpt = float(np.max(np.abs(gf.beta_pt - cv.beta_pt)) / np.max(np.abs(cv.beta_pt)))
            dft = float(np.max(np.abs(gf.beta_ft - cv.beta_ft)) / np.max(np.abs(cv.beta_ft)))
            rows[(name, seed)] = dict(setting=name, scheme=scheme, D=D, seed=seed, alpha_pt=alpha_pt, alpha=alpha,
                                      max_rel_diff_pt=dpt, max_rel_diff_ft=dft)
            write_csv_atomic(out, GF_FIELDS, list(rows.values()))
            print(f"{name} seed {seed}: GF vs convex, PT {dpt:.2e}, FT {dft:.2e}", file=sys.stderr)
    worst = max(max(float(r["max_rel_diff_pt"]), float(r["max_rel_diff_ft"])) for r in rows.values())
    print(f"worst GF vs convex relative difference: {worst:.2e} over {len(rows)} runs")


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--dim", type=int, default=2000)
    ap.add_argument("--seeds", type=int, default=20)
    ap.add_argument("--gf", action="store_true", help="gradient flow vs the convex path at D = 40 (rung 2)")
    ap.add_argument("--out", default=None)
    ap.add_argument("--only", nargs="+", default=None, metavar="SETTING",
                    help="run these settings only (the finite-size check: the worst ones at --dim 4000)")
    ap.add_argument("--refresh-replica", action="store_true",
                    help="recompute the replica columns of finished rows with the current code (simulations kept)")
    args = ap.parse_args(argv)
    limit_blas_threads(1)  # one BLAS thread: on the shared 2-core machine the default threads made a D = 400
    # draw take 6.7 s instead of 0.07 s (oversubscription)
    if args.gf:
        return run_gf(Path(args.out or "validation/results/two_stage_gf_vs_convex.csv"))
    out = Path(args.out or "validation/results/two_stage_vs_convex.csv")
    rows = {r["setting"]: r for r in read_csv_rows(out)}
    if args.refresh_replica:
        for name, scheme, init, task, *_ in SETTINGS:
            if name in rows:
                rows[name] = refresh_replica(rows[name], scheme, init, task)
        write_csv_atomic(out, FIELDS, [rows[n] for n, *_ in SETTINGS if n in rows])
    names = [n for n, *_ in SETTINGS]
    bad = sorted(set(args.only or ()) - set(names))
    if bad:
        ap.error(f"--only {bad[0]!r} is not a setting; valid: {', '.join(names)}")
    settings = [s for s in SETTINGS if args.only is None or s[0] in args.only]
    for i, s in enumerate(settings, 1):
        if s[0] not in rows:
            rows[s[0]] = run_setting(*s, D=args.dim, seeds=args.seeds)
            write_csv_atomic(out, FIELDS, [rows[n] for n, *_ in SETTINGS if n in rows])
        r = rows[s[0]]
        print(f"[{i}/{len(settings)}] {s[0]}: sim {float(r['sim_E']):.4f} +- {float(r['sim_E_se']):.4f}, replica "
              f"{float(r['replica_E']):.4f} ({float(r['dev_in_se']):+.2f} SE); PT sim {float(r['sim_E_pt']):.4f}, "
              f"replica {float(r['replica_E_pt']):.4f} ({float(r['dev_pt_in_se']):+.2f} SE)", file=sys.stderr)
    worst = max(abs(float(r["dev_in_se"])) for r in rows.values())
    worst_pt = max(abs(float(r["dev_pt_in_se"])) for r in rows.values())
    print(f"worst deviation: FT {worst:.2f} SE, PT {worst_pt:.2f} SE over {len(rows)} settings "
          f"(alpha_c(0.1) = {ALPHA_C:.4f})")


if __name__ == "__main__":
    main()
