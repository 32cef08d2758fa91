"""一事一评: the applicant rates a concluded case once, by the signed link the SMS carries."""
import pytest
import sqlalchemy as sa

from app.models import AuditEvent, Evaluation, db
from app.services.evaluation import rating
from app.services.workflow.errors import Conflict, InvalidInput, NotFound
from tests.cases.service_item_steps import notices, start_case, case_of
from tests.conftest import user
from tests.evaluation.steps import concluded_case, post_rating


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
    assert response.status_code == 400 and "请勾选原因" in response.text
    english = post_rating(client, case, level="9")
    assert english.status_code == 400
    with pytest.raises(InvalidInput):
        rating.rate(case, 2, ["nonsense"], "太慢", "sms")
    response = post_rating(client, case, level="2", reasons=["efficiency", "attitude"],
                           comment="等候时间太长")
    assert response.status_code == 200 and "整改" in response.text
    evaluation = rating.evaluation_of(case)
    assert evaluation.reasons == ["efficiency", "attitude"]
    assert evaluation.rectification.state == "open"


def test_only_a_concluded_case_is_rated(client):
    case = case_of(start_case(client, "MSA-001")["id"])
    with pytest.raises(Conflict) as err:
        rating.rate(case, 5, [], "", "sms")
    assert err.value.code == "case_not_concluded"
    page = client.get(f"/public/rate/{rating.rating_token(case)}")
    assert "尚未办结" in page.text
