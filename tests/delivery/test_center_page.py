"""The center's settings page: an administrator names the review body and the court that every
later refusal's remedy sentence names; others may not; bad input is refused with 400."""
import pytest
import sqlalchemy as sa

from app.models import AuditEvent, Center, db
from app.services.organization import home_center
from tests.cases.service_item_steps import complete, start_case
from tests.conftest import headers_for

# These act under the demo's authorization letters, which cover the demo's year.
pytestmark = pytest.mark.usefixtures("demo_year")


def _page(center: Center) -> str:
    return f"/admin/organization/centers/{center.id}"


def _refuse(client) -> str:
    case_id = start_case(client, "MSA-002")["id"]
    complete(client, case_id, "intake", "clerk", within_remit=False, materials_received=[],
             refusal_reasons="属于县卫生健康局职权", redirect_to="县卫生健康局")
    return client.get(f"/cases/{case_id}/notices/not_accepted", headers=headers_for("clerk")).text


def test_the_edited_bodies_are_named_in_a_newly_issued_refusal(client, session):
    center = home_center()
    assert "依法向姚安县人民政府申请行政复议" in _refuse(client)
    shown = client.get(_page(center), headers=headers_for("admin"))
    assert shown.status_code == 200 and "姚安县人民法院" in shown.text
    saved = client.post(_page(center), headers=headers_for("admin"),
                        data={"name": center.name, "reviewBody": "楚雄彝族自治州人民政府",
                              "court": "楚雄市人民法院", "code": "999999"})
    assert saved.status_code == 303
    assert (center.review_body, center.court) == ("楚雄彝族自治州人民政府", "楚雄市人民法院")
    assert center.code != "999999"  # not a field of this page
    [event] = db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == "center.updated"))
    assert event.detail["changes"]["court"] == ["姚安县人民法院", "楚雄市人民法院"]
    written = _refuse(client)
    assert "依法向楚雄彝族自治州人民政府申请行政复议" in written and "依法向楚雄市人民法院提起" in written


def test_only_an_administrator_edits_and_bad_input_is_refused_unsaved(client, session):
    center = home_center()
    assert client.get(_page(center), headers=headers_for("clerk")).status_code == 403
    refused = client.post(_page(center), headers=headers_for("clerk"), data={"court": "某法院"})
    assert refused.status_code == 403 and center.court == "姚安县人民法院"
    too_long = client.post(_page(center), headers=headers_for("admin"),
                           data={"name": "", "court": "法" * 121})
    assert too_long.status_code == 400 and 'id="center-court-error"' in too_long.text
    assert 'id="center-name-error"' in too_long.text
    db.session.refresh(center)
    assert center.court == "姚安县人民法院" and center.name
    missing = client.get("/admin/organization/centers/999999", headers=headers_for("admin"))
    assert missing.status_code == 404


def test_the_level_and_parent_are_checked_as_the_api_checks_them(client, session):
    center = home_center()
    assert center.parent_id is not None  # the demo's county reports to its city
    form = {"name": center.name, "level": "province", "parentId": str(center.parent_id)}
    refused = client.post(_page(center), headers=headers_for("admin"), data=form)
    assert refused.status_code == 400 and 'id="center-parentId-error"' in refused.text
    db.session.refresh(center)
    assert center.level == "county"
    page = client.get(_page(center), headers=headers_for("admin")).text
    assert f'<option value="{center.parent_id}" selected>' in page


def test_the_organization_page_links_each_center_to_its_page(client, session):
    page = client.get("/admin/organization", headers=headers_for("admin")).text
    assert _page(home_center()) in page
