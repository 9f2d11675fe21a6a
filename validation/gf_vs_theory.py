"""Rung 2 at larger count: gradient flow vs the implicit-bias solution over random (c, lambda, gamma).

    python validation/gf_vs_theory.py [--cases 40] [--out validation/results/gf_vs_theory.csv]

Draws levers as the rung-2 test does (c log-uniform in [1e-3, 10], lambda uniform in [-c, c] or within
1e-3 of an end, gamma 0 or uniform in [1e-3, 1]), both schemes, small D; writes one row per case
(atomically, resuming finished rows) and prints the max relative deviation per scheme.
"""

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from ptft_theory.fileio import read_csv_rows, write_csv_atomic
from ptft_theory import Task, ft_scales, implicit_bias_solution, make_teachers, sample_data, simulate_gradient_flow

FIELDS = ["case", "scheme", "c_pt", "lambda_pt", "gamma_ft", "D", "n_pt", "n_ft", "seed",
          "dev_pt", "dev_ft", "steps_pt", "steps_ft", "seconds"]


def draw_case(i):
    rng = np.random.default_rng([2602, 20062, i])
    c = 10 ** rng.uniform(-3, 1)
    where = rng.integers(4)
    lam = [c * rng.uniform(-1, 1), -c * (1 - rng.uniform(0, 1e-3)), c * (1 - rng.uniform(0, 1e-3)), -c][where]
    gamma = 0.0 if rng.random() < 0.3 else rng.uniform(1e-3, 1.0)
    scheme = ["readout", "merged"][i % 2]
    if scheme == "merged" and lam == -c and gamma == 0:
        gamma = 0.5
    D, n_pt, n_ft = [(8, 6, 4), (10, 7, 5), (12, 8, 6)][rng.integers(3)]
    return dict(case=i, scheme=scheme, c_pt=c, lambda_pt=lam, gamma_ft=gamma, D=D, n_pt=n_pt, n_ft=n_ft,
                seed=int(rng.integers(2**31)))


def run_case(p):
    task = Task(rho_pt=0.3, rho_shared=0.15, rho_new=0.15)
    T = make_teachers(task, p["D"], p["seed"])
    ss = np.random.SeedSequence(p["seed"]).spawn(2)
    Xp, yp = sample_data(p["n_pt"], T.beta_pt, seed=ss[0])
    Xf, yf = sample_data(p["n_ft"], T.beta_ft, seed=ss[1])
    t0 = time.perf_counter()
    r = simulate_gradient_flow(Xp, yp, Xf, yf, p["c_pt"], p["lambda_pt"], p["gamma_ft"], p["scheme"],
                               rtol=1e-10, residual_tol=1e-11)
    secs = time.perf_counter() - t0
    bpt = implicit_bias_solution(Xp, yp, p["c_pt"], 0.0)
    k, b0 = ft_scales(r.beta_pt, p["c_pt"], p["lambda_pt"], p["gamma_ft"], p["scheme"])
    bft = implicit_bias_solution(Xf, yf, k, b0)
    dev = lambda a, b: float(np.linalg.norm(a - b) / np.linalg.norm(b))  # noqa: E731
    return dict(p, dev_pt=dev(r.beta_pt, bpt), dev_ft=dev(r.beta_ft, bft), steps_pt=r.pt.steps,
                steps_ft=r.ft.steps, seconds=round(secs, 2))


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--cases", type=int, default=40)
    ap.add_argument("--out", default="validation/results/gf_vs_theory.csv")
    args = ap.parse_args(argv)
    out = Path(args.out)
    rows = {int(r["case"]): r for r in read_csv_rows(out)}
    for i in range(args.cases):
        if i in rows:
            continue
        rows[i] = run_case(draw_case(i))
        print(f"[{len(rows)}/{args.cases}] case {i} {rows[i]['scheme']}: dev_ft {rows[i]['dev_ft']:.2e}",
              file=sys.stderr)
        write_csv_atomic(out, FIELDS, [rows[j] for j in sorted(rows)])
    for scheme in ("readout", "merged"):
        devs = [max(float(r["dev_pt"]), float(r["dev_ft"])) for r in rows.values() if r["scheme"] == scheme]
        print(f"{scheme}: {len(devs)} cases, max relative GF-vs-theory deviation {max(devs):.2e}")


if __name__ == "__main__":
    main()
