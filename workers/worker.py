"""Entry point of the worker: `celery -A workers.worker worker -B` (beat embedded)."""
from __future__ import annotations

from app import create_app
from workers.celery_app import make_celery

flask_app = create_app()
celery_app = make_celery(flask_app)
