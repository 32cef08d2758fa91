"""All models, imported here so metadata (and Alembic) sees every table."""
from app.models.audit import AuditEvent
from app.models.base import db, utcnow
from app.models.calendar import CalendarDay
from app.models.case import Case, CaseCounter
from app.models.catalog import Item
from app.models.identity import Department, Membership, User
from app.models.outbox import Notification
from app.models.process import ProcessDefinition, ProcessInstance
from app.models.task import HumanTask

__all__ = [
    "AuditEvent", "CalendarDay", "Case", "CaseCounter", "Department", "HumanTask", "Item",
    "Membership", "Notification", "ProcessDefinition", "ProcessInstance", "User", "db", "utcnow",
]
