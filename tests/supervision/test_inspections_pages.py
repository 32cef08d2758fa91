"""The 案卷抽查 and 值班 pages with data in them, as the crawl cannot fill them: Chinese
pages without English sentences or UTC times, and the English page translated."""
from __future__ import annotations

import sqlalchemy as sa
import time_machine

from app.models import CheckFinding, db
from app.services.supervision import inspections
from app.services.workflow import time_text
from app.services.workflow.actor import Actor
from tests.conftest import headers_for, user
from tests.supervision.inspection_steps import concluded_cases, local, post, unit
from tests.test_page_crawl import english_sentences, utc_times

DECEMBER = local(2026, 12, 2, 9)


def _filled(client):
    with time_machine.travel(DECEMBER, tick=False):
        concluded_cases("MSA-001", local(2026, 11, 10), 2)
        check = inspections.draw("2026-11", Actor.of(user("supervisor"))).checks[0]
        post(client, f"/supervision/checks/{check.id}/checklist", "supervisor",
             materials="fail", materials_note="缺少身份证明", time_limits="pass",
             notices="pass", signatures="pass")
        finding = db.session.scalar(sa.select(CheckFinding))
        post(client, f"/supervision/findings/{finding.id}/answer", "chief", text="已补齐身份证明")
        post(client, "/supervision/duty", "supervisor", department_id=str(unit("MSA").id),
             user_id=str(user("chief").id), day="2026-12-02", part="morning")
    return check, finding


def test_the_pages_are_chinese_with_local_times(client):
    check, finding = _filled(client)
    names = frozenset(u.display_name for u in map(user, ("supervisor", "chief", "leader")))
    with time_machine.travel(DECEMBER, tick=False):
        for username, path in (("supervisor", "/supervision/checks"),
                               ("supervisor", f"/supervision/checks/{check.id}"),
                               ("chief", f"/supervision/checks/{check.id}"),
                               ("chief", "/supervision/duty"),
                               ("supervisor", "/supervision/duty/notice")):
            page = client.get(path, headers={**headers_for(username), "Accept-Language": "zh-CN"})
            assert page.status_code == 200, path
            assert english_sentences(page.text, names) == [], path
            assert utc_times(page.text, [finding.due_at, finding.answered_at,
                                         check.concluded_at]) == [], path
    assert time_text.local_datetime(finding.answered_at) in client.get(
        f"/supervision/checks/{check.id}", headers=headers_for("supervisor")).text


def test_the_english_page_is_translated(client):
    check, _ = _filled(client)
    page = client.get(f"/supervision/checks/{check.id}?lang=en",
                      headers=headers_for("supervisor"))
    assert "Materials complete" in page.text and "Findings and rectification" in page.text
