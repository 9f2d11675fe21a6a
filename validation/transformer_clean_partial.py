"""What an unfinished run of the clean transformer study has computed, from its cache: every PT draw and
every FT run (before a (seed, phase) is complete, ``ptft transformer clean --cached-only`` has no rows).

    python validation/transformer_clean_partial.py CACHE_DIR [--out validation/results/nonlinear] [--stem NAME]

Each entry is read back through the sweep cache (:class:`ptft_theory.experiments.sweep.Cache`), so only
entries whose digest matches are used; writes ``<stem>_pt_draws.csv`` (one row per PT draw: seed, ``c``
and ``kappa`` at PT init, draw, held-out accuracy, steps, wall seconds) and ``<stem>_ft_runs.csv`` (one
row per FT run) and prints a summary.
"""

import argparse
import json
from collections import defaultdict
from pathlib import Path

from ptft_theory.experiments.transformer.clean_cache import open_cache
from ptft_theory.fileio import write_csv_atomic

PT_DRAW_COLUMNS = ("seed", "c", "kappa", "draw", "heldout_accuracy", "steps", "seconds")
FT_RUN_COLUMNS = ("seed", "arm", "task_type", "n_ft", "c", "kappa", "gamma", "pt_c", "pt_kappa", "pt_draw", "test_error",
                  "train_error", "richness", "pt_dependence", "ft_stop", "ft_steps", "ft_loss", "seconds")


def read_entries(cache_dir):
    """(kind, config, result) of every entry whose digest matches."""
    cache = open_cache(cache_dir)
    for f in sorted(Path(cache_dir).glob("*/*.json")):
        try:
            config = json.loads(f.read_text())["config"]
        except (ValueError, KeyError, TypeError):
            continue
        result = cache.get(config)
        if result is not None:
            yield config["kind"], config, result


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("cache_dir")
    ap.add_argument("--out", default=str(Path(__file__).resolve().parent / "results" / "nonlinear"))
    ap.add_argument("--stem", default="transformer_converged_partial")
    args = ap.parse_args(argv)
    pts, fts = [], []
    for kind, c, r in read_entries(args.cache_dir):
        if kind == "clean_pt_draw":
            pts.append({"seed": c["seed"], "c": c["c"], "kappa": c["kappa"], "draw": c["draw"],
                        "heldout_accuracy": r["accuracy"], "steps": r["steps"], "seconds": r["seconds"],
                        "target": c["pt"]["pt_target"]})
        elif kind == "clean_ft_run":
            fts.append({"seed": c["seed"], "arm": c["arm"], "task_type": c["task"], "n_ft": c["n_ft"], "c": c["c"],
                        "kappa": c["kappa"], "gamma": c["gamma"], "pt_c": c["pt"]["c"], "pt_kappa": c["pt"]["kappa"],
                        "pt_draw": c["pt"]["draw"], **{k: r[k] for k in FT_RUN_COLUMNS[10:]}})
    pts.sort(key=lambda d: tuple(d[k] for k in PT_DRAW_COLUMNS[:4]))
    fts.sort(key=lambda d: tuple(str(d[k]) for k in FT_RUN_COLUMNS[:7]))
    out = Path(args.out)
    write_csv_atomic(out / f"{args.stem}_pt_draws.csv", PT_DRAW_COLUMNS, pts)
    write_csv_atomic(out / f"{args.stem}_ft_runs.csv", FT_RUN_COLUMNS, fts)
    by_point = defaultdict(list)
    for d in pts:
        by_point[(d["c"], d["kappa"])].append(d["heldout_accuracy"] >= d.pop("target"))
    for (c, k), ok in sorted(by_point.items()):
        print(f"PT at c = {c:g}, kappa = {k:g}: {sum(ok)} of {len(ok)} draws reach the target")
    for d in fts:
        print(f"FT seed {d['seed']} {d['arm']} {d['task_type']} n_FT {d['n_ft']} (c, kappa, gamma) = "
              f"({d['c']:g}, {d['kappa']:g}, {d['gamma']:g}): stop {d['ft_stop']} at {d['ft_steps']} steps, train error "
              f"{d['train_error']:.3f}, held-out error {d['test_error']:.3f}, {d['seconds']:.0f} s")


if __name__ == "__main__":
    main()
