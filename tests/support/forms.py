"""The shop's forms through Flask's test client, filled in as a browser would."""

from __future__ import annotations

import re

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
