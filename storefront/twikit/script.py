"""Which Twikit plugin script the product pages load, and where scripts may come from.

Twikit publishes every product change as a new script at a new URL (spec,
"Including the script"). The shop keeps each URL it has used; the newest
one is current. The URL from the settings (TWIKIT_SCRIPT_URL) is the first
version, and a changed setting becomes a new version too, for merchants who
copy the URL from the publisher by hand instead of using the webhook.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select

from ..config import ConfigError, origin_of
from ..extensions import db
from ..models import ScriptVersion


def is_from_origins(url: str, origins: tuple[str, ...]) -> bool:
    """True when the URL is a plain http(s) URL on one of ``origins``.

    Plain: no user info, backslash or surrounding space. Python and browsers
    split ``https://a\\@b/`` differently, so such a URL could pass this check
    for one host and be loaded from another.
    """
    if url != url.strip() or "\\" in url:
        return False
    try:
        parts, origin = urlsplit(url), origin_of(url)
    except (ConfigError, ValueError):
        return False
    return origin in origins and "@" not in parts.netloc


def is_allowed_script_url(url: str) -> bool:
    """True when the URL is a plain http(s) URL from one of the allowed Twikit script origins."""
    return is_from_origins(url, current_app.config["TWIKIT_SCRIPT_ORIGINS"])


def current_script_url() -> str:
    """The plugin script URL product pages load now."""
    _record_configured_script()
    latest = db.session.scalars(select(ScriptVersion).order_by(ScriptVersion.id.desc()).limit(1)).first()
    return latest.url if latest else current_app.config["TWIKIT_SCRIPT_URL"]


def _record_configured_script() -> None:
    """Store TWIKIT_SCRIPT_URL as a version the first time this process sees it."""
    url = current_app.config.get("TWIKIT_SCRIPT_URL")
    seen = current_app.extensions.setdefault("twikit_scripts_recorded", set())
    if not url or url in seen:
        return
    known = db.session.scalar(
        select(ScriptVersion.id).where(ScriptVersion.source == "settings", ScriptVersion.url == url).limit(1)
    )
    if known is None:
        db.session.add(ScriptVersion(url=url, source="settings"))
        db.session.commit()
    seen.add(url)
