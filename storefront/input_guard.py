"""Refuse, before any view runs, a request whose URL or form carries a NUL character.

Browsers never send one, no column can store one (PostgreSQL refuses it
outright; SQLite keeps it and hides it), and a lookup with one in it fails
deep inside the database driver. So a NUL anywhere in the path, the query
string or a submitted form is a 400 here, once, for every route. JSON
bodies (the webhooks) are checked field by field by their shapes instead,
so that each delivery is still answered in its own format and logged.
"""

from __future__ import annotations

from itertools import chain

from flask import Flask, abort, request

NUL = "\x00"
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


def has_nul() -> bool:
    """True when the request's path, query string or form fields (names or values) hold a NUL."""
    if NUL in request.path:
        return True
    fields = [request.args]
    if request.mimetype in FORM_TYPES:
        fields.append(request.form)
    return any(NUL in text for field in fields for text in chain.from_iterable(field.items(multi=True)))


def init_app(app: Flask) -> None:
    @app.before_request
    def refuse_nul():
        if has_nul():
            abort(400, description="The request contains a character that is not allowed (NUL).")
