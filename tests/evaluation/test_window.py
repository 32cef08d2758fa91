"""一次一评 at the window device: a visit, or a concluded case by its number."""
import sqlalchemy as sa

from app.models import AuditEvent, Evaluation, db
from app.services.evaluation import figures
from tests.conftest import headers_for, user
from tests.evaluation.steps import concluded_case, csrf


def _post(client, **form):
    data = {"csrf_token": csrf(client, "/login"), **form}
    return client.post("/window/rate", data=data, headers=headers_for("clerk"))


def test_a_visit_is_rated_at_the_window_and_attributed_to_the_clerk(client):
    page = client.get("/window/rate", headers=headers_for("clerk"))
    assert page.status_code == 200 and "窗口服务评价" in page.text and "退出" not in page.text
    response = _post(client, level="5")
    assert response.status_code == 303 and response.location.endswith("/window/rate/thanks")
    evaluation = db.session.scalar(sa.select(Evaluation).order_by(Evaluation.id.desc()))
    assert (evaluation.case_id, evaluation.channel, evaluation.staff_id) == (
        None, "window", user("clerk").id)
    assert evaluation.department_id == user("clerk").memberships[0].department_id
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "evaluation.rated", AuditEvent.detail["evaluation_id"].as_integer()
        == evaluation.id))
    [row] = figures.monthly(figures.current_month(), "staff")
    assert row.count == 1 and row.rate == 1.0


def test_a_bad_visit_rating_needs_reasons_and_opens_a_rectification(client):
    refused = _post(client, level="1")
    assert refused.status_code == 400 and "请勾选原因" in refused.text
    assert _post(client, level="1", reasons="platform_usability", comment="x").status_code == 400
    assert _post(client, level="1", reasons="attitude", comment="态度差").status_code == 303
    evaluation = db.session.scalar(sa.select(Evaluation).order_by(Evaluation.id.desc()))
    assert evaluation.rectification.state == "open"
    page = client.get("/evaluations", headers=headers_for("admin"))
    assert "态度差" in page.text


def test_a_concluded_case_is_rated_at_the_window_by_its_number(client):
    case = concluded_case(client)
    assert _post(client, caseNo=case.case_no.lower(), level="4").status_code == 303
    evaluation = db.session.scalar(sa.select(Evaluation).where(Evaluation.case_id == case.id))
    assert evaluation.channel == "window" and evaluation.staff_id == user("chief").id
    again = _post(client, caseNo=case.case_no, level="4")
    assert again.status_code == 409 and "每件办件只评价一次" in again.text
    unknown = _post(client, caseNo="NOPE", level="4")
    assert unknown.status_code == 400 and "没有该编号的办件" in unknown.text
