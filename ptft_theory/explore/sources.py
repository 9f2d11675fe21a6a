"""Pure functions from a state (and its :func:`~ptft_theory.explore.state.view`) to the data of the page's
figures and panels: column dicts for Bokeh's ``ColumnDataSource`` and small HTML texts.  No Bokeh here, so
the tests check them against the public API directly.
"""

from __future__ import annotations

import html
import math

from ..experiments.style import REGIME_COLORS
from . import export
from .state import REGIMES, init_of, representative_inits

#: Colour of the current curve when its init has no regime (regime() raised).
NO_REGIME_COLOR = "#000000"
EMPTY_CURVE = {"alpha": [], "E": []}


def curve_source(result: dict) -> dict:
    """The current curve's columns (empty when the curve could not be computed)."""
    c = result["curve"]
    return {"alpha": list(c["alpha"]), "E": list(c["E"])} if c is not None else dict(EMPTY_CURVE)


def curve_color(result: dict) -> str:
    d = result["descriptors"]
    return REGIME_COLORS[d["regime"]] if d is not None else NO_REGIME_COLOR


def reference_sources(refs: dict) -> dict:
    """One column dict per regime label I..IV: the representative init's curve, or empty (the current
    init's own regime, or a reference that failed)."""
    return {lab: ({"alpha": list(refs[lab]["alpha"]), "E": list(refs[lab]["E"])} if lab in refs else dict(EMPTY_CURVE))
            for lab in REGIMES}


def reference_legend() -> dict:
    """Legend text per regime label: the representative init its faint line draws."""
    return {lab: f"{lab}: c={i.c_pt:.3g}, λ={i.lambda_pt:.3g}, γ={i.gamma_ft:.3g}"
            for lab, i in representative_inits().items()}


def marker_source(state) -> dict:
    """The current init's point on the regime map: (log10 c_PT, lambda_PT / c_PT)."""
    return {"x": [float(state["log10_c_pt"])], "y": [float(state["lambda_ratio"])]}


def map_source(grid: dict) -> dict:
    return {k: list(grid[k]) for k in ("x", "y", "label", "color")}


def _g(x, digits=4) -> str:
    return "—" if x is None or not math.isfinite(x) else f"{x:.{digits}g}"


def info_html(state, result: dict) -> str:
    """The descriptors panel: the init, its label, l-order, PT dependence, k_PT, k_new, the level crossing and
    the package's messages for whatever could not be computed."""
    try:
        i = init_of(state)
        head = f"c_PT = {i.c_pt:.4g}, λ_PT = {i.lambda_pt:.4g}, γ_FT = {i.gamma_ft:.4g}"
    except Exception as e:  # noqa: BLE001  -- shown, not raised: the panel must always draw
        head = html.escape(" ".join(str(e).split()))
    rows = [f"<div class='ptft-init'>{head}</div>"]
    d = result["descriptors"]
    if d is not None:
        color = REGIME_COLORS[d["regime"]]
        rows.append(f"<div class='ptft-regime'><span style='display:inline-block;width:0.9em;height:0.9em;"
                    f"background:{color};border:1px solid #333;margin-right:0.4em'></span>"
                    f"<b>regime {d['regime']}</b>: {html.escape(d['description'])}</div>")
        rows.append("<table class='ptft-desc'>"
                    f"<tr><td>l-order</td><td>{_g(d['l_order'])}</td></tr>"
                    f"<tr><td>PT dependence</td><td>{_g(d['pt_dependence'])}</td></tr>"
                    f"<tr><td>k<sub>PT</sub>, k<sub>new</sub></td><td>{_g(d['k_pt'])}, {_g(d['k_new'])}</td></tr>"
                    "</table>")
        if "calibrated_regime" in d:
            rows.append(f"<div class='ptft-calibrated'>calibrated label (δ<sub>S</sub> = "
                        f"{_g(d['pt_dependence_samples'])}): <b>regime {d['calibrated_regime']}</b></div>")
    if result["crossing"] is not None:
        rows.append(f"<div class='ptft-crossing'>E = {_g(float(state['level']), 3)} at α = "
                    f"<b>{_g(result['crossing'], 6)}</b></div>")
    for part, msg in result["errors"].items():
        cls = "ptft-note" if part == "crossing" else "ptft-error"
        color = "#555" if part == "crossing" else "#b00020"
        rows.append(f"<div class='{cls}' style='color:{color}'>{html.escape(part)}: {html.escape(msg)}</div>")
    return "\n".join(rows)


def export_texts(state) -> tuple[str, str]:
    """(the ``ptft curve`` command, the Python call) reproducing the view, or the reason they cannot."""
    try:
        return export.command(state), export.python(state)
    except Exception as e:  # noqa: BLE001  -- bad input: the export box says why instead
        msg = " ".join(str(e).split())
        return msg, msg
