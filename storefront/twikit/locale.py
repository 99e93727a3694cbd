"""The locale the shop hands the Twikit plugin (spec: ``createContext(productKey, locale, target, options)``).

The spec says only "the localization to use for translations", and its own
example passes ``'default'``: the plugin's names for locales are Twikit's,
not necessarily the shop's. TWIKIT_LOCALES maps one to the other.
"""

from __future__ import annotations

from collections.abc import Mapping


def plugin_locale(shop_locale: str, mapping: Mapping[str, str]) -> str:
    """The plugin's name for the shop's locale: as TWIKIT_LOCALES maps it, else the shop's own."""
    return mapping.get(shop_locale, shop_locale)
