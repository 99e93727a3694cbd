"""The catalog read cache's invalidation hook, called after every catalog change.

The shop has no catalog cache yet, so this does nothing; every writer
(back-office editing, the importer) calls it already, so that a cache added
later is invalidated in the one place that knows when the catalog changed.
"""

from __future__ import annotations


def invalidate() -> None:
    """Forget any cached catalog reads; call after a catalog change is committed."""
