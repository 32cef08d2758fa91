"""Background work: the Celery app, its periodic sweeps, and thin tasks over the services."""
