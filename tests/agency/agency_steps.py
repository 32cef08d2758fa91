"""Helpers for the 全程代办 tests: a project made through the API, as an agent would."""
from __future__ import annotations

from tests.conftest import headers_for

MANDATE_SCOPE = ["MSA-002", "NRP-002"]  # two departments: 市场监管, 自然资源


def new_project(client, username: str = "agent", expect: int = 201, **fields) -> dict:
    body = {"name": "年产十万吨食品加工项目", "kind": "major", "applicantName": "某某食品有限公司",
            "applicantContact": "13900000001", "applicantIdNumber": "91330000MA2XXXXX1X",
            "mandateSignedOn": "2026-03-01", "mandateScope": MANDATE_SCOPE, **fields}
    response = client.post("/api/agency/projects", json=body, headers=headers_for(username))
    assert response.status_code == expect, response.json
    return response.json


def add_item(client, project_id: int, expect: int = 201, username: str = "agent", **body):
    response = client.post(f"/api/agency/projects/{project_id}/items", json=body,
                           headers=headers_for(username))
    assert response.status_code == expect, response.json
    return response.json


def detail(client, project_id: int, username: str = "agent", expect: int = 200) -> dict:
    response = client.get(f"/api/agency/projects/{project_id}", headers=headers_for(username))
    assert response.status_code == expect, response.json
    return response.json


def remind(client, project_id: int, case_id, username: str = "agent", expect: int = 201):
    response = client.post(f"/api/agency/projects/{project_id}/reminders",
                           json={"caseId": case_id}, headers=headers_for(username))
    assert response.status_code == expect, response.json
    return response.json
