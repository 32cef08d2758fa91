# One image for every role: migrate, web (gunicorn), worker and beat (Celery).
# See docker-compose.yml; all settings come from the environment (.env.example).
# Browser libraries (bpmn-js) from the npm registry, pinned by package-lock.json.
FROM node:20-bookworm-slim AS assets
WORKDIR /build
COPY package.json package-lock.json .npmrc ./
RUN npm ci --ignore-scripts --no-audit --no-fund

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    APP_ENV=production \
    PYTHONPATH=/srv/govflow

WORKDIR /srv/govflow

# Dependencies first, so editing code does not reinstall them.
COPY pyproject.toml README.md ./
COPY app ./app
COPY workers ./workers
RUN pip install . && pybabel compile -d app/translations
COPY --from=assets /build/node_modules/bpmn-js/dist/assets ./app/static/vendor/bpmn-js/assets
COPY --from=assets /build/node_modules/bpmn-js/dist/bpmn-modeler.production.min.js \
     /build/node_modules/bpmn-js/dist/bpmn-navigated-viewer.production.min.js \
     /build/node_modules/bpmn-js/dist/bpmn-viewer.production.min.js ./app/static/vendor/bpmn-js/

# The server runs from this tree (PYTHONPATH): app/config.py finds alembic.ini, migrations/,
# processes/ and forms/ next to app/, and the templates inside it.
COPY alembic.ini ./
COPY migrations ./migrations
COPY processes ./processes
COPY forms ./forms

RUN useradd --system --uid 10001 --user-group --create-home --home-dir /home/govflow govflow \
 && mkdir -p /srv/govflow/instance \
 && chown govflow:govflow /srv/govflow/instance
USER govflow

EXPOSE 8000
# WEB_CONCURRENCY sets gunicorn's worker count (gunicorn reads it itself).
CMD ["gunicorn", "--bind", "0.0.0.0:8000", "--config", "python:app.gunicorn_config", \
     "--access-logfile", "-", "app:create_app()"]
