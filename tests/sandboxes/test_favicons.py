"""Each sandbox's pages name an icon of its own, so the demo's browser tabs tell the four apps apart."""

import re
from urllib.parse import unquote

import pytest

from sandboxes.mail import create_app as create_mail_catcher
from sandboxes.stripe import create_app as create_stripe_sandbox
from sandboxes.twikit import create_app as create_twikit_sandbox


@pytest.mark.parametrize("make", [
    lambda folder: create_twikit_sandbox({"TESTING": True, "SANDBOX_DATABASE": str(folder / "t.sqlite3"),
                                          "START_WEBHOOK_WORKER": False}),
    lambda folder: create_stripe_sandbox({"TESTING": True, "SANDBOX_DATABASE": str(folder / "s.sqlite3"),
                                          "START_WORKER": False}),
    lambda folder: create_mail_catcher({"TESTING": True, "SANDBOX_DATABASE": str(folder / "m.sqlite3")}),
], ids=["twikit", "stripe", "mail"])
def test_every_sandbox_page_has_an_icon_that_loads(make, tmp_path):
    client = make(tmp_path).test_client()
    page = client.get("/").get_data(as_text=True)
    link = re.search(r'<link rel="icon"[^>]*>', page)
    assert link, "no icon"
    icon = re.search(r'href="([^"]+)"', link.group(0)).group(1)
    if icon.startswith("data:"):  # the mail catcher loads nothing from anywhere, so its icon is inline
        assert unquote(icon).startswith("data:image/svg+xml,<svg ")
    else:
        with client.get(icon) as response:
            assert response.status_code == 200 and response.mimetype == "image/svg+xml"
            assert response.get_data(as_text=True).startswith("<svg ")
