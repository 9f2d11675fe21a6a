"""The evidence table of the transformer sweep from its results CSV.

    python validation/transformer_evidence.py [--csv validation/results/transformer/transformer_modp_cpu.csv]

Writes ``<csv stem>_effects.csv`` beside it (one row per FT op, lever, metric and n_FT: the paired
difference between the largest and smallest lever value over seeds, its SE, resolved beyond 2 SE)
and ``<csv stem>_vs_scratch.csv`` (FT accuracy minus the no-PT baseline's, per design point), and
prints the Markdown tables quoted in docs/results.md.
"""

import argparse
from pathlib import Path

from ptft_theory.fileio import read_csv_rows, write_csv_atomic
from ptft_theory.experiments.transformer.evidence import markdown, markdown_versus_scratch, paired_effects, versus_scratch

DEFAULT = Path(__file__).resolve().parent / "results" / "transformer" / "transformer_modp_cpu.csv"
FIELDS = ["ft_op", "lever", "metric", "n_ft", "lo", "hi", "n", "diff", "se", "resolved", "mean_lo", "mean_base", "mean_hi"]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--csv", default=str(DEFAULT))
    args = ap.parse_args(argv)
    rows = read_csv_rows(args.csv)
    if not rows:
        raise SystemExit(f"csv={args.csv!r} has no rows")
    effects = paired_effects(rows)
    path = Path(args.csv)
    write_csv_atomic(path.with_name(path.stem + "_effects.csv"), FIELDS, effects)
    print(markdown(effects))
    vs = versus_scratch(rows)
    if vs:
        write_csv_atomic(path.with_name(path.stem + "_vs_scratch.csv"), list(vs[0]), vs)
        print()
        print(markdown_versus_scratch(vs))


if __name__ == "__main__":
    main()
