"""The gettext catalogs in storefront/translations/: extract the marked texts, update, check and compile them.

    scripts/translations update      extract every marked text and merge it into each language's .po
    scripts/translations check       list the texts a language lacks (a fuzzy guess counts as lacking); exit 1
    scripts/translations compile     build the .mo files Flask-Babel reads (the app also does this at start)
    scripts/translations init fr     start a catalog for a new language

``scripts/translations`` runs ``python -m storefront.message_catalogs``. English
is the source language, so only the other languages have a catalog.
``babel.cfg`` names the files texts are extracted from, and ``KEYWORDS`` the
markers (``_``, ``_l``, ``N_``...). The .po files are the only thing to edit and
commit: the .mo files are built into the instance folder when the app starts,
so a fresh clone, a wheel and a Heroku slug all run without a build step.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import DEFAULT_KEYWORDS, extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po

from . import SITE_DIR, __version__

SOURCE_DIR = Path(__file__).resolve().parent / "translations"
DOMAIN = "messages"
MAPPING_FILE = SITE_DIR / "babel.cfg"  # in a checkout; an installed wheel only compiles
# What marks a text for translation: gettext's usual names, plus Flask-Babel's lazy_gettext (as _l).
KEYWORDS = {**DEFAULT_KEYWORDS, "_l": None, "lazy_gettext": None}
COMMENT_TAG = "TRANSLATORS:"  # a comment starting so, just above a marked text, reaches the translator


def catalog_path(locale: str, root: Path | None = None, suffix: str = ".po") -> Path:
    """Where a language's catalog is: its .po among the sources, or its .mo under ``root``."""
    return (root or SOURCE_DIR) / locale / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


def locales() -> list[str]:
    """The languages that have a catalog (not English, the source language)."""
    return sorted(path.parent.parent.name for path in SOURCE_DIR.glob(f"*/LC_MESSAGES/{DOMAIN}.po"))


def read_catalog(locale: str) -> Catalog:
    with catalog_path(locale).open("rb") as file:
        return read_po(file, locale=locale, domain=DOMAIN)


# --- compiling: what the app runs at start -------------------------------------------------

def compile_catalogs(target: Path) -> Path:
    """Build each language's .mo under ``target`` from its .po, unless it is already up to date; returns target.

    Written to a temporary file and renamed, so web and worker processes
    starting together never read half a file.
    """
    for locale in locales():
        source, compiled = catalog_path(locale), catalog_path(locale, target, ".mo")
        if compiled.exists() and compiled.stat().st_mtime_ns >= source.stat().st_mtime_ns:
            continue
        compiled.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=compiled.parent, suffix=".tmp", delete=False) as file:
            write_mo(file, read_catalog(locale))  # fuzzy guesses are left out, as gettext does
        os.replace(file.name, compiled)
    return target


# --- extracting and updating: what a developer runs --------------------------------------------

def extract() -> Catalog:
    """Every text marked for translation in the shop's code and templates, as a template catalog."""
    if not MAPPING_FILE.exists():
        raise SystemExit(f"{MAPPING_FILE} not found: extract from a checkout of the shop, not an installed copy")
    with MAPPING_FILE.open() as file:
        method_map, options_map = parse_mapping_cfg(file)
    template = Catalog(project="twikit-storefront", version=__version__, domain=DOMAIN, charset="utf-8", fuzzy=False)
    for filename, lineno, message, comments, context in extract_from_dir(
            SITE_DIR, method_map, options_map, keywords=KEYWORDS, comment_tags=(COMMENT_TAG,),
            strip_comment_tags=True):
        template.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return template


def update(template: Catalog | None = None) -> None:
    """Merge the extracted texts into every language's .po: new ones appear untranslated, gone ones go."""
    template = template or extract()
    for locale in locales():
        catalog = read_catalog(locale)
        # A changed text gets a "fuzzy" guess from its nearest old one: a hint, never used until checked.
        catalog.update(template, update_creation_date=False)
        _write(locale, catalog)


def init(locale: str) -> Path:
    """Start the catalog of a new language from the extracted texts."""
    path = catalog_path(locale)
    if path.exists():
        raise SystemExit(f"{path} exists already; use update")
    template = extract()
    catalog = Catalog(locale=locale, project=template.project, version=template.version, domain=DOMAIN,
                      charset="utf-8", fuzzy=False)
    catalog.update(template)
    _write(locale, catalog)
    return path


def _write(locale: str, catalog: Catalog) -> None:
    path = catalog_path(locale)
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as file:
        # Sorted, with file names but no line numbers: adding a line of code elsewhere
        # changes nothing here, so branches that add texts merge cleanly.
        write_po(file, catalog, width=100, sort_output=True, include_lineno=False, ignore_obsolete=True)


# --- checking --------------------------------------------------------------------------------

def problems(locale: str, template: Catalog | None = None) -> list[str]:
    """What keeps a language from being complete: untranslated or fuzzy texts, and broken placeholders."""
    template = template or extract()
    catalog = read_catalog(locale)
    found = []
    for message in template:
        if not message.id:
            continue  # the header
        translated = catalog.get(message.id, context=message.context)
        strings = translated.string if translated is not None else None
        if translated is None or translated.fuzzy or not all(strings if isinstance(strings, tuple) else [strings]):
            found.append(f"{locale}: no translation for {_shown(message.id)}")
    for message, errors in catalog.check():
        found += [f"{locale}: {_shown(message.id)}: {error}" for error in errors]
    return found


def _shown(message_id) -> str:
    return repr(message_id[0] if isinstance(message_id, tuple) else message_id)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="scripts/translations", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    commands.add_parser("update", help="extract the marked texts, merge them into every .po, then check")
    commands.add_parser("check", help="list texts without a translation; exit 1 if there are any")
    commands.add_parser("compile", help="build the .mo files into instance/translations, then check")
    start = commands.add_parser("init", help="start the catalog of a new language")
    start.add_argument("locale")
    args = parser.parse_args(argv)

    if args.command == "init":
        print(f"created {init(args.locale)}; add {args.locale!r} to LOCALES in storefront/i18n.py")
        return 0
    template = extract()
    if args.command == "update":
        update(template)
        print(f"{len(template)} texts extracted; updated the catalogs of {', '.join(locales())}")
    elif args.command == "compile":
        print(f"compiled into {compile_catalogs(SITE_DIR / 'instance' / 'translations')}")
    found = [problem for locale in locales() for problem in problems(locale, template)]
    print("\n".join(found) or "every text is translated")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main())
