"""The task API end to end on a small two-step process."""
from tests.conftest import deploy_test_file, headers_for


def _start(client, headers):
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    response = client.post("/api/process-definitions/key/two_step/start",
                           json={"businessKey": "B-1", "variables": {"department_id": None}},
                           headers=headers)
    assert response.status_code == 201, response.json
    return response.json


def test_start_shows_first_task_for_its_lane(client):
    body = _start(client, headers_for("clerk"))
    assert body["state"] == "running"
    [task] = body["activeTasks"]
    assert task["name"] == "first" and task["candidateGroups"] == ["window_clerk"]


def test_complete_validates_against_form_and_lists_every_error(client):
    clerk = headers_for("clerk")
    task_id = _start(client, clerk)["activeTasks"][0]["id"]
    response = client.post(f"/api/tasks/{task_id}/complete",
                           json={"variables": {"amount": 0, "note": "x" * 30}}, headers=clerk)
    assert response.status_code == 400
    assert response.mimetype == "application/problem+json"
    assert response.json["code"] == "form_invalid"
    assert {e["field"] for e in response.json["errors"]} == {"amount", "note"}
    detail = client.get(f"/api/tasks/{task_id}", headers=clerk).json
    assert detail["state"] == "open"


def test_complete_runs_script_and_routes_next_task_to_leader(client):
    clerk = headers_for("clerk")
    instance = _start(client, clerk)
    task_id = instance["activeTasks"][0]["id"]
    response = client.post(f"/api/tasks/{task_id}/complete", json={"variables": {"amount": 21}},
                           headers=clerk)
    assert response.status_code == 200, response.json
    leader_tasks = client.get("/api/tasks", headers=headers_for("leader")).json["items"]
    [second] = [t for t in leader_tasks if t["processInstanceId"] == instance["id"]]
    assert second["name"] == "second"
    detail = client.get(f"/api/process-instances/{instance['id']}", headers=headers_for("admin"))
    assert detail.json["variables"]["total"] == 42
    again = client.post(f"/api/tasks/{task_id}/complete", json={"variables": {"amount": 1}},
                        headers=clerk)
    assert again.status_code == 409 and again.json["code"] == "task_closed"


def test_task_of_another_role_is_forbidden(client):
    clerk = headers_for("clerk")
    task_id = _start(client, clerk)["activeTasks"][0]["id"]
    response = client.post(f"/api/tasks/{task_id}/complete", json={"variables": {"amount": 2}},
                           headers=headers_for("designer"))
    assert response.status_code == 403 and response.json["code"] == "not_your_task"


def test_claimed_task_conflicts_for_other_candidates(client, session):
    clerk = headers_for("clerk")
    task_id = _start(client, clerk)["activeTasks"][0]["id"]
    assert client.post(f"/api/tasks/{task_id}/claim", headers=headers_for("admin")).status_code == 200
    response = client.post(f"/api/tasks/{task_id}/complete", json={"variables": {"amount": 2}},
                           headers=clerk)
    assert response.status_code == 409 and response.json["code"] == "task_claimed"


def test_api_requires_authentication(client):
    response = client.get("/api/tasks")
    assert response.status_code == 401
    assert response.mimetype == "application/problem+json"
    assert client.get("/api/health").status_code == 200


def test_form_variables_are_the_form_fields_with_the_values_the_task_holds(client):
    clerk = headers_for("clerk")
    deploy_test_file("two_step.bpmn", "two_step_first.schema.json")
    started = client.post("/api/process-definitions/key/two_step/start", headers=clerk,
                          json={"variables": {"department_id": None, "amount": 7}}).json
    task_id = started["activeTasks"][0]["id"]
    answer = client.get(f"/api/tasks/{task_id}/form-variables", headers=clerk)
    assert answer.status_code == 200
    assert answer.json == {"amount": {"value": 7, "type": "Integer"},  # given at the start
                           "note": {"value": None, "type": "Null"}}  # declared, not held
    other = client.get(f"/api/tasks/{task_id}/form-variables", headers=headers_for("designer"))
    assert other.status_code == 403 and other.json["code"] == "not_your_task"
