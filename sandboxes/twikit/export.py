"""Order Production File: ``POST /api/v1/configuration/<integration_id>/export``.

    request  {"payload": "<IConfigExportPayload as a JSON string>", "hash": md5(payload + secret)}
             IConfigExportPayload: {configurationId: number, amount: number, data?: any}
    answer   200, application/zip: configuration.json and <product-key>-<configuration-id>.stl
             otherwise {"resultMessage", "resultCode", "resultCodeName"} as for Create Order

"Twikit will automatically create an internal order when this happens": each
export is recorded in ``internal_orders``.
"""

import io
import json
import zipfile
from datetime import UTC, datetime

from flask import Blueprint, Response, current_app, request

from . import configurations, faults, meshes, orders, settings
from .payloads import ExportRequest, check_export_payload, open_envelope
from .results import ApiFailure, ResultCode, guarded, unknown_integration

bp = Blueprint("export", __name__)


@bp.post("/api/v1/configuration/<integration_id>/export")
def export_production_file(integration_id: str):
    if not settings.is_integration(integration_id):
        return unknown_integration()
    return faults.respond("export", lambda: guarded(_export, "export"))


def _export():
    envelope = open_envelope(request.get_json(force=True, silent=True), "payload", settings.get("PAYLOAD_SECRET"))
    export = check_export_payload(envelope.parsed)
    configuration = configurations.get(export.configuration_id)
    if configuration is None:
        raise ApiFailure(ResultCode.CouldNotFindConfig, f"Configuration not found: {export.configuration_id}.")

    stl_name = f"{configuration['productKey']}-{configuration['configurationId']}.stl"
    archive, triangle_count = build_archive(configuration, export, stl_name)
    internal_order_id = orders.store_internal_order(export, envelope, stl_name, triangle_count, len(archive))
    current_app.logger.info("exported configuration %s as internal order %s (%d triangles)",
                            export.configuration_id, internal_order_id, triangle_count)
    response = Response(archive, mimetype="application/zip")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="{configuration["productKey"]}-{configuration["configurationId"]}.zip"')
    return response


def build_archive(configuration: dict, export: ExportRequest, stl_name: str) -> tuple[bytes, int]:
    """The ZIP of production files for one configuration, and the triangle count of its mesh."""
    mesh = meshes.generate(configuration["productKey"], configuration["parameters"])
    low, high = mesh.bounding_box()
    description = {
        "configurationId": configuration["configurationId"],
        "productKey": configuration["productKey"],
        "version": configuration["version"],
        "parameters": configuration["parameters"],
        "variation": configuration["variation"],
        "amount": export.amount,
        "data": export.data,
        "files": [{
            "name": stl_name, "format": "binary STL", "units": "mm",
            "triangles": len(mesh.triangles),
            "boundingBox": {"min": [round(value, 3) for value in low], "max": [round(value, 3) for value in high]},
        }],
        "configurationCreatedAt": configuration["createdAt"],
        "exportedAt": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("configuration.json", json.dumps(description, indent=2, ensure_ascii=False))
        archive.writestr(stl_name, mesh.to_binary_stl(f"{configuration['productKey']} "
                                                      f"configuration {configuration['configurationId']}"))
    return buffer.getvalue(), len(mesh.triangles)
