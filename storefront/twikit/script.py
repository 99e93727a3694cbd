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

import logging
from functools import cache

from flask import current_app
from sqlalchemy import bindparam, exists, select

from ..extensions import db
from ..models import ScriptVersion

log = logging.getLogger(__name__)


def current_script_url() -> str:
    """The plugin script URL product pages load now."""
    row = db.session.execute(select(*script_url_columns()), script_url_parameters()).one()
    return script_url_from(row)


@cache
def script_url_columns() -> tuple:
    """The columns that tell the current script: the newest recorded URL, and whether the setting is recorded.

    Columns rather than a query, so that the product page can read them in the
    same statement as the catalog version (storefront.catalog.cache). Built once:
    the setting is a bound parameter (``script_url_parameters()``).
    """
    newest = select(ScriptVersion.url).order_by(ScriptVersion.id.desc()).limit(1).scalar_subquery()
    known = exists().where(ScriptVersion.url == bindparam("configured_script_url"))
    return newest.label("newest_script_url"), known.label("configured_known")


def script_url_parameters() -> dict[str, str]:
    return {"configured_script_url": current_app.config["TWIKIT_SCRIPT_URL"]}


def script_url_from(row) -> str:
    """The current script URL from a row holding ``script_url_columns()``."""
    if row.newest_script_url is None or not row.configured_known:
        # A setting the history has never seen is newer than the history: the merchant just set it.
        return current_app.config["TWIKIT_SCRIPT_URL"]
    return row.newest_script_url


def record_configured_script() -> None:
    """Keep TWIKIT_SCRIPT_URL in the history before something supersedes it; call inside a write."""
    url = current_app.config["TWIKIT_SCRIPT_URL"]
    if url and db.session.scalar(select(ScriptVersion.id).where(ScriptVersion.url == url).limit(1)) is None:
        db.session.add(ScriptVersion(url=url, source="settings"))
        db.session.flush()


def script_history() -> list[ScriptVersion]:
    """Every plugin script URL the shop has used, newest first (the setting too, if nothing recorded it yet)."""
    versions = list(db.session.scalars(select(ScriptVersion).order_by(ScriptVersion.id.desc())))
    configured = current_app.config["TWIKIT_SCRIPT_URL"]
    if configured and all(version.url != configured for version in versions):
        # Not a row yet (reads never write): shown as the current version, from the settings.
        versions.insert(0, ScriptVersion(url=configured, source="settings", product_keys=None))
    return versions


class RollbackRefused(ValueError):
    """The script cannot be rolled back to that version; the message says why."""


def roll_back(version_id: int) -> ScriptVersion:
    """Make an earlier script version current again, as a new history entry; commits.

    History is never edited: the rollback is a new row pointing at the old URL,
    so the page shows when it happened. A later publication of a new URL
    supersedes it as usual; a repeated delivery of the version rolled back
    from does not, because the shop has seen that URL before.
    """
    from .publication import script_url_problem  # publication imports this module

    target = db.session.get(ScriptVersion, version_id)
    if target is None:
        raise RollbackRefused("There is no such script version.")
    if target.url == current_script_url():
        raise RollbackRefused("That version is the current one already.")
    problem = script_url_problem(target.url)
    if problem:
        raise RollbackRefused(f"That script may no longer be loaded: {problem}.")
    record_configured_script()
    version = ScriptVersion(url=target.url, source="rollback", product_keys=target.product_keys)
    db.session.add(version)
    db.session.commit()
    log.info("twikit script rolled back to %s (version %s)", target.url, target.id)
    return version
