"""The regimes' numbers in one markdown report, computed from the package:

    python validation/regimes_note.py [--quick]

1. **Descriptors at the Fig. 5 inits** (ptft_theory/configs/fig5.toml, every init on every task): the
   authors' l-order and feature dependence (``regime(..., definition="paper")``) against ours (l-order
   ``p(A/k_pt)``, the potential ratio ``delta``, the calibrated ``delta_S`` with its two crossings
   alpha*_shared and alpha*_new at E* = 0.1) and the label each definition gives.
2. **Closed-form limits against the replica**: for every path of docs/limits.md (lazy:
   :func:`~ptft_theory.replica.lazy_limits.lazy_limit_table`; rich and mixed:
   :func:`~ptft_theory.replica.rich_limits.rich_paths`) its point nearest the limit (docs/limits.md has
   them all).  ``--quick``: the rich paths' first (least extreme, fastest) point instead.
3. **The advisor at the README's example** (``ptft advise --rho-pt 0.1 --rho-shared 0.02 --rho-new 0
   --alpha 0.15``): the init it returns, pasteable flags, E, label, and the best init per regime.

Prints markdown on stdout (no files written); ~1-2 minutes on one loaded core (--quick: less).
"""

from __future__ import annotations

import argparse
import time

from ptft_theory import Init, Task, best_init, level_crossing_alpha, mixed_limit_alphas, regime, rich_limit_alphas
from ptft_theory.experiments.points import CONFIG_DIR
from ptft_theory.fileio import read_toml_config
from ptft_theory.replica import pair_tasks, weight_ratio
from ptft_theory.replica.lazy_limits import lazy_limit_table
from ptft_theory.replica.rich_limits import E_STAR_TABLE, rich_paths


def fig5_descriptors() -> list[str]:
    cfg = read_toml_config(CONFIG_DIR / "fig5.toml")
    out = ["## Descriptors at the Fig. 5 inits (merged)\n",
           "| init | task | paper: l-order | paper: feature dep. | paper label | ours: l-order | delta (potential) "
           "| delta_S | alpha*_shared | alpha*_new | our label (samples) | Fig. 5 label |",
           "|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for t in cfg["tasks"]:
        task = Task(**t["task"])
        for i in cfg["inits"]:
            init = Init(**i["init"])
            p = regime(task, init, cfg["scheme"], definition="paper")
            s = regime(task, init, cfg["scheme"], definition="samples")
            sd = s.samples
            out.append(f"| {i['regime']} | {t['name']} | {p.paper.l_order:.4f} | {p.paper.feature_dependence:.4g} | "
                       f"{p.regime.value} | {s.l_order:.4f} | {s.pt_dependence:.4f} | {s.pt_dependence_samples:.4f} | "
                       f"{sd.alpha_shared:.4f} | {sd.alpha_new:.4f} | {s.regime.value} | {i['regime']} |")
    return out


def limits_table(quick: bool) -> list[str]:
    out = ["\n## Closed-form limits against the replica (the point of each path nearest its limit)\n",
           "Lazy limits: replica E against the weighted min-norm l2 / frozen closed form at alpha shown.\n",
           "| path | point | E replica | E closed form | gap |", "|---|---|---|---|---|"]
    lazy = lazy_limit_table()
    for path in dict.fromkeys(r["path"] for r in lazy):
        r = [x for x in lazy if x["path"] == path][-1]
        out.append(f"| {path} (alpha = {r['alpha']:g}) | {r['point']} | {r['E_replica']:.8f} | {r['E_closed']:.8f} | "
                   f"{r['gap']:.1e} |")
    out += [f"\nRich and mixed limits: exact-recovery thresholds against the replica's crossing of E* = "
            f"{E_STAR_TABLE:g} on the pair Task(rho_pt, rho_ft, 0) / Task(rho_pt, 0, rho_ft).\n",
            "| path | point | r | alpha_c shared | crossing shared | alpha_c new | crossing new |",
            "|---|---|---|---|---|---|---|"]
    for name, _note, task, inits in rich_paths():
        label, init, kind = inits[0] if quick else inits[-1]
        closed = rich_limit_alphas(task, init) if kind == "r" else mixed_limit_alphas(task)
        got = [float(level_crossing_alpha(t, init, E_STAR_TABLE, bracket=(0.02, 0.8))) for t in pair_tasks(task)]
        out.append(f"| {name} | {label} | {weight_ratio(task, init):.4g} | {closed[0]:.4f} | {got[0]:.4f} | "
                   f"{closed[1]:.4f} | {got[1]:.4f} |")
    return out


def advisor_example() -> list[str]:
    task, alpha = Task(0.1, 0.02, 0.0), 0.15
    a = best_init(task, alpha)
    out = ["\n## The advisor at the README's example (rho_pt 0.1, rho_shared 0.02, rho_new 0, alpha 0.15)\n",
           f"- answer: `{a.flags}`; E = {a.E:.3g} (resolution floor {a.resolution:g}: recovered exactly = "
           f"{a.recovered}); label {a.regime.regime.value} by the {a.regime.definition!r} definition "
           f"(delta_S = {a.regime.pt_dependence_samples}); k_min = {a.k_min:.3g}; converged = {a.converged}",
           f"- E_lowest = {a.E_lowest}, corner_limit = {a.corner_limit}; reference init E = {a.E_default}",
           "\n| regime | best init in its region | E (label definition) |", "|---|---|---|"]
    for lab, b in sorted(a.best_by_regime.items()):
        i = b.init
        out.append(f"| {lab} | c = {i.c_pt:.4g}, lambda = {i.lambda_pt:.4g}, gamma = {i.gamma_ft:.4g} | {b.E:.3g} "
                   f"({b.definition}) |")
    return out


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--quick", action="store_true", help="the rich paths' least extreme point (faster)")
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    lines = fig5_descriptors() + limits_table(args.quick) + advisor_example()
    print("\n".join(lines))
    print(f"\n({time.perf_counter() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
