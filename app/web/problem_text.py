"""Service refusals a person reads on a page, in the page's language. The API keeps the
service's English detail and its stable code; a page words the codes it knows for people."""
from __future__ import annotations

import re
from collections.abc import Callable

from flask_babel import get_locale
from flask_babel import gettext as _

from app.i18n import CJK
from app.services.workflow.errors import ServiceError
from app.web import problem_codes


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


def status_title(status: int) -> str:
    """The heading of an error page, in the page's language."""
    titles = {400: _("请求有误"), 401: _("请先登录"), 403: _("无权办理"), 404: _("找不到该页面或对象"),
              405: _("不支持该操作方式"), 409: _("操作与当前状态冲突"), 413: _("提交的内容过大"),
              422: _("无法继续办理"), 429: _("操作过于频繁"), 500: _("系统出错")}
    return titles.get(status, titles[500] if status >= 500 else titles[400])


def status_detail(status: int) -> str:
    """What an error page says when nothing more particular is known."""
    details = {
        400: _("提交的内容无法处理，请检查后重试。"),
        401: _("请登录后再访问该页面。"),
        403: _("您没有办理该事项的权限；如需办理，请联系中心管理员分配角色。"),
        404: _("您访问的页面或对象不存在，可能已被删除，或地址有误。"),
        405: _("该页面不支持这种操作方式，请从页面上的按钮或链接进入。"),
        409: _("该对象已被他人修改或状态已变化，请刷新页面后重试。"),
        413: _("上传的文件或提交的内容超过了允许的大小。"),
        422: _("流程无法按所填内容继续，请核对后重试或联系管理员。"),
        429: _("操作过于频繁，请稍后再试。"),
        500: _("系统未能完成该请求，错误已记录，请稍后重试或联系管理员。"),
    }
    return details.get(status, details[500] if status >= 500 else details[400])


def _wording(err: ServiceError) -> Callable[[dict], str] | None:
    """A curated wording of the code, else the service's own detail where it is already
    written for people (Chinese, naming what is wrong), else the code's plain sentence."""
    if err.code in _WORDINGS:
        return _WORDINGS[err.code]
    if CJK.search(err.detail):
        return lambda extra: err.detail
    if err.code in problem_codes.WORDINGS:
        return lambda extra: str(problem_codes.WORDINGS[err.code])
    return None


def for_people(err: ServiceError) -> str:
    """The refusal as a person on a page should read it: the service's own message, else a
    wording of its code, else what its status means (never the API's English on a Chinese
    page; an English page may fall back on it)."""
    if err.message is not None:
        return str(err.message)
    wording = _wording(err)
    if wording:
        return wording(err.extra)
    if get_locale() is not None and get_locale().language == "en":
        return err.detail
    return status_detail(err.status)


def reason_required() -> str:
    return _("请填写原因：它将记入审计日志。")


# Field problems the services word in English for the API, as a page says them.
_FIELD_WORDINGS: list[tuple[re.Pattern, Callable[[re.Match], str]]] = [
    (re.compile(r"is formally established staff of the department"),
     lambda m: _("须为本单位正式在编人员")),
    (re.compile(r"has worked in the department for (\d+) years or more"),
     lambda m: _("须在本单位工作 %(years)s 年以上", years=m.group(1))),
    (re.compile(r"holds law-enforcement qualification"),
     lambda m: _("须具备实施行政执法资格（请填写行政执法证号）")),
    (re.compile(r"serves at the window for (\d+) years?, until (\S+)"),
     lambda m: _("在窗口岗位不得少于 %(years)s 年（至 %(day)s）", years=m.group(1), day=m.group(2))),
    (re.compile(r"must be approve, as the county government decided"),
     lambda m: _("须与县政府决定一致：准予许可")),
    (re.compile(r"must be deny, as the county government decided"),
     lambda m: _("须与县政府决定一致：不予许可")),
    (re.compile(r"a chief representative is of section rank or above"),
     lambda m: _("首席代表须为股级以上业务骨干")),
    (re.compile(r"a window head heads the department's approving section"),
     lambda m: _("窗口负责人须为负责审批的科室负责人")),
    (re.compile(r"expected a date YYYY-MM-DD"), lambda m: _("请按“年-月-日”填写日期")),
    (re.compile(r"a date after today"), lambda m: _("日期不能晚于今天")),
    (re.compile(r"a committee needs at least (\d+) members"),
     lambda m: _("审批决策委员会至少需要 %(num)s 名成员", num=m.group(1))),
    (re.compile(r"unsupported element bpmn:(\w+)"),
     lambda m: _("不支持的流程元素 bpmn:%(element)s", element=m.group(1))),
    (re.compile(r"still served by window\(s\) ([\w, ]+); take it off them first"),
     lambda m: _("仍有窗口（%(windows)s）办理该部门的事项，请先从这些窗口中移除", windows=m.group(1))),
    (re.compile(r"(\S+) is not a current item"),
     lambda m: _("%(code)s 不是现行事项", code=m.group(1))),
    (re.compile(r"(\w+) is held within a department"),
     lambda m: _("%(role)s 须在某个部门内担任，请选择部门", role=m.group(1))),
    (re.compile(r"(?:at least|must be at least) (\d+) characters"),
     lambda m: _("至少 %(num)s 个字符", num=m.group(1))),
    (re.compile(r"is too long"), lambda m: _("内容过长，请删减")),
    (re.compile(r"required|missing|must not be empty|is required"),
     lambda m: _("请填写此项")),
    (re.compile(r"unknown|invalid|not valid|must be one of|not one of"),
     lambda m: _("所填内容无效，请从所列选项中选择或按格式填写")),
    (re.compile(r"already (?:taken|exists|used)"), lambda m: _("已被使用，请换一个")),
]


def field_message(message: str) -> str:
    """A field problem beside its field: Chinese (or an English page) as it is, an English
    one in the page's language."""
    if CJK.search(message) or (get_locale() is not None and get_locale().language == "en"):
        return message
    for pattern, wording in _FIELD_WORDINGS:
        found = pattern.search(message)
        if found:
            return wording(found)
    return _("此项填写有误，请检查。")
