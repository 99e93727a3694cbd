"""Decode Stripe's form encoding into nested dicts and lists.

stripe-python sends ``create(params={"line_items": [{"quantity": 2}]})`` as
``line_items[0][quantity]=2``. Arrays always carry an index (``expand[0]``);
curl users may write ``expand[]``, which we accept too.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from .errors import invalid

_KEY = re.compile(r"^([^\[\]]+)((?:\[[^\[\]]*\])*)$")

#: Dicts under these keys are free-form maps, even if every key is a number.
FREE_FORM = {"metadata"}


def decode(pairs: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """Turn ``[("a[b][0]", "x")]`` into ``{"a": {"b": ["x"]}}``."""
    root: dict[str, Any] = {}
    for key, value in pairs:
        path = _split(key)
        node = root
        for depth, part in enumerate(path[:-1]):
            child = node.setdefault(part or str(len(node)), {})
            if not isinstance(child, dict):
                raise invalid(_join(path[: depth + 1]), f"Invalid hash: {key}")
            node = child
        last = path[-1] or str(len(node))  # "[]" appends
        if isinstance(node.get(last), dict):
            raise invalid(key, f"Invalid value for {key}: expected a hash")
        node[last] = value
    return _listify(root)


def _split(key: str) -> list[str]:
    """``"a[b][]"`` -> ``["a", "b", ""]``; keys we cannot parse stay whole."""
    match = _KEY.match(key)
    if not match:
        return [key]
    return [match.group(1)] + re.findall(r"\[([^\[\]]*)\]", match.group(2))


def _join(path: list[str]) -> str:
    return path[0] + "".join(f"[{part}]" for part in path[1:])


def _listify(node: Any, key: str | None = None) -> Any:
    """Replace dicts whose keys are all indexes with lists, ordered by index."""
    if not isinstance(node, dict):
        return node
    children = {k: _listify(v, k) for k, v in node.items()}
    if key in FREE_FORM or not children:
        return children
    if all(k.isdigit() for k in children):
        return [children[k] for k in sorted(children, key=int)]
    return children
