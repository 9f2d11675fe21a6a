"""The clean transformer study's FT: batched (one computation per n_FT) vs one run at a time.

    python benchmarks/transformer_ft_bench.py [--steps 100] [--reps 2] [--json]

Measured in one run, on the CPU config's network (p = 31, d_model 32, d_MLP 128, one block; a PT network
of 100 AdamW steps: the FT cost does not depend on what PT learned), one thread: a seed's ``rebalance``
arm (7 lever points x 3 tasks x n_FT 48 / 96 / 192 = 63 FT runs), each run a fixed ``--steps`` GD steps
(no early stop, so both do the same arithmetic), as the study does it (:func:`fine_tune_batch`, one
batch of 21 runs per n_FT) and with :func:`fine_tune_run` per run; the two alternate ``--reps`` times
and each is timed by its process CPU time (the machine is shared).  Reported: CPU ms per run and step,
per n_FT and overall, and their ratio (per-run / batched).
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
    args = ap.parse_args(argv)
    torch.set_num_threads(1)
    cfg = load_study_config("transformer_clean_cpu")
    proto = dataclasses.replace(cfg["protocol"], pt_steps=100, pt_target=0.0, ft_steps=args.steps,
                                ft_loss_threshold=0.0, ft_plateau_window=0)
    data = C.seed_data(proto, 0)
    model, _ = C.pretrain(proto, data, 0)
    keys = C.pt_summary(proto, model, cfg["tasks"])["key_frequencies"]
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
    if args.json:
        print(json.dumps(out, indent=2))
        return
    for n, v in per_n.items():
        print(f"n_FT = {n}: per run {v['per_run_ms']:.3f} ms, batched {v['batched_ms']:.3f} ms per run and step "
              f"({v['runs']} runs): {v['ratio']:.2f}x")
    print(f"a seed's rebalance arm ({args.steps} steps per run): batched {out['ratio']:.2f}x faster than per run")


if __name__ == "__main__":
    main()
