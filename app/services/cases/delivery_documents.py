"""The printable documents of delivery: the licence (电子证照) and the receipt (送达回证).

Both are notice dicts (app/services/cases/notices.py) in the competent department's name
and seal, so the notice page and its PDF (notice_pdf) render them as they render the rest.
They are legal documents and stay Chinese in every page language."""
from __future__ import annotations

from app.models import Case, DeliveryRecord, Licence
from app.models.delivery import ELECTRONIC, MAIL, METHOD_LABELS, REVOKED, VALID, WINDOW
from app.services import calendar
from app.services.cases import licences, notices

LICENCE_TITLE, RECEIPT_TITLE = "行政许可证件（电子证照）", "送达回证"


def _date(value) -> str:
    return calendar.to_local(value).strftime("%Y年%m月%d日") if value else ""


def licence_notice(case: Case, licence: Licence) -> dict:
    notice = notices.frame(case, licences.DOCUMENT_KIND, licence.issued_at, LICENCE_TITLE)
    notice["recipient"] = licence.holder
    status = licences.status_label(licence)
    if licence.status != VALID:
        verb = "撤销" if licence.status == REVOKED else "注销"
        status += f"（{_date(licence.status_changed_at)}{verb}，理由：{licence.status_reason}）"
    notice["body"] = [f"持证主体：{licence.holder}", f"许可事项：{licence.item.name}",
                      f"许可决定文号：{notices.decision_number(case)}",
                      f"发证机关：{licence.department.name}",
                      f"发证日期：{_date(licence.issued_at)}",
                      f"有效期限：{licences.validity_text(licence)}", f"证照状态：{status}",
                      "本电子证照与纸质证照具有同等法律效力（《国务院关于在线政务服务的若干规定》"
                      "第十条）。"]
    return notice


def receipt_notice(case: Case, row: DeliveryRecord) -> dict:
    """送达回证: what was delivered, how, when and to whom."""
    notice = notices.frame(case, notices.CONCLUDED, case.concluded_at or row.recorded_at,
                           RECEIPT_TITLE)
    notice["kind"] = f"delivery-{row.id}"
    licence = licences.of_case(case.instance_id)
    delivered = f"{notices.TITLE_OF_APPROVAL if licence else notices.TITLE_OF_DENIAL}" \
                f"（{notice['number']}）" + (f"、电子证照（{licence.number}）" if licence else "")
    notice["body"] = [f"受送达人：{case.applicant_name}", f"送达文书：{delivered}",
                      f"送达方式：{METHOD_LABELS[row.method]}",
                      f"送达日期：{row.delivered_on.strftime('%Y年%m月%d日')}"]
    notice["body"] += _how(row)
    notice["signature"]["date"] = row.delivered_on.strftime("%Y年%m月%d日")
    return notice


def _how(row: DeliveryRecord) -> list[str]:
    if row.method == MAIL:
        receipt = row.receipt_on.strftime("%Y年%m月%d日") if row.receipt_on else "尚未退回"
        return [f"邮寄单位：{row.carrier}", f"邮件单号：{row.tracking_number}",
                f"收件人：{row.recipient_name}", f"回执日期：{receipt}"]
    if row.method == ELECTRONIC:
        return [f"送达地址或渠道：{row.electronic_address}",
                f"发送时间：{calendar.to_local(row.sent_at).strftime('%Y年%m月%d日 %H:%M')}"
                if row.sent_at else "发送时间：", f"受送达人：{row.recipient_name}"]
    lines = [f"签收人：{row.recipient_name}"]
    if row.method == WINDOW and row.by_proxy:
        lines.append(f"代领人：{row.proxy_name}（身份证件号码 {row.proxy_id_number}）")
    return lines + ["签收人（签名）：　　　　　　　　　签收日期：　　　　年　　月　　日"]
