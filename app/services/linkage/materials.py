"""The files of a 上报件 travel with its messages: all of them with the 上报, the new ones
with each 补正 (each file once). They arrive as attachments of the receiving level's own
instance."""
from __future__ import annotations

import base64
import hashlib

import sqlalchemy as sa

from app.models import Attachment, CaseLink, LinkMessage, db
from app.models.linkage import OUT, REPORT_UP, SUPPLEMENT_REPLY
from app.services.workflow.errors import InvalidInput

CARRIES_FILES = (REPORT_UP, SUPPLEMENT_REPLY)


def outgoing(link: CaseLink, row: LinkMessage) -> list[dict]:
    """The files of this level's instance that no earlier message of it has carried."""
    if row.name not in CARRIES_FILES:
        return []
    earlier = db.session.scalars(sa.select(LinkMessage.envelope).where(
        LinkMessage.direction == OUT, LinkMessage.instance_id == link.instance_id,
        LinkMessage.name.in_(CARRIES_FILES), LinkMessage.id != row.id))
    sent = {(f["sha256"], f["filename"]) for envelope in earlier
            for f in envelope.get("attachments", [])}
    files = db.session.scalars(sa.select(Attachment).where(
        Attachment.instance_id == link.instance_id).order_by(Attachment.id))
    return [{"filename": a.filename, "content_type": a.content_type, "size": a.size,
             "sha256": a.sha256, "data": base64.b64encode(a.data).decode("ascii")}
            for a in files if (a.sha256, a.filename) not in sent]


def check(files: list) -> None:
    """Refuse a message whose files do not match their stated hashes (nothing is stored)."""
    for number, entry in enumerate(files):
        try:
            data = base64.b64decode(entry["data"], validate=True)
        except (KeyError, TypeError, ValueError):
            data = None
        if data is None or hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            raise InvalidInput("a file of the message is damaged", code="link_invalid",
                               errors=[{"field": f"attachments/{number}",
                                        "message": "content does not match its sha256"}])


def store(instance_id: int, files: list) -> None:
    """Keep the files on the receiving instance, once each (a retried delivery adds none)."""
    have = {tuple(row) for row in db.session.execute(sa.select(
        Attachment.sha256, Attachment.filename).where(Attachment.instance_id == instance_id))}
    for entry in files:
        if (entry["sha256"], entry["filename"]) in have or "data" not in entry:
            continue
        data = base64.b64decode(entry["data"])
        db.session.add(Attachment(instance_id=instance_id, filename=entry["filename"],
                                  content_type=entry["content_type"], size=len(data),
                                  sha256=entry["sha256"], data=data, uploaded_by=None))


def without_contents(envelope: dict) -> dict:
    """The envelope once its files are delivered: their names and hashes, not their bytes."""
    if not envelope.get("attachments"):
        return envelope
    return {**envelope, "attachments": [{k: v for k, v in f.items() if k != "data"}
                                        for f in envelope["attachments"]]}
