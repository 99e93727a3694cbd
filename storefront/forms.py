"""The base of the shop's forms: Flask-WTF's, with WTForms' own messages loaded once per language.

Flask-WTF translates WTForms' built-in messages ("Not a valid integer value.")
by reading WTForms' catalog from disk on every request that builds a form, a
product page's "Add to cart" included. The catalogs never change while the
shop runs, so the shop keeps one per language (storefront.i18n).
"""

from __future__ import annotations

from flask_wtf import FlaskForm

from .i18n import current_locale, wtforms_messages


class ShopForm(FlaskForm):
    """A form with a CSRF token, and WTForms' messages in the customer's language."""

    class Meta:
        def get_translations(self, form):
            return wtforms_messages(current_locale())
