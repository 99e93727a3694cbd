"""Printable meshes of the sandbox's products, generated from a configuration's parameters.

Simple but honest: every part is a closed solid, and the parameters drive the
geometry the way a customer would expect (all sizes in mm):

    geo-lamp              height -> Z extent (220 / 360); density -> number of ribs, each a
                          twisted box (12 triangles); twist -> how far a rib turns bottom to top
    name-keyring          thickness -> Z extent; text length -> X extent; size -> Y extent (18 / 26);
                          accents and hyphens print (font.py)
    diamond-letter-jewel  size -> Y extent, i.e. the pendant's height (15 / 20 / 25); letter -> glyph
    wave-vase             height -> Z extent (180 / 280); waves -> lobes (48 triangles per wave)

Parts of one object may overlap (letters sink into their plate); slicers
merge overlapping shells when they print.
"""

import math

from . import font
from .stl import Mesh, ring_segments, rotate

LAMP_HEIGHTS = {"small": 220.0, "tall": 360.0}
LAMP_SIDES = 48           # of the round base and top ring
KEYRING_HEIGHTS = {"standard": 18.0, "large": 26.0}
KEYRING_RELIEF = 1.0      # the letters stand this far above the plate
JEWEL_SIZES = {"small": 15.0, "medium": 20.0, "large": 25.0}
JEWEL_THICKNESS = 2.0
JEWEL_PLATE = 0.8         # the backing plate that holds the letter and the bail together
VASE_HEIGHTS = {"standard": 180.0, "large": 280.0}
RING_SEGMENTS = 16


def generate(product_key: str, parameters: dict) -> Mesh:
    """The mesh of one configuration; an unknown product gets a 20 mm placeholder cube."""
    return GENERATORS.get(product_key, placeholder)(parameters)


def geo_lamp(parameters: dict) -> Mesh:
    """A round base and a top ring joined by ``density`` ribs, each twisted by ``twist`` degrees."""
    height = LAMP_HEIGHTS.get(parameters.get("height"), LAMP_HEIGHTS["small"])
    ribs = int(parameters.get("density", 12))
    twist = float(parameters.get("twist", 45))
    radius = 0.32 * height
    mesh = Mesh()
    mesh.add_prism(regular_polygon(radius + 4, LAMP_SIDES), 0, 6)
    for quad in ring_segments((0.0, 0.0), radius - 5, radius + 5, LAMP_SIDES):
        mesh.add_prism(quad, height - 6, height)
    rib = [(radius - 3, -4.0), (radius + 3, -4.0), (radius + 3, 4.0), (radius - 3, 4.0)]
    for index in range(ribs):
        bottom = rotate(rib, 360 * index / ribs)
        mesh.add_loft(bottom, rotate(bottom, twist), 0, height)
    return mesh


def name_keyring(parameters: dict) -> Mesh:
    """A plate with a key ring on the left and the name standing ``KEYRING_RELIEF`` above it."""
    height = KEYRING_HEIGHTS.get(parameters.get("size"), KEYRING_HEIGHTS["standard"])
    thickness = float(parameters.get("thickness", 3))
    text = str(parameters.get("text") or "")
    margin = 0.15 * height
    # Accents take rows above the letters (and a cedilla one below), so a name with them prints smaller.
    above, below = font.extent(text)
    pitch = (height - 2 * margin) / (font.ROWS + above + below)
    ring_outer, ring_inner = 0.3 * height, 0.15 * height
    text_left = 2 * ring_outer + margin / 2
    # Every character takes 5 cells and a 1-cell gap; the last one needs no gap.
    width = text_left + len(text) * (font.COLUMNS + 1) * pitch - pitch + margin
    plate_top = thickness - KEYRING_RELIEF

    mesh = Mesh()
    mesh.add_box(ring_outer, 0, 0, width, height, plate_top)
    for quad in ring_segments((ring_outer, height / 2), ring_inner, ring_outer, RING_SEGMENTS):
        mesh.add_prism(quad, 0, plate_top)
    add_text(mesh, text, text_left, margin + below * pitch, pitch, 0, thickness)
    return mesh


def diamond_letter_jewel(parameters: dict) -> Mesh:
    """One letter on a thin plate, with a bail on top to hang it from; ``size`` mm high overall."""
    size = JEWEL_SIZES.get(parameters.get("size"), JEWEL_SIZES["medium"])
    letter = str(parameters.get("letter") or "A")[:1]
    glyph_height = 0.78 * size
    pitch = glyph_height / font.ROWS
    bail_outer, bail_inner = 0.12 * size, 0.06 * size

    mesh = Mesh()
    mesh.add_box(0, 0, 0, font.COLUMNS * pitch, glyph_height, JEWEL_PLATE)
    add_text(mesh, letter, 0, 0, pitch, 0, JEWEL_THICKNESS)
    # The bail's bottom dips into the plate's top edge, its top is the pendant's top.
    for quad in ring_segments((font.COLUMNS * pitch / 2, size - bail_outer), bail_inner, bail_outer,
                              RING_SEGMENTS):
        mesh.add_prism(quad, 0, JEWEL_PLATE)
    return mesh


def wave_vase(parameters: dict) -> Mesh:
    """A solid whose outline swells ``waves`` times around (printed in vase mode, as one wall)."""
    height = VASE_HEIGHTS.get(parameters.get("height"), VASE_HEIGHTS["standard"])
    waves = int(parameters.get("waves", 6))
    radius = 0.28 * height
    points = waves * 12
    outline = []
    for index in range(points):
        angle = 2 * math.pi * index / points
        r = radius * (1 + 0.12 * math.sin(waves * angle))
        outline.append((r * math.cos(angle), r * math.sin(angle)))
    mesh = Mesh()
    mesh.add_prism(outline, 0, height, center=(0.0, 0.0))  # star-shaped around its axis
    return mesh


def placeholder(_parameters: dict) -> Mesh:
    mesh = Mesh()
    mesh.add_box(0, 0, 0, 20, 20, 20)
    return mesh


def add_text(mesh: Mesh, text: str, left: float, bottom: float, pitch: float, z0: float, z1: float) -> None:
    """Add ``text`` in the block font, one box per run of solid cells of ``pitch`` mm; ``bottom`` is the baseline."""
    for index, character in enumerate(text):
        x = left + index * (font.COLUMNS + 1) * pitch
        for row, first, last in font.runs(character):
            top = bottom + (font.ROWS - row) * pitch
            mesh.add_box(x + first * pitch, top - pitch, z0, x + (last + 1) * pitch, top, z1)


def regular_polygon(radius: float, sides: int) -> list[tuple[float, float]]:
    """A regular polygon around the origin, counter-clockwise."""
    return [(radius * math.cos(2 * math.pi * i / sides), radius * math.sin(2 * math.pi * i / sides))
            for i in range(sides)]


GENERATORS = {
    "geo-lamp": geo_lamp,
    "name-keyring": name_keyring,
    "diamond-letter-jewel": diamond_letter_jewel,
    "wave-vase": wave_vase,
}
