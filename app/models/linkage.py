"""Three-level linkage (三级联动): the county, city and province instances of one case.

Each level runs its own instance; they exchange BPMN messages. An outgoing message is written
here in the same transaction as the step that threw it and delivered by a worker; an incoming
one is kept here until the instance it is for waits for it.
"""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow

OUT, IN = "out", "in"
PENDING = "pending"
DELIVERED = "delivered"  # out: acknowledged by the receiving center; in: caught by the instance
DEAD = "dead"  # given up; an administrator can redeliver it
MESSAGE_STATES = (PENDING, DELIVERED, DEAD)

REPORT_UP = "report_up"  # 上报, with all materials: starts the upper level's instance
LEVEL_REPLY = "level_reply"  # down: a decision or a request for 补正
SUPPLEMENT_REPLY = "supplement_reply"  # up: the materials the applicant supplied
LEVEL_STATUS = "level_status"  # down: where the case stands above (no instance catches it)
UPWARD = (REPORT_UP, SUPPLEMENT_REPLY)
DOWNWARD = (LEVEL_REPLY, LEVEL_STATUS)
MESSAGE_NAMES = (*UPWARD, *DOWNWARD)


class CaseLink(db.Model):
    """One level's case in a chain, found by the county case number (the chain's key)."""

    __tablename__ = "case_link"
    __table_args__ = (sa.UniqueConstraint("center_code", "origin_case_no"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    center_code: Mapped[str] = mapped_column(sa.String(32))
    origin_case_no: Mapped[str] = mapped_column(sa.String(40), index=True)  # the county's 办件编号
    origin_center: Mapped[str] = mapped_column(sa.String(32))
    case_id: Mapped[int] = mapped_column(sa.ForeignKey("service_case.id"), unique=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), unique=True)
    lower_center: Mapped[str | None] = mapped_column(sa.String(32))
    upper_center: Mapped[str | None] = mapped_column(sa.String(32))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LinkMessage(db.Model):
    """A message between levels: `out` is the outbox of this center, `in` its inbox.

    `uid` is the sender's id for the message; a second arrival of the same uid is acknowledged
    and ignored, so delivery can be retried until acknowledged without doing anything twice."""

    __tablename__ = "link_message"
    __table_args__ = (sa.UniqueConstraint("direction", "uid"),
                      sa.Index("ix_link_message_due", "direction", "status", "next_attempt_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(36))
    direction: Mapped[str] = mapped_column(sa.String(8))
    name: Mapped[str] = mapped_column(sa.String(64))
    from_center: Mapped[str] = mapped_column(sa.String(32))
    to_center: Mapped[str] = mapped_column(sa.String(32))
    origin_case_no: Mapped[str] = mapped_column(sa.String(40), index=True)
    envelope: Mapped[dict] = mapped_column(default=dict)  # payload and the sender's view of levels
    instance_id: Mapped[int | None] = mapped_column(index=True)  # the local sender or receiver
    status: Mapped[str] = mapped_column(sa.String(16), default=PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_error: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    delivered_at: Mapped[datetime | None]


class LinkLevel(db.Model):
    """The latest known state of one level of a chain, as reported in its messages."""

    __tablename__ = "link_level"
    __table_args__ = (sa.UniqueConstraint("origin_case_no", "center_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    origin_case_no: Mapped[str] = mapped_column(sa.String(40))
    center_code: Mapped[str] = mapped_column(sa.String(32))
    snapshot: Mapped[dict] = mapped_column(default=dict)
    as_of: Mapped[datetime] = mapped_column(default=utcnow)


class LinkNonce(db.Model):
    """Nonces of signed requests from peer deployments, kept while their timestamp is fresh."""

    __tablename__ = "link_nonce"

    peer: Mapped[str] = mapped_column(sa.String(32), primary_key=True)
    nonce: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    seen_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
