"""Which Twikit plugin script the product pages load.

Twikit publishes every product change as a new script at a new URL (spec,
"Including the script"). The shop keeps each URL it has used, as a
ScriptVersion row; the newest one is current. The URL from the settings
(TWIKIT_SCRIPT_URL) is the first version, and a changed setting is a new
version too, for merchants who copy the URL from the publisher by hand
instead of using the webhook.

Reading the current URL never writes: a product page is a GET. The setting
is written into the history only by the changes that supersede it (a
publication), so the history stays complete without a write on a read.
"""

from __future__ import annotations

from flask import current_app
from sqlalchemy import exists, select

from ..extensions import db
from ..models import ScriptVersion


def current_script_url() -> str:
    """The plugin script URL product pages load now."""
    configured = current_app.config["TWIKIT_SCRIPT_URL"]
    newest = db.session.execute(
        select(ScriptVersion.url, exists().where(ScriptVersion.url == configured).label("configured_known"))
        .order_by(ScriptVersion.id.desc()).limit(1)
    ).first()
    if newest is None or not newest.configured_known:
        # A setting the history has never seen is newer than the history: the merchant just set it.
        return configured
    return newest.url


def record_configured_script() -> None:
    """Keep TWIKIT_SCRIPT_URL in the history before something supersedes it; call inside a write."""
    url = current_app.config["TWIKIT_SCRIPT_URL"]
    if url and db.session.scalar(select(ScriptVersion.id).where(ScriptVersion.url == url).limit(1)) is None:
        db.session.add(ScriptVersion(url=url, source="settings"))
        db.session.flush()
