"""End-to-end: ``ptft explore`` in a real browser (Debian's chromium, headless, driven by selenium).

The server runs as ``python -m ptft_theory.cli explore`` in a subprocess on a free localhost port; the
browser loads the page, drags a real slider, makes the network frozen, runs the advisor, and the test
checks what the page shows against the public API (generalization_error, regime) evaluated here.  No
request may leave localhost, and the browser console must log no error.  A screenshot is saved under
pytest's tmp path (its path is printed); ``PTFT_EXPLORER_SCREENSHOT=FILE`` also writes it to FILE (how
docs/figures/explorer.png is made).

Skips, saying why, only where no browser can be installed: ``scripts/ensure_chromium.sh`` (run by
``make test``) installs Debian's ``chromium`` and ``chromium-driver`` with apt-get when run as root.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

import numpy as np
import pytest

from ptft_theory import Init, Task, generalization_error, regime
from ptft_theory.explore import state as S

CHROMIUM = os.environ.get("PTFT_CHROMIUM", "/usr/bin/chromium")
CHROMEDRIVER = os.environ.get("PTFT_CHROMEDRIVER", "/usr/bin/chromedriver")
REPO = Path(__file__).resolve().parents[2]
TIMEOUT = 60.0  # s: the slowest wait we accept (server start, page load, advice on a loaded 2-core machine)

webdriver = pytest.importorskip("selenium.webdriver", reason="selenium is not installed (pip install -e '.[dev]')")
pytest.importorskip("bokeh", reason="bokeh is not installed (pip install -e '.[explore]')")
if not (os.access(CHROMIUM, os.X_OK) and os.access(CHROMEDRIVER, os.X_OK)):
    pytest.skip(f"no browser: {CHROMIUM} or {CHROMEDRIVER} missing (scripts/ensure_chromium.sh installs Debian's "
                "chromium and chromium-driver as root)", allow_module_level=True)

pytestmark = pytest.mark.timeout(240)

JS_DATA = ("const d = window.Bokeh && Bokeh.documents[0]; if (!d) return null; const s = d.get_model_by_name(arguments[0]);"
           " return s ? Object.fromEntries(Object.entries(s.data).map(([k, v]) => [k, Array.from(v)])) : null;")
JS_VALUE = "return Bokeh.documents[0].get_model_by_name(arguments[0]).value"
JS_TEXT = "return Bokeh.documents[0].get_model_by_name(arguments[0]).text"
JS_SHADOW = ("const m = Bokeh.documents[0].get_model_by_name(arguments[0]);"
             " return Bokeh.index.find_one(m).el.shadowRoot.querySelector(arguments[1]);")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(fn, what, timeout=TIMEOUT):
    t0 = time.monotonic()
    while time.monotonic() - t0 < timeout:
        v = fn()
        if v:
            return v
        time.sleep(0.1)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")


@pytest.fixture(scope="module")
def browser():
    """The page in headless chromium; the server and the browser start side by side (both take seconds)."""
    port = _free_port()
    env = dict(os.environ, PYTHONPATH=str(REPO) + os.pathsep + os.environ.get("PYTHONPATH", ""))
    proc = subprocess.Popen([sys.executable, "-m", "ptft_theory.cli", "explore", "--port", str(port), "--no-browser"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True, env=env, cwd=REPO)
    profile = tempfile.mkdtemp(prefix="ptft-chromium-")
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    for a in ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
              "--disable-component-update", "--disable-sync", "--no-first-run", "--window-size=1450,1150",
              f"--user-data-dir={profile}"):
        opts.add_argument(a)
    opts.set_capability("goog:loggingPrefs", {"browser": "ALL", "performance": "ALL"})
    from selenium.webdriver.chrome.service import Service
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)
    try:
        line = proc.stdout.readline()  # "ptft explore: serving ... at http://127.0.0.1:PORT/" once it listens
        assert f"127.0.0.1:{port}" in line, f"the server did not start: {line}{proc.stdout.read() if proc.poll() else ''}"
        import threading
        threading.Thread(target=lambda: SERVER_LOG.extend(proc.stdout), daemon=True).start()  # the server's log
        driver.get(f"http://127.0.0.1:{port}/")
        _wait(lambda: (driver.execute_script(JS_DATA, "curve_source") or {}).get("E"), "the first curve")
        _wait(lambda: (driver.execute_script(JS_DATA, "map_source") or {}).get("x"), "the regime map")
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
        proc.terminate()
        try:
            proc.wait(10)
        except subprocess.TimeoutExpired:
            proc.kill()


def _drag(driver, slider, dx=None):
    """A real mouse drag of a slider's handle by ``dx`` pixels (None: to the window's left edge, which is
    left of every track, so the slider goes to its start)."""
    from selenium.webdriver.common.action_chains import ActionChains
    handle = driver.execute_script(JS_SHADOW, slider, ".noUi-handle")
    if dx is None:
        r = handle.rect
        dx = 1 - int(r["x"] + r["width"] / 2)
    ActionChains(driver).click_and_hold(handle).move_by_offset(dx, 0).release().perform()


def _page_state(driver):
    c = 10.0 ** driver.execute_script(JS_VALUE, "log10_c_pt")
    return Init(c, driver.execute_script(JS_VALUE, "lambda_ratio") * c, driver.execute_script(JS_VALUE, "gamma_ft"))


TASK = Task(0.1, 0.05, 0.05)  # the page's default task
SERVER_LOG: list[str] = []  # what the server printed after its start line


def _check_curve_is_the_api(driver):
    """The page's curve is generalization_error at the sliders' values (float64 replica: the same path, so
    agreement to 1e-12 relative; only the browser's number transport is in between)."""
    data = driver.execute_script(JS_DATA, "curve_source")
    sigma = driver.execute_script(JS_VALUE, "sigma")
    want = np.asarray(generalization_error(TASK, _page_state(driver), np.asarray(data["alpha"]), sigma=sigma))
    np.testing.assert_allclose(data["E"], want, rtol=1e-12)


def test_page_loads_from_localhost_only(browser):
    _check_curve_is_the_api(browser)
    hosts = set()
    for entry in browser.get_log("performance"):
        msg = json.loads(entry["message"])["message"]
        if msg["method"] in ("Network.requestWillBeSent", "Network.webSocketCreated"):
            url = msg["params"].get("request", {}).get("url") or msg["params"].get("url", "")
            u = urlparse(url)
            if u.scheme in ("http", "https", "ws", "wss"):
                hosts.add(u.hostname)
    assert hosts == {"127.0.0.1"}, f"requests left localhost: {hosts}"


def test_slider_drag_redraws_the_curve(browser):
    before = browser.execute_script(JS_DATA, "curve_source")["E"]
    c_before = browser.execute_script(JS_VALUE, "log10_c_pt")
    _drag(browser, "log10_c_pt", 70)  # a real mouse drag of the c_PT handle, to the right (larger c_PT)
    _wait(lambda: browser.execute_script(JS_DATA, "curve_source")["E"] != before, "the curve to change")
    time.sleep(0.5)  # let the last update of the drag arrive
    assert browser.execute_script(JS_VALUE, "log10_c_pt") > c_before
    _check_curve_is_the_api(browser)
    label = regime(TASK, _page_state(browser), definition=S.FAST_DEFINITION).regime.value
    _wait(lambda: f"regime {label}" in browser.execute_script(JS_TEXT, "info"), f"the label {label}")
    marker = browser.execute_script(JS_DATA, "marker_source")
    assert marker["x"] == [browser.execute_script(JS_VALUE, "log10_c_pt")]


def test_frozen_init_shows_the_packages_message(browser, tmp_path_factory):
    _drag(browser, "gamma_ft")  # gamma_FT to 0 ...
    _drag(browser, "lambda_ratio")  # ... and lambda_PT to -c_PT: every coordinate frozen
    assert browser.execute_script(JS_VALUE, "lambda_ratio") == -1 and browser.execute_script(JS_VALUE, "gamma_ft") == 0
    _wait(lambda: "frozen" in browser.execute_script(JS_TEXT, "errors"), "the frozen-network message")
    assert browser.execute_script(JS_DATA, "curve_source")["E"] == []
    shot = tmp_path_factory.mktemp("explorer") / "explorer_frozen.png"
    browser.save_screenshot(str(shot))
    print(f"screenshot: {shot}")
    _drag(browser, "lambda_ratio", 40)  # the page recovers
    _wait(lambda: browser.execute_script(JS_DATA, "curve_source")["E"], "the curve back")
    _check_curve_is_the_api(browser)


def test_map_tap_moves_the_init(browser):
    from selenium.webdriver.common.action_chains import ActionChains
    x, y = 1.0, 0.5  # log10 c_PT, lambda_PT / c_PT
    r = browser.execute_script("""const m = Bokeh.documents[0].get_model_by_name('map_figure');
        const v = Bokeh.index.find_one(m); const b = v.el.getBoundingClientRect();
        return {sx: v.frame.x_scale.compute(arguments[0]), sy: v.frame.y_scale.compute(arguments[1]),
                w: b.width, h: b.height, el: v.el};""", x, y)
    ActionChains(browser).move_to_element_with_offset(r["el"], int(r["sx"] - r["w"] / 2),
                                                      int(r["sy"] - r["h"] / 2)).click().perform()
    # one screen pixel is ~0.015 in log10 c and ~0.006 in lambda/c on this map: 0.03 and 0.02 allow two pixels
    _wait(lambda: abs(browser.execute_script(JS_VALUE, "log10_c_pt") - x) < 0.03, "the tap to move c_PT")
    assert abs(browser.execute_script(JS_VALUE, "lambda_ratio") - y) < 0.02
    label = regime(TASK, _page_state(browser), definition=S.FAST_DEFINITION).regime.value
    _wait(lambda: f"regime {label}" in browser.execute_script(JS_TEXT, "info"), f"the label {label}")
    _check_curve_is_the_api(browser)


def test_advise_runs_in_background_and_moves_the_sliders(browser, tmp_path_factory):
    old = (browser.execute_script(JS_VALUE, "log10_c_pt"), browser.execute_script(JS_VALUE, "lambda_ratio"))
    browser.execute_script(JS_SHADOW, "advise", "button").click()
    _wait(lambda: "advising" in browser.execute_script(JS_TEXT, "advise_status"), "the progress indicator", 10)
    # the page stays live while the advisor runs: a slider still redraws the curve
    before = browser.execute_script(JS_DATA, "curve_source")["E"]
    _drag(browser, "sigma", 30)
    _wait(lambda: browser.execute_script(JS_DATA, "curve_source")["E"] != before, "a redraw during the advice")
    assert "advising" in browser.execute_script(JS_TEXT, "advise_status"), "the advice ended before the check"
    _wait(lambda: "advice (α_FT = 0.2, σ = 0" in browser.execute_script(JS_TEXT, "advise_status"), "the advice", 120)
    new = (browser.execute_script(JS_VALUE, "log10_c_pt"), browser.execute_script(JS_VALUE, "lambda_ratio"))
    assert new != old
    status = browser.execute_script(JS_TEXT, "advise_status")
    assert f"c_PT = {10 ** new[0]:.3g}" in status and f"λ_PT/c_PT = {new[1]:.3f}" in status
    time.sleep(1.0)  # the redraw of the advised init
    _check_curve_is_the_api(browser)
    from selenium.webdriver.common.action_chains import ActionChains
    title = browser.execute_script("const m = Bokeh.documents[0].get_model_by_name('title'); return Bokeh.index.find_one(m).el;")
    ActionChains(browser).move_to_element(title).perform()  # the pointer off the sliders: no tooltip in the picture
    time.sleep(0.3)
    shot = tmp_path_factory.mktemp("explorer") / "explorer.png"
    browser.save_screenshot(str(shot))
    print(f"screenshot: {shot}")
    if os.environ.get("PTFT_EXPLORER_SCREENSHOT"):
        shutil.copyfile(shot, os.environ["PTFT_EXPLORER_SCREENSHOT"])


def test_console_logged_no_error(browser):
    severe = [e for e in browser.get_log("browser") if e["level"] == "SEVERE"]
    assert not severe, severe
    bad = [line for line in SERVER_LOG if "Traceback" in line or "ERROR" in line or "Error" in line]
    assert not bad, "".join(SERVER_LOG)
