"""Attachments (附件) of a process instance: upload (multipart field "file"), list, download."""
from io import BytesIO

from flask import jsonify, request, send_file

from app.api import pages
from app.api.blueprint import bp
from app.models import Attachment
from app.security import current_actor
from app.services.workflow import attachments
from app.services.workflow.errors import InvalidInput


def attachment_json(attachment: Attachment) -> dict:
    return {"id": attachment.id, "processInstanceId": attachment.instance_id,
            "taskId": attachment.task_id, "filename": attachment.filename,
            "contentType": attachment.content_type, "size": attachment.size,
            "sha256": attachment.sha256, "uploadedBy": attachment.uploaded_by,
            "uploadedAt": attachment.uploaded_at.isoformat()}


@bp.post("/process-instances/<int:instance_id>/attachments")
def add_attachment(instance_id: int):
    upload = request.files.get("file")
    if upload is None:
        raise InvalidInput("send the file as multipart field 'file'",
                           errors=[{"field": "file", "message": "required"}])
    attachment = attachments.add(instance_id, upload, current_actor(),
                                 task_id=request.form.get("taskId") or None)
    return jsonify(attachment_json(attachment)), 201


@bp.get("/process-instances/<int:instance_id>/attachments")
def list_attachments(instance_id: int):
    return jsonify(pages.page(attachment_json(a)
                              for a in attachments.listing(instance_id, current_actor().user)))


@bp.get("/attachments/<int:attachment_id>")
def download_attachment(attachment_id: int):
    attachment = attachments.get(attachment_id, current_actor().user)
    response = send_file(BytesIO(attachment.data), mimetype=attachment.content_type,
                         as_attachment=True, download_name=attachment.filename)
    # Never let a browser render an upload as something else (HTML, script) than its type.
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
