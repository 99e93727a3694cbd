"""The one back-office account, from ADMIN_EMAIL and ADMIN_PASSWORD."""

from __future__ import annotations

import hmac

from flask import current_app


def check_credentials(email: str, password: str) -> bool:
    """Compare both in constant time, so a timing difference reveals neither."""
    config = current_app.config
    email_ok = hmac.compare_digest(email.strip().lower().encode(), (config["ADMIN_EMAIL"] or "").lower().encode())
    password_ok = hmac.compare_digest(password.encode(), (config["ADMIN_PASSWORD"] or "").encode())
    return bool(config["ADMIN_PASSWORD"]) and email_ok and password_ok
