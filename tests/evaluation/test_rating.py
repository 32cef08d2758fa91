"""一事一评: the applicant rates a concluded case once, by the signed link the SMS carries."""
from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.models import AuditEvent, Evaluation, db
from app.services.evaluation import rating
from app.services.workflow.errors import Conflict, InvalidInput, NotFound
from tests.cases.service_item_steps import case_of, notices, start_case
from tests.conftest import user
from tests.evaluation.steps import concluded_case, csrf, post_rating


def test_the_sms_at_conclusion_carries_a_rating_link(client):
    case = concluded_case(client)
    [sms] = notices(case.instance_id, "rating_invitation", channel="sms")
    assert sms.recipient_address == "13800000000"
    assert f"/public/rate/{rating.rating_token(case)}" in sms.body
    assert rating.case_for_token(rating.rating_token(case)).id == case.id


def test_a_good_rating_by_the_link_is_recorded_with_its_attribution(client):
    case = concluded_case(client)
    page = client.get(f"/public/rate/{rating.rating_token(case)}")
    assert page.status_code == 200 and case.case_no in page.text and "非常满意" in page.text
    response = post_rating(client, case, level="5")
    assert response.status_code == 200 and "感谢您的评价" in response.text
    evaluation = db.session.scalar(sa.select(Evaluation).where(Evaluation.case_id == case.id))
    assert (evaluation.level, evaluation.channel, evaluation.counted) == (5, "sms", True)
    assert evaluation.department_id == case.item.department_id
    assert evaluation.staff_id == user("chief").id and evaluation.item_code == "MSA-001"
    assert evaluation.rectification is None
    assert db.session.scalar(sa.select(AuditEvent).where(
        AuditEvent.action == "evaluation.rated", AuditEvent.instance_id == case.instance_id))
    again = client.get(f"/public/rate/{rating.rating_token(case)}")
    assert "已于" in again.text and "提交评价" not in again.text


def test_a_bad_or_tampered_token_is_a_404_page(client):
    case = concluded_case(client)
    token = rating.rating_token(case)
    for bad in ("nonsense", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        response = client.get(f"/public/rate/{bad}")
        assert response.status_code == 404 and "评价链接无效" in response.text
    with pytest.raises(NotFound):
        rating.case_for_token("nonsense")


def test_one_evaluation_per_case(client):
    case = concluded_case(client)
    rating.rate(case, 4, [], "", "lookup")
    with pytest.raises(Conflict) as err:
        rating.rate(case, 5, [], "", "lookup")
    assert err.value.code == "evaluation_exists" and err.value.status == 409
    response = post_rating(client, case, level="3")
    assert response.status_code == 409 and "每件办件只评价一次" in response.text


def test_a_bad_rating_needs_reasons_and_a_comment(client):
    case = concluded_case(client)
    with pytest.raises(InvalidInput) as err:
        rating.rate(case, 2, [], "", "sms")
    assert err.value.code == "evaluation_reasons_required"
    response = post_rating(client, case, level="1", comment="")
    assert response.status_code == 400 and "请勾选原因并说明具体情况" in response.text
    english = post_rating(client, case, level="9")
    assert english.status_code == 400
    with pytest.raises(InvalidInput):
        rating.rate(case, 2, ["nonsense"], "太慢", "sms")
    with pytest.raises(InvalidInput):  # a 现场 indicator is not one of the online set
        rating.rate(case, 2, ["attitude"], "态度差", "sms")
    response = post_rating(client, case, level="2", reasons=["handling_efficiency", "overall"],
                           comment="等候时间太长")
    assert response.status_code == 200 and "整改" in response.text
    evaluation = rating.evaluation_of(case)
    assert evaluation.reasons == ["handling_efficiency", "overall"]
    assert evaluation.rectification.state == "open"


def test_only_a_concluded_case_is_rated(client):
    case = case_of(start_case(client, "MSA-001")["id"])
    with pytest.raises(Conflict) as err:
        rating.rate(case, 5, [], "", "sms")
    assert err.value.code == "case_not_concluded"
    page = client.get(f"/public/rate/{rating.rating_token(case)}")
    assert "尚未办结" in page.text


def test_an_unrated_case_is_invited_again_after_3_days_once(client, frozen_clock):
    rated, unrated = concluded_case(client), concluded_case(client)
    rating.rate(rated, 5, [], "", "sms")
    assert rating.remind_unrated() == 0  # not 3 days yet
    frozen_clock.shift(timedelta(days=3, minutes=1))
    assert rating.remind_unrated() == 1
    [sms] = notices(unrated.instance_id, "rating_reminder", channel="sms")
    assert "您尚未评价" in sms.body and rating.rating_token(unrated) in sms.body
    assert notices(rated.instance_id, "rating_reminder", channel="sms") == []
    assert rating.remind_unrated() == 0  # once


def test_the_lookup_page_links_here_with_its_channel(client):
    case = concluded_case(client)
    token = rating.rating_token(case)
    page = client.get(f"/public/rate/{token}?via=lookup")
    assert f"/public/rate/{token}?via=lookup" in page.text
    client.post(f"/public/rate/{token}?via=lookup",
                data={"csrf_token": csrf(client, f"/public/rate/{token}"), "level": "4"})
    assert rating.evaluation_of(case).channel == "lookup"


def test_the_public_form_needs_its_csrf_token(client):
    case = concluded_case(client)
    response = client.post(f"/public/rate/{rating.rating_token(case)}", data={"level": "5"})
    assert response.status_code == 400 and rating.evaluation_of(case) is None


def test_the_lookup_invites_a_concluded_case_to_be_rated_once(client):
    from tests.public.test_lookup import _look_up
    case = concluded_case(client)
    page = _look_up(client, case.case_no, case.query_code).get_data(as_text=True)
    link = f'/public/rate/{rating.rating_token(case)}?via=lookup'
    assert "评价本次服务" in page and link in page
    assert post_rating(client, case, level="5").status_code in (200, 303)
    page = _look_up(client, case.case_no, case.query_code).get_data(as_text=True)
    assert "您已评价本次服务" in page and link not in page
    assert rating.evaluation_of(case).channel == "sms"  # posted without ?via=lookup here


def test_an_open_case_looked_up_offers_no_rating(client):
    from tests.public.test_lookup import _accepted, _look_up
    case = _accepted(client)
    page = _look_up(client, case.case_no, case.query_code).get_data(as_text=True)
    assert "评价本次服务" not in page and "/public/rate/" not in page
