"""The clean transformer study's FT: batched (one computation per n_FT) vs one run at a time.

    python benchmarks/transformer_ft_bench.py [--steps 100] [--reps 2] [--parts] [--json]

Measured in one run, on the CPU config's network (p = 31, d_model 32, d_MLP 128, one block; a PT network
of 100 AdamW steps: the FT cost does not depend on what PT learned), one thread: a seed's ``rebalance``
arm (7 lever points x 3 tasks x n_FT 48 / 96 / 192 = 63 FT runs), each run a fixed ``--steps`` GD steps
(no early stop, so both do the same arithmetic), as the study does it (:func:`fine_tune_batch`, one
batch of 21 runs per n_FT) and with :func:`fine_tune_run` per run; the two alternate ``--reps`` times
and each is timed by its process CPU time (the machine is shared).  Reported: CPU ms per run and step,
per n_FT and overall, and their ratio (per-run / batched).

Two more ratios, of what the study does since 2857382 (``--parts``): a seed's two arms in one batch per
n_FT (``study.seed_runs``: its 21 rebalance runs and 12 init-arm runs, 33 runs) vs one batch per arm, as the
study did before, the order of the two alternating between repetitions; and the row gather of the
batched forward pass with its backward at the study's sizes (21 runs x 576 rows of a 32 x 32 table): one
``index_select`` of the flattened table (what ``fine_tune_batch`` uses; bit-identical results on the CPU,
tested; the formula inlined, as benchmarks import no private name) vs ``torch.gather`` (what it used).
"""

import argparse
import dataclasses
import json
import time

import torch

from ptft_theory.experiments.transformer import clean as C
from ptft_theory.experiments.transformer.clean_batched import fine_tune_batch
from ptft_theory.experiments.transformer.study import load_study_config

POINTS = [(1, 1, 1), (0.5, 1, 1), (2, 1, 1), (1, 0.5, 1), (1, 2, 1), (1, 1, 0.25), (1, 1, 4)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--steps", type=int, default=100)
    ap.add_argument("--reps", type=int, default=2)
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--parts", action="store_true", help="also the arms-together and gather ratios (docstring)")
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    cfg = load_study_config("transformer_clean_cpu")
    # lr_ft 0.3 instead of the study's 4: from this barely trained PT network the study's step makes some
    # runs diverge within a few steps and leave the batch; with the smaller one every run makes every step
    proto = dataclasses.replace(cfg["protocol"], pt_steps=100, pt_target=0.0, ft_steps=args.steps, lr_ft=0.3,
                                ft_loss_threshold=0.0, ft_plateau_window=0)
    data = C.seed_data(proto, 0)
    model, _ = C.pretrain(proto, data, 0)
    keys = C.pt_summary(proto, model, cfg["tasks"])["key_frequencies"]
    probe = fine_tune_batch(proto, model, data, keys, [{"task": t, "n_ft": n, "arm": "rebalance", "c": c, "kappa": k,
                                                        "gamma": g} for t in cfg["tasks"] for n in cfg["n_ft"]
                                                       for c, k, g in POINTS], seed=0)
    if {r["ft_steps"] for r in probe} != {args.steps}:
        raise SystemExit("a benchmark run stopped early: the timings would not compare equal work")
    per_n = {}
    for n in cfg["n_ft"]:
        specs = [{"task": t, "n_ft": n, "arm": "rebalance", "c": c, "kappa": k, "gamma": g}
                 for t in cfg["tasks"] for c, k, g in POINTS]
        ref = bat = 0.0
        for _ in range(args.reps):
            t0 = time.process_time()
            for s in specs:
                C.fine_tune_run(proto, model, data, keys, seed=0, **s)
            t1 = time.process_time()
            fine_tune_batch(proto, model, data, keys, specs, seed=0)
            t2 = time.process_time()
            ref, bat = ref + t1 - t0, bat + t2 - t1
        unit = 1e3 / (args.reps * len(specs) * args.steps)
        per_n[n] = {"per_run_ms": ref * unit, "batched_ms": bat * unit, "ratio": ref / bat, "runs": len(specs)}
    tot_ref = sum(v["per_run_ms"] for v in per_n.values())
    tot_bat = sum(v["batched_ms"] for v in per_n.values())
    out = {"steps": args.steps, "reps": args.reps, "per_n_ft": per_n, "ratio": tot_ref / tot_bat,
           "per_run_ms_per_run_step": tot_ref / len(per_n), "batched_ms_per_run_step": tot_bat / len(per_n)}
    if args.parts:
        out["arms_together"] = _arms_together(proto, model, data, keys, cfg, args)
        out["gather"] = _gather_vs_index_select(args.reps)
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for n, v in per_n.items():
        print(f"n_FT = {n}: per run {v['per_run_ms']:.3f} ms, batched {v['batched_ms']:.3f} ms per run and step "
              f"({v['runs']} runs): {v['ratio']:.2f}x")
    print(f"a seed's rebalance arm ({args.steps} steps per run): batched {out['ratio']:.2f}x faster than per run")
    if args.parts:
        for n, v in out["arms_together"].items():
            print(f"n_FT = {n}: both arms in one batch {v['together_ms']:.3f} ms per run and step, one batch per arm "
                  f"{v['per_arm_ms']:.3f} ms: {v['ratio']:.2f}x")
        g = out["gather"]
        print(f"row gather + backward: torch.gather {g['gather_us']:.0f} us, index_select {g['index_select_us']:.0f} us: "
              f"{g['ratio']:.2f}x")


def _arms_together(proto, model, data, keys, cfg, args) -> dict:
    """Per n_FT: CPU ms per run and step of a seed's 33 runs as one batch vs a batch per arm, alternated."""
    out = {}
    for n in cfg["n_ft"]:
        reb = [{"task": t, "n_ft": n, "arm": "rebalance", "c": c, "kappa": k, "gamma": g}
               for t in cfg["tasks"] for c, k, g in POINTS]
        ini = [{"task": t, "n_ft": n, "arm": "init", "c": 1.0, "kappa": 1.0, "gamma": 1.0}
               for t in cfg["tasks"] for _ in range(4)]
        sources = [(model, keys, None)] * len(reb) + [(model, keys, keys[0])] * len(ini)
        tog = sep = 0.0
        for rep in range(args.reps):
            for form in (("together", "per_arm") if rep % 2 == 0 else ("per_arm", "together")):
                t0 = time.process_time()
                if form == "together":
                    fine_tune_batch(proto, None, data, None, reb + ini, seed=0, sources=sources)
                    tog += time.process_time() - t0
                else:
                    fine_tune_batch(proto, model, data, keys, reb, seed=0)
                    fine_tune_batch(proto, model, data, keys, ini, seed=0, task_k1=keys[0])
                    sep += time.process_time() - t0
        unit = 1e3 / (args.reps * (len(reb) + len(ini)) * args.steps)
        out[n] = {"together_ms": tog * unit, "per_arm_ms": sep * unit, "ratio": sep / tog}
    return out


def _gather_vs_index_select(reps: int, calls: int = 200) -> dict:
    """CPU microseconds per forward + backward of the row gather, both formulations, alternated."""
    r, v, d, m = 21, 32, 32, 576
    gen = torch.Generator().manual_seed(0)
    table = torch.randn(r, v, d, generator=gen, requires_grad=True)
    idx = torch.randint(0, v, (r, m), generator=gen)
    up = torch.randn(r, m, d, generator=gen)
    flat = (idx + torch.arange(r)[:, None] * v).reshape(-1)
    forms = {"gather": lambda: torch.gather(table, 1, idx[..., None].expand(r, m, d)),
             "index_select": lambda: torch.index_select(table.reshape(r * v, d), 0, flat).reshape(r, m, d)}
    t = dict.fromkeys(forms, 0.0)
    for _ in range(reps):
        for name, f in forms.items():
            t0 = time.process_time()
            for _ in range(calls):
                torch.autograd.grad(f(), table, up)
            t[name] += time.process_time() - t0
    us = {k: v * 1e6 / (reps * calls) for k, v in t.items()}
    return {"gather_us": us["gather"], "index_select_us": us["index_select"], "ratio": us["gather"] / us["index_select"]}


if __name__ == "__main__":
    main()
