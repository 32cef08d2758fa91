"""Deploying BPMN: hardened XML parsing, validation with locations, versioning."""
import io

from tests.conftest import DATA, headers_for

XXE = b"""<?xml version="1.0"?>
<!DOCTYPE d [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" id="d">&xxe;</bpmn:definitions>"""


def _upload(client, *files, user="designer"):
    data = {"file": [(io.BytesIO(content), name) for name, content in files]}
    return client.post("/api/process-definitions", data=data, headers=headers_for(user),
                       content_type="multipart/form-data")


def _file(name):
    return name, (DATA / name).read_bytes()


def test_deploy_creates_version_only_when_content_changes(client):
    first = _upload(client, _file("two_step.bpmn"), _file("two_step_first.schema.json"))
    assert first.status_code == 201 and first.json["created"] is True
    again = _upload(client, _file("two_step.bpmn"), _file("two_step_first.schema.json"))
    assert again.json["version"] == first.json["version"] and again.json["created"] is False
    changed = (DATA / "two_step.bpmn").read_bytes().replace(b"Second step", b"Second step v2")
    second = _upload(client, ("two_step.bpmn", changed), _file("two_step_first.schema.json"))
    assert second.json["version"] == first.json["version"] + 1
    xml = client.get("/api/process-definitions/key/two_step/xml", headers=headers_for("clerk"))
    assert "Second step v2" in xml.json["bpmn20Xml"]


def test_invalid_bpmn_is_refused_with_file_line_and_element(client):
    response = _upload(client, _file("broken.bpmn"))
    assert response.status_code == 400 and response.json["code"] == "bpmn_invalid"
    found = {(e["element"], e["line"]) for e in response.json["errors"]}
    assert {("bad_script", 6), ("sneaky", 8), ("ask", 10), ("odd", 18)} <= found
    messages = " ".join(e["message"] for e in response.json["errors"])
    assert "no_such_form.schema.json" in messages and "complexGateway" in messages
    listed = client.get("/api/process-definitions", headers=headers_for("designer")).json["items"]
    assert "broken" not in {d["key"] for d in listed}


def test_entities_and_dtds_are_refused(client):
    response = _upload(client, ("evil.bpmn", XXE))
    assert response.status_code == 400
    assert "DTD" in response.json["errors"][0]["message"]


def test_oversized_and_malformed_documents_are_refused(client, app):
    too_big = b"<a>" + b" " * (app.config["MAX_BPMN_BYTES"] + 1) + b"</a>"
    assert "larger than" in _upload(client, ("big.bpmn", too_big)).json["errors"][0]["message"]
    malformed = _upload(client, ("bad.bpmn", b"<bpmn:definitions"))
    assert malformed.status_code == 400 and malformed.json["errors"][0]["line"] == 1


def test_only_designers_and_admins_deploy(client):
    response = _upload(client, _file("two_step.bpmn"), user="clerk")
    assert response.status_code == 403


def test_running_instance_keeps_its_version(client):
    _upload(client, _file("two_step.bpmn"), _file("two_step_first.schema.json"))
    started = client.post("/api/process-definitions/key/two_step/start", json={},
                          headers=headers_for("clerk")).json
    changed = (DATA / "two_step.bpmn").read_bytes().replace(b"First step", b"First step v2")
    _upload(client, ("two_step.bpmn", changed), _file("two_step_first.schema.json"))
    detail = client.get(f"/api/process-instances/{started['id']}", headers=headers_for("admin"))
    assert detail.json["version"] == started["version"]
    assert detail.json["activeTasks"][0]["title"] == "First step"
