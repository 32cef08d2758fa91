"""Deployed process versions and the instances running them."""
from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.models.base import db, utcnow

RUNNING = "running"
SUSPENDED = "suspended"
COMPLETED = "completed"
TERMINATED = "terminated"
ERROR = "error"  # an incident stops the instance until an administrator retries it
INSTANCE_STATES = (RUNNING, SUSPENDED, COMPLETED, TERMINATED, ERROR)


class ProcessDefinition(db.Model):
    """One immutable version of a process: its BPMN and the forms its user tasks use."""

    __tablename__ = "process_definition"
    __table_args__ = (sa.UniqueConstraint("key", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(100), index=True)  # BPMN process id
    version: Mapped[int]
    name: Mapped[str] = mapped_column(sa.String(200))
    source_name: Mapped[str] = mapped_column(sa.String(200))  # file it came from
    # The documents are loaded when read, not with every instance a list or a step joins to
    # its definition: a step finds the parsed process in the worker's cache.
    bpmn_xml: Mapped[str] = mapped_column(sa.Text, deferred=True)
    forms: Mapped[dict] = mapped_column(default=dict, deferred=True)  # file name -> JSON
    # The DMN decision tables its business rule tasks call: file name -> DMN XML text.
    decisions: Mapped[dict | None] = mapped_column(default=dict, deferred=True)
    sha256: Mapped[str] = mapped_column(sa.String(64), index=True)
    deployed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    deployed_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Why this version was deployed, as the designer wrote it ("" from clients sending none).
    change_note: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    # Set when this version redeploys an earlier one's content (a rollback).
    restored_from: Mapped[int | None] = mapped_column()


class ProcessInstance(db.Model):
    __tablename__ = "process_instance"
    # The monitor's list filtered by state, newest first, read from the index in order.
    __table_args__ = (sa.Index("ix_process_instance_state_id", "state", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    definition_id: Mapped[int] = mapped_column(sa.ForeignKey("process_definition.id"), index=True)
    business_key: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    state: Mapped[str] = mapped_column(sa.String(16), default=RUNNING, index=True)
    # The engine state without spec: loaded by the locking path (and when read), never by lists.
    workflow_json: Mapped[str] = mapped_column(sa.Text, default="", deferred=True)
    serializer_version: Mapped[str] = mapped_column(sa.String(16), default="")
    next_timer_at: Mapped[datetime | None] = mapped_column(index=True)
    # A sweep's claim on a due timer: until then no other sweep (a second worker, a duplicate
    # beat) queues the instance again; every save clears it, a lost claim lapses.
    timer_claimed_until: Mapped[datetime | None]
    incident: Mapped[str | None] = mapped_column(sa.Text)
    started_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    started_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    lock_version: Mapped[int] = mapped_column(default=1)
    definition: Mapped[ProcessDefinition] = relationship(lazy="joined")

    # Every UPDATE checks and bumps lock_version: a writer that lost the race fails loudly.
    __mapper_args__ = {"version_id_col": lock_version}


class TaskHistory(db.Model):
    """A finished engine task cut from an instance's live tree (app/engine/history.py): the
    record of a loop's earlier rounds once the workflow document no longer holds them."""

    __tablename__ = "task_history"

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"), index=True)
    task_id: Mapped[str] = mapped_column(sa.String(36))
    element: Mapped[str] = mapped_column(sa.String(255))  # BPMN id (or the engine's name)
    name: Mapped[str | None] = mapped_column(sa.String(255))
    state: Mapped[str] = mapped_column(sa.String(16))
    finished_at: Mapped[datetime]
    pruned_at: Mapped[datetime] = mapped_column(default=utcnow)
