"""Product definitions of the sandbox's fake Twikit products.

Each definition is plain JSON-able data, because the same dict is frozen into
a published plugin version (see ``versions.py``), embedded in that version's
script for the browser, and read back by the server to validate saves.

Shape of one definition::

    key           the Twikit product key the shop links to its catalog item
    name          {locale: text}
    renderer      name of the JavaScript renderer (static/twikit-plugin/renderers/)
    aspectRatio   height / width of the visualisation canvas
    parameters    ordered list; each has key, type, label {locale: text}, default
                  type "choice": options [{value, label, swatch?}], display "select"|"swatches"
                  type "range":  min, max, step, unit
                  type "text":   pattern (full-match regex), maxLength, uppercase?, hint
    variations    {"parameter": key, "options": {value: {id, sku, price}}}:
                  one parameter decides the variation, as Twikit groups
                  "categories of customization into chunks that have the same price and SKU".

Adding a parameter or a product is a data change here plus (for a new product)
a renderer file; a new published version then carries it to the shops.

Option labels of the parameter that decides the variation are the names a
shop's catalog gives the same variants (the demo catalog uses them too), so
the designer and the cart never call one variant two names.
"""

from . import font

# Everything the production font can print: a name is made as typed, accents and all (Zoë, Anne-Marie).
NAME_LETTERS = font.printable_letters()

COLOURS = [
    {"value": "coral", "label": {"en": "Coral", "nl": "Koraal"}, "swatch": "#e8604c"},
    {"value": "ocean", "label": {"en": "Ocean blue", "nl": "Oceaanblauw"}, "swatch": "#2f6fb5"},
    {"value": "mint", "label": {"en": "Mint", "nl": "Munt"}, "swatch": "#4fb89a"},
    {"value": "sunflower", "label": {"en": "Sunflower", "nl": "Zonnebloem"}, "swatch": "#f2c230"},
    {"value": "graphite", "label": {"en": "Graphite", "nl": "Grafiet"}, "swatch": "#3b3f45"},
    {"value": "snow", "label": {"en": "Snow white", "nl": "Sneeuwwit"}, "swatch": "#f4f3ef"},
]

LAMP_COLOURS = [
    {"value": "chalk", "label": {"en": "Chalk white", "nl": "Krijtwit"}, "swatch": "#efece4"},
    {"value": "sand", "label": {"en": "Sand", "nl": "Zand"}, "swatch": "#d9c3a0"},
    {"value": "terracotta", "label": {"en": "Terracotta", "nl": "Terracotta"}, "swatch": "#c4673f"},
    {"value": "sage", "label": {"en": "Sage", "nl": "Salie"}, "swatch": "#8fa58a"},
    {"value": "charcoal", "label": {"en": "Charcoal", "nl": "Antraciet"}, "swatch": "#3a3a3c"},
]

DIAMOND_LETTER_JEWEL = {
    "key": "diamond-letter-jewel",
    "name": {"en": "Diamond letter jewel", "nl": "Diamanten letterjuweel"},
    "renderer": "diamond-letter-jewel",
    "aspectRatio": 0.75,
    "parameters": [
        {
            "key": "letter", "type": "text", "default": "A",
            "label": {"en": "Letter", "nl": "Letter"},
            "hint": {"en": "One letter, A to Z", "nl": "Eén letter, A tot Z"},
            "pattern": "^[A-Z]$", "maxLength": 1, "uppercase": True,
        },
        {
            "key": "size", "type": "choice", "display": "select", "default": "medium",
            "label": {"en": "Size", "nl": "Maat"},
            "options": [
                {"value": "small", "label": {"en": "Small (15 mm)", "nl": "Klein (15 mm)"}},
                {"value": "medium", "label": {"en": "Medium (20 mm)", "nl": "Middel (20 mm)"}},
                {"value": "large", "label": {"en": "Large (25 mm)", "nl": "Groot (25 mm)"}},
            ],
        },
        {
            "key": "material", "type": "choice", "display": "select", "default": "silver",
            "label": {"en": "Material", "nl": "Materiaal"},
            "options": [
                {"value": "silver", "label": {"en": "Sterling silver", "nl": "Sterling zilver"},
                 "swatch": "#c9ccd1"},
                {"value": "gold", "label": {"en": "Gold-plated", "nl": "Verguld"}, "swatch": "#e2b54a"},
            ],
        },
    ],
    "variations": {
        "parameter": "material",
        "options": {
            "silver": {"id": "silver", "sku": "DLJ-SILVER", "price": 49},
            "gold": {"id": "gold", "sku": "DLJ-GOLD", "price": 89},
        },
    },
}

NAME_KEYRING = {
    "key": "name-keyring",
    "name": {"en": "Name keyring", "nl": "Sleutelhanger met naam"},
    "renderer": "name-keyring",
    "aspectRatio": 0.75,
    "parameters": [
        {
            "key": "text", "type": "text", "default": "Twikit",
            "label": {"en": "Name", "nl": "Naam"},
            "hint": {"en": "1 to 12 letters (accents too), digits, spaces or hyphens",
                     "nl": "1 tot 12 letters (ook met accenten), cijfers, spaties of koppeltekens"},
            # At least one visible character: a keyring of only spaces or hyphens prints nothing useful.
            "pattern": f"^(?=.*[{NAME_LETTERS}0-9])[{NAME_LETTERS}0-9 -]{{1,12}}$", "maxLength": 12,
        },
        {
            "key": "colour", "type": "choice", "display": "swatches", "default": "ocean",
            "label": {"en": "Colour", "nl": "Kleur"}, "options": COLOURS,
        },
        {
            "key": "thickness", "type": "range", "default": 3, "min": 2, "max": 6, "step": 1,
            "unit": "mm", "label": {"en": "Thickness", "nl": "Dikte"},
        },
        {
            "key": "size", "type": "choice", "display": "select", "default": "standard",
            "label": {"en": "Size", "nl": "Formaat"},
            "options": [
                {"value": "standard", "label": {"en": "Standard (18 mm high)", "nl": "Standaard (18 mm hoog)"}},
                {"value": "large", "label": {"en": "Large (26 mm high)", "nl": "Groot (26 mm hoog)"}},
            ],
        },
    ],
    "variations": {
        "parameter": "size",
        "options": {
            "standard": {"id": "standard", "sku": "NKR-STD", "price": 15},
            "large": {"id": "large", "sku": "NKR-LRG", "price": 22},
        },
    },
}

GEO_LAMP = {
    "key": "geo-lamp",
    "name": {"en": "Geo lamp", "nl": "Geo-lamp"},
    "renderer": "geo-lamp",
    "aspectRatio": 0.75,
    "parameters": [
        {
            "key": "height", "type": "choice", "display": "select", "default": "small",
            "label": {"en": "Height", "nl": "Hoogte"},
            "options": [
                {"value": "small", "label": {"en": "Small (22 cm)", "nl": "Klein (22 cm)"}},
                {"value": "tall", "label": {"en": "Tall (36 cm)", "nl": "Hoog (36 cm)"}},
            ],
        },
        {
            "key": "twist", "type": "range", "default": 45, "min": 0, "max": 90, "step": 5,
            "unit": "°", "label": {"en": "Twist", "nl": "Draaiing"},
        },
        {
            "key": "density", "type": "range", "default": 12, "min": 6, "max": 24, "step": 1,
            "unit": "", "label": {"en": "Ribs", "nl": "Ribben"},
        },
        {
            "key": "colour", "type": "choice", "display": "swatches", "default": "sand",
            "label": {"en": "Colour", "nl": "Kleur"}, "options": LAMP_COLOURS,
        },
    ],
    "variations": {
        "parameter": "height",
        "options": {
            "small": {"id": "small", "sku": "GEO-SMALL", "price": 69},
            "tall": {"id": "tall", "sku": "GEO-TALL", "price": 99},
        },
    },
}

# Not published yet: lives only in the "next" set until someone presses Publish.
WAVE_VASE = {
    "key": "wave-vase",
    "name": {"en": "Wave vase", "nl": "Golfvaas"},
    "renderer": "wave-vase",
    "aspectRatio": 0.75,
    "parameters": [
        {
            "key": "height", "type": "choice", "display": "select", "default": "standard",
            "label": {"en": "Height", "nl": "Hoogte"},
            "options": [
                {"value": "standard", "label": {"en": "Standard (18 cm)", "nl": "Standaard (18 cm)"}},
                {"value": "large", "label": {"en": "Large (28 cm)", "nl": "Groot (28 cm)"}},
            ],
        },
        {
            "key": "waves", "type": "range", "default": 6, "min": 3, "max": 12, "step": 1,
            "unit": "", "label": {"en": "Waves", "nl": "Golven"},
        },
        {
            "key": "colour", "type": "choice", "display": "swatches", "default": "sage",
            "label": {"en": "Colour", "nl": "Kleur"}, "options": LAMP_COLOURS,
        },
    ],
    "variations": {
        "parameter": "height",
        "options": {
            "standard": {"id": "standard", "sku": "WVS-STD", "price": 39},
            "large": {"id": "large", "sku": "WVS-LRG", "price": 59},
        },
    },
}

# What version 1 of the plugin was published with.
V1_PRODUCTS = [DIAMOND_LETTER_JEWEL, NAME_KEYRING, GEO_LAMP]

# The sandbox's work in progress: what the next "Publish" would freeze into a version.
NEXT_PRODUCTS = V1_PRODUCTS + [WAVE_VASE]
