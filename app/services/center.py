"""The service center's rules plugged into the workflow platform, once, at app start.

The platform (app/services/workflow) imports nothing of the domain; each line below hands it
one part of a center's rules, the way a Flask extension is bound with init_app.
"""
from __future__ import annotations

from app.services import agency, calendar, committee, effects, fees
from app.services.authorization import window_powers
from app.services.authorization import guard as authorization_guard
from app.services.calendar import changes as calendar_changes
from app.services.cases import clock as case_clock
from app.services.cases import certificates, decision_context, remedies
from app.services.cases import (commitments, delivery, events, intake_rules, law_limits,
                                lenient, opening, two_visits)
from app.services.joint import county as joint_county
from app.services.linkage import outbox as link_outbox
from app.services.organization import routing
from app.services.supervision import parts as supervision
from app.services.workflow import step_hooks


def register() -> None:
    calendar.register()  # working days: the calendar table, or the law's rule for a year
    calendar_changes.register()  # the tables that copy a deadline move with the calendar
    routing.register()  # lanes: approvers, chiefs under 授权书, AB posts, the committee
    opening.register()  # a start naming an item opens its case (办件)
    intake_rules.register()  # who may take in which item at a window
    two_visits.register()  # 两次办结: a later 补正 asks only for what the first notice listed
    fees.register()  # 一口式收费: no result is delivered while a fee assessed on it is unpaid
    lenient.register()  # 容缺受理: the result is held until the deferred materials are in
    commitments.register()  # 告知承诺制: accepted on a commitment, checked after approval
    events.register()  # case events out: the webhook channel of the outbox
    delivery.register()  # 送达: the 办结送达 form's delivery recorded with its completion
    case_clock.register()  # an extension's approver has a part in the case
    remedies.register()  # 应诉: a matter's representative has a part in the case
    law_limits.register()  # the case's decision limit moves with the instance's deadlines
    authorization_guard.register()  # a chief decides only while the letter is in force
    window_powers.register()  # the window accepts and delivers only under its letter
    certificates.register()  # 制证权: a licence is made before (checked after 投递权) it is delivered
    committee.register()  # a member's vote is personal
    joint_county.register()  # a joint case's unified reply follows the county's decision
    decision_context.register()  # what each decision task shows of the steps before it
    effects.register()  # the functions scripts call and what their effects write
    supervision.register()  # 效能监察: the assessment, cards, violations, checks, duty
    agency.register()  # 全程代办: an agent takes in a mandate's items; its reminders' sweep
    step_hooks.on_thrown(link_outbox.thrown_messages, link_outbox.record)  # 三级联动 messages
