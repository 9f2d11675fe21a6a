"""Verification of the initialisation advisor, three parts, one CSV.

    python validation/advisor_check.py [--quick] [--parts a b c] [--out validation/results/advisor_check.csv]

(a) **optimiser vs a dense grid**: on 6 tasks, ``best_init`` must match or beat the best point of a
    dense grid over the same box (log10 c_PT x lambda/c x gamma_FT = 49 x 41 x 21 = 42,189 inits;
    quick: 17 x 17 x 9).  "Match" allows the replica's own error bound, QUAD_RTOL_MAX * max(E,
    QUAD_E_FLOOR) (1e-6 relative above E = 1e-4): below it two evaluations of one init can differ.
(b) **simulation**: at the recommended init and at the runner-up regime's best init, direct FT solves
    (teachers and data seeded, beta_PT = the PT teacher, FT end point = implicit_bias_solution, the
    convex problem gradient flow converges to; D = 1000, 12 seeds; quick: D = 300, 6 seeds) on 4
    tasks, the same draws for both inits.  The predicted order holds when the paired difference
    E_runner_up - E_recommended is positive by more than 2 SE; each simulated mean is also compared
    with its replica value (within +-2 SE of the mean, finite-D bias aside).
(c) **Fig. 5**: the regime of the best init agrees with Fig. 5's expected best at Fig. 5's tasks
    (ptft_theory/configs/fig5.toml), (i) with Fig. 5's ranking metric, the mean E over its alpha range
    (an alpha-interval advice), and (ii) cell by cell on the regime-advantage map's alphas at the two
    Fig. 5 tasks on the map's line (overlap 0 and 1; the subset task has rho_FT = 0.01, off the map's
    rho_FT = 0.1, and is evaluated by the same cell function).

Prints one line per row; exits 1 when a check fails.
"""

import argparse
import math
import sys
import time
import tomllib
from pathlib import Path

import numpy as np

from ptft_theory import Init, Task, error_sweep, ft_scales, implicit_bias_solution, make_teachers, relative_error, sample_data
from ptft_theory.experiments.advantage_map import advice_cell, cell_task
from ptft_theory.experiments.points import CONFIG_DIR
from ptft_theory.advisor import DEFAULT_BOUNDS, best_init
from ptft_theory.errors import PTFTError
from ptft_theory import generalization_error
from ptft_theory.fileio import read_csv_rows, write_csv_atomic
from ptft_theory.replica.curve import QUAD_E_FLOOR, QUAD_RTOL_MAX

ROOT = Path(__file__).resolve().parent
FIELDS = ["part", "name", "rho_pt", "rho_shared", "rho_new", "alpha", "what", "advisor", "reference", "reference_se",
          "n", "ok", "detail"]
# (a): tasks x alpha (E well above 0: below the l1 threshold where rich inits do not recover exactly)
TASKS_A = [("no_overlap", Task(0.1, 0.0, 0.1), 0.2), ("identical", Task(0.1, 0.1, 0.0), 0.08),
           ("subset", Task(0.1, 0.01, 0.0), 0.02), ("half", Task(0.1, 0.05, 0.05), 0.25),
           ("issue_example", Task(0.1, 0.02, 0.0), 0.06), ("interval_fifth", Task(0.1, 0.02, 0.08), (0.1, 0.3))]
TASKS_B = [("no_overlap", Task(0.1, 0.0, 0.1), 0.25), ("identical", Task(0.1, 0.1, 0.0), 0.08),
           ("half", Task(0.1, 0.05, 0.05), 0.2), ("fifth", Task(0.1, 0.02, 0.08), 0.2),
           ("subset", Task(0.1, 0.01, 0.0), 0.04)]


def row(part, name, task, alpha, what, advisor, reference, reference_se=None, n=None, ok=None, detail=""):
    r = dict(part=part, name=name, rho_pt=task.rho_pt, rho_shared=task.rho_shared, rho_new=task.rho_new,
             alpha=alpha if not isinstance(alpha, tuple) else f"{alpha[0]}-{alpha[1]}", what=what, advisor=advisor,
             reference=reference, reference_se=reference_se, n=n, ok=ok, detail=detail)
    print(f"[{part}] {name:>14} alpha={r['alpha']!s:<8} {what:<28} advisor={advisor!s:<12.6} ref={reference!s:<12.6} "
          f"ok={ok} {detail}", flush=True)
    return r


def _nodes_weights(alpha):
    """Independent of the advisor's code: nodes/weights of an interval's mean, 4 equal panels of
    5-point Gauss-Legendre (the advisor's rule; one 5-node rule erred by up to 27% across a kink of E)."""
    if isinstance(alpha, tuple):
        t, w = np.polynomial.legendre.leggauss(5)
        edges = np.linspace(alpha[0], alpha[1], 5)
        return (np.concatenate([a + (b - a) * (t + 1) / 2 for a, b in zip(edges[:-1], edges[1:])]),
                np.tile(w / 8, 4))
    return np.array([alpha]), np.array([1.0])


def dense_grid_best(task, alpha, sizes):
    """Lowest E over the product grid (warm-started lines in lambda); the infeasible corner skipped."""
    alphas, weights = _nodes_weights(alpha)
    (lc0, lc1), (r0, r1), (g0, g1) = DEFAULT_BOUNDS.values()
    best, n = (math.inf, None), 0
    for lc in np.linspace(lc0, lc1, sizes[0]):
        c = 10.0**lc
        for g in np.linspace(g0, g1, sizes[2]):
            rs = np.linspace(r1, r0, sizes[1])
            if g == 0:
                rs = rs[:-1]
            try:
                Es = [float(np.dot(weights, np.asarray(r))) for r in
                      error_sweep(task, Init(c, rs[0] * c, g), "lambda_pt", rs * c, alphas)]
            except PTFTError:
                Es = []
                for r in rs:
                    try:
                        Es.append(float(np.dot(weights, np.asarray(generalization_error(task, Init(c, r * c, g), alphas)))))
                    except PTFTError:
                        Es.append(math.inf)
            n += len(rs)
            j = int(np.argmin(Es))
            if Es[j] < best[0]:
                best = (Es[j], Init(c, float(np.clip(rs[j] * c, -c, c)), g))
    return best[0], best[1], n


def part_a(quick):
    sizes = (17, 17, 9) if quick else (49, 41, 21)
    rows = []
    for name, task, alpha in (TASKS_A[:2] if quick else TASKS_A):
        t0 = time.perf_counter()
        adv = best_init(task, alpha)
        t_adv = time.perf_counter() - t0
        t0 = time.perf_counter()
        Eg, ig, n = dense_grid_best(task, alpha, sizes)
        t_grid = time.perf_counter() - t0
        tol = QUAD_RTOL_MAX * max(Eg, QUAD_E_FLOOR)
        rows.append(row("a", name, task, alpha, "E optimum vs dense grid", adv.E, Eg, None, n, adv.E <= Eg + tol,
                        f"grid {sizes[0]}x{sizes[1]}x{sizes[2]}={n}; advisor {adv.evaluations} evals {t_adv:.1f}s, "
                        f"grid {t_grid:.1f}s; advisor {adv.init} regime {adv.regime.regime.value}; grid best {ig}"))
    return rows


def _sim(task, alpha, inits, D, seeds):
    n = int(round(alpha * D))
    E = np.zeros((seeds, len(inits)))
    for s in range(seeds):
        ss = np.random.SeedSequence([15, s, D]).spawn(2)
        T = make_teachers(task, D, ss[0])
        X, y = sample_data(n, T.beta_ft, seed=ss[1])
        for j, ini in enumerate(inits):
            k, b0 = ft_scales(T.beta_pt, ini.c_pt, ini.lambda_pt, ini.gamma_ft, "merged")
            E[s, j] = relative_error(implicit_bias_solution(X, y, k, b0), T.beta_ft)
    return E, n / D


def part_b(quick):
    D, seeds = (300, 6) if quick else (1000, 12)
    rows = []
    for name, task, alpha in (TASKS_B[:1] if quick else TASKS_B):
        adv = best_init(task, alpha)
        others = {k: v for k, v in adv.best_by_regime.items() if k != adv.regime.regime.value}
        ru = min(others, key=lambda k: others[k].E)
        inits = [adv.init, others[ru].init]
        E, a = _sim(task, alpha, inits, D, seeds)
        rep = [float(generalization_error(task, i, a)) for i in inits]
        d = E[:, 1] - E[:, 0]
        se_d = d.std(ddof=1) / math.sqrt(seeds)
        # A predicted gap below 2 SE of the paired difference cannot be confirmed at this D and seed count:
        # recorded as unresolved (ok empty) unless the simulation shows the opposite order beyond 2 SE.
        resolvable = rep[1] - rep[0] >= 2 * se_d
        ok = bool(d.mean() > 2 * se_d) if resolvable else (False if d.mean() < -2 * se_d else None)
        rows.append(row("b", name, task, a, f"order {adv.regime.regime.value} < {ru} (paired)", rep[1] - rep[0],
                        float(d.mean()), float(se_d), seeds, ok,
                        f"D={D}; predicted E {rep[0]:.4g} vs {rep[1]:.4g}; simulated {E[:, 0].mean():.4g} vs "
                        f"{E[:, 1].mean():.4g}; z={d.mean() / se_d:.1f}"
                        + ("" if resolvable else "; predicted gap below 2 SE: unresolved at this size")))
        for j, (lab, ini) in enumerate(((adv.regime.regime.value, inits[0]), (ru, inits[1]))):
            se = E[:, j].std(ddof=1) / math.sqrt(seeds)
            rows.append(row("b", name, task, a, f"replica vs sim, regime {lab}", rep[j], float(E[:, j].mean()),
                            float(se), seeds, bool(abs(rep[j] - E[:, j].mean()) <= 2 * se),
                            f"D={D}; init {ini}; dev {(rep[j] - E[:, j].mean()) / se:+.2f} SE"))
    return rows


def part_c(quick):
    cfg5 = tomllib.loads((CONFIG_DIR / "fig5.toml").read_text())
    cmap = tomllib.loads((CONFIG_DIR / "advantage_map.toml").read_text())
    rows = []
    a_lo, a_hi = float(cfg5["replica"]["alpha_min"]), float(cfg5["replica"]["alpha_max"])
    on_map = {"no_overlap": 0.0, "identical": 1.0}
    for t in cfg5["tasks"]:
        task = Task(**t["task"])
        adv = best_init(task, (a_lo, a_hi))
        got = adv.regime.regime.value
        rows.append(row("c", t["name"], task, (a_lo, a_hi), "best regime, mean E (Fig.5 metric)", got,
                        t["expected_best"], None, None, (got == t["expected_best"]) if t["name"] in on_map else None,
                        ("" if t["name"] in on_map else "off the map (informational); ")
                        + f"optimum {adv.init}; best E per regime "
                        + ", ".join(f"{k} {v.E:.4g}" for k, v in adv.best_by_regime.items())))
        # each regime's best init found is no worse than Fig. 5's representative init of that regime
        for it in cfg5["inits"]:
            nodes, weights = _nodes_weights((a_lo, a_hi))
            E5 = float(np.dot(weights, np.asarray(generalization_error(task, Init(**it["init"]), nodes))))
            b = adv.best_by_regime.get(it["regime"])
            rows.append(row("c", t["name"], task, (a_lo, a_hi), f"best in {it['regime']} vs Fig.5 init",
                            None if b is None else b.E, E5, None, None,
                            b is not None and b.E <= E5 + QUAD_RTOL_MAX * max(E5, QUAD_E_FLOOR),
                            f"Fig.5 init {it['init']}; advisor {None if b is None else b.init}"))
    alphas = cmap["alphas"][::3] if quick else cmap["alphas"]
    for t in cfg5["tasks"]:
        f = on_map.get(t["name"])
        task_d = cell_task(cmap["rho_pt"], cmap["rho_ft"], f) if f is not None else t["task"]
        for a in alphas:
            res = advice_cell({"task": task_d, "alpha": float(a), "scheme": cmap["scheme"], "grid": cmap.get("grid")})
            rows.append(row("c", t["name"], Task(**task_d), a, "map cell: best regime", res["regime"],
                            t["expected_best"], None, None, (res["regime"] == t["expected_best"]) if f is not None else None,
                            ("on the map" if f is not None else "off the map (rho_FT = 0.01)") + f"; E {res['E']:.4g}; "
                            + ", ".join(f"{k} {v:.4g}" for k, v in res["E_by_regime"].items() if v is not None)))
    return rows


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--quick", action="store_true", help="reduced sizes (seconds)")
    p.add_argument("--parts", nargs="+", choices=["a", "b", "c"], default=["a", "b", "c"])
    p.add_argument("--out", default=str(ROOT / "results" / "advisor_check.csv"))
    args = p.parse_args(argv)
    rows = []
    for part in args.parts:
        rows += {"a": part_a, "b": part_b, "c": part_c}[part](args.quick)
    # rows of the parts not run now are kept from the CSV (a rerun of one part updates only it)
    kept = [r for r in read_csv_rows(args.out) if r["part"] not in args.parts]
    rows = sorted(kept + rows, key=lambda r: r["part"])
    for r in kept:
        r["ok"] = {"True": True, "False": False}.get(r["ok"])
    write_csv_atomic(args.out, FIELDS, rows)  # atomically: a killed run leaves no torn file
    bad = [r for r in rows if r["ok"] is False]
    info = [r for r in rows if r["ok"] is None]
    print(f"{len(rows) - len(bad) - len(info)} checks pass, {len(bad)} fail, {len(info)} informational "
          f"(off the map, or a predicted gap below the simulation's resolution); written {args.out}")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
