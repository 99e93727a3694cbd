"""A 5x7 block font for the letters printed on the jewel and the keyring.

Enough for the products' text patterns: A-Z, 0-9, the hyphen, and the
accented Latin letters people's names carry (Zoë, Anne-Marie, Łukasz, Søren).
Lower case prints as capitals. Each glyph is 7 rows of 5 columns, top row
first; '#' is solid. An accented letter is its base letter plus a mark: two
rows above the glyph (rows -2 and -1) or one below it (row 7), so text with
marks needs those rows too (``extent``).
"""

import unicodedata

GLYPHS = {
    "A": ".###. #...# #...# ##### #...# #...# #...#",
    "B": "####. #...# #...# ####. #...# #...# ####.",
    "C": ".###. #...# #.... #.... #.... #...# .###.",
    "D": "####. #...# #...# #...# #...# #...# ####.",
    "E": "##### #.... #.... ####. #.... #.... #####",
    "F": "##### #.... #.... ####. #.... #.... #....",
    "G": ".###. #...# #.... #.### #...# #...# .####",
    "H": "#...# #...# #...# ##### #...# #...# #...#",
    "I": ".###. ..#.. ..#.. ..#.. ..#.. ..#.. .###.",
    "J": "..### ...#. ...#. ...#. ...#. #..#. .##..",
    "K": "#...# #..#. #.#.. ##... #.#.. #..#. #...#",
    "L": "#.... #.... #.... #.... #.... #.... #####",
    "M": "#...# ##.## #.#.# #.#.# #...# #...# #...#",
    "N": "#...# #...# ##..# #.#.# #..## #...# #...#",
    "O": ".###. #...# #...# #...# #...# #...# .###.",
    "P": "####. #...# #...# ####. #.... #.... #....",
    "Q": ".###. #...# #...# #...# #.#.# #..#. .##.#",
    "R": "####. #...# #...# ####. #.#.. #..#. #...#",
    "S": ".#### #.... #.... .###. ....# ....# ####.",
    "T": "##### ..#.. ..#.. ..#.. ..#.. ..#.. ..#..",
    "U": "#...# #...# #...# #...# #...# #...# .###.",
    "V": "#...# #...# #...# #...# #...# .#.#. ..#..",
    "W": "#...# #...# #...# #.#.# #.#.# #.#.# .#.#.",
    "X": "#...# #...# .#.#. ..#.. .#.#. #...# #...#",
    "Y": "#...# #...# .#.#. ..#.. ..#.. ..#.. ..#..",
    "Z": "##### ....# ...#. ..#.. .#... #.... #####",
    "0": ".###. #...# #..## #.#.# ##..# #...# .###.",
    "1": "..#.. .##.. ..#.. ..#.. ..#.. ..#.. .###.",
    "2": ".###. #...# ....# ...#. ..#.. .#... #####",
    "3": "##### ...#. ..#.. ...#. ....# #...# .###.",
    "4": "...#. ..##. .#.#. #..#. ##### ...#. ...#.",
    "5": "##### #.... ####. ....# ....# #...# .###.",
    "6": "..##. .#... #.... ####. #...# #...# .###.",
    "7": "##### ....# ...#. ..#.. .#... .#... .#...",
    "8": ".###. #...# #...# .###. #...# #...# .###.",
    "9": ".###. #...# #...# .#### ....# ...#. .##..",
    "-": "..... ..... ..... .###. ..... ..... .....",
    # Letters that are not a base letter plus a mark.
    "Æ": ".#### #.#.. #.#.. ##### #.#.. #.#.. #.###",
    "Ø": ".###. #..## #.#.# #.#.# #.#.# ##..# .###.",
    "Œ": ".#### #.#.. #.#.. #.### #.#.. #.#.. .####",
    "Ł": "#.... #.... #.#.. ##... #.... #.... #####",
    "Đ": "####. #...# #...# ###.# #...# #...# ####.",
    "Ð": "####. #...# #...# ###.# #...# #...# ####.",
    "ß": ".##.. #..#. #..#. #.#.. #..#. #..#. #.##.",
}

# Combining marks (Unicode's decomposition of an accented letter): where they go, and their rows.
ABOVE, BELOW = "above", "below"
MARKS = {
    "\u0300": (ABOVE, ".#... ..#.."),  # grave
    "\u0301": (ABOVE, "...#. ..#.."),  # acute
    "\u0302": (ABOVE, "..#.. .#.#."),  # circumflex
    "\u0303": (ABOVE, ".#..# #.##."),  # tilde
    "\u0304": (ABOVE, ".###. ....."),  # macron
    "\u0306": (ABOVE, "#...# .###."),  # breve
    "\u0307": (ABOVE, "..#.. ....."),  # dot above
    "\u0308": (ABOVE, ".#.#. ....."),  # diaeresis
    "\u030a": (ABOVE, "..#.. .#.#."),  # ring above
    "\u030b": (ABOVE, "..#.# .#.#."),  # double acute
    "\u030c": (ABOVE, ".#.#. ..#.."),  # caron
    "\u0327": (BELOW, "..##."),        # cedilla
    "\u0328": (BELOW, "...#."),        # ogonek
}

ROWS, COLUMNS = 7, 5
UNKNOWN = "##### ##### ##### ##### ##### ##### #####"  # a solid block: never silently drop a character


def _parts(character: str) -> tuple[str, list[str]]:
    """The glyph's key and its marks: 'é' -> ('E', ['\u0301']); a glyph of its own keeps no marks."""
    if character in GLYPHS or character.upper() in GLYPHS:
        return (character if character in GLYPHS else character.upper()), []
    base, *marks = unicodedata.normalize("NFD", character)
    return base.upper(), marks


def is_printable(character: str) -> bool:
    """True when the font has a glyph for ``character`` (with its marks), so nothing prints as a block."""
    if character == " ":
        return True
    key, marks = _parts(character)
    return key in GLYPHS and all(mark in MARKS for mark in marks)


def extent(text: str) -> tuple[int, int]:
    """Rows ``text`` needs above and below the 7 glyph rows for its marks: (0 or 2, 0 or 1)."""
    places = {MARKS[mark][0] for character in text for mark in _parts(character)[1] if mark in MARKS}
    return (2 if ABOVE in places else 0), (1 if BELOW in places else 0)


def runs(character: str) -> list[tuple[int, int, int]]:
    """The glyph as horizontal runs of solid cells: (row from the top, first column, last column).

    Marks add rows -2 and -1 (above) or row 7 (below).
    """
    if character == " ":
        return []
    key, marks = _parts(character)
    rows = list(enumerate(GLYPHS.get(key, UNKNOWN).split()))
    for mark in marks:
        place, cells = MARKS.get(mark, (ABOVE, UNKNOWN))
        mark_rows = cells.split()[:2]
        first = -len(mark_rows) if place == ABOVE else ROWS
        rows += [(first + index, line) for index, line in enumerate(mark_rows)]
    found = []
    for row, cells in rows:
        column = 0
        while column < COLUMNS:
            if cells[column] == "#":
                start = column
                while column + 1 < COLUMNS and cells[column + 1] == "#":
                    column += 1
                found.append((row, start, column))
            column += 1
    return found


def printable_letters() -> str:
    """Every letter the font prints: A-Z, a-z and the accented Latin letters (Latin-1 and Latin Extended-A)."""
    candidates = [chr(code) for code in (*range(0x41, 0x5B), *range(0x61, 0x7B), *range(0xC0, 0x180))]
    return "".join(c for c in candidates if c.isalpha() and is_printable(c))
