"""Per-app runtime state (settings and worker), reachable from any view."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from flask import current_app

if TYPE_CHECKING:
    from .config import Settings
    from .worker import Worker

EXTENSION_KEY = "stripe_sandbox"


@dataclass
class Sandbox:
    """What ``create_app`` stores in ``app.extensions["stripe_sandbox"]``."""

    settings: Settings
    worker: Worker


def current() -> Sandbox:
    """The sandbox state of the app handling the current request."""
    return current_app.extensions[EXTENSION_KEY]
