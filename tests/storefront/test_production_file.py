"""Downloading a line's production file: Twikit's Export API, md5-signed, streamed through to the browser."""

from __future__ import annotations

import io
import json
import threading
import zipfile

import pytest
from flask import Flask, Response, request

from storefront.orders.production_files import export_failure_message
from storefront.twikit.client import ApiResult
from storefront.twikit.payload import payload_hash

from ..support.factories import make_order
from ..support.forms import csrf_token_from, log_in
from ..support.live import LiveServer
from ..support.queries import snapshot
from ..support.twikit_sandbox import TwikitSandbox

pytestmark = pytest.mark.live


@pytest.fixture
def shop_overrides(request):
    if "live" in request.fixturenames:
        return {"TWIKIT_API_URL": f"{request.getfixturevalue('live').twikit.url}/api/v1"}
    return {"TWIKIT_API_URL": f"{request.getfixturevalue('fake_twikit').url}/api/v1"}


def download(client, identifier: str, line: int = 1, **options):
    log_in(client)
    token = csrf_token_from(client.get(f"/admin/orders/{identifier}").get_data(as_text=True))
    return client.post(f"/admin/orders/{identifier}/lines/{identifier}-{line}/production-file",
                       data={"csrf_token": token}, **options)


def test_the_zip_from_the_twikit_sandbox_holds_the_stl(app, client, live):
    configuration_id = TwikitSandbox(live.twikit.url).save_configuration(letter="Q")
    identifier = make_order(app, identifier=None, status="submitted", lines=((configuration_id, 2),))
    response = download(client, identifier)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"].startswith(f'attachment; filename="{identifier}-1-')
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    description = json.loads(archive.read("configuration.json"))
    assert (description["configurationId"], description["amount"]) == (configuration_id, 2)
    assert description["data"] == {"orderReference": identifier, "lineIdentifier": f"{identifier}-1"}
    [stl] = [name for name in archive.namelist() if name.endswith(".stl")]
    assert stl == f"diamond-letter-jewel-{configuration_id}.stl" and len(archive.read(stl)) > 84
    assert snapshot(app, identifier)[8][-1][2] == (f"Production file for line {identifier}-1 downloaded "
                                                   f"(configuration {configuration_id}, amount 2)")


def test_an_unknown_configuration_is_a_clear_message_and_a_logged_event(app, client, live):
    identifier = make_order(app, identifier=None, status="submitted", lines=(987654321,))
    response = download(client, identifier, follow_redirects=True)
    html = response.get_data(as_text=True)
    assert "Twikit cannot find configuration 987654321 (code 10 CouldNotFindConfig)" in html
    assert "not downloaded: Twikit cannot find configuration 987654321" in snapshot(app, identifier)[8][-1][2]


# --- streaming: a fake Export API that holds back the rest of a large ZIP until the browser has the start --

BIG = 24 * 1024 * 1024
SECRET = "demo-payload-secret"


@pytest.fixture
def fake_twikit():
    app, seen, gate = Flask("fake-twikit"), {}, threading.Event()

    @app.post("/api/v1/configuration/<integration_id>/export")
    def export(integration_id):
        body = request.get_json()
        seen.update(integration_id=integration_id, body=body)
        if body["hash"] != payload_hash(body["payload"], SECRET):
            return {"resultCode": 6, "resultCodeName": "Md5HashMismatch", "resultMessage": "hash"}, 400

        def chunks():
            yield b"PK\x03\x04" + b"\0" * 65532
            # The rest only once the browser has received the start: a shop that read the whole
            # answer before passing it on would still be waiting here when the gate times out.
            seen["browser_had_the_start"] = gate.wait(timeout=10)
            for _ in range(BIG // 65536 - 1):
                yield b"\0" * 65536

        return Response(chunks(), mimetype="application/zip",
                        headers={"Content-Disposition": 'attachment; filename="big.zip"'})

    server = LiveServer(app=app).start()
    server.seen, server.gate = seen, gate
    yield server
    server.stop()


def test_a_large_file_passes_through_as_it_arrives(app, client, fake_twikit):
    identifier = make_order(app, identifier=None, status="shipped", lines=(4242,))
    log_in(client)
    token = csrf_token_from(client.get(f"/admin/orders/{identifier}").get_data(as_text=True))
    response = client.post(f"/admin/orders/{identifier}/lines/{identifier}-1/production-file",
                           data={"csrf_token": token}, buffered=False)
    assert response.status_code == 200 and response.is_streamed
    chunks = iter(response.response)
    first = next(chunks)
    assert first.startswith(b"PK")
    fake_twikit.gate.set()
    sizes = [len(first)] + [len(chunk) for chunk in chunks]
    response.close()
    assert fake_twikit.seen["browser_had_the_start"] is True
    assert sum(sizes) == BIG and max(sizes) <= 64 * 1024  # passed on in pieces, never as one 24 MB block
    # Signed as the spec says: md5(payload + payload secret), the payload a JSON string.
    body = fake_twikit.seen["body"]
    assert json.loads(body["payload"]) == {"configurationId": 4242, "amount": 1,
                                           "data": {"orderReference": identifier, "lineIdentifier": f"{identifier}-1"}}
    assert fake_twikit.seen["integration_id"] == "sandbox-integration"


@pytest.mark.parametrize("result, message", [
    (ApiResult(None, None, transport_error="ConnectTimeout: ..."), "Twikit could not be reached (ConnectTimeout"),
    (ApiResult(404, None), "check TWIKIT_INTEGRATION_ID and TWIKIT_API_URL"),
    (ApiResult(502, None), "Twikit had a server error (HTTP 502). Try again later."),
    (ApiResult(200, None), "Twikit answered, but not with a ZIP file."),
    (ApiResult(400, 10, "CouldNotFindConfig", "Configuration not found: 7."),
     "Twikit cannot find configuration 7 (code 10 CouldNotFindConfig): Configuration not found: 7."),
    (ApiResult(400, 6, "Md5HashMismatch", "no"), "check TWIKIT_PAYLOAD_SECRET"),
    (ApiResult(500, 0, "UnexpectedError", "boom"), "Twikit had an unexpected error (code 0 UnexpectedError): boom."),
    (ApiResult(400, 8, "OrderPayloadValidationFailed", "Required parameter missing: amount."),
     "Twikit refused the export (code 8 OrderPayloadValidationFailed): Required parameter missing: amount."),
    (ApiResult(400, 42, "", "new"), "Twikit refused the export (code 42 unknown code): new"),
])
def test_each_export_failure_reads_as_a_clear_message(result, message):
    assert message in export_failure_message(result, 7)
