"""Website publication (spec, "Website Publication"): a new plugin script, and the products it carries.

Every product page loads the script this webhook names, so the URL is
checked before anything is stored: a script from anywhere else would run on
every product page (stored XSS). It must come from TWIKIT_SCRIPT_ORIGINS,
lie under one of TWIKIT_SCRIPT_PATHS with no query string or fragment (an
allowed origin may also serve things that are not the plugin, such as an API
that answers ``?callback=`` with script), be ``https`` in production (the
spec promises "the new, fully qualified, https URL"), and be written the way
browsers and Python read alike.

Product keys the shop has never seen become draft products: unpublished, no
variants, named after the key. The merchant prices and publishes them; the
shop never sells a product at a price nobody set.
"""

from __future__ import annotations

import logging
import re
from urllib.parse import urlsplit

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from ..extensions import db
from ..models import Product, ScriptVersion
from ..safe_urls import is_from_origins, is_under_paths
from .script import record_configured_script

log = logging.getLogger(__name__)


class PublicationRefused(ValueError):
    """The published script URL may not be loaded by the shop; the message says why."""


def publish(script_url: str, product_keys: list[str]) -> str:
    """Make ``script_url`` the current plugin script and draft unknown products; returns what happened."""
    refusal = script_url_problem(script_url)
    if refusal:
        raise PublicationRefused(refusal)
    keys = list(dict.fromkeys(product_keys))  # the spec does not promise unique keys
    try:
        return _record(script_url, keys)
    except IntegrityError:
        # A copy of this delivery (or another publication's record of the setting, or of a draft) was
        # written at this very moment; the unique indexes stopped ours. Decide again on what is stored now.
        db.session.rollback()
        return _record(script_url, keys)


def _record(script_url: str, keys: list[str]) -> str:
    """Write the publication in one transaction; IntegrityError if a concurrent delivery wrote the same first."""
    # The setting goes into the history first, so that it can never supersede this publication.
    record_configured_script()
    is_new = not _known(script_url)
    if is_new:
        db.session.add(ScriptVersion(url=script_url, source="webhook", product_keys=keys))
    drafts = _draft_products(keys)
    db.session.commit()
    outcome = f"script {'now' if is_new else 'already'} {script_url}; {len(drafts)} draft product(s)"
    if drafts:
        outcome += f": {', '.join(drafts)}"
    log.info("twikit publication: %s", outcome)
    return outcome


def script_url_problem(url: str) -> str | None:
    """Why the shop must not load this script URL, or None when it may."""
    config = current_app.config
    if not is_from_origins(url, config["TWIKIT_SCRIPT_ORIGINS"]):
        return ("scriptUrl is not a plain http(s) URL (no user info, backslashes or spaces) on an allowed "
                "Twikit script origin (TWIKIT_SCRIPT_ORIGINS)")
    if not is_under_paths(url, config["TWIKIT_SCRIPT_PATHS"]):
        return (f"scriptUrl is not under an allowed path ({', '.join(config['TWIKIT_SCRIPT_PATHS'])}; "
                "TWIKIT_SCRIPT_PATHS), or it has a query string, a fragment or a dot segment")
    if config["STOREFRONT_MODE"] == "production" and urlsplit(url).scheme != "https":
        return "scriptUrl must be https in production"
    return None


def _known(url: str) -> bool:
    """True when this URL was current once: a repeated or late delivery never moves the script back."""
    return db.session.scalar(select(ScriptVersion.id).where(ScriptVersion.url == url).limit(1)) is not None


def _draft_products(keys: list[str]) -> list[str]:
    """Create an unpublished product for each key the catalog lacks; returns their keys."""
    known = set(db.session.scalars(select(Product.key).where(Product.key.in_(keys)))) if keys else set()
    slugs = set(db.session.scalars(select(Product.slug)))
    created = []
    for key in keys:
        if key in known:
            continue
        slug = _unique_slug(key, slugs)
        slugs.add(slug)
        db.session.add(Product(key=key, slug=slug, name=_name_for(key), description="", published=False))
        created.append(key)
    return created


def _name_for(key: str) -> str:
    """``diamond-letter-jewel`` -> ``Diamond letter jewel``: a placeholder the merchant will rename."""
    words = re.sub(r"[-_.]+", " ", key).strip()
    return (words[:1].upper() + words[1:])[:200] or key[:200]


def _unique_slug(key: str, taken: set[str]) -> str:
    base = re.sub(r"[^a-z0-9]+", "-", key.lower()).strip("-")[:90] or "product"
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug
