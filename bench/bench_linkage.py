"""三级联动: what moving one message between levels costs.

    .venv/bin/python bench/bench_linkage.py

Two deployments on fresh SQLite files set up like `flask setup`: the county's (which also
serves the city as a tenant) and a city server on 127.0.0.1 (werkzeug, threaded).
For BENCH_CASES county cases (20), accepted and reviewed untimed, it times:
- send (local): one outbox row handed to a center of the same deployment (receive + commit);
- open: the city catching a 上报: its own instance, case and item version, 受理, status reply;
- catch: the county catching the city's decision and opening the delivery task;
- send (HTTP): one signed POST of a 上报 to the city server until acknowledged.
Medians and p90 in milliseconds; results also go to bench/results/.
"""
from __future__ import annotations

import json
import os
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from bench.bench_joint import MONDAY, percentile, setup_app  # noqa: E402

CASES = int(os.environ.get("BENCH_CASES", "20"))
SECRET = "b" * 48


def timed(samples: list, function, *args):
    started = time.perf_counter()
    result = function(*args)
    samples.append((time.perf_counter() - started) * 1000)
    return result


def headers(app, username: str) -> dict:
    import sqlalchemy as sa

    from app.models import User, db
    from app.services import auth
    with app.app_context():
        user = db.session.scalar(sa.select(User).where(User.username == username))
        return {"Authorization": f"Bearer {auth.issue_token(user)}"}


def complete(client, app, instance_id: int, name: str, username: str, **variables) -> None:
    import sqlalchemy as sa

    from app.models import HumanTask, db
    with app.app_context():
        task_id = db.session.scalar(sa.select(HumanTask.id).where(
            HumanTask.instance_id == instance_id, HumanTask.name == name,
            HumanTask.state == "open"))
    response = client.post(f"/api/tasks/{task_id}/complete", json={"variables": variables},
                           headers=headers(app, username))
    assert response.status_code == 200, response.json


def reported_case(app, client) -> tuple[int, int]:
    """A county case reported up, untimed: (instance id, its outbox row id)."""
    import sqlalchemy as sa

    from app.models import LinkMessage, db
    started = client.post("/api/process-definitions/key/three_level_report/start",
                          headers=headers(app, "hcd_a"), json={"variables": {
                              "item_code": "HCD-004", "applicant": {"name": "基准测试公司"}}})
    instance_id = started.json["id"]
    complete(client, app, instance_id, "intake", "hcd_a", within_remit=True,
             materials_received=["application_form", "business_licence", "id_card"])
    complete(client, app, instance_id, "preliminary_review", "hcd_a",
             preliminary_opinion="同意上报", recommendation="approve")
    with app.app_context():
        return instance_id, db.session.scalar(sa.select(sa.func.max(LinkMessage.id)))


def local_round(app, client, samples: dict) -> None:
    import sqlalchemy as sa

    from app.models import CaseLink, LinkMessage, db
    from app.services.linkage import delivery as linkage
    from app.services.workflow.actor import Actor
    actor = Actor.system("bench")
    county, out_id = reported_case(app, client)
    with app.app_context():
        timed(samples["send (local)"], linkage.deliver_outbound, out_id, actor)
        in_id = db.session.scalar(sa.select(sa.func.max(LinkMessage.id)))
        timed(samples["open"], linkage.deliver_inbound, in_id, actor)
        city = db.session.scalar(sa.select(CaseLink.instance_id).order_by(CaseLink.id.desc()))
        linkage.pump(actor)  # the city's 受理 status, untimed
    complete(client, app, city, "review", "cx_hcd_leader", outcome="approve",
             review_opinion="同意")
    with app.app_context():
        reply = db.session.scalar(sa.select(sa.func.max(LinkMessage.id)))
        linkage.deliver_outbound(reply, actor)
        caught = db.session.scalar(sa.select(sa.func.max(LinkMessage.id)))
        timed(samples["catch"], linkage.deliver_inbound, caught, actor)


def http_round(app, samples: dict, envelope: dict) -> None:
    from app.services.linkage import transport as link_transport
    with app.app_context():
        timed(samples["send (HTTP)"], link_transport.post, envelope)


def city_server(path: Path):
    from werkzeug.serving import make_server
    city_dir = path / "city"
    city_dir.mkdir()
    city = setup_app(city_dir)
    city.config.update(CENTER_CODE="532300",
                       LINK_PEERS={"532325": {"url": "http://127.0.0.1:1", "secret": SECRET}})
    server = make_server("127.0.0.1", 0, city, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server


def main() -> None:
    import logging

    import time_machine
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # no access log per request
    samples = {key: [] for key in ("send (local)", "open", "catch", "send (HTTP)")}
    with tempfile.TemporaryDirectory() as tmp, time_machine.travel(MONDAY, tick=True):
        path = Path(tmp)
        app = setup_app(path)
        client = app.test_client()
        for _ in range(CASES):
            local_round(app, client, samples)
        server = city_server(path)
        app.config["LINK_PEERS"] = {"532300": {
            "url": f"http://127.0.0.1:{server.server_port}", "secret": SECRET}}
        with app.app_context():
            from app.models import LinkMessage, db
            envelope = db.session.scalars(db.select(LinkMessage).where(
                LinkMessage.name == "report_up", LinkMessage.direction == "out")).first().envelope
        for number in range(CASES):
            http_round(app, samples, {**envelope, "uid": f"bench-{number:08d}",
                                      "origin_case_no": f"BENCH{number:06d}"})
        server.shutdown()
    report = {key: {"median_ms": round(statistics.median(v), 1),
                    "p90_ms": round(percentile(v, 90), 1), "n": len(v)}
              for key, v in samples.items()}
    for key, figures in report.items():
        print(f"{key:13s} median {figures['median_ms']:7.1f} ms   p90 {figures['p90_ms']:7.1f} ms"
              f"   (n={figures['n']})")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "linkage.json").write_text(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
