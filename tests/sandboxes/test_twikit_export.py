"""The Twikit sandbox's Order Production File API: signed export requests, ZIPs and binary STL meshes."""

import hashlib
import io
import json
import math
import struct
import zipfile
from collections import Counter

import pytest

from sandboxes.twikit import configurations, font, meshes, products
from sandboxes.twikit.parameters import validate_parameters, variation_for

SECRET = "demo-payload-secret"
EXPORT_URL = "/api/v1/configuration/sandbox-integration/export"
TINY_PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 25


def save_configuration(app, product_key: str, **values) -> int:
    """Store a configuration as the plugin's save would; return its ID."""
    product = next(p for p in products.NEXT_PRODUCTS if p["key"] == product_key)
    chosen = {parameter["key"]: parameter["default"] for parameter in product["parameters"]} | values
    chosen = validate_parameters(product, chosen)
    with app.app_context():
        return configurations.save({"product_key": product_key, "version": 1, "parameters": chosen,
                                    "variation": variation_for(product, chosen), "preview_png": TINY_PNG})


def signed(payload: dict | str, secret: str = SECRET) -> dict:
    text = payload if isinstance(payload, str) else json.dumps(payload, separators=(",", ":"), ensure_ascii=False)
    return {"payload": text, "hash": hashlib.md5((text + secret).encode("utf-8")).hexdigest()}


def parse_stl(raw: bytes) -> dict:
    """Read a binary STL strictly: header, count, and 50 bytes per triangle, nothing more."""
    assert len(raw) >= 84
    (count,) = struct.unpack_from("<I", raw, 80)
    assert len(raw) == 84 + 50 * count
    assert not raw[:80].startswith(b"solid")  # would look like ASCII STL to some readers
    triangles = []
    for index in range(count):
        values = struct.unpack_from("<12fH", raw, 84 + 50 * index)
        normal, vertices, attribute = values[:3], (values[3:6], values[6:9], values[9:12]), values[12]
        assert attribute == 0
        assert math.isclose(math.hypot(*normal), 1, abs_tol=1e-4)
        triangles.append(vertices)
    points = [point for triangle in triangles for point in triangle]
    return {
        "count": count,
        "triangles": triangles,
        "min": [min(p[axis] for p in points) for axis in range(3)],
        "max": [max(p[axis] for p in points) for axis in range(3)],
    }


def extent(stl: dict, axis: int) -> float:
    return stl["max"][axis] - stl["min"][axis]


def export(client, configuration_id: int, amount: int = 1, data=None) -> tuple[dict, dict, zipfile.ZipFile]:
    """Export a configuration; return its configuration.json, parsed STL and the archive."""
    payload = {"configurationId": configuration_id, "amount": amount, "data": data or {}}
    response = client.post(EXPORT_URL, json=signed(payload))
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.mimetype == "application/zip"
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert archive.testzip() is None
    description = json.loads(archive.read("configuration.json"))
    [stl_file] = description["files"]
    return description, parse_stl(archive.read(stl_file["name"])), archive


def assert_result(response, status: int, code: int, name: str) -> dict:
    assert response.status_code == status, response.get_data(as_text=True)
    body = response.get_json()
    assert (body["resultCode"], body["resultCodeName"]) == (code, name)
    return body


# ---------------------------------------------------------------- the archive


def test_export_answers_a_zip_with_configuration_json_and_stl(twikit_sandbox_app, twikit_sandbox_client):
    lamp = save_configuration(twikit_sandbox_app, "geo-lamp", height="tall", density=10, twist=30)
    description, stl, archive = export(twikit_sandbox_client, lamp, amount=2, data={"ref": "SO-9"})
    assert sorted(archive.namelist()) == ["configuration.json", f"geo-lamp-{lamp}.stl"]
    assert description["configurationId"] == lamp and description["productKey"] == "geo-lamp"
    assert description["version"] == 1
    assert description["parameters"] == {"height": "tall", "twist": 30, "density": 10, "colour": "sand"}
    assert description["variation"] == {"id": "tall", "sku": "GEO-TALL"}
    assert (description["amount"], description["data"]) == (2, {"ref": "SO-9"})
    [stl_file] = description["files"]
    assert stl_file["triangles"] == stl["count"] and stl_file["units"] == "mm"
    assert stl_file["boundingBox"]["max"][2] == pytest.approx(stl["max"][2], abs=1e-3)


def test_export_is_recorded_as_an_internal_order(twikit_sandbox_app, twikit_sandbox_client):
    keyring = save_configuration(twikit_sandbox_app, "name-keyring", text="Ada")
    _, stl, _ = export(twikit_sandbox_client, keyring, amount=3)
    [internal] = twikit_sandbox_client.get("/api/sandbox/exports").get_json()["exports"]
    assert internal["configurationId"] == keyring and internal["amount"] == 3
    assert internal["stlFileName"] == f"name-keyring-{keyring}.stl"
    assert internal["triangleCount"] == stl["count"] and internal["zipBytes"] > 0
    assert json.loads(internal["payload"])["configurationId"] == keyring


# ---------------------------------------------------------------- the mesh follows the parameters


def test_lamp_density_sets_the_number_of_ribs(twikit_sandbox_app, twikit_sandbox_client):
    sparse = export(twikit_sandbox_client, save_configuration(twikit_sandbox_app, "geo-lamp", density=8))[1]
    dense = export(twikit_sandbox_client, save_configuration(twikit_sandbox_app, "geo-lamp", density=16))[1]
    assert dense["count"] - sparse["count"] == 8 * 12  # one twisted box of 12 triangles per rib


def test_lamp_height_sets_the_z_extent(twikit_sandbox_app, twikit_sandbox_client):
    small = export(twikit_sandbox_client, save_configuration(twikit_sandbox_app, "geo-lamp", height="small"))[1]
    tall = export(twikit_sandbox_client, save_configuration(twikit_sandbox_app, "geo-lamp", height="tall"))[1]
    assert extent(small, 2) == pytest.approx(220) and extent(tall, 2) == pytest.approx(360)


def test_lamp_twist_turns_the_ribs(twikit_sandbox_app, twikit_sandbox_client):
    straight = export(twikit_sandbox_client, save_configuration(twikit_sandbox_app, "geo-lamp", twist=0))[1]
    twisted = export(twikit_sandbox_client, save_configuration(twikit_sandbox_app, "geo-lamp", twist=90))[1]
    assert straight["count"] == twisted["count"]
    assert straight["triangles"] != twisted["triangles"]


def test_keyring_thickness_sets_z_and_text_length_sets_width(twikit_sandbox_app, twikit_sandbox_client):
    def mesh(**values):
        return export(twikit_sandbox_client, save_configuration(twikit_sandbox_app, "name-keyring", **values))[1]

    thin, thick = mesh(text="Ada", thickness=2), mesh(text="Ada", thickness=6)
    assert extent(thin, 2) == pytest.approx(2) and extent(thick, 2) == pytest.approx(6)
    assert extent(thin, 0) == pytest.approx(extent(thick, 0))
    short, long = mesh(text="Ada"), mesh(text="Ada Lovelace")
    assert extent(long, 0) > extent(short, 0) + 40  # 9 more characters
    assert extent(short, 1) == pytest.approx(18) and extent(mesh(text="Ada", size="large"), 1) == pytest.approx(26)


def test_keyring_names_print_their_accents_and_hyphens(twikit_sandbox_app, twikit_sandbox_client):
    def mesh(text):
        return export(twikit_sandbox_client, save_configuration(twikit_sandbox_app, "name-keyring", text=text))[1]

    # Every character has a glyph of its own (never the solid "unknown" block), and its mark shows.
    for name in ("Zoë", "Anne-Marie", "François", "Łukasz", "Søren", "Dvořák"):
        assert all(font.is_printable(character) for character in name), name
    assert font.runs("ë") == font.runs("E") + [(-2, 1, 1), (-2, 3, 3)]   # the diaeresis, above
    assert font.runs("ç") == font.runs("C") + [(7, 2, 3)]                # the cedilla, below
    assert font.runs("-") == [(3, 1, 3)]
    zoe, zoe_plain = mesh("Zoë"), mesh("Zoe")
    assert zoe["count"] == zoe_plain["count"] + 2 * 12  # two more boxes: the dots
    assert extent(zoe, 1) == pytest.approx(18) and extent(zoe, 0) == pytest.approx(extent(zoe_plain, 0), abs=8)
    hyphenated, spaced = mesh("Anne-Marie"), mesh("Anne Marie")
    assert hyphenated["count"] == spaced["count"] + 12  # the hyphen is one box


def test_pendant_size_sets_its_height(twikit_sandbox_app, twikit_sandbox_client):
    heights = {size: extent(export(twikit_sandbox_client, save_configuration(
        twikit_sandbox_app, "diamond-letter-jewel", size=size, letter="M"))[1], 1)
        for size in ("small", "medium", "large")}
    assert heights == pytest.approx({"small": 15, "medium": 20, "large": 25})


@pytest.mark.parametrize("product_key, values", [
    ("geo-lamp", {"density": 7, "twist": 85}),
    ("name-keyring", {"text": "Twikit 2024"}),
    ("name-keyring", {"text": "Zoë-Çà"}),
    ("diamond-letter-jewel", {"letter": "Q"}),
    ("wave-vase", {"waves": 5}),
])
def test_meshes_are_closed_and_face_outwards(product_key, values):
    """Every edge is walked once each way (closed shells), and the signed volume is positive."""
    mesh = meshes.generate(product_key, values)
    edges = Counter((a, b) for triangle in mesh.triangles
                    for a, b in zip(triangle, triangle[1:] + triangle[:1], strict=True))
    assert all(edges[(b, a)] == count for (a, b), count in edges.items())
    volume = sum(a[0] * (b[1] * c[2] - b[2] * c[1]) - a[1] * (b[0] * c[2] - b[2] * c[0])
                 + a[2] * (b[0] * c[1] - b[1] * c[0]) for a, b, c in mesh.triangles) / 6
    assert volume > 0


def test_wave_vase_waves_set_the_triangle_count():
    assert len(meshes.generate("wave-vase", {"waves": 8}).triangles) == 8 * 48
    assert len(meshes.generate("wave-vase", {"waves": 3}).triangles) == 3 * 48


# ---------------------------------------------------------------- refusals


def test_unknown_integration_is_a_plain_404(twikit_sandbox_app, twikit_sandbox_client):
    lamp = save_configuration(twikit_sandbox_app, "geo-lamp")
    response = twikit_sandbox_client.post("/api/v1/configuration/other/export",
                                          json=signed({"configurationId": lamp, "amount": 1}))
    assert response.status_code == 404 and response.get_json(silent=True) is None


def test_export_refusals_use_the_result_codes(twikit_sandbox_app, twikit_sandbox_client):
    lamp = save_configuration(twikit_sandbox_app, "geo-lamp")
    good = {"configurationId": lamp, "amount": 1}

    def post(body):
        return twikit_sandbox_client.post(EXPORT_URL, json=body)

    assert_result(post({"payload": json.dumps(good)}), 400, 5, "HashParameterEmpty")
    assert_result(post(signed(good, secret="wrong")), 400, 6, "Md5HashMismatch")
    assert_result(post(signed("[1]")), 400, 4, "OrderPayloadParsingFailed")
    assert_result(post({"hash": "abc"}), 400, 4, "OrderPayloadParsingFailed")
    missing = assert_result(post(signed({"amount": 1})), 400, 8, "OrderPayloadValidationFailed")
    assert "configurationId" in missing["resultMessage"]
    wrong = assert_result(post(signed({"configurationId": lamp, "amount": 0})), 400, 7,
                          "OrderPayloadParameterMissing")
    assert "amount" in wrong["resultMessage"]
    assert_result(post(signed({"configurationId": 999_999, "amount": 1})), 400, 10, "CouldNotFindConfig")
    assert twikit_sandbox_client.get("/api/sandbox/exports").get_json()["exports"] == []
    assert twikit_sandbox_client.post(EXPORT_URL, json=signed(good)).status_code == 200


def test_export_faults_apply_only_when_targeted(twikit_sandbox_app, twikit_sandbox_client):
    lamp = save_configuration(twikit_sandbox_app, "geo-lamp")
    body = signed({"configurationId": lamp, "amount": 1})
    twikit_sandbox_client.post("/api/sandbox/faults", json={"fail_next": 1, "mode": "http500"})
    assert twikit_sandbox_client.post(EXPORT_URL, json=body).status_code == 200  # aimed at orders
    twikit_sandbox_client.post("/api/sandbox/faults", json={"fail_next": 1, "mode": "code0", "target": "export"})
    assert_result(twikit_sandbox_client.post(EXPORT_URL, json=body), 500, 0, "UnexpectedError")
    assert twikit_sandbox_client.post(EXPORT_URL, json=body).status_code == 200
