"""gunicorn settings for the web role: `gunicorn --config python:app.gunicorn_config …`."""
from __future__ import annotations

from app.gc_tuning import freeze_long_lived


def post_worker_init(worker) -> None:  # the app is loaded in this worker by now
    freeze_long_lived()
