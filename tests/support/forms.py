"""The shop's forms, filled in as a browser would: through Flask's test client, or over HTTP with requests."""

from __future__ import annotations

import re
from urllib.parse import urljoin

# The checkout form's billing address, valid, as the browser posts it.
BILLING_FORM = {"billing-first_name": "Ada", "billing-last_name": "Lovelace", "billing-email": "ada@example.com",
                "billing-address_line1": "Rue de la Loi 16", "billing-zip": "1000", "billing-city": "Brussels",
                "billing-country_iso": "BE"}


def csrf_token_from(html: str) -> str:
    """The CSRF token a page rendered, as a browser would submit it."""
    match = re.search(r'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        r'value="([^"]+)"[^>]*name="csrf_token"', html)
    assert match, "the page has no CSRF token"
    return match.group(1)


def log_in(client, password="demo-admin-password"):
    """Log in to the back-office with the demo admin's email."""
    token = csrf_token_from(client.get("/admin/login").get_data(as_text=True))
    return client.post("/admin/login", data={"csrf_token": token, "email": "admin@example.com",
                                             "password": password})


def back_from_stripe(browser, success_url: str, **request_options):
    """Open the success URL Stripe sends the customer to, with a requests.Session, and post its confirmation
    as the page's script does (a GET records nothing); the response the customer ends on."""
    page = browser.get(success_url, **request_options)
    form = re.search(r'<form method="post" action="([^"]+)" data-confirm-payment>', page.text)
    if form is None:  # the payment was recorded already: the page sent the customer straight on
        return page
    action = urljoin(page.url, form.group(1).replace("&amp;", "&"))
    session_id = re.search(r'name="session_id" value="([^"]+)"', page.text).group(1)
    return browser.post(action, data={"csrf_token": csrf_token_from(page.text), "session_id": session_id},
                        **request_options)
