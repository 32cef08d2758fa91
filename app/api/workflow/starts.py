"""What every start answers: 201 with the instance and its open tasks. A start sent with an
`Idempotency-Key` header may be retried safely: the same key and body from the same caller
answer with the instance the first request started, as it stands now, marked
`Idempotent-Replayed: true`."""
from __future__ import annotations

from collections.abc import Callable

from flask import current_app, jsonify, request

from app.api import representations as rep
from app.models import ProcessInstance
from app.security import current_actor
from app.services import cases
from app.services.workflow import idempotency, instances

Start = Callable[[idempotency.Created | None], ProcessInstance]


def started(operation: str, body: dict, start: Start):
    """Run `start(on_created)` once per Idempotency-Key and answer with its instance."""
    instance, replayed = idempotency.start_once(
        current_actor(), request.headers.get("Idempotency-Key"), operation, body,
        keep_hours=current_app.config["IDEMPOTENCY_KEY_HOURS"], start=start)
    response = jsonify(rep.instance(instance, tasks=instances.open_tasks(instance.id),
                                    case_row=cases.case_of(instance.id)))
    response.status_code = 201
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response
