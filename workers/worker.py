"""Entry point of the worker: `celery -A workers.worker worker -B` (beat embedded)."""
from __future__ import annotations

from celery.signals import worker_process_init

from app import create_app
from app.gc_tuning import freeze_long_lived
from workers.celery_app import make_celery

flask_app = create_app()
celery_app = make_celery(flask_app)


@worker_process_init.connect
def _freeze_long_lived(**_kwargs) -> None:  # each pool process, once it is ready
    freeze_long_lived()
