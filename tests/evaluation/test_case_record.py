"""The rating and every 整改 step show on the case's record; the figures of a month."""
from app.models.evaluation import Evaluation
from app.models import db
from app.services.cases import history
from app.services.evaluation import figures, rating, rectification
from app.services.workflow.actor import Actor
from tests.conftest import headers_for, user
from tests.evaluation.steps import concluded_case


def test_the_rating_and_its_rectification_are_on_the_case_record(client):
    case = concluded_case(client, name="李四")
    evaluation = rating.rate(case, 2, ["handling_efficiency", "guide_accuracy"], "指南与实际不符",
                             "sms")
    row = evaluation.rectification
    rectification.report(row, user("clerk"), "已修订办事指南", Actor.of(user("clerk")))
    rectification.follow_up(row, user("admin"), "申请人认可", Actor.of(user("admin")))
    entries = {e.what: e for e in history.timeline(case)}
    rated = entries["申请人评价"]
    assert rated.actor == "李四"
    assert [(d.label, d.value) for d in rated.details][:2] == [
        ("满意程度", "不满意"), ("不满意的方面", ["办事效率", "办事指南精确度"])]
    assert {"差评转办理单位整改", "报送整改情况", "中心回访"} <= entries.keys()
    assert any(d.value == "已修订办事指南" for d in entries["报送整改情况"].details)
    page = client.get(f"/cases/{case.instance_id}", headers=headers_for("admin"))
    assert "申请人评价" in page.text and "办事效率、办事指南精确度" in page.text
    assert "申请人认可" in page.text
    english = client.get(f"/cases/{case.instance_id}?lang=en", headers=headers_for("admin"))
    assert "Handling efficiency" in english.text


def test_the_figures_of_a_month(client):
    levels = [5, 4, 3, 2, 1]
    for level in levels:
        case = concluded_case(client)
        reasons, comment = (["convenience"], "跑了两次") if level <= 2 else ([], "")
        rating.rate(case, level, reasons, comment, "lookup")
    rows = db.session.query(Evaluation).all()
    late = rows[-1].rectification
    rectification.report(rows[-2].rectification, user("clerk"), "已整改", Actor.of(user("clerk")))
    month = figures.current_month()
    [department] = figures.monthly(month, "department")
    assert (department.count, department.satisfied, department.bad) == (5, 3, 2)
    assert department.rate == 0.6 and (department.rectifications, department.on_time) == (2, 1)
    assert late.state == "open"
    [staff] = figures.monthly(month, "staff")
    assert staff.name == user("chief").display_name and staff.count == 5
    [item] = figures.monthly(month, "item")
    assert item.key == "MSA-001" and item.count == 5
    assert figures.monthly("2026-04", "department") == []
    page = client.get(f"/evaluations?month={month}&by=item", headers=headers_for("admin"))
    assert page.status_code == 200 and "60.0%" in page.text and "1 / 2" in page.text
    odd = client.get("/evaluations?month=2026-13&by=nonsense", headers=headers_for("admin"))
    assert odd.status_code == 200
