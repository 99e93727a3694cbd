"""The shop in Dutch: every marked text translated, the locale chosen per request, and Dutch where customers read.

The first test is the one that fails when someone adds ``_("New text")`` without
its Dutch: run ``scripts/translations update``, translate the new entries in
storefront/translations/nl/LC_MESSAGES/messages.po, and it passes.
"""

import os
import re
import shutil
from pathlib import Path

import pytest

from storefront import message_catalogs
from storefront.i18n import LOCALES
from storefront.orders.states import LABELS

from ..support.factories import add_to_cart
from ..support.forms import csrf_token_from


@pytest.fixture(scope="module")
def extracted():
    return message_catalogs.extract()


def test_every_marked_text_has_a_translation_in_every_language(extracted):
    assert message_catalogs.locales() == sorted(set(LOCALES) - {"en"})
    problems = [problem for locale in message_catalogs.locales()
                for problem in message_catalogs.problems(locale, extracted)]
    assert problems == [], "run scripts/translations update, then translate:\n" + "\n".join(problems)


def test_the_check_finds_a_text_without_a_translation(monkeypatch, tmp_path):
    """The test above can fail: a new text, or a fuzzy guess, is reported by name."""
    extracted = message_catalogs.extract()
    extracted.add("A text someone just added")
    catalog = message_catalogs.read_catalog("nl")
    catalog.get("Paid").flags.add("fuzzy")  # a guess by `update`, not yet checked by a person
    monkeypatch.setattr(message_catalogs, "SOURCE_DIR", tmp_path)
    message_catalogs._write("nl", catalog)
    assert sorted(message_catalogs.problems("nl", extracted)) == [
        "nl: no translation for 'A text someone just added'", "nl: no translation for 'Paid'"]


def test_every_status_label_is_marked_and_translated(extracted):
    # Others add statuses: their label must be marked with N_() to reach the catalogs.
    unmarked = [label for label in LABELS.values() if extracted.get(label) is None]
    assert unmarked == [], "mark these LABELS with N_() in storefront/orders/states.py"


def test_the_app_compiles_the_catalogs_at_start_and_again_when_they_change(app, tmp_path):
    compiled = Path(app.instance_path) / "translations" / "nl" / "LC_MESSAGES" / "messages.mo"
    assert compiled.exists() and app.config["BABEL_TRANSLATION_DIRECTORIES"] == str(compiled.parents[2])
    built = compiled.stat().st_mtime_ns
    message_catalogs.compile_catalogs(compiled.parents[2])
    assert compiled.stat().st_mtime_ns == built  # up to date: left alone
    stale = message_catalogs.catalog_path("nl").stat().st_mtime_ns - 10**9
    os.utime(compiled, ns=(stale, stale))  # older than its .po: the catalog was edited since
    message_catalogs.compile_catalogs(compiled.parents[2])
    assert compiled.stat().st_mtime_ns > stale


def test_a_read_only_instance_folder_still_gets_dutch(monkeypatch, tmp_path):
    from storefront import create_app

    from ..support.shop import shop_config

    compile_for_real = message_catalogs.compile_catalogs

    def read_only_instance(target):
        if str(target).startswith(str(tmp_path)):
            raise PermissionError(13, "Read-only file system", str(target))
        return compile_for_real(target)

    monkeypatch.setattr(message_catalogs, "compile_catalogs", read_only_instance)
    app = create_app(shop_config(tmp_path, f"sqlite:///{tmp_path / 'shop.sqlite3'}"))
    assert not app.config["BABEL_TRANSLATION_DIRECTORIES"].startswith(str(tmp_path))
    with app.test_request_context("/?lang=nl"):
        from flask_babel import gettext

        assert gettext("Paid") == "Betaald"
    shutil.rmtree(app.config["BABEL_TRANSLATION_DIRECTORIES"])


def test_the_locale_comes_from_the_url_then_the_choice_then_the_browser(client, demo_catalog):
    def lang(path="/", **headers):
        return client.get(path, headers=headers).get_data(as_text=True).split('<html lang="')[1][:2]

    assert lang() == "en" and lang(**{"Accept-Language": "nl-BE,nl;q=0.9"}) == "nl"
    assert lang("/?lang=nl") == "nl" and lang("/?lang=xx") == "en"
    token = csrf_token_from(client.get("/").get_data(as_text=True))
    client.post("/locale", data={"csrf_token": token, "locale": "nl", "next": "/"})
    assert lang(**{"Accept-Language": "en"}) == "nl"  # the customer's choice beats the browser
    assert lang("/?lang=en") == "en"  # and a link's language beats the choice


def test_a_link_in_dutch_keeps_dutch_on_its_links_and_the_switch_drops_it(client, demo_catalog):
    page = client.get("/products/name-keyring?lang=nl").get_data(as_text=True)
    assert 'href="/cart?lang=nl"' in page and 'href="/?lang=nl"' in page
    assert re.search(r'href="/static/[0-9a-f]{12}/css/shop\.css"', page)  # the same files in every language
    token = csrf_token_from(page)
    response = client.post("/locale?lang=nl", data={"csrf_token": token, "locale": "en",
                                                    "next": "/products/name-keyring?lang=nl&x=1"})
    assert response.headers["Location"] == "/products/name-keyring?x=1"  # or the link would overrule the choice


def test_the_catalog_texts_come_in_dutch_and_fall_back_to_the_catalogs_own(app, client, demo_catalog):
    home = client.get("/?lang=nl").get_data(as_text=True)
    assert "<h3>Diamanten letterhanger</h3>" in home and "vanaf €\xa014,95" in home
    page = client.get("/products/geo-lampshade?lang=nl").get_data(as_text=True)
    assert "<h1>Geo-lampenkap</h1>" in page and "Een parametrische lampenkap" in page
    assert '"name": "Hoog (36 cm)"' in page.split("data-twikit-prices>")[1]  # the designer's variant names
    from storefront.extensions import db
    from storefront.models import Product

    with app.app_context():
        db.session.query(Product).update({"translations": None})
        db.session.commit()
    assert "<h1>Geo Lampshade</h1>" in client.get("/products/geo-lampshade?lang=nl").get_data(as_text=True)


def test_what_a_customer_reads_is_dutch(client, demo_catalog):
    page = client.get("/", headers={"Accept-Language": "nl"}).get_data(as_text=True)
    client.post("/locale", data={"csrf_token": csrf_token_from(page), "locale": "nl", "next": "/"})
    assert "Demowinkel: alleen sandboxes" in page  # the demo banner
    assert "gepersonaliseerde producten, op bestelling gemaakt met Twikit." in page  # the footer
    assert 'aria-label="0 artikelen"' in page
    assert add_to_cart(client).status_code == 303
    assert "Toegevoegd aan je winkelwagen." in client.get("/cart").get_data(as_text=True)  # a flash message

    missing = client.get("/products/nope")
    page = missing.get_data(as_text=True)
    assert missing.status_code == 404
    assert "<h1>Pagina niet gevonden</h1>" in page and "We konden dat product niet vinden." in page
    unknown = client.get("/nowhere").get_data(as_text=True)
    assert "We konden die pagina niet vinden." in unknown and "The requested URL" not in unknown

    refused = add_to_cart(client, quantity="0")
    assert refused.status_code == 400
    assert "Aantal: Nummer moet tussen 1 en 99 liggen." in refused.get_data(as_text=True)  # WTForms' own, in Dutch
