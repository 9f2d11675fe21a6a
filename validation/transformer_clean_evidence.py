"""The clean transformer study's tables from its CSVs: verdicts, what PT learned, and the
correlation of the FT outcome with PT quality under the old protocol and the clean one.

    python validation/transformer_clean_evidence.py [--study transformer]

Reads ``validation/results/nonlinear/<study>{,_pt,_verdicts}.csv`` and the old protocol's
``validation/results/transformer/transformer_modp_cpu.csv``; writes
``validation/results/nonlinear/<study>_correlations.csv`` and prints the Markdown quoted in
docs/networks.md.
"""

import argparse
from collections import Counter
from pathlib import Path

from ptft_theory.experiments.transformer.clean_evidence import (clean_correlations, k1_retention,
                                                                 old_protocol_correlation, pt_statistics,
                                                                 pt_success_by_point, pt_success_markdown,
                                                                 verdict_markdown)
from ptft_theory.fileio import read_csv_rows, write_csv_atomic

HERE = Path(__file__).resolve().parent
OLD = HERE / "results" / "transformer" / "transformer_modp_cpu.csv"


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", default="transformer")
    args = ap.parse_args(argv)
    res = HERE / "results" / "nonlinear"
    rows = read_csv_rows(res / f"{args.study}.csv")
    pts = read_csv_rows(res / f"{args.study}_pt.csv")
    verdicts = read_csv_rows(res / f"{args.study}_verdicts.csv")
    if not rows:
        raise SystemExit(f"no rows in {res / (args.study + '.csv')}")
    print(verdict_markdown(verdicts))
    print("\nverdict counts:", dict(Counter(v["verdict"] for v in verdicts)))
    st = pt_statistics(pts)
    print(f"\nPT: {st['networks']} networks, {st['used']} used; {st['draws']} draws, {st['failed_draws']} failed "
          f"(success rate {st['success_rate']:.2f}); held-out accuracy of the used ones: min {st['heldout_min']:.3f}, "
          f"mean {st['heldout_mean']:.3f}")
    print("key frequencies (seed, arm, lever, value):", st["key_frequencies"])
    print("\nPT draws that generalise, per init point (init arm: only seeds whose base PT generalised):\n")
    print(pt_success_markdown(pt_success_by_point(pts)))
    shares = {}
    for t in ("subset", "same", "new"):
        vals = [(float(r[f"fourier_share_{t}"]), float(r[f"probe_accuracy_{t}"])) for r in pts
                if r["used"] == "True" and r["arm"] == "base" and r.get(f"fourier_share_{t}")]
        if vals:
            shares[t] = (sum(a for a, _ in vals) / len(vals), sum(b for _, b in vals) / len(vals))
            print(f"{t}: mean Fourier share on PT's key frequencies {shares[t][0]:.3f}, linear-probe accuracy on PT "
                  f"features {shares[t][1]:.3f}")
    k1 = k1_retention(pts, rows)
    if k1["kept"] or k1["lost"]:
        def mean(xs):
            return f"{sum(xs) / len(xs):.2f}" if xs else "n/a"
        lost = [e for *_, e in k1["lost"]]
        print(f"\ninit-arm networks that kept their seed's k1 among their key frequencies: {len(k1['kept'])} of "
              f"{len(k1['kept']) + len(lost)}; subset held-out error at n_FT = {k1['n_ft']}: kept "
              f"{mean([e for *_, e in k1['kept']])} ({', '.join(f'{e:.2f}' for *_, e in k1['kept'])}), not kept "
              f"{mean(lost)} (range {f'{min(lost):.2f}-{max(lost):.2f}' if lost else 'n/a'}), "
              f"base networks {mean(k1['base_errors'])}")
    old = old_protocol_correlation(read_csv_rows(OLD))
    new = clean_correlations(rows)
    out = [{"protocol": "old (issue 17)", "what": "FT accuracy on a - b vs PT accuracy on swap-unseen pairs",
            "task_type": "sub", "n_ft": old["n_ft"], "n": old["n_runs"], "r": old["r"]}]
    out += [{"protocol": "clean (issue 22)", **c} for c in new]
    write_csv_atomic(res / f"{args.study}_correlations.csv", ["protocol", "what", "task_type", "n_ft", "n", "r"], out)
    print()
    for c in out:
        r = "n/a" if c["r"] is None else f"{c['r']:+.2f}"
        print(f"{c['protocol']}: {c['what']} ({c['task_type']}, n_FT = {c['n_ft']}, n = {c['n']}): r = {r}")


if __name__ == "__main__":
    main()
