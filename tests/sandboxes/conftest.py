"""Fixtures for the Twikit sandbox tests.

Names start with ``twikit_sandbox_`` so they never clash with the shop's fixtures.
The browser tests run the sandbox on a real threaded server and a tiny "shop"
page on a second port, so the plugin works cross-origin as it does for real.
"""

import pytest

from sandboxes.twikit import create_app

from ..support.live import LiveServer

# A minimal shop page: includes the plugin script and records every callback. {jquery} is
# empty, or the script tag of the real jQuery the sandbox serves (/jquery: a shop theme with jQuery).
SHOP_PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Test shop</title></head>
<body>
  <div id="visualisation" style="width: 480px"></div>
  <div id="parameters"></div>
  {jquery}
  <script src="{sandbox}/plugin/v1/twikit.js"></script>
  <script>
    window.events = [];
    // Start a context whose callbacks all record into window.events.
    window.startTwikit = function (productKey, locale, extra) {{
      var options = Object.assign({{
        loaded: function () {{ events.push(['loaded']); }},
        parametersReady: function (parameters) {{
          // [is it a jQuery object, is it an array, how many elements, are they all elements]
          events.push(['parametersReady', Boolean(parameters.jquery), Array.isArray(parameters), parameters.length,
                       Array.prototype.every.call(parameters, function (e) {{ return e instanceof HTMLElement; }})]);
          document.getElementById('parameters').append.apply(document.getElementById('parameters'),
                                                              Array.prototype.slice.call(parameters));
        }},
        statusChanged: function (progress, status) {{ events.push(['statusChanged', progress, status]); }},
        variationChanged: function (variation) {{ events.push(['variationChanged', variation]); }}
      }}, extra || {{}});
      window.twikitContext = window.twikit.createContext(productKey, locale, '#visualisation', options);
      return true;
    }};
    // twikitContext.save() as a promise of [err message, saveData].
    window.saveTwikit = function () {{
      return new Promise(function (resolve) {{
        twikitContext.save(function (err, saveData) {{
          resolve([err ? String(err.message || err) : null, saveData || null]);
        }});
      }});
    }};
  </script>
</body></html>
"""


@pytest.fixture
def twikit_sandbox_app(tmp_path):
    """A sandbox app with its own fresh database file."""
    return create_app({
        "SANDBOX_DATABASE": str(tmp_path / "twikit-sandbox.sqlite"),
        "PUBLIC_URL": "http://sandbox.test",
        "TESTING": True,
    })


@pytest.fixture
def twikit_sandbox_client(twikit_sandbox_app):
    return twikit_sandbox_app.test_client()


@pytest.fixture(scope="session")
def twikit_sandbox_live_app(tmp_path_factory):
    """The app behind twikit_sandbox_live, for tests that change its data (e.g. publish)."""
    database = tmp_path_factory.mktemp("twikit-sandbox") / "live.sqlite"
    return create_app({"SANDBOX_DATABASE": str(database), "TESTING": True})


@pytest.fixture(scope="session")
def twikit_sandbox_live(twikit_sandbox_live_app):
    """The sandbox on a real port; yields its base URL."""
    with LiveServer(app=twikit_sandbox_live_app) as live:
        yield live.url


@pytest.fixture(scope="session")
def twikit_sandbox_shop(twikit_sandbox_live):
    """A one-page "shop" on another port (so another origin) that loads the plugin."""
    body = SHOP_PAGE.format(sandbox=twikit_sandbox_live, jquery="").encode()
    jquery_tag = f'<script src="{twikit_sandbox_live}/static/vendor/jquery-3.6.1.min.js"></script>'
    with_jquery = SHOP_PAGE.format(sandbox=twikit_sandbox_live, jquery=jquery_tag).encode()
    # A policy like the real shop's: the plugin may only load from and talk to its own origin.
    # Playwright's wait_for_function needs 'unsafe-eval'; /strict leaves it out, to prove
    # the plugin itself never evaluates strings.
    strict = (f"default-src 'self'; script-src 'self' 'unsafe-inline' {twikit_sandbox_live}; "
              f"connect-src 'self' {twikit_sandbox_live}; img-src 'self' data: {twikit_sandbox_live}; "
              "style-src 'self' 'unsafe-inline'")
    relaxed = strict.replace("'unsafe-inline' ", "'unsafe-inline' 'unsafe-eval' ", 1)

    def shop(environ, start_response):
        policy = strict if environ["PATH_INFO"] == "/strict" else relaxed
        page = with_jquery if environ["PATH_INFO"] == "/jquery" else body
        start_response("200 OK", [("Content-Type", "text/html; charset=utf-8"),
                                  ("Content-Security-Policy", policy),
                                  ("Content-Length", str(len(page)))])
        return [page]

    with LiveServer(app=shop) as live:
        yield live.url + "/"


@pytest.fixture(scope="session")
def twikit_sandbox_browser(browser):
    """The suite's one Chromium (tests/support/browser.py): Playwright's sync API allows one driver per process."""
    return browser


@pytest.fixture
def twikit_sandbox_page(twikit_sandbox_browser):
    """A fresh browser page; uncaught page errors fail the test."""
    context = twikit_sandbox_browser.new_context(viewport={"width": 900, "height": 700})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(error))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"
