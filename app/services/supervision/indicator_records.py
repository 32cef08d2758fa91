"""The assessment's indicators read from the other records: joint opinions deemed (缺席默认),
denial reports (否定报备), the authorization letters (授权率), the deliveries made at the
window (服务窗口审批办结率) and the ratings (好差评)."""
from __future__ import annotations

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.models import DenialReport, Evaluation, JointOpinion, db
from app.models.denial import CONFIRMED, CORRECTED, PENDING
from app.models.evaluation import BAD_LEVELS, SATISFIED_LEVELS
from app.models.joint import DEEMED
from app.services import calendar
from app.services.authorization import completion
from app.services.authorization import rate as authorization_rate
from app.services.supervision.indicators import (DEPARTMENT, DIMENSIONS, STAFF, WINDOW, Key,
                                                 Period, Value, by_dimension, count_where,
                                                 in_period, indicator, spread, staff_window_map)


@indicator("absent_default", _l("缺席默认件数"),
           _l("联审联办中本单位逾期未提出意见、本月被视为同意（缺席默认）的意见数，后果由本单位承担。"),
           "count", dimensions=(DEPARTMENT,))
def absent_default(period: Period) -> dict[Key, Value]:
    rows = db.session.execute(
        sa.select(JointOpinion.department_id, JointOpinion.department_id, sa.func.count())
        .where(JointOpinion.state == DEEMED, in_period(JointOpinion.answered_at, period))
        .group_by(JointOpinion.department_id)).all()
    return by_dimension(rows, DEPARTMENT)


DENIAL_MEASURES = ("filed", PENDING, CONFIRMED, CORRECTED)


def _denials(period: Period) -> dict[Key, dict]:
    """Reports filed in the month by outcome, per unit and handler (经办人), and so window."""
    query = (sa.select(DenialReport.department_id.label("department_id"),
                       DenialReport.handler_id.label("staff_id"),
                       sa.func.count().label("filed"),
                       *(count_where(DenialReport.state == state).label(state)
                         for state in (PENDING, CONFIRMED, CORRECTED)))
             .where(in_period(DenialReport.filed_at, period))
             .group_by(DenialReport.department_id, DenialReport.handler_id))
    return period.cached("denials", lambda: spread(
        db.session.execute(query).all(), DENIAL_MEASURES, staff_window_map(period)))


def _denial_count(column: str):
    def compute(period: Period) -> dict[Key, Value]:
        return {key: measures[column] for key, measures in _denials(period).items()}
    return compute


indicator("denials", _l("否定报备件数"),
          _l("本月登记的否定报备（不予受理、不予许可报单位负责人审查）件数，按经办人归属窗口和人员。"),
          "count")(_denial_count("filed"))
indicator("denials_pending", _l("否定报备·待审查"), _l("本月登记、尚待单位负责人审查的否定报备件数。"),
          "count")(_denial_count(PENDING))
indicator("denials_confirmed", _l("否定报备·确认否定"),
          _l("本月登记、经审查确认否定的否定报备件数。"), "count")(_denial_count(CONFIRMED))
indicator("denials_corrected", _l("否定报备·予以纠正"),
          _l("本月登记、经审查予以纠正（否定不当）的否定报备件数。"), "count")(
    _denial_count(CORRECTED))


@indicator("authorization_rate", _l("授权率"),
           _l("本月最后一日有效的授权书中，各项权力已授权事项数之和 ÷ 各项权力应授权事项数之和"
              "（授权率报表的全部权力合计）。"), "rate", dimensions=(DEPARTMENT,))
def authorization(period: Period) -> dict[Key, Value]:
    report = authorization_rate.report(period.last_day)
    figures: dict[Key, Value] = {}
    for row in report.departments:
        cells = row.cells.values()
        figures[(DEPARTMENT, row.department.id, row.department.id)] = [
            sum(c.authorized for c in cells), sum(c.total for c in cells)]
    return figures


@indicator("window_completion", _l("服务窗口审批办结率"),
           _l("本月办结送达的件数中，由窗口（依授权书享有办理结果投递权）送达的比例；目标 100%（双百目标）。"),
           "rate", dimensions=(DEPARTMENT,))
def window_completion(period: Period) -> dict[Key, Value]:
    first_day = period.start.astimezone(calendar.local_zone()).date()
    return {(DEPARTMENT, department_id, department_id): [at_window, total]
            for department_id, (at_window, total)
            in completion.by_department(period.last_day, start=first_day).items()}


def _ratings(period: Period) -> dict[str, list]:
    """The month's counted ratings, as the 好差评 figures count them (evaluation.figures)."""
    def query(dimension: str):
        key = {DEPARTMENT: Evaluation.department_id, WINDOW: Evaluation.window_id,
               STAFF: Evaluation.staff_id}[dimension].label("key")
        return db.session.execute(
            sa.select(key, Evaluation.department_id.label("department_id"),
                      sa.func.count().label("rated"),
                      count_where(Evaluation.level.in_(SATISFIED_LEVELS)).label("satisfied"),
                      count_where(Evaluation.level.in_(BAD_LEVELS)).label("bad"))
            .where(in_period(Evaluation.rated_at, period), Evaluation.counted)
            .group_by(key, Evaluation.department_id)).all()
    return period.cached("ratings", lambda: {d: query(d) for d in DIMENSIONS})


@indicator("satisfaction", _l("满意率"),
           _l("本月好差评中非常满意、满意、基本满意的评价数 ÷ 本月评价数（申诉成立的不计）；"
              "按评价所归属的经办人计入窗口和人员。"), "rate")
def satisfaction(period: Period) -> dict[Key, Value]:
    return {(d, row.key, row.department_id): [row.satisfied, row.rated]
            for d, rows in _ratings(period).items() for row in rows}


@indicator("bad_ratings", _l("差评件数"), _l("本月评价为不满意、非常不满意的件数（申诉成立的不计）。"),
           "count")
def bad_ratings(period: Period) -> dict[Key, Value]:
    return {(d, row.key, row.department_id): row.bad
            for d, rows in _ratings(period).items() for row in rows}
