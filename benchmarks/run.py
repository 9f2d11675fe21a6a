"""Run every benchmark in this folder (``*_bench.py``), one after another, in one process each."""

import subprocess
import sys
from pathlib import Path

here = Path(__file__).resolve().parent
status = 0
for script in sorted(here.glob("*_bench.py")):
    print(f"== {script.name}", flush=True)
    status |= subprocess.call([sys.executable, str(script), *sys.argv[1:]])
sys.exit(status)
