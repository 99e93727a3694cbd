"""Column helpers shared by the models."""

from datetime import UTC, datetime

from sqlalchemy import DateTime
from sqlalchemy.types import TypeDecorator


def utcnow() -> datetime:
    """Now, timezone-aware, in UTC."""
    return datetime.now(UTC)


class UTCDateTime(TypeDecorator):
    """A timestamp stored in UTC and always read back timezone-aware.

    SQLite has no time zones and hands back naive datetimes; this keeps both
    databases returning the same kind of value.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given; use storefront.models.utcnow()")
        return value.astimezone(UTC) if value is not None else None

    def process_result_value(self, value, dialect):
        if value is not None and value.tzinfo is None:
            value = value.replace(tzinfo=UTC)
        return value


class Translatable:
    """A catalog row whose texts may carry translations: ``{"nl": {"name": "...", "description": "..."}}``."""

    translations: dict[str, dict[str, str]] | None

    def translated(self, field: str, locale: str) -> str:
        """The field's text in that locale, or the catalog's own text when it has none."""
        return ((self.translations or {}).get(locale) or {}).get(field) or getattr(self, field)
