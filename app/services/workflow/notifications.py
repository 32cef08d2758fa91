"""The notification outbox: written with the step that caused it, delivered by a worker."""
from __future__ import annotations

import logging
import smtplib
from datetime import timedelta
from email.message import EmailMessage

import sqlalchemy as sa
from flask import current_app

from app.models import HumanTask, Notification, User, db, utcnow
from app.models.outbox import DEAD, EMAIL, IN_APP, PENDING, POOL, SENDING, SENT, SMS
from app.services.workflow import assignment
from app.services.workflow.transactions import begin_write

log = logging.getLogger(__name__)
MAX_ATTEMPTS = 6
# How long a claim holds: far longer than a send may take (SMTP times out after 10 s).
CLAIM_LEASE = timedelta(minutes=10)


def enqueue(channel: str, kind: str, subject: str, body: str, *, user_id: int | None = None,
            address: str | None = None, instance_id: int | None = None) -> Notification:
    row = Notification(channel=channel, kind=kind, subject=subject, body=body,
                       recipient_user_id=user_id, recipient_address=address,
                       instance_id=instance_id)
    if channel == IN_APP:  # storing it is delivering it
        row.status, row.sent_at = SENT, utcnow()
    db.session.add(row)
    return row


def tell_user(user: User, kind: str, subject: str, body: str, instance_id: int | None) -> None:
    enqueue(IN_APP, kind, subject, body, user_id=user.id, instance_id=instance_id)
    if user.email:
        enqueue(EMAIL, kind, subject, body, user_id=user.id, address=user.email,
                instance_id=instance_id)


def tell_candidates(task: HumanTask, kind: str, subject: str, body: str) -> None:
    """The assignee, or the task's pool as one row (its holders are e-mailed at delivery):
    a step writes a bounded number of rows however many people hold the role."""
    if task.assignee_id is not None:
        for user in assignment.candidates(task):
            tell_user(user, kind, subject, body, task.instance_id)
        return
    row = enqueue(POOL, kind, subject, body, instance_id=task.instance_id)
    row.recipient_role, row.recipient_department_id = (task.candidate_role,
                                                       task.candidate_department_id)
    row.task_id = task.id


def pool_recipients(row: Notification) -> list[User]:
    """Who a pool row reaches: whoever holds its task now (claimed meanwhile: the
    assignee), else the holders of its role and department."""
    task = db.session.get(HumanTask, row.task_id) if row.task_id else None
    if task is not None and task.assignee_id is not None:
        return assignment.candidates(task)
    return assignment.holders(row.recipient_role, row.recipient_department_id)


def tell_applicant(contact: dict, kind: str, subject: str, body: str, instance_id: int) -> None:
    """In-app always (on the case record), plus SMS and e-mail where the applicant gave them."""
    enqueue(IN_APP, kind, subject, body, user_id=contact.get("user_id"), instance_id=instance_id)
    if contact.get("phone"):
        enqueue(SMS, kind, subject, body, address=contact["phone"], instance_id=instance_id)
    if contact.get("email"):
        enqueue(EMAIL, kind, subject, body, address=contact["email"], instance_id=instance_id)


def due_ids(limit: int = 100) -> list[int]:
    """Pending rows whose time has come, and claims abandoned by a worker that died."""
    return list(db.session.scalars(
        sa.select(Notification.id)
        .where(Notification.status.in_((PENDING, SENDING)),
               Notification.next_attempt_at <= utcnow())
        .order_by(Notification.next_attempt_at).limit(limit)))


def deliver(notification_id: int) -> str:
    """Send one notification at most once; idempotent (a sent one is left alone).

    The row is first claimed by one conditional UPDATE, committed before anything is sent:
    of two workers delivering the same row at once (SQLite has no row locks) only one wins
    the claim, and only the winner sends. A worker that dies while sending leaves the claim,
    which is taken again after CLAIM_LEASE. Returns the row's status."""
    if not _claim(notification_id):
        row = db.session.get(Notification, notification_id, populate_existing=True)
        return row.status if row else "missing"
    row = db.session.get(Notification, notification_id, populate_existing=True)
    if row.channel == POOL:
        return _fan_out(notification_id)
    error = None
    try:
        CHANNELS[row.channel](row)
    except Exception as err:  # any transport failure is retried with backoff
        error = f"{type(err).__name__}: {err}"
    begin_write()  # SQLite: a writer from the first statement, queued, never "locked"
    row = db.session.get(Notification, notification_id, populate_existing=True)
    if error is None:
        row.status, row.sent_at, row.last_error = SENT, utcnow(), None
    else:
        row.last_error = error
        if row.attempts >= MAX_ATTEMPTS:
            row.status = DEAD
        else:
            row.status = PENDING
            row.next_attempt_at = utcnow() + timedelta(seconds=30 * 2 ** row.attempts)
    db.session.commit()
    return row.status


def _fan_out(notification_id: int) -> str:
    """A pool row becomes an e-mail row for each holder with an address, in the transaction
    that marks it sent: a worker dying halfway leaves the claim to be taken again, never
    half the e-mails queued."""
    begin_write()
    row = db.session.get(Notification, notification_id, populate_existing=True)
    for user in pool_recipients(row):
        if user.email:
            enqueue(EMAIL, row.kind, row.subject, row.body, user_id=user.id,
                    address=user.email, instance_id=row.instance_id)
    row.status, row.sent_at, row.last_error = SENT, utcnow(), None
    db.session.commit()
    return row.status


def purge_delivered(retention_days: int, batch: int = 1000) -> int:
    """Delete up to `batch` notifications delivered more than `retention_days` ago (0 keeps
    them all); failed (dead) ones stay for an administrator. Returns how many went."""
    if retention_days <= 0:
        return 0
    begin_write()
    ids = sa.select(Notification.id).where(
        Notification.status == SENT,
        Notification.sent_at < utcnow() - timedelta(days=retention_days)
    ).order_by(Notification.sent_at).limit(batch)
    deleted = db.session.execute(sa.delete(Notification).where(Notification.id.in_(ids))
                                 .execution_options(synchronize_session=False)).rowcount
    db.session.commit()
    return deleted


def _claim(notification_id: int) -> bool:
    begin_write()  # SQLite: a writer from the first statement, queued, never "locked"
    now = utcnow()
    claimable = sa.or_(Notification.status == PENDING,
                       sa.and_(Notification.status == SENDING,
                               Notification.next_attempt_at <= now))
    result = db.session.execute(
        sa.update(Notification).where(Notification.id == notification_id, claimable)
        .values(status=SENDING, attempts=Notification.attempts + 1,
                next_attempt_at=now + CLAIM_LEASE)
        .execution_options(synchronize_session=False))
    db.session.commit()
    return result.rowcount == 1


def _send_email(row: Notification) -> None:
    config = current_app.config
    if not config.get("SMTP_HOST"):
        raise RuntimeError("SMTP_HOST is not configured")
    message = EmailMessage()
    message["From"], message["To"] = config["SMTP_SENDER"], row.recipient_address
    message["Subject"] = row.subject
    message.set_content(row.body)
    with smtplib.SMTP(config["SMTP_HOST"], config["SMTP_PORT"], timeout=10) as smtp:
        if config.get("SMTP_USER"):
            smtp.starttls()
            smtp.login(config["SMTP_USER"], config["SMTP_PASSWORD"])
        smtp.send_message(message)


class LoggingSmsAdapter:
    """Default SMS adapter: writes the message to the log (a real gateway plugs in here)."""

    def send(self, phone: str, text: str) -> None:
        log.info("SMS to %s: %s", phone, text)


SMS_ADAPTERS = {"log": LoggingSmsAdapter}


def _send_sms(row: Notification) -> None:
    adapter = SMS_ADAPTERS[current_app.config["SMS_ADAPTER"]]()
    adapter.send(row.recipient_address, f"{row.subject} {row.body}")


CHANNELS = {EMAIL: _send_email, SMS: _send_sms, IN_APP: lambda row: None}


def register_channel(name: str, sender) -> None:
    """A channel the domain adds (webhooks): its rows are claimed, retried and dead-lettered
    like e-mail; `sender(row)` raises to have the row retried."""
    CHANNELS[name] = sender
