"""Which modules of app/ one task completion runs through, and how they are spread over the
layers: the route, the workflow platform, the domain, the engine and the models.

    .venv/bin/python bench/completion_path.py

A fresh SQLite file gets the migrations, the calendar, the demo and processes/; a clerk
starts a case of service_item (item MSA-002, a 承诺件), and the first window task is
completed through POST /api/tasks/{id}/complete with a tracer on: every app module whose code
runs during that request is counted, with its number of calls (the app is warm: imports
are not counted).
"""
from __future__ import annotations

import sys
import tempfile
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.models import HumanTask, db  # noqa: E402
from bench.bench_joint import setup_app  # noqa: E402  the same fresh database

# 受理 at the window: within remit, every material the item requires received.
ACCEPT = {"within_remit": True,
          "materials_received": ["application_form", "id_card", "premises_proof"]}
LAYERS = (("app.api", "route"), ("app.web", "page"), ("app.services.workflow", "platform"),
          ("app.services", "domain"), ("app.engine", "engine"), ("app.models", "models"))


def main() -> None:
    app = setup_app(Path(tempfile.mkdtemp()))
    client = app.test_client()
    token = client.post("/api/auth/token", json={"username": "clerk", "password": "demo"})
    headers = {"Authorization": f"Bearer {token.json['token']}"}
    started = client.post("/api/process-definitions/key/service_item/start", headers=headers, json={
        "variables": {"item_code": "MSA-002", "applicant": {"name": "张三"}}})
    assert started.status_code == 201, started.json
    with app.app_context():
        task = db.session.scalars(db.select(HumanTask).where(
            HumanTask.instance_id == started.json["id"])).first()
        task_id = task.id
    seen = trace(lambda: client.post(f"/api/tasks/{task_id}/complete", headers=headers,
                                     json={"variables": ACCEPT}))
    report(seen)


def trace(request) -> dict[str, int]:
    calls: dict[str, int] = defaultdict(int)

    def profiler(frame, event, arg):
        if event == "call":
            name = frame.f_globals.get("__name__", "")
            if name == "app" or name.startswith("app."):
                calls[name] += 1
    sys.setprofile(profiler)
    try:
        response = request()
    finally:
        sys.setprofile(None)
    print(f"POST /api/tasks/{{id}}/complete -> {response.status_code}")
    return calls


def report(calls: dict[str, int]) -> None:
    by_layer: dict[str, list[str]] = defaultdict(list)
    for module in sorted(calls):
        layer = next((label for prefix, label in LAYERS
                      if module == prefix or module.startswith(prefix + ".")), "app")
        by_layer[layer].append(module)
    print(f"{len(calls)} modules of app/ ran")
    for _, label in (*LAYERS, ("", "app")):
        if by_layer.get(label):
            print(f"  {label:8} {len(by_layer[label]):2}  " + ", ".join(
                f"{m.removeprefix('app.')} ({calls[m]})" for m in by_layer[label]))


if __name__ == "__main__":
    main()
