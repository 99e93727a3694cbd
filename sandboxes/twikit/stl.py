"""Triangle meshes of closed solids, written as binary STL (the production file a printer takes).

Binary STL: an 80-byte header, a little-endian uint32 triangle count, then 50
bytes per triangle: normal and three vertices as 12 float32, and a uint16
attribute (0). Units are millimetres. Every solid here is closed and wound
counter-clockwise seen from outside, so normals point outwards.
"""

import math
import struct

Point2 = tuple[float, float]
Point3 = tuple[float, float, float]

TRIANGLE = struct.Struct("<12fH")
HEADER_BYTES = 80


class Mesh:
    """A set of closed solids (shells), kept as a flat list of triangles."""

    def __init__(self):
        self.triangles: list[tuple[Point3, Point3, Point3]] = []

    def add_loft(self, bottom: list[Point2], top: list[Point2], z0: float, z1: float,
                 center: Point2 | None = None) -> None:
        """Add the solid between outline ``bottom`` at ``z0`` and ``top`` at ``z1``.

        Both outlines are counter-clockwise seen from above and have the same
        number of points; point i of one is joined to point i of the other, so a
        rotated ``top`` twists the solid. Caps are fans: from the first point for
        convex outlines, or from ``center`` for outlines that are both star-shaped
        around it (a twist around ``center`` keeps them so).
        """
        if len(bottom) != len(top) or len(bottom) < 3:
            raise ValueError("a loft needs two outlines of the same size, 3 points or more")
        low = [(x, y, z0) for x, y in bottom]
        high = [(x, y, z1) for x, y in top]
        count = len(low)
        for i in range(count):
            j = (i + 1) % count
            # Outside is to the right of a counter-clockwise edge.
            self.triangles.append((low[i], low[j], high[j]))
            self.triangles.append((low[i], high[j], high[i]))
        if center is None:
            for i in range(1, count - 1):
                self.triangles.append((low[0], low[i + 1], low[i]))     # faces down
                self.triangles.append((high[0], high[i], high[i + 1]))  # faces up
        else:
            middle_low, middle_high = (center[0], center[1], z0), (center[0], center[1], z1)
            for i in range(count):
                j = (i + 1) % count
                self.triangles.append((middle_low, low[j], low[i]))
                self.triangles.append((middle_high, high[i], high[j]))

    def add_prism(self, outline: list[Point2], z0: float, z1: float, center: Point2 | None = None) -> None:
        """Add a straight extrusion of ``outline`` from ``z0`` to ``z1``."""
        self.add_loft(outline, outline, z0, z1, center)

    def add_box(self, x0: float, y0: float, z0: float, x1: float, y1: float, z1: float) -> None:
        """Add an axis-aligned box (12 triangles)."""
        self.add_prism(rectangle(x0, y0, x1, y1), z0, z1)

    def bounding_box(self) -> tuple[Point3, Point3]:
        """The (min, max) corners over all vertices."""
        points = [point for triangle in self.triangles for point in triangle]
        return (tuple(min(p[axis] for p in points) for axis in range(3)),
                tuple(max(p[axis] for p in points) for axis in range(3)))

    def to_binary_stl(self, title: str) -> bytes:
        """The mesh as binary STL; ``title`` goes into the header."""
        # A header that starts with "solid" makes some readers take the file for ASCII STL.
        header = f"binary STL - {title}".encode("ascii", "replace")[:HEADER_BYTES].ljust(HEADER_BYTES, b" ")
        parts = [header, struct.pack("<I", len(self.triangles))]
        for a, b, c in self.triangles:
            parts.append(TRIANGLE.pack(*normal(a, b, c), *a, *b, *c, 0))
        return b"".join(parts)


def rectangle(x0: float, y0: float, x1: float, y1: float) -> list[Point2]:
    """An axis-aligned rectangle, counter-clockwise."""
    return [(x0, y0), (x1, y0), (x1, y1), (x0, y1)]


def rotate(points: list[Point2], degrees: float, about: Point2 = (0.0, 0.0)) -> list[Point2]:
    """``points`` turned counter-clockwise by ``degrees`` around ``about``."""
    angle = math.radians(degrees)
    cos, sin = math.cos(angle), math.sin(angle)
    ax, ay = about
    return [(ax + (x - ax) * cos - (y - ay) * sin, ay + (x - ax) * sin + (y - ay) * cos) for x, y in points]


def ring_segments(center: Point2, inner: float, outer: float, segments: int) -> list[list[Point2]]:
    """A flat ring as ``segments`` convex quads (an annulus cannot be one convex outline)."""
    cx, cy = center
    quads = []
    for i in range(segments):
        a, b = 2 * math.pi * i / segments, 2 * math.pi * (i + 1) / segments
        quads.append([(cx + outer * math.cos(a), cy + outer * math.sin(a)),
                      (cx + outer * math.cos(b), cy + outer * math.sin(b)),
                      (cx + inner * math.cos(b), cy + inner * math.sin(b)),
                      (cx + inner * math.cos(a), cy + inner * math.sin(a))])
    return quads


def normal(a: Point3, b: Point3, c: Point3) -> Point3:
    """The unit normal of triangle abc by the right-hand rule; zero for a degenerate triangle."""
    u = (b[0] - a[0], b[1] - a[1], b[2] - a[2])
    v = (c[0] - a[0], c[1] - a[1], c[2] - a[2])
    n = (u[1] * v[2] - u[2] * v[1], u[2] * v[0] - u[0] * v[2], u[0] * v[1] - u[1] * v[0])
    length = math.sqrt(n[0] ** 2 + n[1] ** 2 + n[2] ** 2)
    return (0.0, 0.0, 0.0) if length == 0 else (n[0] / length, n[1] / length, n[2] / length)

