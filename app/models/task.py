"""Human tasks, mirrored from the engine after every step."""
from __future__ import annotations

from datetime import datetime, timezone

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.models.base import db, utcnow

OPEN = "open"
COMPLETED = "completed"
CANCELLED = "cancelled"  # removed by the engine (boundary event, terminate)
OPEN_ONLY = sa.text("state = 'open'")  # the predicate of the partial indexes of open tasks


# What instances.visible_to reads of a task: ix_human_task_instance_id carries it.
VISIBILITY_COLUMNS = ("assignee_id", "candidate_role", "candidate_department_id", "completed_by")


class HumanTask(db.Model):
    __tablename__ = "human_task"
    __table_args__ = (
        sa.Index("ix_human_task_open_role", "state", "candidate_role"),
        # 已办 (a person's completed tasks, the latest first), found without the open ones.
        sa.Index("ix_human_task_completed_by", "completed_by", "completed_at",
                 sqlite_where=sa.text("completed_by IS NOT NULL"),
                 postgresql_where=sa.text("completed_by IS NOT NULL")),
        # GET /api/tasks?sort=created (either direction): the open tasks in that order, read
        # until a page is found (walked backwards for the newest first).
        sa.Index("ix_human_task_open_created", "created_at", "id",
                 sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY),
        # The dashboard's open tasks by department, counted from the index alone.
        sa.Index("ix_human_task_open_department", "candidate_department_id", "department_id",
                 sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY),
        # The inbox's 我的待办 and 代办 (open tasks assigned to the clerk), and their counts.
        sa.Index("ix_human_task_open_assignee", "assignee_id",
                 sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY),
        # An instance's tasks, with what says who may see the instance through them
        # (instances.visible_to, probed once per instance a list or a search considers):
        # answered from the index alone on PostgreSQL, without reading the tasks.
        sa.Index("ix_human_task_instance_id", "instance_id",
                 postgresql_include=list(VISIBILITY_COLUMNS)),
    )

    id: Mapped[str] = mapped_column(sa.String(36), primary_key=True)  # engine task id
    instance_id: Mapped[int] = mapped_column(sa.ForeignKey("process_instance.id"))
    name: Mapped[str] = mapped_column(sa.String(100))  # BPMN element id
    title: Mapped[str] = mapped_column(sa.String(200))
    lane: Mapped[str | None] = mapped_column(sa.String(100))
    candidate_role: Mapped[str] = mapped_column(sa.String(40))
    candidate_department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    # The case's item and department, kept so the task can be routed again (letter revoked).
    item_code: Mapped[str | None] = mapped_column(sa.String(64))
    department_id: Mapped[int | None] = mapped_column(sa.ForeignKey("department.id"))
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"), index=True)
    # Set while the task is with a substitute (AB岗 B, 临时代行 deputy) for this absent user.
    delegated_from_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"),
                                                          index=True)
    # The letter whose direct-approval power put the task with a chief representative.
    authorization_letter_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("authorization_letter.id"))
    state: Mapped[str] = mapped_column(sa.String(16), default=OPEN)
    due_at: Mapped[datetime | None]
    form_schema: Mapped[str | None] = mapped_column(sa.String(200))
    form_ui_schema: Mapped[str | None] = mapped_column(sa.String(200))
    instructions: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    claimed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    claimed_at: Mapped[datetime | None]
    completed_by: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id"))
    completed_at: Mapped[datetime | None]


# The inbox's default order (the earliest due first, tasks without a due moment last): its
# terms, spelled once for the query and its index, with their constants written into the SQL
# (not bound) so that PostgreSQL matches the query's expressions to the index's and walks the
# open tasks in order, stopping at a page instead of sorting every task a person may see.
NO_DUE = datetime(1970, 1, 1, tzinfo=timezone.utc)  # any constant: due_last orders first
due_last = sa.case((HumanTask.due_at.is_(None), sa.literal(1, literal_execute=True)),
                   else_=sa.literal(0, literal_execute=True))
due_or_epoch = sa.func.coalesce(HumanTask.due_at,
                                sa.literal(NO_DUE, HumanTask.__table__.c.due_at.type,
                                           literal_execute=True))
sa.Index("ix_human_task_open_due", due_last, due_or_epoch, HumanTask.created_at, HumanTask.id,
         sqlite_where=OPEN_ONLY, postgresql_where=OPEN_ONLY)
