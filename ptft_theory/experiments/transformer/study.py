"""The clean transformer study (``ptft transformer clean``): config, resumable runs, CSVs, verdicts.

A config (``ptft_theory/configs/transformer_clean_*.toml``) holds ``name`` (one safe path component),
``study`` (the study name in the CSVs), ``seeds``, ``n_ft``, ``tasks`` (of :data:`~.pairs.FT_TASKS`),
``[base]`` and ``[vary]`` for the levers ``c``, ``kappa``, ``gamma``, ``[protocol]``
(:class:`~.clean.CleanProtocol`), ``[theory]`` (the mapping of :mod:`.predictions`), an optional
``[quick]`` table merged over the rest, and optionally ``outputs`` (the output files' stem, default
``study``), ``ft_batched`` (default true: FT runs batched, :mod:`.clean_batched`; false: one at a time
with the reference :func:`~.clean.fine_tune_run`, as the first protocol's committed results were
computed) and ``phases`` (default ``["rebalance", "init"]``; ``["rebalance"]``: phase 1 only).

Phase 1, per seed (:func:`rebalance_rows`): PT once at the base (re-drawn until it generalises,
:func:`~.clean.pretrain`); the ``rebalance`` arm fine-tunes that one network at every lever point.
Phase 2, per seed (:func:`init_rows`), after phase 1: the ``init`` arm pretrains again
with ``c`` or ``kappa`` applied at PT init (values other than the base) and fine-tunes at the base.
A seed's FT runs of both arms are computed together before its phases (:func:`seed_runs`: one batch per
n_ft), seed by seed; the phases then read them from the cache (the PT networks from their cached draws).
Each PT draw, each FT run and each (seed, phase) is cached (:mod:`.clean_cache`: the sweep cache, keyed by
everything it depends on and the package's code hash, with a digest), so an interrupted study resumes
where it was and a change of the FT protocol reuses the PT networks.

Outputs under ``<out>/results/nonlinear/`` (``<outputs>``: the config's ``outputs``, default its
``study``): ``<outputs>.csv`` (raw runs, :data:`RAW_COLUMNS` first), ``<outputs>_pt.csv`` (one row per PT
network: draws, failed draws, held-out accuracy, key frequencies, what each task shares with it),
``<study>_predictions.csv`` (derived by :mod:`.predictions` when absent; the committed file is used
when present: the predictions are the study's, whatever its FT budget), ``<outputs>_verdicts.csv``
(:mod:`ptft_theory.experiments.verdicts`), and the figure ``<out>/figures/<outputs>.png``.  ``--quick``
appends ``_quick`` to every file name.
"""

from __future__ import annotations

import dataclasses
import multiprocessing as mp
import os
import re
import sys
import time
from pathlib import Path

from ... import _validate as V
from ...errors import ParameterError
from ...fileio import read_csv_rows, read_toml_config, write_csv_atomic
from ..network_sweep import resolve_config
from ..verdicts import VERDICT_COLUMNS, verdict_rows
from . import clean as C
from . import clean_cache as K
from .pairs import FT_TASKS
from .predictions import LEVER_ARMS, PREDICTION_COLUMNS, predict

RAW_COLUMNS = ("study", "task_type", "lever", "value", "arm", "seed", "n_ft", "test_error", "richness",
               "pt_dependence", "pt_heldout_accuracy")
EXTRA_COLUMNS = ("train_error", "ft_steps", "ft_loss", "ft_diverged", "ft_stop", "ft_lr", "pt_draws",
                 "key_frequencies", "seconds")
PT_COLUMNS = ("study", "seed", "arm", "lever", "value", "used", "draws", "failed_draws", "pt_heldout_accuracy",
              "failed_accuracies", "pt_steps", "key_frequencies", "key_power_share",
              *(f"{q}_{t}" for t in FT_TASKS for q in ("fourier_share", "probe_accuracy")), "seconds")
LEVERS = ("c", "kappa", "gamma")
_SAFE_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,99}")


def _safe_name(key: str, value) -> str:
    if not (isinstance(value, str) and _SAFE_NAME.fullmatch(value) and ".." not in value):
        raise ParameterError(f"{key}={value!r} is invalid; valid: one path component of letters, digits, '_', '-', '.'")
    return value


def load_study_config(path, quick: bool = False) -> dict:
    """Read and validate a study config (module docstring)."""
    path = resolve_config(path)
    cfg = read_toml_config(path, quick)
    for key in ("name", "study", "seeds", "n_ft", "tasks", "base", "vary", "protocol", "theory"):
        if key not in cfg:
            raise ParameterError(f"config {path}: key {key!r} is missing")
    _safe_name("name", cfg["name"])
    _safe_name("study", cfg["study"])
    _safe_name("outputs", cfg.setdefault("outputs", cfg["study"]))
    if cfg.setdefault("phases", ["rebalance", "init"]) not in (["rebalance"], ["rebalance", "init"]):
        raise ParameterError(f"config {path}: phases={cfg['phases']!r} is invalid; valid: ['rebalance'] or "
                             "['rebalance', 'init']")
    if not isinstance(cfg.setdefault("ft_batched", True), bool):
        raise ParameterError(f"config {path}: ft_batched={cfg['ft_batched']!r} is invalid; valid: true, false")
    proto = C.CleanProtocol.from_dict(cfg["protocol"])
    if sorted(cfg["base"]) != sorted(LEVERS) or not set(cfg["vary"]) <= set(LEVERS):
        raise ParameterError(f"config {path}: [base] needs exactly, and [vary] may hold, {', '.join(LEVERS)}")
    for lever, values in cfg["vary"].items():
        if not (isinstance(values, list) and len(values) >= 2 and cfg["base"][lever] in values):
            raise ParameterError(f"config {path}: vary.{lever}={values!r} is invalid; valid: >= 2 values including "
                                 f"the base {cfg['base'][lever]!r}")
        for v in values:
            (V.nonnegative if lever == "gamma" else V.positive)(lever, v)
    for t in cfg["tasks"]:
        if t not in FT_TASKS:
            raise ParameterError(f"config {path}: task {t!r} is invalid; valid: {', '.join(FT_TASKS)}")
    n_train = len(C.seed_data(proto, 0)["train"])
    for n in cfg["n_ft"]:
        if not (isinstance(n, int) and 1 <= n <= n_train):
            raise ParameterError(f"config {path}: n_ft={n!r} is invalid; valid range: 1 <= n_ft <= {n_train}")
    for s in cfg["seeds"]:
        if not (isinstance(s, int) and s >= 0):
            raise ParameterError(f"config {path}: seed={s!r} is invalid; valid range: an integer >= 0")
    if not (isinstance(cfg["seeds"], list) and len(cfg["seeds"]) <= 1000 and len(cfg["n_ft"]) <= 100):
        raise ParameterError(f"config {path}: seeds/n_ft are invalid; valid: lists of at most 1000 / 100 entries")
    if len(set(cfg["seeds"])) != len(cfg["seeds"]):
        raise ParameterError(f"config {path}: seeds={cfg['seeds']!r} is invalid; valid: distinct seeds")
    return {**cfg, "protocol": proto, "p": proto.p, "quick": quick}


def _ft_runs(cfg, groups: list[dict], seed, arm, task_k1=None) -> list[tuple]:
    """The FT runs of ``groups`` (:func:`_ft_rows`) in one ``arm``: ``(group, lever_values, spec, cache key,
    task_k1)`` per run, over the group's points, tasks and n_ft."""
    runs = []
    for g in groups:
        for lever_values, point in g["points"]:
            ft = point if arm == "rebalance" else {"c": 1.0, "kappa": 1.0, "gamma": point["gamma"]}
            for task in cfg["tasks"]:
                for n in cfg["n_ft"]:
                    spec = {"task": task, "n_ft": int(n), "arm": arm, **{k: float(v) for k, v in ft.items()}}
                    key = {"kind": "clean_ft_run", "protocol": dataclasses.asdict(cfg["protocol"]), "pt": g["pt_id"],
                           "seed": int(seed), "keys": list(g["keys"]), "task_k1": task_k1, "batched": cfg["ft_batched"],
                           **spec}
                    runs.append((g, lever_values, spec, key, task_k1))
    return runs


def _compute_runs(cfg, data, runs: list[tuple], seed, cache=None, log=None, what: str = "") -> list[dict]:
    """The results of ``runs`` (:func:`_ft_runs`, of one arm or several): the cached ones read, the others
    computed, one batch per n_ft over all of them (:func:`~.clean_batched.fine_tune_batch`; on the CPU a
    run's numbers do not depend on its batch's composition, tested), or one at a time where the config's
    ``ft_batched`` is false, and cached."""
    from .clean_batched import fine_tune_batch  # noqa: PLC0415
    results = [K.cached(cache, run[3], lambda: None, cached_only=True) for run in runs]
    for i, (g, _, spec, key, k1) in enumerate(runs):
        if results[i] is None and not cfg["ft_batched"]:
            results[i] = K.cached(cache, key, lambda: C.fine_tune_run(cfg["protocol"], g["model"], data, g["keys"],
                                                                      seed=seed, task_k1=k1, **spec))
    for n in cfg["n_ft"]:
        todo = [i for i, run in enumerate(runs) if results[i] is None and run[2]["n_ft"] == n]
        t0 = time.perf_counter()
        batch = fine_tune_batch(cfg["protocol"], None, data, None, [runs[i][2] for i in todo], seed=seed,
                                sources=[(runs[i][0]["model"], runs[i][0]["keys"], runs[i][4]) for i in todo])
        if log and todo:
            stops = sorted({r["ft_stop"] for r in batch})
            log(f"seed {seed}, {what}, n_ft = {n}: {len(todo)} FT runs (batched) in "
                f"{time.perf_counter() - t0:.0f} s, "
                + ", ".join(f"{sum(r['ft_stop'] == s for r in batch)} {s}" for s in stops)
                + f", at most {max(r['ft_steps'] for r in batch)} steps")
        for i, r in zip(todo, batch):
            results[i] = K.cached(cache, runs[i][3], lambda r=r: r)
    return results


def _ft_rows(cfg, data, groups: list[dict], seed, arm, task_k1=None, cache=None, log=None) -> list[dict]:
    """FT runs from one or more PT networks of ``seed`` (``data``: its :func:`~.clean.seed_data`): each of ``groups`` is a dict of ``model`` (the PT
    network), ``keys`` (its key frequencies), ``pt_id`` (what identifies it in the cache keys), ``pt_acc``,
    ``draws`` and ``points`` (a list of ``(lever_values, point)``: the lever point, and the ``(lever, value)``
    rows it gives), run over tasks and n_ft.  The runs not cached are computed batched, one batch per n_ft
    over every group (:func:`_compute_runs`; ``task_k1``: the frequency of the subset task, default each
    network's ``keys[0]``)."""
    runs = _ft_runs(cfg, groups, seed, arm, task_k1)
    out = []
    for (g, lever_values, spec, *_), r in zip(runs, _compute_runs(cfg, data, runs, seed, cache, log, f"{arm} arm")):
        for lever, value in lever_values:
            out.append({"study": cfg["study"], "task_type": spec["task"], "lever": lever, "value": float(value),
                        "arm": arm, "seed": seed, "n_ft": spec["n_ft"], **r, "pt_heldout_accuracy": g["pt_acc"],
                        "pt_draws": g["draws"], "key_frequencies": " ".join(map(str, g["keys"]))})
    return out


def _pt_row(cfg, seed, arm, lever, value, model, rec, summary) -> dict:
    row = {"study": cfg["study"], "seed": seed, "arm": arm, "lever": lever, "value": float(value),
           "used": model is not None, **{k: rec[k] for k in ("draws", "failed_draws", "pt_heldout_accuracy", "pt_steps",
                                                              "seconds")},
           "failed_accuracies": " ".join(f"{a:.3f}" for a in rec["failed_accuracies"])}
    if summary:
        row["key_frequencies"] = " ".join(map(str, summary["key_frequencies"]))
        row["key_power_share"] = summary["key_power_share"]
        for t in cfg["tasks"]:
            row[f"fourier_share_{t}"] = summary[t]["fourier_share"]
            row[f"probe_accuracy_{t}"] = summary[t]["probe_accuracy"]
    return row


def _base_group(cfg: dict, seed: int, data: dict, log=None, device="cpu", cache=None) -> tuple[dict, dict | None]:
    """PT at the base (re-drawn until it generalises): its PT row and its FT group for :func:`_ft_runs` (every
    rebalance point; None when PT failed)."""
    proto, base, vary = cfg["protocol"], cfg["base"], cfg["vary"]
    model, rec = C.pretrain(proto, data, seed, device=device,
                            draw_fn=K.pt_draw_fn(cache, proto, data, seed, 1.0, 1.0, device))
    summary = C.pt_summary(proto, model, cfg["tasks"]) if model is not None else None
    pt = _pt_row(cfg, seed, "base", "", 0.0, model, rec, summary)
    if log:
        log(f"seed {seed}: PT {rec['draws']} draw(s), held-out accuracy {rec['pt_heldout_accuracy']:.3f}, "
            f"{rec['pt_steps']} steps, {rec['seconds']:.0f} s" + (f", key frequencies {summary['key_frequencies']}"
                                                                   if summary else ", FAILED: seed not used"))
    if model is None:
        return pt, None
    points = [([(lv, base[lv]) for lv in LEVERS if lv in vary], dict(base))]
    points += [([(lever, value)], {**base, lever: value}) for lever in LEVERS for value in vary.get(lever, [])
               if value != base[lever]]
    return pt, {"model": model, "keys": summary["key_frequencies"], "pt_acc": rec["pt_heldout_accuracy"],
                "draws": rec["draws"], "points": points, "pt_id": {"c": 1.0, "kappa": 1.0, "draw": rec["draw_used"]}}


def rebalance_rows(cfg: dict, seed: int, log=None, device="cpu", cache=None) -> dict:
    """Phase 1 of a seed: PT at the base (re-drawn until it generalises) and every ``rebalance`` run
    (plus the ``init`` arm's base rows, the same runs); ``{"rows", "pt", "k1"}`` (k1: the subset task's
    frequency, None when PT failed)."""
    data = C.seed_data(cfg["protocol"], seed)
    pt, group = _base_group(cfg, seed, data, log, device, cache)
    if group is None:
        return {"rows": [], "pt": [pt], "k1": None}
    rows = _ft_rows(cfg, data, [group], seed, "rebalance", cache=cache, log=log)
    init_levers = [lv for lv in LEVERS if lv in cfg["vary"] and "init" in LEVER_ARMS[lv]]
    n_base = len(group["points"][0][0]) * len(cfg["tasks"]) * len(cfg["n_ft"])
    rows = rows[:n_base] + [{**r, "arm": "init"} for r in rows[:n_base] if r["lever"] in init_levers] + rows[n_base:]
    return {"rows": rows, "pt": [pt], "k1": group["keys"][0]}


def _init_groups(cfg: dict, seed: int, data: dict, log=None, device="cpu", cache=None) -> tuple[list, list]:
    """The ``init`` arm's PT networks, one per non-base value of c and kappa applied at PT init (re-drawn
    until it generalises): their FT groups for :func:`_ft_runs` (the networks that generalised) and PT rows."""
    proto, base, vary = cfg["protocol"], cfg["base"], cfg["vary"]
    groups, pts = [], []
    for lever in (lv for lv in LEVERS if lv in vary and "init" in LEVER_ARMS[lv]):
        for value in vary[lever]:
            if value == base[lever]:
                continue
            point = {**base, lever: value}
            m2, rec2 = C.pretrain(proto, data, seed, c=point["c"], kappa=point["kappa"], device=device,
                                  draw_fn=K.pt_draw_fn(cache, proto, data, seed, point["c"], point["kappa"],
                                                       device))
            s2 = C.pt_summary(proto, m2, cfg["tasks"]) if m2 is not None else None
            pts.append(_pt_row(cfg, seed, "init", lever, value, m2, rec2, s2))
            if log:
                log(f"seed {seed}, init arm {lever} = {value:g}: PT {rec2['draws']} draw(s), held-out accuracy "
                    f"{rec2['pt_heldout_accuracy']:.3f}, {rec2['seconds']:.0f} s" + ("" if s2 else ", FAILED: not used"))
            if m2 is not None:  # the probe uses this network's own key frequencies
                groups.append({"model": m2, "keys": s2["key_frequencies"], "pt_acc": rec2["pt_heldout_accuracy"],
                               "draws": rec2["draws"], "points": [([(lever, value)], point)],
                               "pt_id": {"c": float(point["c"]), "kappa": float(point["kappa"]),
                                         "draw": rec2["draw_used"]}})
    return groups, pts


def init_rows(cfg: dict, seed: int, k1: int, log=None, device="cpu", cache=None) -> dict:
    """Phase 2 of a seed: the ``init`` arm (:func:`_init_groups`), fine-tuned at the base, every network's runs
    of an n_ft in one batch; the subset task keeps the seed's ``k1``."""
    data = C.seed_data(cfg["protocol"], seed)
    groups, pts = _init_groups(cfg, seed, data, log, device, cache)
    return {"rows": _ft_rows(cfg, data, groups, seed, "init", task_k1=k1, cache=cache, log=log), "pt": pts}


def seed_runs(cfg: dict, seed: int, log=None, device="cpu", cache=None) -> None:
    """Every FT run of a seed, both arms, into ``cache``: its PT networks (cached draws), then the runs not
    cached yet, one batch per n_ft over both arms (on the CPU the runs' numbers are those of a batch per arm:
    a run's arithmetic does not involve the others, tested; one batch's per-step overhead instead of two).
    The phases (:func:`rebalance_rows`, :func:`init_rows`) then read every FT run from the cache."""
    data = C.seed_data(cfg["protocol"], seed)
    _, group = _base_group(cfg, seed, data, log, device, cache)
    if group is None:
        return
    runs = _ft_runs(cfg, [group], seed, "rebalance")
    if "init" in cfg["phases"]:
        groups, _ = _init_groups(cfg, seed, data, log, device, cache)
        runs += _ft_runs(cfg, groups, seed, "init", task_k1=group["keys"][0])
    _compute_runs(cfg, data, runs, seed, cache, log, "both arms" if len(cfg["phases"]) == 2 else "rebalance arm")


def _logger(progress: bool):
    return (lambda msg: print(f"[{time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)) if progress else None


def _phase(cfg: dict, cache, seed: int, phase: str, log, device: str, cached_only: bool = False, k1=None):
    """One (seed, phase) result through the cache: ``rebalance`` (phase 1) or ``init`` (phase 2, from phase
    1's ``k1``); None where ``cached_only`` and not cached.  The one place the driver and the workers of
    ``run_study(workers=N)`` compute and key a phase, so the driver finds what the workers stored."""
    compute = (lambda: rebalance_rows(cfg, seed, log, device, cache)) if phase == "rebalance" else \
        (lambda: init_rows(cfg, seed, k1, log, device, cache))
    return K.cached(cache, K.phase_key(cfg, seed, phase), compute, cached_only)


def _run_seed(cfg: dict, cache, seed: int, log, device: str) -> None:
    """A seed's phases through the cache: where one is due and not cached yet, every FT run of the seed first
    (:func:`seed_runs`, both arms batched together), then the phases, which read their FT runs from the cache
    (and rebuild the PT networks from their cached draws).  A seed whose base PT failed has no init phase:
    its cached phase 1 is then all it needs."""
    def cached(phase):
        return K.cached(cache, K.phase_key(cfg, seed, phase), lambda: None, cached_only=True)
    reb = cached("rebalance")
    if reb is None or ("init" in cfg["phases"] and reb["k1"] is not None and cached("init") is None):
        seed_runs(cfg, seed, log, device, cache)
    res = _phase(cfg, cache, seed, "rebalance", None, device)
    if res["k1"] is not None and "init" in cfg["phases"]:
        _phase(cfg, cache, seed, "init", None, device, k1=res["k1"])


def _seed_job(config_path, quick: bool, cache_dir: str, seed: int, progress: bool) -> int:
    """One seed's phases in a worker process (``run_study(workers=N)``, :func:`_run_seed`): both go to the
    shared cache (atomic files), whence the driver reads them."""
    import torch  # noqa: PLC0415
    torch.set_num_threads(1)
    cfg, cache, log = load_study_config(config_path, quick), K.open_cache(cache_dir), _logger(progress)
    _run_seed(cfg, cache, seed, log, "cpu")
    if log:
        log(f"seed {seed}: both phases done (worker {os.getpid()})")
    return seed


def _init_worker(parent_pid: int):
    from ..workers import limit_blas_threads, watch_parent  # noqa: PLC0415
    watch_parent(parent_pid)  # a killed driver leaves no worker computing
    limit_blas_threads(1)


def _run_seeds_in_workers(config_path, quick: bool, cache_dir: Path, seeds, workers: int, progress: bool):
    """Every seed's phases in ``workers`` processes (one torch and one BLAS thread each, ended with the
    driver); a seed's result is the same as computed in the driver (same code, same seeds, one thread)."""
    import concurrent.futures as cf  # noqa: PLC0415

    with cf.ProcessPoolExecutor(max_workers=workers, initializer=_init_worker, initargs=(os.getpid(),),
                                mp_context=mp.get_context("spawn")) as pool:
        futures = [pool.submit(_seed_job, str(config_path), quick, str(cache_dir), int(s), progress) for s in seeds]
        try:
            for fut in cf.as_completed(futures):
                fut.result()
        except BaseException:
            for fut in futures:
                fut.cancel()
            raise


def run_study(config_path, *, quick: bool = False, out="validation", cache_dir=None, progress: bool = True,
              device: str = "cpu", cached_only: bool = False, workers: int = 1) -> dict:
    """Run (or resume) a study: per seed, phase 1 (PT and the rebalance arm), then phase 2 (the
    init arm); write its CSVs, verdicts and figure; return the paths and counts.  ``cached_only``:
    compute nothing, write the outputs from the (seed, phase) results already cached (an interrupted
    study's partial results; the missing ones are counted in ``missing``).  ``workers`` > 1 (CPU only):
    the seeds run in that many processes, each seed's two phases in one; the outputs are the same."""
    import torch  # noqa: PLC0415
    torch.set_num_threads(1)
    cfg = load_study_config(config_path, quick)
    workers = V.positive_int("workers", workers)
    if workers > 1 and device != "cpu":
        raise ParameterError(f"workers={workers} is invalid with device={device!r}; valid: workers = 1 off the CPU")
    out = Path(out)
    cache_dir = Path(cache_dir) if cache_dir is not None else out / "cache" / "transformer_clean"
    cache = K.open_cache(cache_dir)
    log = _logger(progress)
    t0 = time.perf_counter()
    if workers > 1 and not cached_only:
        _run_seeds_in_workers(config_path, quick, cache_dir, cfg["seeds"], workers, progress)
    elif not cached_only:
        for i, seed in enumerate(cfg["seeds"]):
            _run_seed(cfg, cache, seed, log, device)
            if log:
                log(f"seed {seed} done ({i + 1}/{len(cfg['seeds'])}), {time.perf_counter() - t0:.0f} s so far")
    phase1, missing = {}, []
    for i, seed in enumerate(cfg["seeds"]):
        phase1[seed] = _phase(cfg, cache, seed, "rebalance", log, device, cached_only)
        if phase1[seed] is None:
            missing.append(("rebalance", seed))
            phase1.pop(seed)
        elif log:
            log(f"phase 1 (PT, rebalance arm): seed {seed} done ({i + 1}/{len(cfg['seeds'])}), "
                f"{time.perf_counter() - t0:.0f} s so far")
    rows = [r for res in phase1.values() for r in res["rows"]]
    pts = [r for res in phase1.values() for r in res["pt"]]
    for seed in (s for s in phase1 if phase1[s]["k1"] is not None and "init" in cfg["phases"]):
        res = _phase(cfg, cache, seed, "init", log, device, cached_only, k1=phase1[seed]["k1"])
        if res is None:
            missing.append(("init", seed))
            continue
        rows += res["rows"]
        pts += res["pt"]
        if log:
            log(f"phase 2 (init arm): seed {seed} done, {time.perf_counter() - t0:.0f} s so far")
    return {**write_outputs(cfg, rows, pts, out), "missing": [f"{ph} seed {s}" for ph, s in missing]}


def write_outputs(cfg: dict, rows: list[dict], pts: list[dict], out: Path) -> dict:
    """The raw CSV, the PT CSV, the predictions (derived when absent), the verdicts and the figure."""
    from .clean_figure import plot_clean  # noqa: PLC0415
    sfx = "_quick" if cfg["quick"] else ""
    res = out / "results" / "nonlinear"
    stem = cfg["outputs"] + sfx
    raw = write_csv_atomic(res / f"{stem}.csv", RAW_COLUMNS + EXTRA_COLUMNS, rows)
    ptf = write_csv_atomic(res / f"{stem}_pt.csv", PT_COLUMNS, [{k: r.get(k) for k in PT_COLUMNS} for r in pts])
    pred_path = res / f"{cfg['study']}{sfx}_predictions.csv"
    if not pred_path.is_file():
        write_csv_atomic(pred_path, PREDICTION_COLUMNS, predict(cfg))
    signs = {(r["task_type"], r["lever"], r["arm"], int(r["n_ft"])): int(r["predicted_sign"])
             for r in read_csv_rows(pred_path)}
    verdicts = verdict_rows(read_csv_rows(raw), lambda s, t, lv, arm, n, lo, hi: signs.get((t, lv, arm, n), 0))
    ver = write_csv_atomic(res / f"{stem}_verdicts.csv", VERDICT_COLUMNS, verdicts)
    figs = plot_clean(raw, ver, out / "figures" / stem)
    counts = {v: sum(r["verdict"] == v for r in verdicts) for v in ("agrees", "disagrees", "unresolved")}
    return {"raw": str(raw), "pt": str(ptf), "predictions": str(pred_path), "verdicts": str(ver),
            "figures": [str(p) for p in figs], "n_runs": len(rows), "verdict_counts": counts}
