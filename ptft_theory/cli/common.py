"""Shared pieces of the ``ptft`` commands: the parser class, strict JSON output, common arguments."""

from __future__ import annotations

import argparse
import json
import re

from ..config import DEFAULT_SCHEME, Scheme
from ..results import plain

EXIT_USAGE = 2
EXIT_FAILURE = 1
JSON_NULL_NOTE = "--json numbers that are not finite (e.g. E_dB of a zero error = -inf) are null"


JSON_HELP = "machine-readable output: strict JSON (see the note below)"
EXAMPLE_PREFIX = "example: "


class HelpFormatter(argparse.HelpFormatter):
    """Wraps prose paragraph by paragraph, but prints a paragraph that starts with ``example: `` (one
    command) verbatim: a pasted example runs as printed (argparse's default reflow split flags)."""

    def _fill_text(self, text, width, indent):
        fill = super()._fill_text
        return "\n\n".join(indent + p if p.startswith(EXAMPLE_PREFIX) else fill(p, width, indent)
                           for p in text.split("\n\n"))


def examples(*commands: str, note: str | None = None) -> str:
    """A help epilog: one ``example: ptft ...`` paragraph per command (printed verbatim), then ``note``."""
    parts = [EXAMPLE_PREFIX + c for c in commands]
    return "\n\n".join(parts + ([note] if note else []))


class Parser(argparse.ArgumentParser):
    """argparse with the project's error contract: one line on stderr, exit code 2.

    Also accepts negative numbers in scientific notation as values (``--lambda-pt -1e-3``), and
    prints ``example:`` paragraphs of the epilog verbatim (:class:`HelpFormatter`).
    """

    def __init__(self, *a, **kw):
        kw.setdefault("formatter_class", HelpFormatter)
        super().__init__(*a, **kw)
        self._negative_number_matcher = re.compile(r"^-(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$")

    def error(self, message):
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def emit(args, payload: dict, text: str):
    if getattr(args, "json", False):
        print(dump_json(payload))
    else:
        print(text)


def json_safe(x):
    """``x`` with numpy values made plain and every non-finite float replaced by None (JSON null)."""
    return plain(x)


def dump_json(payload) -> str:
    """Strict JSON text of ``payload`` (never NaN/Infinity: they become null, see :func:`json_safe`)."""
    return json.dumps(json_safe(payload), indent=2, allow_nan=False)


def nonneg_int(text: str) -> int:
    try:
        v = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}; valid: an integer >= 0") from None
    if v < 0:
        raise argparse.ArgumentTypeError(f"invalid value {text!r}; valid: an integer >= 0")
    return v


_DEVICE = re.compile(r"^(cpu|auto|cuda(:\d+)?)$")


def device_arg(text: str) -> str:
    """argparse type of ``--device``: cpu, auto, cuda or cuda:N."""
    if not _DEVICE.match(text):
        raise argparse.ArgumentTypeError(f"invalid value {text!r}; valid: cpu, auto, cuda, cuda:N")
    return text


def add_init(p, gamma=True):
    p.add_argument("--c-pt", type=float, required=True, help="absolute PT scale c_PT > 0")
    p.add_argument("--lambda-pt", type=float, default=0.0, help="relative PT scale, |lambda_PT| <= c_PT (default 0)")
    if gamma:
        p.add_argument("--gamma-ft", type=float, default=0.0, help="FT readout scale gamma_FT >= 0 (default 0)")


def add_task(p):
    p.add_argument("--rho-pt", type=float, required=True, help="PT teacher density in [0, 1]")
    p.add_argument("--rho-shared", type=float, required=True, help="FT density inside the PT support, <= rho_pt")
    p.add_argument("--rho-new", type=float, required=True, help="FT density outside the PT support, <= 1 - rho_pt")
    p.add_argument("--amp-pt", type=float, default=None, help="PT entry magnitude (default 1/sqrt(rho_pt))")
    p.add_argument("--amp-ft", type=float, default=None, help="FT entry magnitude (default 1/sqrt(rho_ft))")


def add_scheme(p):
    p.add_argument("--scheme", choices=[s.value for s in Scheme], default=DEFAULT_SCHEME.value,
                   help=f"FT re-initialisation scheme (default {DEFAULT_SCHEME.value})")


def task_from_args(args):
    from ..config import Task
    return Task(args.rho_pt, args.rho_shared, args.rho_new, amp_pt=args.amp_pt, amp_ft=args.amp_ft)


def init_from_args(args):
    from ..config import Init
    return Init(args.c_pt, args.lambda_pt, getattr(args, "gamma_ft", 0.0))


def mpmath_str(x):
    import mpmath
    return mpmath.nstr(mpmath.mpf(x), 3)


def check_writable_file(flag: str, path) -> None:
    """Raise a ParameterError naming ``flag`` unless a file can be created in ``path``'s folder: tried
    (a temporary file, removed at once) before any work, so a run never ends in an OSError about a
    temporary name the user never gave (``--plot /proc/x.png``)."""
    import os  # noqa: PLC0415
    import tempfile  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from ..errors import ParameterError  # noqa: PLC0415
    folder = Path(path).parent
    if not folder.is_dir():
        raise ParameterError(f"{flag}={str(path)!r}: folder {str(folder)!r} does not exist; valid: a file in an "
                             "existing, writable folder")
    try:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ptft-write-check-")
        os.close(fd)
        os.unlink(tmp)
    except OSError as e:
        raise ParameterError(f"{flag}={str(path)!r}: cannot write in folder {str(folder)!r} "
                             f"({e.strerror or e}); valid: a file in an existing, writable folder") from None


def writable_folder(flag: str, value, folder=None):
    """Create ``folder`` (default: ``value``, the flag's value) if needed and check that a file can be
    written in it; ParameterError naming ``flag`` and the value the user gave otherwise (a file where a
    folder should be, /proc, a read-only folder), before any work: never an OSError naming a path the
    command derived."""
    import os  # noqa: PLC0415
    import tempfile  # noqa: PLC0415
    from pathlib import Path  # noqa: PLC0415

    from ..errors import ParameterError  # noqa: PLC0415
    folder = Path(value if folder is None else folder)
    where = "" if str(folder) == str(value) else f" (folder {str(folder)!r})"
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".ptft-write-check-")
        os.close(fd)
        os.unlink(tmp)
    except OSError as e:
        raise ParameterError(f"{flag}={str(value)!r}{where} is not a writable folder ({e.strerror or e}); "
                             "valid: a folder you can write to") from None
    return folder
