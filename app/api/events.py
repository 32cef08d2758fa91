"""Case events out: the feed another system polls with a cursor (webhooks carry the same)."""
from flask import jsonify, request

from app.api import pages
from app.api.blueprint import bp
from app.security import current_actor
from app.services.cases import events


@bp.get("/events")
def case_events():
    """?after=<cursor>&limit=<1..500>: the events after the cursor, oldest first; `next` is
    the cursor to pass next time (the same when nothing new has happened)."""
    rows, cursor = events.feed(current_actor(), request.args.get("after"),
                               request.args.get("limit"))
    return jsonify(pages.page((events.as_json(row) for row in rows), next=str(cursor)))


@bp.get("/webhook-deliveries")
def webhook_deliveries():
    """?status=dead: the dead letters an administrator may send again (administrators only)."""
    rows = events.deliveries(current_actor(), request.args.get("status"))
    return jsonify(pages.page(events.delivery_json(row) for row in rows))


@bp.post("/webhook-deliveries/<int:delivery_id>/retry")
def retry_webhook_delivery(delivery_id: int):
    return jsonify(events.delivery_json(events.retry(current_actor(), delivery_id)))
