"""All models, imported here so metadata (and Alembic) sees every table."""
from app.models.accountability import Card, Consequence, Violation
from app.models.appointment import AppointmentLetter
from app.models.agency import AgencyMandate, AgencyProject, AgencyProjectItem, AgencyReminder
from app.models.assessment import AssessmentMonth
from app.models.attachment import Attachment
from app.models.audit import AuditEvent
from app.models.base import db, utcnow
from app.models.authorization import AuthorizationLetter, LetterItem
from app.models.calendar import CalendarDay, CalendarYear, WorkingDeadline
from app.models.case import Case, CaseCounter
from app.models.case_clock import CaseClockEvent
from app.models.committee import CommitteeReview, CommitteeVote
from app.models.catalog import Item, SampleForm
from app.models.delivery import DeliveryRecord, Licence
from app.models.denial import DenialReport
from app.models.document import CenterCounter, DepartmentSeal, DocumentCounter, IssuedDocument
from app.models.enquiry import Enquiry
from app.models.event import CaseEvent
from app.models.fee import FeeAssessment, FeePayment, FeeRefund
from app.models.evaluation import Evaluation, Rectification
from app.models.identity import Department, Membership, User
from app.models.idempotency import IdempotentRequest
from app.models.inspection import CaseCheck, CheckFinding, CheckRound, DutyShift
from app.models.joint import JointMeeting, JointOpinion
from app.models.lenient import CommitmentCheck, LenientAcceptance
from app.models.login_failure import LoginFailure
from app.models.linkage import CaseLink, LinkLevel, LinkMessage, LinkNonce
from app.models.organization import Absence, Center, Post, Window
from app.models.outbox import Notification
from app.models.process import ProcessDefinition, ProcessInstance, TaskHistory
from app.models.remedy import RemedyMatter
from app.models.staff_record import StaffRecord
from app.models.task import HumanTask

__all__ = [
    "Absence", "Attachment", "AuditEvent", "AuthorizationLetter", "CalendarDay", "CalendarYear", "Case",
    "CaseClockEvent", "CaseCounter", "Center", "Department", "HumanTask", "Item", "JointMeeting", "JointOpinion",
    "LetterItem", "LoginFailure", "CaseLink", "LinkLevel", "LinkMessage", "LinkNonce", "Membership",
    "Notification", "Post", "ProcessDefinition", "ProcessInstance", "SampleForm", "TaskHistory", "User",
    "Window",
    "db", "utcnow", "CommitteeReview", "CommitteeVote", "DenialReport", "WorkingDeadline",
    "Evaluation", "Rectification", "DepartmentSeal", "DocumentCounter", "IssuedDocument",
    "CaseCheck", "CheckFinding", "CheckRound", "DutyShift", "Card", "Consequence", "Violation",
    "AssessmentMonth", "Enquiry", "AgencyMandate", "AgencyProject", "AgencyProjectItem",
    "AgencyReminder", "FeeAssessment", "FeePayment", "FeeRefund", "CommitmentCheck",
    "LenientAcceptance", "DeliveryRecord", "Licence", "CaseEvent", "StaffRecord",
    "AppointmentLetter", "RemedyMatter", "IdempotentRequest",
]
