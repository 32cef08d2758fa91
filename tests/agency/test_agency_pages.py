"""全程代办 pages: the list with its form, the 代办看板 with its actions, in both languages."""
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
import time_machine

from app.models import AgencyMandate, AgencyProject, AgencyReminder, db
from tests.agency.agency_steps import add_item, new_project
from tests.conftest import headers_for

START = datetime(2026, 4, 20, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture(autouse=True)
def clock():
    with time_machine.travel(START, tick=False):
        yield


FORM = {"name": "文旅综合体项目", "kind": "investment", "applicantName": "某某文旅公司",
        "applicantContact": "13900000002", "applicantIdNumber": "91330000MA2YYYYY2Y",
        "mandateSignedOn": "2026-04-18", "mandateScope": ["MSA-002", "NRP-002"]}


def test_agent_creates_a_project_with_its_mandate_on_the_page(client):
    response = client.post("/agency/projects", headers=headers_for("agent"),
                           content_type="multipart/form-data",
                           data={**FORM, "mandate": (BytesIO(b"%PDF-1.4 x"), "委托书.pdf")})
    assert response.status_code == 303, response.text
    project = db.session.scalar(sa.select(AgencyProject))
    assert project.mandate_scope == ["MSA-002", "NRP-002"] and project.kind == "investment"
    assert db.session.scalar(sa.select(AgencyMandate.filename)) == "委托书.pdf"
    page = client.get(f"/agency/projects/{project.id}", headers=headers_for("agent")).text
    assert "代办看板" in page and "91330000MA2YYYYY2Y" in page and "委托书.pdf" in page
    assert "data-confirm" in page and "2026-06-03" in page  # the 30 working days


def test_a_refused_form_comes_back_filled_in(client):
    response = client.post("/agency/projects", headers=headers_for("agent"),
                           data={**FORM, "mandateSignedOn": "someday"})
    assert response.status_code == 400 and "文旅综合体项目" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgencyProject)) == 0


def test_board_page_starts_reminds_and_reads_in_english(client):
    project = new_project(client)["id"]
    started = client.post(f"/agency/projects/{project}/items", headers=headers_for("agent"),
                          data={"itemCode": "MSA-002"})
    assert started.status_code == 303
    [link] = db.session.get(AgencyProject, project).items
    reminded = client.post(f"/agency/projects/{project}/reminders",
                           headers=headers_for("agent"), data={"caseId": str(link.case_id)})
    assert reminded.status_code == 303
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AgencyReminder)) == 1
    refused = client.post(f"/agency/projects/{project}/items", headers=headers_for("agent"),
                          data={"itemCode": "MSA-001"})
    assert refused.status_code == 409 and "委托书未委托办理该事项" in refused.text
    english = client.get(f"/agency/projects/{project}?lang=en", headers=headers_for("agent"))
    assert english.status_code == 200 and "Agency board" in english.text
    listing = client.get("/agency/projects?lang=en", headers=headers_for("agent")).text
    assert "Full-service agency" in listing


def test_supervisors_read_the_board_without_actions_or_personal_data(client):
    project = new_project(client)["id"]
    add_item(client, project, itemCode="MSA-002")
    page = client.get(f"/agency/projects/{project}", headers=headers_for("supervisor")).text
    assert "年产十万吨食品加工项目" in page and "91330000MA2XXXXX1X" not in page
    assert "agency/projects/%d/reminders" % project not in page
    assert client.get(f"/agency/projects/{project}", headers=headers_for("clerk")).status_code \
        == 403
    closed = client.post(f"/agency/projects/{project}/close", headers=headers_for("agent"),
                         data={"status": "concluded"})
    assert closed.status_code == 303
    assert db.session.get(AgencyProject, project).status == "concluded"
