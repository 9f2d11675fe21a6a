"""The explorer's page: Bokeh widgets and figures, wired to :mod:`.state` and :mod:`.sources`.

One :class:`Explorer` per browser session.  A control's change records the new state and hands it to a
single worker thread, which computes the view (latest state wins: a fast slider drag never queues stale
work) and pushes the figures' data back on the document's thread.  The advisor runs in its own thread with
an elapsed-time indicator; the page stays live meanwhile.  Nothing raised by the package reaches Bokeh: its
messages are shown in the page.
"""

from __future__ import annotations

import math
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from functools import partial

from bokeh.events import Tap
from bokeh.layouts import column, row
from bokeh.models import (Button, CheckboxGroup, ColumnDataSource, Div, PrintfTickFormatter, RadioButtonGroup,
                          RangeSlider, Slider, Span, Spinner, TextInput)
from bokeh.plotting import figure

from .. import PTFTError, best_init
from ..advisor import DEFAULT_BOUNDS
from ..experiments.style import REGIME_COLORS
from . import sources, state as S

SCHEMES = ("merged", "readout")
#: Inline style of the export boxes (each Bokeh Div renders in its own shadow root: no shared stylesheet).
PRE_STYLE = "white-space:pre-wrap;word-break:break-all;font-size:11px;margin:2px 0;background:#f6f6f6;padding:4px"


def _amp(text: str):
    """An amplitude box: blank is None (the task's default); anything else must read as a number."""
    t = (text or "").strip()
    return None if t == "" else float(t)


class Explorer:
    """The widgets, figures and update loop of one session's page."""

    def __init__(self, doc, initial: dict | None = None):
        self.doc = doc
        st = dict(S.DEFAULT_STATE, **(initial or {}))
        self._lock = threading.Lock()
        self._pending = None
        self._busy = False
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ptft-explore")
        self._advising = None  # start time of a running advice
        self._build_controls(st)
        self._build_figures(st)
        self.doc.add_root(self._layout())
        self.doc.title = "ptft explore: the regime explorer"
        self.doc.on_session_destroyed(self._closed)
        self.request()

    def _closed(self, session_context):
        self._pool.shutdown(wait=False, cancel_futures=True)  # the tab is gone: its worker goes too

    # ------------------------------------------------------------------ controls
    def _build_controls(self, st):
        b = DEFAULT_BOUNDS
        self.w_c = Slider(title="log10 c_PT", start=b["log10_c_pt"][0], end=b["log10_c_pt"][1], step=0.01,
                          value=st["log10_c_pt"], name="log10_c_pt")
        fmt = PrintfTickFormatter(format="%.4g")  # the advisor's answers are not on the slider steps
        self.w_ratio = Slider(title="λ_PT / c_PT", start=-1, end=1, step=0.005, value=st["lambda_ratio"],
                              name="lambda_ratio", format=fmt)
        self.w_gamma = Slider(title="γ_FT", start=b["gamma_ft"][0], end=b["gamma_ft"][1], step=0.005,
                              value=st["gamma_ft"], name="gamma_ft", format=fmt)
        self.w_scheme = RadioButtonGroup(labels=list(SCHEMES), active=SCHEMES.index(st["scheme"]), name="scheme")
        self.w_rho_pt = Slider(title="ρ_PT", start=0, end=1, step=0.005, value=st["rho_pt"], name="rho_pt")
        self.w_rho_shared = Slider(title="ρ_shared (≤ ρ_PT)", start=0, end=1, step=0.005, value=st["rho_shared"],
                                   name="rho_shared")
        self.w_rho_new = Slider(title="ρ_new (≤ 1 − ρ_PT)", start=0, end=1, step=0.005, value=st["rho_new"],
                                name="rho_new")
        self.w_amp_pt = TextInput(title="PT amplitude (blank: 1/√ρ_PT)", value="" if st["amp_pt"] is None
                                  else repr(st["amp_pt"]), name="amp_pt")
        self.w_amp_ft = TextInput(title="FT amplitude (blank: 1/√ρ_FT)", value="" if st["amp_ft"] is None
                                  else repr(st["amp_ft"]), name="amp_ft")
        self.w_alpha = RangeSlider(title="α_FT range", start=0.005, end=0.995, step=0.005,
                                   value=(st["alpha_min"], st["alpha_max"]), name="alpha_range")
        self.w_sigma = Slider(title="label noise σ", start=0, end=1, step=0.01, value=st["sigma"], name="sigma")
        self.w_finite = CheckboxGroup(labels=["finite PT data (two-stage replica)"],
                                      active=[] if st["alpha_pt"] is None else [0], name="finite_pt")
        self.w_alpha_pt = Slider(title="α_PT = N_PT / D", start=0.05, end=3, step=0.05,
                                 value=0.5 if st["alpha_pt"] is None else st["alpha_pt"], name="alpha_pt")
        self.w_level = Slider(title="level E for the crossing α", start=0.01, end=1, step=0.01, value=st["level"],
                              name="level")
        self.w_adv_alpha = Spinner(title="advise at α_FT", low=0.005, high=0.995, step=0.005, value=0.2,
                                   name="advise_alpha", width=120)
        self.w_advise = Button(label="advise", button_type="primary", name="advise", width=100)
        self.w_adv_status = Div(text="", name="advise_status", width=330)
        for w in (self.w_c, self.w_ratio, self.w_gamma, self.w_rho_pt, self.w_rho_shared, self.w_rho_new,
                  self.w_alpha, self.w_sigma, self.w_alpha_pt, self.w_level):
            w.on_change("value", self._changed)
        for w in (self.w_amp_pt, self.w_amp_ft):
            w.on_change("value", self._changed)
        self.w_scheme.on_change("active", self._changed)
        self.w_finite.on_change("active", self._changed)
        self.w_advise.on_click(self._advise)

    def state(self) -> dict:
        """The controls as a state dict (an unreadable amplitude raises ValueError)."""
        lo, hi = self.w_alpha.value
        return {"log10_c_pt": float(self.w_c.value), "lambda_ratio": float(self.w_ratio.value),
                "gamma_ft": float(self.w_gamma.value), "scheme": SCHEMES[self.w_scheme.active or 0],
                "rho_pt": float(self.w_rho_pt.value), "rho_shared": float(self.w_rho_shared.value),
                "rho_new": float(self.w_rho_new.value), "amp_pt": _amp(self.w_amp_pt.value),
                "amp_ft": _amp(self.w_amp_ft.value), "alpha_min": float(lo), "alpha_max": float(hi),
                "n_alpha": S.DEFAULT_STATE["n_alpha"], "sigma": float(self.w_sigma.value),
                "alpha_pt": float(self.w_alpha_pt.value) if 0 in self.w_finite.active else None,
                "level": float(self.w_level.value)}

    # ------------------------------------------------------------------ figures
    def _build_figures(self, st):
        self.src_curve = ColumnDataSource(dict(sources.EMPTY_CURVE), name="curve_source")
        self.src_refs = {lab: ColumnDataSource(dict(sources.EMPTY_CURVE), name=f"ref_source_{lab}")
                         for lab in S.REGIMES}
        self.p_curve = figure(width=560, height=420, title="replica FT error E(α_FT)", x_axis_label="α_FT = N_FT / D",
                              y_axis_label="relative error E", tools="pan,wheel_zoom,box_zoom,reset,save",
                              name="curve_figure")
        legend = sources.reference_legend()
        self.ref_lines = {}
        for lab in S.REGIMES:
            self.ref_lines[lab] = self.p_curve.line("alpha", "E", source=self.src_refs[lab], color=REGIME_COLORS[lab],
                                                    alpha=0.4, line_width=2, legend_label=legend[lab])
        self.line = self.p_curve.line("alpha", "E", source=self.src_curve, line_width=3.5, color="#000000",
                                      legend_label="current init", name="curve_line")
        self.level_span = Span(location=st["level"], dimension="width", line_dash="dashed", line_color="#666666")
        self.cross_span = Span(location=0.0, dimension="height", line_dash="dotted", line_color="#666666",
                               visible=False)
        self.p_curve.add_layout(self.level_span)
        self.p_curve.add_layout(self.cross_span)
        self.p_curve.legend.location = "top_right"
        self.p_curve.legend.label_text_font_size = "9pt"
        self.p_curve.y_range.start = 0

        self.src_map = ColumnDataSource({"x": [], "y": [], "label": [], "color": []}, name="map_source")
        self.src_marker = ColumnDataSource(sources.marker_source(st), name="marker_source")
        n_c, n_r = S.MAP_SHAPE
        w = (S.MAP_LOG10_C[1] - S.MAP_LOG10_C[0]) / n_c
        self.p_map = figure(width=500, height=420, title="regime map at the current γ_FT and task (tap to move)",
                            x_axis_label="log10 c_PT", y_axis_label="λ_PT / c_PT", x_range=S.MAP_LOG10_C,
                            y_range=(-1, 1), tools="tap,reset,save", name="map_figure",
                            tooltips=[("regime", "@label"), ("log10 c", "@x{0.00}"), ("λ/c", "@y{0.00}")])
        self.p_map.rect("x", "y", width=w, height=2 / n_r, source=self.src_map, fill_color="color", line_color=None,
                        legend_field="label")
        self.p_map.scatter("x", "y", source=self.src_marker, size=16, marker="circle_cross", fill_color="white",
                           line_color="black", line_width=2.5)
        self.p_map.add_layout(self.p_map.legend[0], "right")
        self.p_map.on_event(Tap, self._tapped)

        self.info = Div(text="", width=330, name="info")
        self.errors = Div(text="", width=1100, name="errors")
        self.export_cmd = Div(text="", width=1150, name="export_command")
        self.export_py = Div(text="", width=1150, name="export_python")

    def _layout(self):
        title = Div(text="<h2 style='margin:0'>ptft explore — the regime explorer</h2>"
                    "<div>Replica prediction of the fine-tuning error (arXiv 2602.20062); faint lines: "
                    "Fig. 5's representative inits of the other regimes.</div>", width=1150, name="title")
        init_box = column(Div(text="<b>initialisation</b>"), self.w_c, self.w_ratio, self.w_gamma, self.w_scheme)
        task_box = column(Div(text="<b>task</b>"), self.w_rho_pt, self.w_rho_shared, self.w_rho_new, self.w_amp_pt,
                          self.w_amp_ft)
        view_box = column(Div(text="<b>view</b>"), self.w_alpha, self.w_sigma, self.w_finite, self.w_alpha_pt,
                          self.w_level)
        adv = column(Div(text="<b>advisor</b> (best_init for the task)"), row(self.w_adv_alpha, self.w_advise),
                     self.w_adv_status)
        return column(title, row(init_box, task_box, view_box),
                      row(self.p_curve, self.p_map, column(self.info, adv)), self.errors,
                      Div(text="<b>export</b>: the command and the Python call reproducing the curve"),
                      self.export_cmd, self.export_py)

    # ------------------------------------------------------------------ the update loop
    def _changed(self, attr, old, new):
        self.request()

    def _tapped(self, event):
        if event.x is None or event.y is None:
            return
        lo, hi = self.w_c.start, self.w_c.end
        self.w_c.value = round(min(max(event.x, lo), hi), 2)
        self.w_ratio.value = round(min(max(event.y, -1.0), 1.0), 3)

    def request(self):
        """Hand the controls' current state to the worker (it computes the newest state it finds)."""
        try:
            st = self.state()
        except ValueError as e:
            self._show_bad_input(f"amplitude: {e}; valid: a number > 0, or blank for the default")
            return
        with self._lock:
            self._pending = st
            start = not self._busy
            self._busy = True
        if start:
            self._pool.submit(self._work)

    def _work(self):
        while True:
            with self._lock:
                st, self._pending = self._pending, None
                if st is None:
                    self._busy = False
                    return
            try:
                result = S.view(st, with_crossing=False)  # the curve first: it is what a slider move redraws
            except Exception as e:  # noqa: BLE001  -- a bug must not kill the loop: shown in the page
                result = {"curve": None, "descriptors": None, "crossing": None,
                          "errors": {"internal error": f"{type(e).__name__}: {e}"}}
            self._push(self._apply, st, result)
            if self._newer():  # latest state wins: skip the rest for a state already moved past
                continue
            try:
                S.add_crossing(st, result)
            except Exception as e:  # noqa: BLE001
                result["errors"]["crossing"] = f"{type(e).__name__}: {e}"
            self._push(self._apply_info, st, result)
            if self._newer():
                continue
            slow = {}
            for key, fn in (("refs", S.reference_curves), ("map", S.regime_map)):
                try:
                    slow[key] = fn(st)
                except Exception:  # noqa: BLE001  -- a PTFTError (bad task) is said by the curve's message
                    slow[key] = None
            self._push(self._apply_slow, st, slow)

    def _push(self, fn, *args):
        """Run ``fn(*args)`` on the document's thread (the thread-safe way into a Bokeh document)."""
        try:
            self.doc.add_next_tick_callback(partial(fn, *args))
        except Exception:  # noqa: BLE001  -- the session is gone (tab closed): nothing to draw into
            pass

    def _newer(self) -> bool:
        with self._lock:
            return self._pending is not None

    def _apply(self, st, result):
        self.src_curve.data = sources.curve_source(result)
        self.line.glyph.line_color = sources.curve_color(result)
        self.src_marker.data = sources.marker_source(st)
        self.level_span.location = st["level"]
        self._apply_info(st, result)
        errs = {k: v for k, v in result["errors"].items() if k != "crossing"}
        self.errors.text = "".join(f"<div class='ptft-error' style='color:#b00020'>{_esc(k)}: {_esc(v)}</div>"
                                   for k, v in errs.items())
        c = 10.0 ** st["log10_c_pt"]
        self.w_c.title = f"log10 c_PT   (c_PT = {c:.3g})"
        cmd, py = sources.export_texts(st)
        self.export_cmd.text = f"<pre style='{PRE_STYLE}'>{_esc(cmd)}</pre>"
        self.export_py.text = f"<pre style='{PRE_STYLE}'>{_esc(py)}</pre>"

    def _apply_info(self, st, result):
        cross = result["crossing"]
        self.cross_span.visible = cross is not None
        if cross is not None:
            self.cross_span.location = cross
        self.info.text = sources.info_html(st, result)

    def _apply_slow(self, st, slow):
        refs = slow.get("refs") or {}
        for lab, data in sources.reference_sources(refs).items():
            self.src_refs[lab].data = data
            self.ref_lines[lab].visible = bool(data["E"])  # the current regime's own: greyed in the legend
        if slow.get("map") is not None:
            self.src_map.data = sources.map_source(slow["map"])

    def _show_bad_input(self, msg):
        self.src_curve.data = dict(sources.EMPTY_CURVE)
        self.errors.text = f"<div class='ptft-error' style='color:#b00020'>{_esc(msg)}</div>"

    # ------------------------------------------------------------------ the advisor
    def _advise(self):
        if self._advising is not None:
            return
        try:
            st = self.state()
            task = S.task_of(st)
        except (PTFTError, ValueError) as e:
            self.w_adv_status.text = f"<span style='color:#b00020'>{_esc(str(e))}</span>"
            return
        self._advising = time.monotonic()
        self.w_advise.disabled = True
        self._tick = self.doc.add_periodic_callback(self._progress, 200)
        alpha = float(self.w_adv_alpha.value)
        threading.Thread(target=self._run_advice, args=(task, alpha, st), daemon=True, name="ptft-advise").start()

    def _progress(self):
        if self._advising is not None:
            dt = time.monotonic() - self._advising
            dots = "●" * (1 + int(dt * 5) % 5)
            self.w_adv_status.text = (f"<span class='ptft-advising'>advising {dots} {dt:.1f} s "
                                      "(grid of inits, then polish; seconds, ~30 s with finite PT data)</span>")

    def _run_advice(self, task, alpha, st):
        try:
            adv = best_init(task, alpha, st["scheme"], st["sigma"], alpha_pt=st["alpha_pt"])
            out = (adv, None)
        except Exception as e:  # noqa: BLE001  -- the message goes into the page
            out = (None, " ".join(str(e).split()))
        self._push(self._advised, *out)

    def _advised(self, adv, error):
        self.doc.remove_periodic_callback(self._tick)
        dt = time.monotonic() - self._advising
        self._advising = None
        self.w_advise.disabled = False
        if adv is None:
            self.w_adv_status.text = f"<span style='color:#b00020'>advice failed: {_esc(error)}</span>"
            return
        i = adv.init
        self.w_c.value = math.log10(i.c_pt)
        self.w_ratio.value = i.lambda_pt / i.c_pt
        self.w_gamma.value = i.gamma_ft
        gain = adv.gain_dB
        asked = f"α_FT = {adv.alpha:g}, σ = {adv.sigma:g}" + ("" if adv.alpha_pt is None else f", α_PT = {adv.alpha_pt:g}")
        self.w_adv_status.text = (f"<div class='ptft-advice'>advice ({asked}; {dt:.1f} s): c_PT = {i.c_pt:.3g}, "
                                  f"λ_PT/c_PT = {i.lambda_pt / i.c_pt:.3f}, γ_FT = {i.gamma_ft:.3g}; "
                                  f"E = {adv.E:.4g}, regime {adv.regime.regime.value}"
                                  + (f"; {gain:.2f} dB better than the reference init" if gain is not None else "")
                                  + (f"<br><small>{_esc(adv.message)}</small>" if adv.message else "") + "</div>")


def _esc(text: str) -> str:
    import html
    return html.escape(text)


def make_document(doc):
    """Bokeh application entry: one :class:`Explorer` per session."""
    Explorer(doc)
