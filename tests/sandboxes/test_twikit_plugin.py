"""The Twikit sandbox's plugin: the versioned script, saves, previews, and the plugin in Chromium."""

import base64
import json
import sqlite3

import pytest
import requests

from sandboxes.twikit import products, versions

PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
TINY_PNG = PNG_SIGNATURE + b"\x00\x00\x00\rIHDR" + b"\x00" * 17  # the sandbox checks only the signature


def data_url(raw: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(raw).decode()


def save_body(**changes) -> dict:
    """A valid save request for a gold letter Q, with ``changes`` applied."""
    body = {
        "productKey": "diamond-letter-jewel",
        "version": 1,
        "parameters": {"letter": "Q", "size": "large", "material": "gold"},
        "variation": {"id": "gold", "sku": "DLJ-GOLD"},
        "previewPng": data_url(TINY_PNG),
    }
    body.update(changes)
    return body


# ---------------------------------------------------------------- the script


def test_script_is_served_per_version_and_cached_for_good(twikit_sandbox_client):
    response = twikit_sandbox_client.get("/plugin/v1/twikit.js")
    assert response.status_code == 200
    assert response.mimetype == "text/javascript"
    assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    script = response.get_data(as_text=True)
    assert "window.twikit = {" in script
    assert "var PLUGIN_VERSION = 1;" in script
    for key in ("diamond-letter-jewel", "name-keyring", "geo-lamp", "DLJ-GOLD", "NKR-LRG", "GEO-TALL"):
        assert key in script
    assert "wave-vase" not in script  # only in the unpublished "next" set


def test_unknown_script_version_is_404(twikit_sandbox_client):
    assert twikit_sandbox_client.get("/plugin/v2/twikit.js").status_code == 404
    assert twikit_sandbox_client.get("/plugin/v0/twikit.js").status_code == 404


def test_publishing_freezes_a_new_version_and_leaves_v1_alone(twikit_sandbox_app, twikit_sandbox_client):
    with twikit_sandbox_app.app_context():
        assert versions.publish(products.NEXT_PRODUCTS) == 2
    v2 = twikit_sandbox_client.get("/plugin/v2/twikit.js").get_data(as_text=True)
    assert "WVS-LRG" in v2 and "RENDERERS['wave-vase']" in v2
    assert "wave-vase" not in twikit_sandbox_client.get("/plugin/v1/twikit.js").get_data(as_text=True)


# ---------------------------------------------------------------- saving


def test_save_preflight_allows_any_origin(twikit_sandbox_client):
    response = twikit_sandbox_client.options(
        "/api/plugin/configurations",
        headers={"Origin": "http://shop.test", "Access-Control-Request-Method": "POST",
                 "Access-Control-Request-Headers": "content-type"},
    )
    assert response.status_code == 204
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "POST" in response.headers["Access-Control-Allow-Methods"]
    assert "Content-Type" in response.headers["Access-Control-Allow-Headers"]


def test_save_answers_configuration_id_and_preview_url(twikit_sandbox_client):
    response = twikit_sandbox_client.post("/api/plugin/configurations", json=save_body())
    assert response.status_code == 201
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert response.json == {"configurationId": 1001, "previewUrl": "http://sandbox.test/previews/1001.png"}
    second = twikit_sandbox_client.post("/api/plugin/configurations", json=save_body())
    assert second.json["configurationId"] == 1002


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"productKey": "wave-vase"}, "unknown product key"),
        ({"productKey": None}, "unknown product key"),
        ({"version": 9}, "unknown plugin version"),
        ({"version": True}, "unknown plugin version"),
        ({"parameters": {"letter": "QQ", "size": "large", "material": "gold"}}, "letter"),
        ({"parameters": {"letter": "q", "size": "large", "material": "gold"}}, "letter"),
        ({"parameters": {"letter": "Q", "size": "huge", "material": "gold"}}, "size must be one of"),
        ({"parameters": {"letter": "Q", "size": "large"}}, "missing parameter: material"),
        ({"parameters": {"letter": "Q", "size": "large", "material": "gold", "engraving": "x"}}, "unknown parameter"),
        ({"parameters": "letter=Q"}, "parameters must be an object"),
        ({"variation": {"id": "silver", "sku": "DLJ-SILVER"}}, "variation does not match"),
        ({"variation": {"id": "gold", "sku": "DLJ-SILVER"}}, "variation does not match"),
        ({"variation": None}, "variation does not match"),
        ({"previewPng": data_url(b"GIF89a" + b"\x00" * 40)}, "not a PNG"),
        ({"previewPng": data_url(PNG_SIGNATURE + b"\x00" * (2 * 1024 * 1024))}, "too large"),
        ({"previewPng": "data:image/png;base64,@@@@"}, "not valid base64"),
        ({"previewPng": "https://example.test/preview.png"}, "data:image/png;base64"),
    ],
)
def test_save_rejects_bad_input_with_a_reason(twikit_sandbox_client, changes, message):
    response = twikit_sandbox_client.post("/api/plugin/configurations", json=save_body(**changes))
    assert response.status_code == 400
    assert message in response.json["error"]
    assert response.headers["Access-Control-Allow-Origin"] == "*"


@pytest.mark.parametrize(
    ("product_key", "parameters", "variation"),
    [
        ("name-keyring", {"text": "Anna 7", "colour": "mint", "thickness": 4, "size": "large"},
         {"id": "large", "sku": "NKR-LRG"}),
        ("geo-lamp", {"height": "tall", "twist": 90, "density": 24, "colour": "sage"},
         {"id": "tall", "sku": "GEO-TALL"}),
    ],
)
def test_save_accepts_every_v1_product(twikit_sandbox_client, product_key, parameters, variation):
    body = save_body(productKey=product_key, parameters=parameters, variation=variation)
    assert twikit_sandbox_client.post("/api/plugin/configurations", json=body).status_code == 201


@pytest.mark.parametrize(
    "parameters",
    [
        {"text": "   ", "colour": "mint", "thickness": 4, "size": "large"},          # nothing to print
        {"text": "Anna!", "colour": "mint", "thickness": 4, "size": "large"},       # not printable
        {"text": "Anna", "colour": "mint", "thickness": 7, "size": "large"},        # out of range
        {"text": "Anna", "colour": "mint", "thickness": 2.5, "size": "large"},      # off the step
        {"text": "Anna", "colour": "mint", "thickness": "4", "size": "large"},      # not a number
        {"text": "Anna", "colour": "mint", "thickness": True, "size": "large"},     # not a number
    ],
)
def test_save_checks_text_and_range_parameters(twikit_sandbox_client, parameters):
    body = save_body(productKey="name-keyring", parameters=parameters, variation={"id": "large", "sku": "NKR-LRG"})
    assert twikit_sandbox_client.post("/api/plugin/configurations", json=body).status_code == 400


def test_save_rejects_a_body_that_is_not_json(twikit_sandbox_client):
    response = twikit_sandbox_client.post("/api/plugin/configurations", data="configurationId=1",
                                          content_type="application/x-www-form-urlencoded")
    assert response.status_code == 400
    assert "JSON object" in response.json["error"]


def test_save_refuses_an_absurd_body_before_reading_it(twikit_sandbox_client):
    response = twikit_sandbox_client.post("/api/plugin/configurations", data=b" " * (5 * 1024 * 1024),
                                          content_type="application/json")
    assert response.status_code == 413
    assert "error" in response.json and response.headers["Access-Control-Allow-Origin"] == "*"


# ---------------------------------------------------------------- reading back


def test_preview_serves_the_stored_png(twikit_sandbox_client):
    saved = twikit_sandbox_client.post("/api/plugin/configurations", json=save_body())
    configuration_id = saved.json["configurationId"]
    response = twikit_sandbox_client.get(f"/previews/{configuration_id}.png")
    assert response.status_code == 200
    assert response.mimetype == "image/png"
    assert response.data == TINY_PNG
    assert response.headers["Access-Control-Allow-Origin"] == "*"
    assert "max-age" in response.headers["Cache-Control"]
    assert twikit_sandbox_client.get("/previews/999999.png").status_code == 404


def test_configuration_json_returns_what_was_saved(twikit_sandbox_client):
    saved = twikit_sandbox_client.post("/api/plugin/configurations", json=save_body())
    configuration_id = saved.json["configurationId"]
    configuration = twikit_sandbox_client.get(f"/api/sandbox/configurations/{configuration_id}").json
    assert configuration["configurationId"] == configuration_id
    assert configuration["productKey"] == "diamond-letter-jewel"
    assert configuration["version"] == 1
    assert configuration["parameters"] == {"letter": "Q", "size": "large", "material": "gold"}
    assert configuration["variation"] == {"id": "gold", "sku": "DLJ-GOLD"}
    assert configuration["previewUrl"] == f"http://sandbox.test/previews/{configuration_id}.png"
    missing = twikit_sandbox_client.get("/api/sandbox/configurations/5")
    assert missing.status_code == 404 and "unknown configuration" in missing.json["error"]


def test_home_page_lists_versions_and_latest_saves(twikit_sandbox_client):
    twikit_sandbox_client.post("/api/plugin/configurations", json=save_body())
    page = twikit_sandbox_client.get("/").get_data(as_text=True)
    assert "Twikit sandbox — stands in for Twikit's Integration Publisher" in page
    assert "http://sandbox.test/plugin/v1/twikit.js" in page
    assert "geo-lamp" in page and "name-keyring" in page
    assert 'src="/previews/1001.png"' in page and "DLJ-GOLD" in page


def test_try_page_and_health(twikit_sandbox_client):
    assert twikit_sandbox_client.get("/try/v1/geo-lamp").status_code == 200
    assert twikit_sandbox_client.get("/try/v1/wave-vase").status_code == 404
    assert twikit_sandbox_client.get("/healthz").json == {"status": "ok"}


def test_storage_uses_wal_and_its_own_file(twikit_sandbox_app):
    connection = sqlite3.connect(twikit_sandbox_app.config["SANDBOX_DATABASE"])
    try:
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        (stored,) = connection.execute("SELECT products_json FROM plugin_versions WHERE version = 1").fetchone()
    finally:
        connection.close()
    assert [product["key"] for product in json.loads(stored)] == ["diamond-letter-jewel", "name-keyring", "geo-lamp"]


# ---------------------------------------------------------------- the plugin in Chromium

LOADED = "window.events.some(e => e[0] === 'loaded')"


def open_shop(page, shop_url, product_key="diamond-letter-jewel", locale="en", extra_options=None):
    """Load the test shop, start a context, and wait until it is loaded and drawn."""
    page.goto(shop_url)
    page.evaluate("([key, locale, extra]) => startTwikit(key, locale, extra)",
                  [product_key, locale, extra_options or {}])
    page.wait_for_function(LOADED)


def events(page, name):
    return [event[1:] for event in page.evaluate("window.events") if event[0] == name]


@pytest.mark.browser
def test_plugin_loads_with_progress_controls_and_variation(twikit_sandbox_page, twikit_sandbox_shop):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop)
    statuses = events(twikit_sandbox_page, "statusChanged")
    assert statuses[0] == [0, "loading"]
    assert statuses[-1] == [100, "ready"]
    progress = [value for value, status in statuses if status == "loading"]
    assert any(0 < value < 100 for value in progress), statuses
    assert progress == sorted(progress)
    # "HTML elements", one per parameter; no jQuery on this page, so a plain array of them.
    assert events(twikit_sandbox_page, "parametersReady") == [[False, True, 3, True]]
    # variationChanged is promised "when a change in parameters causes" another variant: not at load.
    assert events(twikit_sandbox_page, "variationChanged") == []
    assert twikit_sandbox_page.evaluate("twikitContext.getVariation()") == {"id": "silver", "sku": "DLJ-SILVER",
                                                                           "price": 49}
    names = twikit_sandbox_page.eval_on_selector_all("#parameters [data-twikit-parameter]",
                                                     "els => els.map(e => e.name)")
    assert names == ["letter", "size", "material"]
    # Every control has a label, and the canvas fills the target's width, sharp on HiDPI.
    assert twikit_sandbox_page.get_by_label("Material").input_value() == "silver"
    canvas = twikit_sandbox_page.evaluate(
        "(() => { const c = document.querySelector('#visualisation canvas');"
        " const pixels = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;"
        " let drawn = 0; for (let i = 3; i < pixels.length; i += 4) if (pixels[i]) drawn++;"
        " return {css: c.getBoundingClientRect().width, width: c.width, ratio: devicePixelRatio, drawn}; })()"
    )
    assert canvas["css"] == 480 and canvas["width"] == 480 * canvas["ratio"]
    assert canvas["drawn"] > 5000  # the pendant was really drawn


@pytest.mark.browser
@pytest.mark.parametrize(
    ("product_key", "control", "value", "sku", "price"),
    [
        ("diamond-letter-jewel", "material", "gold", "DLJ-GOLD", 89),
        ("name-keyring", "size", "large", "NKR-LRG", 22),
        ("geo-lamp", "height", "tall", "GEO-TALL", 99),
    ],
)
def test_changing_a_control_fires_variation_changed(twikit_sandbox_page, twikit_sandbox_shop,
                                                    product_key, control, value, sku, price):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop, product_key)
    twikit_sandbox_page.select_option(f"select[name={control}]", value)
    twikit_sandbox_page.wait_for_function("window.events.filter(e => e[0] === 'variationChanged').length === 1")
    assert events(twikit_sandbox_page, "variationChanged")[-1][0]["sku"] == sku
    assert events(twikit_sandbox_page, "variationChanged")[-1][0]["price"] == price
    twikit_sandbox_page.wait_for_function("window.events.filter(e => e[0] === 'statusChanged').pop()[2] === 'ready'")
    after_change = events(twikit_sandbox_page, "statusChanged")
    assert [0, "busy"] in after_change and after_change[-1] == [100, "ready"]


@pytest.mark.browser
def test_a_change_within_the_same_variation_fires_nothing(twikit_sandbox_page, twikit_sandbox_shop):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop, "name-keyring")
    twikit_sandbox_page.check("input[name=colour][value=coral]")
    twikit_sandbox_page.fill("input[name=text]", "Mila")
    twikit_sandbox_page.wait_for_function("twikitContext.getParameters().text === 'Mila'")
    assert twikit_sandbox_page.evaluate("twikitContext.getParameters().colour") == "coral"
    assert events(twikit_sandbox_page, "variationChanged") == []


@pytest.mark.browser
def test_save_answers_an_id_and_a_preview_url_serving_a_png(twikit_sandbox_page, twikit_sandbox_shop,
                                                           twikit_sandbox_live):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop)
    twikit_sandbox_page.fill("input[name=letter]", "q")  # typed lower case, made upper case
    twikit_sandbox_page.select_option("select[name=material]", "gold")
    err, save_data = twikit_sandbox_page.evaluate("saveTwikit()")
    assert err is None
    assert isinstance(save_data["configurationId"], int) and save_data["configurationId"] > 1000
    assert save_data["previewUrl"] == f"{twikit_sandbox_live}/previews/{save_data['configurationId']}.png"
    preview = requests.get(save_data["previewUrl"], timeout=10)
    assert preview.headers["Content-Type"] == "image/png" and preview.content.startswith(PNG_SIGNATURE)
    stored = requests.get(f"{twikit_sandbox_live}/api/sandbox/configurations/{save_data['configurationId']}",
                          timeout=10).json()
    assert stored["parameters"] == {"letter": "Q", "size": "medium", "material": "gold"}
    assert stored["variation"] == {"id": "gold", "sku": "DLJ-GOLD"}


@pytest.mark.browser
@pytest.mark.parametrize(("option", "corner_alpha"), [(None, 255), ("", 0), ("#eeeeee", 255)])
def test_preview_background_defaults_to_white_and_blank_means_transparent(
        twikit_sandbox_page, twikit_sandbox_shop, option, corner_alpha):
    extra = {} if option is None else {"previewBackgroundColor": option}
    open_shop(twikit_sandbox_page, twikit_sandbox_shop, "geo-lamp", extra_options=extra)
    err, save_data = twikit_sandbox_page.evaluate("saveTwikit()")
    assert err is None
    corner = twikit_sandbox_page.evaluate(
        """url => new Promise((resolve) => {
             const image = new Image(); image.crossOrigin = 'anonymous';
             image.onload = () => {
               const c = document.createElement('canvas'); c.width = image.width; c.height = image.height;
               const ctx = c.getContext('2d'); ctx.drawImage(image, 0, 0);
               resolve([image.width, Array.from(ctx.getImageData(2, 2, 1, 1).data)]); };
             image.src = url; })""",
        save_data["previewUrl"],
    )
    assert corner[0] == 600
    assert corner[1][3] == corner_alpha
    if option == "#eeeeee":
        assert corner[1][:3] == [238, 238, 238]


@pytest.mark.browser
def test_save_reports_http_and_network_errors(twikit_sandbox_page, twikit_sandbox_shop):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop)
    twikit_sandbox_page.route("**/api/plugin/configurations", lambda route: route.fulfill(
        status=400, content_type="application/json", headers={"Access-Control-Allow-Origin": "*"},
        body=json.dumps({"error": "letter has characters that cannot be made"})))
    err, save_data = twikit_sandbox_page.evaluate("saveTwikit()")
    assert save_data is None and "cannot be made" in err and "HTTP 400" in err
    twikit_sandbox_page.unroute("**/api/plugin/configurations")
    twikit_sandbox_page.route("**/api/plugin/configurations", lambda route: route.abort())
    err, save_data = twikit_sandbox_page.evaluate("saveTwikit()")
    assert save_data is None and "could not be reached" in err


@pytest.mark.browser
def test_dutch_locale_translates_the_controls(twikit_sandbox_page, twikit_sandbox_shop):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop, locale="nl-BE")
    assert twikit_sandbox_page.get_by_label("Materiaal").input_value() == "silver"
    assert twikit_sandbox_page.get_by_label("Maat").is_visible()
    assert "Sterling zilver" in twikit_sandbox_page.inner_text("#parameters")
    assert twikit_sandbox_page.eval_on_selector_all("#parameters .twikit-field", "els => els.map(e => e.lang)") \
        == ["nl", "nl", "nl"]


@pytest.mark.browser
def test_default_locale_falls_back_to_english(twikit_sandbox_page, twikit_sandbox_shop):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop, "geo-lamp", locale="default")
    assert twikit_sandbox_page.get_by_label("Twist").is_visible()
    assert twikit_sandbox_page.get_by_role("group", name="Colour").is_visible()


@pytest.mark.browser
def test_can_visualize_for_browser(twikit_sandbox_page, twikit_sandbox_shop):
    twikit_sandbox_page.goto(twikit_sandbox_shop)
    assert twikit_sandbox_page.evaluate("window.twikit.canVisualizeForBrowser()") is True


@pytest.mark.browser
def test_cannot_visualize_without_canvas(twikit_sandbox_page, twikit_sandbox_shop):
    twikit_sandbox_page.add_init_script("HTMLCanvasElement.prototype.getContext = () => null")
    twikit_sandbox_page.goto(twikit_sandbox_shop)
    assert twikit_sandbox_page.evaluate("window.twikit.canVisualizeForBrowser()") is False


@pytest.mark.browser
def test_with_jquery_on_the_page_parameters_ready_hands_over_a_jquery_object(twikit_sandbox_page,
                                                                             twikit_sandbox_shop):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop + "jquery")
    assert twikit_sandbox_page.evaluate("jQuery.fn.jquery") == "3.6.1"  # the real one, vendored in the sandbox
    assert events(twikit_sandbox_page, "parametersReady") == [[True, False, 3, True]]
    assert twikit_sandbox_page.eval_on_selector_all("#parameters [data-twikit-parameter]",
                                                    "els => els.map(e => e.name)") == ["letter", "size", "material"]


@pytest.mark.browser
def test_initialize_takes_a_jquery_target_and_the_spec_example_spelling(twikit_sandbox_page, twikit_sandbox_shop):
    twikit_sandbox_page.goto(twikit_sandbox_shop + "jquery")
    # The spec's own example, to the letter: $('#visualization'), 'default' and "parameterReady".
    twikit_sandbox_page.evaluate("""() => {
        window.received = [];
        window.twikit.initialize('diamond-letter-jewel', 'default', $('#visualisation'), {
          parameterReady: (parameters) => { received.push(parameters.jquery); $('#parameters').append(parameters); },
          loaded: () => received.push('loaded')
        });
    }""")
    twikit_sandbox_page.wait_for_function("received.includes('loaded')")
    assert twikit_sandbox_page.evaluate("received") == ["3.6.1", "loaded"]
    assert twikit_sandbox_page.locator("#parameters [data-twikit-parameter]").count() == 3
    assert twikit_sandbox_page.locator("#visualisation canvas").count() == 1


@pytest.mark.browser
def test_unknown_product_key_throws_a_clear_error(twikit_sandbox_page, twikit_sandbox_shop):
    twikit_sandbox_page.goto(twikit_sandbox_shop)
    message = twikit_sandbox_page.evaluate(
        "() => { try { twikit.createContext('wave-vase', 'en', '#visualisation', {}); }"
        " catch (e) { return e.message; } }")
    assert 'unknown product key "wave-vase"' in message and "geo-lamp" in message


@pytest.mark.browser
@pytest.mark.parametrize(
    ("product_key", "changes"),
    [
        ("diamond-letter-jewel", {"letter": "W", "size": "small", "material": "gold"}),
        ("name-keyring", {"text": "Jo", "colour": "sunflower", "thickness": 6, "size": "large"}),
        ("geo-lamp", {"height": "tall", "twist": 0, "density": 6, "colour": "charcoal"}),
    ],
)
def test_every_parameter_changes_the_picture(twikit_sandbox_page, twikit_sandbox_shop, product_key, changes):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop, product_key, extra_options={"autoRotate": False})
    picture = "document.querySelector('#visualisation canvas').toDataURL()"
    for name, value in changes.items():
        before = twikit_sandbox_page.evaluate(picture)
        twikit_sandbox_page.evaluate("([name, value]) => twikitContext.setParameter(name, value)", [name, value])
        twikit_sandbox_page.wait_for_function(
            "window.events.filter(e => e[0] === 'statusChanged').pop()[2] === 'ready'")
        assert twikit_sandbox_page.evaluate(picture) != before, f"{name}={value} did not change the picture"
        assert twikit_sandbox_page.input_value(f"[name={name}]") == str(value) or name == "colour"


@pytest.mark.browser
def test_arrow_keys_turn_the_object(twikit_sandbox_page, twikit_sandbox_shop):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop, "geo-lamp", extra_options={"autoRotate": False})
    picture = "document.querySelector('#visualisation canvas').toDataURL()"
    before = twikit_sandbox_page.evaluate(picture)
    twikit_sandbox_page.focus("#visualisation canvas")
    twikit_sandbox_page.keyboard.press("ArrowRight")
    twikit_sandbox_page.wait_for_function(f"{picture} !== {json.dumps(before)}")


@pytest.mark.browser
def test_set_parameter_rejects_bad_values_and_destroy_cleans_up(twikit_sandbox_page, twikit_sandbox_shop):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop, "name-keyring")
    message = twikit_sandbox_page.evaluate(
        "() => { try { twikitContext.setParameter('thickness', 9); } catch (e) { return e.message; } }")
    assert "not a valid thickness" in message
    twikit_sandbox_page.evaluate("twikitContext.destroy()")
    leftovers = "document.querySelectorAll('#visualisation canvas, .twikit-field').length"
    assert twikit_sandbox_page.evaluate(leftovers) == 0
    err, save_data = twikit_sandbox_page.evaluate("saveTwikit()")
    assert save_data is None and "destroyed" in err


@pytest.mark.browser
def test_a_published_version_brings_the_next_product(twikit_sandbox_page, twikit_sandbox_live, twikit_sandbox_live_app):
    with twikit_sandbox_live_app.app_context():
        version = versions.publish(products.NEXT_PRODUCTS)
    twikit_sandbox_page.goto(f"{twikit_sandbox_live}/healthz")  # any page on an http origin
    twikit_sandbox_page.add_script_tag(url=f"{twikit_sandbox_live}/plugin/v{version}/twikit.js")
    assert twikit_sandbox_page.evaluate("twikit.products") == [
        "diamond-letter-jewel", "geo-lamp", "name-keyring", "wave-vase"]
    twikit_sandbox_page.evaluate("""() => {
        document.body.innerHTML = '<div id="vase" style="width: 400px"></div>';
        window.variations = [];
        window.vase = twikit.createContext('wave-vase', 'nl', '#vase', {
          variationChanged: (variation) => variations.push(variation.sku) });
        vase.setParameter('height', 'large');
    }""")
    twikit_sandbox_page.wait_for_function("vase.getVariation() && variations.includes('WVS-LRG')")
    err, save_data = twikit_sandbox_page.evaluate(
        "new Promise((resolve) => vase.save((err, data) => resolve([err && err.message, data])))")
    assert err is None
    stored = requests.get(f"{twikit_sandbox_live}/api/sandbox/configurations/{save_data['configurationId']}",
                          timeout=10).json()
    assert stored["version"] == version and stored["variation"]["sku"] == "WVS-LRG"


@pytest.mark.browser
def test_plugin_works_under_a_strict_content_security_policy(twikit_sandbox_page, twikit_sandbox_shop):
    twikit_sandbox_page.add_init_script(
        "window.violations = []; document.addEventListener('securitypolicyviolation',"
        " (e) => violations.push(e.violatedDirective + ' ' + e.blockedURI))")
    twikit_sandbox_page.goto(twikit_sandbox_shop + "strict")  # no 'unsafe-eval', so no wait_for_function here
    twikit_sandbox_page.evaluate(
        "() => new Promise((resolve) => startTwikit('name-keyring', 'en', { loaded: resolve }))")
    err, save_data = twikit_sandbox_page.evaluate("saveTwikit()")
    assert err is None and save_data["configurationId"] > 1000
    assert twikit_sandbox_page.evaluate("violations") == []


@pytest.mark.browser
def test_a_value_that_cannot_be_made_is_flagged_by_constraint_validation(twikit_sandbox_page, twikit_sandbox_shop):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop)
    letter = twikit_sandbox_page.locator("input[name=letter]")
    letter.fill("7")  # a digit for a letter: the plugin keeps drawing the last valid one
    flagged = letter.evaluate("e => [e.validity.valid, e.validity.customError, e.validationMessage, e.value]")
    assert flagged == [False, True, "Not possible. One letter, A to Z.", "7"]
    assert twikit_sandbox_page.evaluate("twikitContext.getParameters().letter") == "A"
    letter.fill("m")
    assert letter.evaluate("e => [e.validity.valid, e.value]") == [True, "M"]
    twikit_sandbox_page.wait_for_function("twikitContext.getParameters().letter === 'M'")


@pytest.mark.browser
@pytest.mark.parametrize("typed, kept", [
    ("Zoë", "Zoë"),
    ("Anne-Marie", "Anne-Marie"),
    ("Zoe\u0308", "Zoë"),      # typed as e + combining diaeresis (macOS): stored composed
    ("Łukasz", "Łukasz"),
])
def test_names_with_accents_and_hyphens_are_accepted_and_saved(twikit_sandbox_page, twikit_sandbox_shop,
                                                                twikit_sandbox_live, typed, kept):
    open_shop(twikit_sandbox_page, twikit_sandbox_shop, "name-keyring")
    name = twikit_sandbox_page.locator("input[name=text]")
    name.fill(typed)
    assert name.evaluate("e => [e.validity.valid, e.value]") == [True, kept]
    twikit_sandbox_page.wait_for_function(f"twikitContext.getParameters().text === {json.dumps(kept)}")
    err, save_data = twikit_sandbox_page.evaluate("saveTwikit()")
    assert err is None
    stored = requests.get(f"{twikit_sandbox_live}/api/sandbox/configurations/{save_data['configurationId']}",
                          timeout=10).json()
    assert stored["parameters"]["text"] == kept


@pytest.mark.parametrize("text, accepted", [
    ("Zoë", True), ("Anne-Marie", True), ("Søren", True), ("François", True), ("Ødegård", True),
    ("Zoe\u0308", False),  # not composed: the plugin composes it before saving
    ("Anna!", False), ("---", False), ("Þór", False),  # a letter the production font cannot print
])
def test_the_server_accepts_the_names_the_font_can_print(twikit_sandbox_client, text, accepted):
    parameters = {"text": text, "colour": "mint", "thickness": 4, "size": "large"}
    body = save_body(productKey="name-keyring", parameters=parameters, variation={"id": "large", "sku": "NKR-LRG"})
    response = twikit_sandbox_client.post("/api/plugin/configurations", json=body)
    assert response.status_code == (201 if accepted else 400), response.json


@pytest.mark.browser
@pytest.mark.parametrize("query", ["", "?jquery=1"])
def test_the_try_page_shows_a_product_as_a_shop_gets_it(twikit_sandbox_page, twikit_sandbox_live, query):
    twikit_sandbox_page.goto(f"{twikit_sandbox_live}/try/v1/diamond-letter-jewel{query}")
    twikit_sandbox_page.wait_for_function("!document.getElementById('save').disabled")
    assert twikit_sandbox_page.locator("#parameters [data-twikit-parameter]").count() == 3
    assert twikit_sandbox_page.inner_text("#variation") == "DLJ-SILVER (49, default)"
    assert twikit_sandbox_page.evaluate("typeof window.jQuery") == ("function" if query else "undefined")
    twikit_sandbox_page.select_option("select[name=material]", "gold")
    twikit_sandbox_page.wait_for_function("document.getElementById('variation').textContent === 'DLJ-GOLD (89)'")
