"""Business logic. Routes and Celery tasks call these; nothing here imports routes."""
