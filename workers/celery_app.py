"""The Celery application, bound to a Flask app (Flask's documented pattern).

Tasks run inside the Flask app context, so they use the same services and database
session handling as requests. Nothing relies on broker ETAs: periodic sweeps of the
database (timers, outbox) find the work, and every task is idempotent, so a task
delivered twice, or late, does no harm.
"""
from __future__ import annotations

import os

from celery import Celery, Task
from flask import Flask
from kombu import Queue

TIMER_SWEEP = "govflow.sweep_timers"
FIRE_TIMER = "govflow.fire_timer"
TIMER_QUEUE = "timers"
OUTBOX_SWEEP = "govflow.sweep_outbox"
ABSENCE_SWEEP = "govflow.sweep_absences"
LINK_SWEEP = "govflow.sweep_links"  # 三级联动 messages, both ways
CALENDAR_SWEEP = "govflow.keep_calendar_ahead"  # coming years stored before they are needed
CLOCK_SWEEP = "govflow.watch_case_clocks"  # pauses held, cases past the 法定时限 flagged
LETTER_EXPIRY_SWEEP = "govflow.warn_expiring_letters"  # 授权书 ending within 30 days
RATING_REMINDER_SWEEP = "govflow.remind_unrated"  # 好差评: unrated invited again, late 整改 told
SUPERVISION_SWEEP = "govflow.supervise"  # 效能监察: months frozen, cards, samples, duty


def make_celery(flask_app: Flask) -> Celery:
    class FlaskTask(Task):
        def __call__(self, *args, **kwargs):
            with flask_app.app_context():
                return self.run(*args, **kwargs)

    celery_app = Celery(flask_app.name, task_cls=FlaskTask, include=["workers.tasks"])
    celery_app.conf.update(celery_config(flask_app))
    celery_app.set_default()
    flask_app.extensions["celery"] = celery_app
    return celery_app


def celery_config(flask_app: Flask) -> dict:
    config = flask_app.config
    timer_every, outbox_every = config["TIMER_SWEEP_SECONDS"], config["OUTBOX_SWEEP_SECONDS"]
    absence_every, link_every = config["ABSENCE_SWEEP_SECONDS"], config["LINK_SWEEP_SECONDS"]
    calendar_every, clock_every = config["CALENDAR_SWEEP_SECONDS"], config["CLOCK_SWEEP_SECONDS"]
    letter_every = config["LETTER_EXPIRY_SWEEP_SECONDS"]
    rating_every = config["RATING_REMINDER_SWEEP_SECONDS"]
    supervision_every = config["SUPERVISION_SWEEP_SECONDS"]
    return {
        "broker_url": config["CELERY_BROKER_URL"],
        "broker_connection_retry_on_startup": True,
        "task_serializer": "json",
        "result_serializer": "json",
        "accept_content": ["json"],
        "task_ignore_result": True,
        "task_always_eager": config.get("CELERY_ALWAYS_EAGER", False),
        "worker_prefetch_multiplier": 1,
        # Timer firings have their own queue: thousands due at once do not hold the outbox,
        # link and other sweeps behind them (a worker consumes both queues, in turn).
        "task_queues": (Queue("celery"), Queue(TIMER_QUEUE)),
        "task_default_queue": "celery",
        "task_routes": {FIRE_TIMER: {"queue": TIMER_QUEUE}},
        # Scripts stop themselves (SCRIPT_TIME_LIMIT_SECONDS); this is the backstop for a
        # task stuck anywhere else, so that it cannot hold a worker process for ever.
        "task_soft_time_limit": 120,
        "task_time_limit": 180,
        "timezone": "UTC",
        "beat_schedule_filename": os.path.join(flask_app.instance_path, "celerybeat-schedule"),
        "beat_schedule": {
            # A sweep nobody picked up in time is dropped: the next one finds the same work.
            "sweep-timers": {"task": TIMER_SWEEP, "schedule": float(timer_every),
                             "options": {"expires": float(timer_every)}},
            "sweep-outbox": {"task": OUTBOX_SWEEP, "schedule": float(outbox_every),
                             "options": {"expires": float(outbox_every)}},
            "sweep-links": {"task": LINK_SWEEP, "schedule": float(link_every),
                            "options": {"expires": float(link_every)}},
            "sweep-absences": {"task": ABSENCE_SWEEP, "schedule": float(absence_every),
                               "options": {"expires": float(absence_every)}},
            "keep-calendar-ahead": {"task": CALENDAR_SWEEP, "schedule": float(calendar_every),
                                    "options": {"expires": float(calendar_every)}},
            "watch-case-clocks": {"task": CLOCK_SWEEP, "schedule": float(clock_every),
                                  "options": {"expires": float(clock_every)}},
            "warn-expiring-letters": {"task": LETTER_EXPIRY_SWEEP,
                                      "schedule": float(letter_every),
                                      "options": {"expires": float(letter_every)}},
            "remind-unrated": {"task": RATING_REMINDER_SWEEP, "schedule": float(rating_every),
                               "options": {"expires": float(rating_every)}},
            "supervise": {"task": SUPERVISION_SWEEP, "schedule": float(supervision_every),
                          "options": {"expires": float(supervision_every)}},
        },
    }
