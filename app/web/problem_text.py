"""Service refusals a person reads on a page, in the page's language. The API keeps the
service's English detail and its stable code; a page words the codes it knows for people."""
from __future__ import annotations

from collections.abc import Callable

from flask_babel import gettext as _

from app.services.workflow.errors import ServiceError


def _calendar_out_of_range(extra: dict) -> str:
    return _("办理期限落在工作日历无法计算的年份（%(year)s 年），请核对日期或承诺时限。",
             year=extra.get("year", "?"))


def _calendar_invalid_days(extra: dict) -> str:
    return _("办理时限天数有误（%(days)s）：应为不小于 0、以半天为单位的工作日数。",
             days=extra.get("days", "?"))


def _calendar_error(extra: dict) -> str:
    return _("工作日历无法计算该期限，请联系管理员核对工作日历。")


_WORDINGS: dict[str, Callable[[dict], str]] = {
    "extension_beyond_limit":
        lambda extra: _("延长的工作日超过法定上限（行政许可法第四十二条）。"),
    "extension_pending": lambda extra: _("该件已有延期申请待审批，请等待审批结果。"),
    "extension_decided": lambda extra: _("该延期申请已审批。"),
    "pause_running": lambda extra: _("该件正在暂停计时，请先结束当前程序。"),
    "pause_ended": lambda extra: _("该程序已结束。"),
    "correction_does_not_pause": lambda extra: _("该事项的补正不暂停计时。"),
    "case_not_accepted": lambda extra: _("该件尚未受理。"),
    "case_closed": lambda extra: _("该件已办结或已停止，不能再调整时限。"),
    "instance_suspended": lambda extra: _("该办件流程已挂起，恢复后才能提交；您填写的内容已保留。"),
    "instance_terminated": lambda extra: _("该办件流程已终止，不能再提交。"),
    "instance_completed": lambda extra: _("该办件流程已办结，不能再提交。"),
    "instance_error": lambda extra: _("该办件流程因异常已停止，请联系管理员处理后再提交；您填写的内容已保留。"),
    "task_closed": lambda extra: _("该任务已由他人办理或已关闭。"),
    "task_claimed": lambda extra: _("该任务已被他人认领。"),
    "timer_not_waiting": lambda extra: _("该定时器已不在等待中（可能已触发或流程已前进）。"),
    "calendar_out_of_range": _calendar_out_of_range,
    "calendar_invalid_days": _calendar_invalid_days,
    "calendar_error": _calendar_error,
}


def for_people(err: ServiceError) -> str:
    """The refusal as a person on a page should read it."""
    wording = _WORDINGS.get(err.code)
    return wording(err.extra) if wording else err.detail


def reason_required() -> str:
    return _("请填写原因：它将记入审计日志。")
