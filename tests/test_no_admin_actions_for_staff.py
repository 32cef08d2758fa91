"""Staff who are not administrators are shown no administrator action on any page they use:
no link or form to /admin or /designer, and the server refuses those actions too."""
import re

import pytest

from tests.cases.service_item_steps import ALL_MATERIALS, complete, open_task, start_case
from tests.conftest import headers_for, user

# 缺岗报备 (/admin/absences) is every staff member's page: reporting one's own absence.
ADMIN_TARGET = re.compile(
    r'(?:href|action|formaction)="(/(?:admin(?!/absences)|designer)[^"]*)"')


def _pages(client, case_id: int) -> list[str]:
    task = open_task(case_id, "intake")
    return ["/inbox", f"/tasks/{task.id}", f"/cases/{case_id}", "/cases", "/tasks/done",
            "/intake", "/joint", "/absences", "/denials", "/linkage", "/guide/MSA-002",
            f"/linkage/{case_id}", "/admin/absences"]


@pytest.mark.parametrize("username", ["clerk", "chief", "leader", "msa_b"])
def test_staff_pages_offer_no_administrator_action(client, username):
    case_id = start_case(client, "MSA-002")["id"]
    shown = {}
    for path in _pages(client, case_id):
        response = client.get(path, headers=headers_for(username))
        if response.status_code != 200:
            continue
        found = ADMIN_TARGET.findall(response.text)
        if found:
            shown[path] = found
    assert shown == {}, shown


def test_a_clerk_sees_no_organization_menu_and_no_one_elses_early_return(client):
    from datetime import timedelta

    from app.services import calendar
    from app.services.organization import absence_reports
    from app.services.workflow.actor import Actor

    today = calendar.today()
    absence = absence_reports.report(
        {"userId": user("msa_b").id, "startsOn": today.isoformat(),
         "endsOn": (today + timedelta(days=3)).isoformat(), "reason": "leave"},
        Actor.of(user("admin")))
    page = client.get("/admin/absences", headers=headers_for("clerk")).text
    assert "审批决策委员会" not in page and "人员与角色" not in page  # the admin sub-menu
    assert f"/admin/absences/{absence.id}/end" not in page
    refused = client.post(f"/admin/absences/{absence.id}/end", headers=headers_for("clerk"))
    assert refused.status_code in (400, 403)
    admin_page = client.get("/admin/absences", headers=headers_for("admin")).text
    assert f"/admin/absences/{absence.id}/end" in admin_page and "人员与角色" in admin_page


@pytest.mark.parametrize("path", ["/admin/instances", "/admin/dashboard", "/admin/items",
                                  "/admin/letters", "/admin/organization", "/admin/windows",
                                  "/admin/staff", "/admin/committees",
                                  "/admin/calendar", "/admin/links", "/designer"])
def test_the_server_refuses_a_clerk_the_administrator_pages(client, path):
    assert client.get(path, headers=headers_for("clerk")).status_code == 403
