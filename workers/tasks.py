"""Thin tasks: ids in, a service call, nothing else. Every task is idempotent.

acks_late: a task is acknowledged only after it ran, so a worker that dies mid-task
leaves it to be delivered again, which the services turn into a no-op when done.
"""
from __future__ import annotations

from datetime import timedelta

from celery import shared_task
from flask import current_app

from app.models.linkage import IN, OUT
from app.services.authorization import expiry as letter_expiry
from app.services.calendar import admin as calendar_admin
from app.services.cases import clock_watch as case_clock_watch
from app.services.evaluation import rating, rectification
from app.services.linkage import delivery as linkage
from app.services.organization import absence_reports as absence_admin
from app.services.supervision import sweep as supervision
from app.services.workflow import idempotency, notifications, timers
from app.services.workflow.actor import Actor
from workers.celery_app import (ABSENCE_SWEEP, CALENDAR_SWEEP, CLOCK_SWEEP, FIRE_TIMER,
                                LETTER_EXPIRY_SWEEP, LINK_SWEEP, OUTBOX_SWEEP,
                                RATING_REMINDER_SWEEP, SUPERVISION_SWEEP, TIMER_SWEEP)


@shared_task(name=TIMER_SWEEP, acks_late=True)
def sweep_timers() -> None:
    timers.sweep(fire_timer.delay, lease=timedelta(seconds=current_app.config[
        "TIMER_CLAIM_SECONDS"]))


@shared_task(name=FIRE_TIMER, acks_late=True)
def fire_timer(instance_id: int) -> None:
    timers.fire(instance_id, Actor.system("timer"))


@shared_task(name=OUTBOX_SWEEP, acks_late=True)
def sweep_outbox() -> None:
    for notification_id in notifications.due_ids():
        deliver_notification.delay(notification_id)
    notifications.purge_delivered(current_app.config["NOTIFICATION_RETENTION_DAYS"])
    idempotency.purge(current_app.config["IDEMPOTENCY_KEY_HOURS"])


@shared_task(name="govflow.deliver_notification", acks_late=True)
def deliver_notification(notification_id: int) -> None:
    notifications.deliver(notification_id)


@shared_task(name=ABSENCE_SWEEP, acks_late=True)
def sweep_absences() -> None:
    absence_admin.sweep()


@shared_task(name=CALENDAR_SWEEP, acks_late=True)
def keep_calendar_ahead() -> None:
    calendar_admin.keep_ahead()


@shared_task(name=CLOCK_SWEEP, acks_late=True)
def watch_case_clocks() -> None:
    case_clock_watch.watch()


@shared_task(name=LETTER_EXPIRY_SWEEP, acks_late=True)
def warn_expiring_letters() -> None:
    letter_expiry.warn_expiring()


@shared_task(name=RATING_REMINDER_SWEEP, acks_late=True)
def remind_unrated() -> None:
    """The 好差评 sweep: unrated cases invited again, late 整改 escalated."""
    rating.remind_unrated()
    rectification.escalate_overdue()


@shared_task(name=SUPERVISION_SWEEP, acks_late=True)
def supervise() -> None:
    """效能监察's steps, each on its own: a month frozen, cards dealt, a sample drawn."""
    supervision.run()


@shared_task(name=LINK_SWEEP, acks_late=True)
def sweep_links() -> None:
    for message_id in linkage.due_ids(OUT):
        send_link_message.delay(message_id)
    for message_id in linkage.due_ids(IN):
        catch_link_message.delay(message_id)


@shared_task(name="govflow.send_link_message", acks_late=True)
def send_link_message(message_id: int) -> None:
    linkage.deliver_outbound(message_id, Actor.system("links"))


@shared_task(name="govflow.catch_link_message", acks_late=True)
def catch_link_message(message_id: int) -> None:
    linkage.deliver_inbound(message_id, Actor.system("links"))
