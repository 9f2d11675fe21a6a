"""The explorer's redraw on a slider move (target: <= 150 ms server-side for the curve), measured in one run.

    python benchmarks/explore_bench.py [--moves 120] [--json]

A slider move of c_PT, lambda_PT / c_PT or gamma_FT makes the server compute the view of the new state
(:func:`ptft_theory.explore.state.view`: the 60-point E(alpha) curve and the regime() descriptors) and the
figures' data (:mod:`ptft_theory.explore.sources`: curve columns, descriptors panel, export
texts), and assign it to the page's Bokeh ``ColumnDataSource`` / ``Div`` models.  That whole
state-to-figure update is timed here for random moves across the sliders' box, on the page's default
task, next to the bare ``generalization_error`` call of the same curve (their ratio is the explorer's
overhead), with the update's CPU time (``time.thread_time``: on a shared, loaded machine the wall time
includes waiting for a core; the CPU time is what an idle core takes).  Also timed: the level crossing, pushed right after the curve; a gamma_FT move's extra work (a
new regime map, 49 x 32 cells, when not cached); a task change's faint reference curves, and the same update with finite PT data (the two-stage replica,
which is not under the 150 ms target: the page draws it when it arrives, without blocking).
"""

import argparse
import json
import time

import numpy as np

from ptft_theory import generalization_error
from ptft_theory.explore import sources, state as S

TARGET_MS = 150.0


def update(st, models):
    """What the server does for a slider move before the curve is redrawn: compute, then assign to the page's
    models (the level crossing follows in a second push, timed apart)."""
    result = S.view(st, with_crossing=False)
    models["curve"].data = sources.curve_source(result)
    models["marker"].data = sources.marker_source(st)
    models["info"].text = sources.info_html(st, result)
    cmd, py = sources.export_texts(st)
    models["cmd"].text, models["py"].text = cmd, py
    return result


def pct(ms):
    a = np.asarray(ms)
    return {"median": float(np.median(a)), "p90": float(np.percentile(a, 90)), "p99": float(np.percentile(a, 99)),
            "max": float(a.max())}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--moves", type=int, default=120)
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args()
    from bokeh.document import Document
    from bokeh.models import ColumnDataSource, Div
    doc = Document()
    models = {"curve": ColumnDataSource(dict(sources.EMPTY_CURVE)), "marker": ColumnDataSource({"x": [], "y": []}),
              "info": Div(), "cmd": Div(), "py": Div()}
    for m in models.values():
        doc.add_root(m)
    rng = np.random.default_rng(args.seed)
    base = dict(S.DEFAULT_STATE)
    update(base, models)  # warm: the compiled replica kernel is loaded once per process
    t_upd, c_upd, t_bare, t_cross, failed = [], [], [], [], 0
    for _ in range(args.moves):
        st = dict(base, log10_c_pt=float(rng.uniform(-4, 2)), lambda_ratio=float(rng.uniform(-0.99, 1)),
                  gamma_ft=float(rng.choice([0.0, rng.uniform(0, 1)])))
        t0, c0 = time.perf_counter(), time.thread_time()
        r = update(st, models)
        t_upd.append(1e3 * (time.perf_counter() - t0))
        c_upd.append(1e3 * (time.thread_time() - c0))
        t0 = time.perf_counter()
        S.add_crossing(st, r)
        models["info"].text = sources.info_html(st, r)
        t_cross.append(1e3 * (time.perf_counter() - t0))
        if r["curve"] is None:
            failed += 1
            continue
        t0 = time.perf_counter()
        generalization_error(S.task_of(st), S.init_of(st), S.alphas_of(st), st["scheme"], st["sigma"])
        t_bare.append(1e3 * (time.perf_counter() - t0))
    t_map = []
    for g in np.linspace(0.013, 0.987, 5):  # fresh gammas: never cached
        t0 = time.perf_counter()
        S.regime_map(dict(base, gamma_ft=float(g)))
        t_map.append(1e3 * (time.perf_counter() - t0))
    t_refs = []
    for rho in (0.11, 0.12, 0.13):  # fresh tasks: never cached
        t0 = time.perf_counter()
        S.reference_curves(dict(base, rho_pt=rho))
        t_refs.append(1e3 * (time.perf_counter() - t0))
    t_pt = []
    for lc in (-3.0, -1.0, 1.0):
        t0 = time.perf_counter()
        update(dict(base, log10_c_pt=lc, alpha_pt=0.5), models)
        t_pt.append(1e3 * (time.perf_counter() - t0))
    upd, bare = pct(t_upd), pct(t_bare)
    out = {"moves": args.moves, "n_alpha": base["n_alpha"], "failed": failed, "update_ms": upd,
           "update_cpu_ms": pct(c_upd), "cpu_within_target": sum(t <= TARGET_MS for t in c_upd),
           "generalization_error_ms": bare, "overhead_ratio_median": upd["median"] / bare["median"],
           "crossing_ms": pct(t_cross), "target_ms": TARGET_MS, "within_target": sum(t <= TARGET_MS for t in t_upd),
           "regime_map_ms": pct(t_map), "reference_curves_ms": pct(t_refs), "finite_pt_update_ms": pct(t_pt)}
    if args.json:
        print(json.dumps(out, indent=2))
        return
    f = lambda d: f"median {d['median']:.1f}, p90 {d['p90']:.1f}, p99 {d['p99']:.1f}, max {d['max']:.1f} ms"  # noqa: E731
    print(f"slider move -> figures ({args.moves} random moves, {base['n_alpha']}-point curve): {f(upd)}")
    print(f"  its CPU time (the thread's; what an idle core would take): {f(pct(c_upd))}; "
          f"{out['cpu_within_target']} of {args.moves} within {TARGET_MS:.0f} ms")
    print(f"  bare generalization_error of the same curves: {f(bare)}; update / bare (median) = "
          f"{out['overhead_ratio_median']:.2f}")
    print(f"  within {TARGET_MS:.0f} ms: {out['within_target']} of {args.moves} moves ({failed} infeasible or failed, "
          "shown as a message)")
    print(f"then the level crossing (second push; bracket from the curve): {f(pct(t_cross))}")
    print(f"gamma_FT move, new regime map ({S.MAP_SHAPE[0]} x {S.MAP_SHAPE[1]}; then cached): {f(pct(t_map))}")
    print(f"task change, three reference curves (then cached): {f(pct(t_refs))}")
    print(f"finite PT data (alpha_PT = 0.5, two-stage replica): {f(pct(t_pt))}")


if __name__ == "__main__":
    main()
