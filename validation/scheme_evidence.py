"""One network, four regimes: how lambda_pt walks fine-tuning under each scheme.

    python validation/scheme_evidence.py [--seeds 20] [--out validation/results/scheme_evidence.csv]

Claim (arXiv 2602.20062, Fig. 2a arrows): on one network, lowering the relative scale lambda_pt (a
smaller first layer at PT) walks FT from the lazy PT-dependent regime II (lambda_pt = +c_pt) through
the rich PT-dependent regime IV (lambda_pt in (-c_pt, 0)) to the richest, less PT-dependent end I
(lambda_pt = -c_pt, where the default scheme "merged" gives k = gamma_ft^2 on every coordinate).

For each scheme and the three Fig. 5 initialisations of the walk (c_pt = 1e-3; lambda_pt / c_pt = +1
and -0.9 with gamma_ft = 0, and lambda_pt = -c_pt with gamma_ft = 0.1, since at gamma_ft = 0 that end
is a saddle of the merged network) we pretrain and fine-tune at D = 200 on two FT tasks:

* ``subset``: the FT teacher uses a subset of the PT features (rho_pt 0.3, rho_shared 0.1, rho_new 0);
* ``new``: the FT teacher uses only new features (rho_pt 0.3, rho_shared 0, rho_new 0.1);

and record the FT error and the share of the learned FT coefficient mass on PT features (a
PT-dependent bias shows as a large share, a low error on ``subset`` and a high one on ``new``).
PT uses N_PT = 0.8 D samples (it recovers its sparse teacher) and FT N_FT = 0.3 D.  End points are
the implicit-bias solutions of PT (min Q_c from 0) and FT (the Bregman problem with
(k, b0) = ft_scales of the learned beta_PT): rung 2 of the validation ladder checks them against
gradient flow to <= 1e-6 relative on both schemes (tests/simulate/test_gf_vs_implicit_bias.py), and a D = 200
gradient flow costs minutes a run on this machine, so the end points are solved directly.
"""

import argparse
import sys
from pathlib import Path

import numpy as np

from ptft_theory.fileio import read_csv_rows, write_csv_atomic
from ptft_theory import (Init, Task, ft_scales, implicit_bias_solution, make_teachers, regime, relative_error,
                         sample_data)

TASKS = {"subset": Task(0.3, 0.1, 0.0), "new": Task(0.3, 0.0, 0.1)}
RATIOS = (1.0, -0.9, -1.0)  # lambda_pt / c_pt: II -> IV -> I under "merged"
GAMMA = {1.0: 0.0, -0.9: 0.0, -1.0: 0.1}  # gamma_ft per ratio: the Fig. 5 inits
SCHEMES = ("merged", "readout")
FIELDS = ["scheme", "task", "lambda_over_c", "seed", "regime", "c_pt", "lambda_pt", "gamma_ft", "D", "n_pt", "n_ft",
          "ft_error", "pt_feature_share"]


def run(scheme, task_name, ratio, seed, D=200, n_pt=160, n_ft=60, c=1e-3):
    task = TASKS[task_name]
    lam, gamma = ratio * c, GAMMA[ratio]
    T = make_teachers(task, D, seed)
    ss = np.random.SeedSequence(seed).spawn(2)
    Xp, yp = sample_data(n_pt, T.beta_pt, seed=ss[0])
    Xf, yf = sample_data(n_ft, T.beta_ft, seed=ss[1])
    beta_pt = implicit_bias_solution(Xp, yp, np.full(D, c), np.zeros(D))  # GF from the PT init (docs/design.md section 2.2)
    k, b0 = ft_scales(beta_pt, c, lam, gamma, scheme)
    beta_ft = implicit_bias_solution(Xf, yf, k, b0)
    share = float(np.sum(beta_ft[T.beta_pt != 0] ** 2) / np.sum(beta_ft**2))
    label = regime(task, Init(c, lam, gamma), scheme).regime.value
    return dict(scheme=scheme, task=task_name, lambda_over_c=ratio, seed=seed, regime=label, c_pt=c, lambda_pt=lam,
                gamma_ft=gamma, D=D, n_pt=n_pt, n_ft=n_ft, ft_error=float(relative_error(beta_ft, T.beta_ft)),
                pt_feature_share=share)


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--seeds", type=int, default=10)
    ap.add_argument("--out", default="validation/results/scheme_evidence.csv")
    args = ap.parse_args(argv)
    out = Path(args.out)
    rows = {(r["scheme"], r["task"], float(r["lambda_over_c"]), int(r["seed"])): r for r in read_csv_rows(out)
            if "lambda_over_c" in r}
    todo = [(s, t, q, i) for s in SCHEMES for q in RATIOS for t in TASKS for i in range(args.seeds)]
    for n, key in enumerate(todo, 1):
        if key not in rows:
            rows[key] = run(*key)
            write_csv_atomic(out, FIELDS, [rows[k] for k in sorted(rows)])
        print(f"[{n}/{len(todo)}] {key}", file=sys.stderr)
    print("| scheme | lambda_pt / c_pt | gamma_ft | regime() | FT task | FT error (mean +- SE) | share of FT mass on PT features |")
    print("|---|---|---|---|---|---|---|")
    for s in SCHEMES:
        for q in RATIOS:
            for t in TASKS:
                sel = [r for k, r in rows.items() if k[:3] == (s, t, q) and k[3] < args.seeds]
                e = np.array([float(r["ft_error"]) for r in sel])
                sh = np.array([float(r["pt_feature_share"]) for r in sel])
                print(f"| {s} | {q:+g} | {GAMMA[q]:g} | {sel[0]['regime']} | {t} | {e.mean():.3f} +- {e.std(ddof=1) / np.sqrt(e.size):.3f} "
                      f"| {sh.mean():.3f} |")


if __name__ == "__main__":
    main()
