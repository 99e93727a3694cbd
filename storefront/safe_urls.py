"""Every check on a URL that came from outside: origins, redirect targets and links we show.

URLs reach the shop from the browser (preview URLs, ``next=`` targets), from
Twikit (script URLs, producer and tracking links) and from the settings. Each
check lives here, once, so that the rules cannot drift apart between the
places that use them. Nothing here needs Flask, so config.py can use it too.
"""

from __future__ import annotations

import ipaddress
from urllib.parse import urlsplit

_DEFAULT_PORTS = {"http": 80, "https": 443}


def origin_of(url: str) -> str:
    """``scheme://host[:port]`` of an http(s) URL, lower-cased; raises ValueError for anything else."""
    try:
        parts = urlsplit(url.strip())
        port = parts.port  # raises ValueError for a port that is not a number in range
    except ValueError:
        raise ValueError(f"{url!r} is not a valid URL") from None
    if parts.scheme not in _DEFAULT_PORTS or not parts.hostname:
        raise ValueError(f"{url!r} is not an http(s) URL or origin")
    origin = f"{parts.scheme}://{parts.hostname.lower()}"
    if port and port != _DEFAULT_PORTS[parts.scheme]:
        origin += f":{port}"
    return origin


def is_plain(url: str) -> bool:
    """No surrounding space, backslash, control character or user info.

    Python and browsers split ``https://a\\@b/`` differently, so such a URL
    could pass a check for one host and be loaded from another.
    """
    if url != url.strip() or "\\" in url or any(ord(c) < 0x20 or ord(c) == 0x7F for c in url):
        return False
    try:
        return "@" not in urlsplit(url).netloc
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return False


def is_from_origins(url: str, origins: tuple[str, ...]) -> bool:
    """True when the URL is a plain http(s) URL on one of ``origins``."""
    if not is_plain(url):
        return False
    try:
        return origin_of(url) in origins
    except ValueError:
        return False


def path_prefix(value: str) -> str:
    """A URL path prefix from a setting, such as ``/plugin/``; raises ValueError unless it starts and ends with /."""
    value = value.strip()
    if not value.startswith("/") or not value.endswith("/") or not is_plain(value) or _has_tricky_path(value):
        raise ValueError(f"{value!r} is not a path prefix like /plugin/")
    return value


def is_under_paths(url: str, prefixes: tuple[str, ...]) -> bool:
    """True when the URL's path starts with one of ``prefixes``, and it has no query string, fragment or dot segment.

    A query can turn a path into something else (an API answering ``?callback=`` with
    script), and ``/plugin/../api/`` is ``/api/`` to a browser, so neither may pass.
    """
    if not is_plain(url) or "?" in url or "#" in url:
        return False
    try:
        path = urlsplit(url).path
    except ValueError:
        return False
    return not _has_tricky_path(path) and any(path.startswith(prefix) for prefix in prefixes)


def _has_tricky_path(path: str) -> bool:
    """Dot segments (``..``, ``%2e%2e``) or encoded slashes: a browser or a server may read the path otherwise."""
    lowered = path.lower()
    if any(code in lowered for code in ("%2e", "%2f", "%5c")):
        return True
    return any(segment in (".", "..") for segment in path.split("/"))


def local_path(target: str) -> str | None:
    """``target`` if it is a path on this site (a safe redirect), else None: no open redirects."""
    if not target.startswith("/") or target.startswith("//") or not is_plain(target):
        return None
    parts = urlsplit(target)
    return target if not parts.scheme and not parts.netloc else None


def http_link(url: str) -> str | None:
    """A URL from a partner, kept only if it is a plain http(s) URL we may show as a link (never ``javascript:``)."""
    if not url or not is_plain(url):
        return None
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    return url if parts.scheme in _DEFAULT_PORTS and parts.hostname else None


def is_loopback(url: str) -> bool:
    """True when the URL names this machine (``localhost``, 127.0.0.0/8, ``::1``, ``0.0.0.0``): never a vendor."""
    try:
        host = (urlsplit(url.strip()).hostname or "").rstrip(".").lower()
    except ValueError:
        return False
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        address = ipaddress.ip_address(host)
    except ValueError:
        return False
    return address.is_loopback or address.is_unspecified


def https_link(url: str) -> str | None:
    """A URL from a partner, kept only if it is a plain https URL: the only kind of link we show a customer."""
    link = http_link(url)
    return link if link and urlsplit(link).scheme == "https" else None
