"""Settings, read only from the environment (see README's configuration table)."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError

ROOT = Path(__file__).resolve().parent.parent
APP_ENVS = ("development", "production", "testing")
TRUE, FALSE = ("1", "true", "yes", "on"), ("0", "false", "no", "off")
MIN_SECRET = 32
# What example files and tutorials put in a secret; refused in production. (Words, not
# short syllables: a random token may well contain "dev".)
PLACEHOLDERS = ("change-me", "changeme", "change_me", "example", "placeholder", "your-secret",
                "secret-key", "secret_key", "not-secret", "insecure", "password")


class ConfigError(RuntimeError):
    """A setting that cannot be used, named with what it must be."""


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    text = _env(name, str(default))
    try:
        value = int(text)
    except ValueError:
        raise ConfigError(f"{name} must be a whole number, got {text!r}") from None
    if value < 0:
        raise ConfigError(f"{name} must not be negative, got {value}")
    return value


def _env_bool(name: str, default: bool) -> bool:
    text = _env(name, "1" if default else "0").lower()
    if text not in TRUE + FALSE:
        raise ConfigError(f"{name} must be one of {', '.join(TRUE + FALSE)}, got {text!r}")
    return text in TRUE


def _env_choice(name: str, default: str, choices: tuple[str, ...]) -> str:
    value = _env(name, default)
    if value not in choices:
        raise ConfigError(f"{name} must be one of {', '.join(choices)}, got {value!r}")
    return value


def _env_zone(name: str, default: str) -> str:
    value = _env(name, default)
    try:
        ZoneInfo(value)
    except (ZoneInfoNotFoundError, ValueError):
        raise ConfigError(f"{name} must be an IANA time zone such as Asia/Shanghai, "
                          f"got {value!r}") from None
    return value


def _env_url(name: str, default: str) -> str:
    value = _env(name, default)
    try:
        make_url(value)
    except ArgumentError:
        raise ConfigError(f"{name} must be a database URL such as "
                          f"postgresql+psycopg://user@host/db, got {value!r}") from None
    return value


def usable_secret(value: str) -> bool:
    """Long enough, and not a placeholder from an example file."""
    lowered = value.lower()
    return len(value) >= MIN_SECRET and not any(word in lowered for word in PLACEHOLDERS) \
        and len(set(value)) > 8


def _secret_key(app_env: str) -> str:
    key = _env("SECRET_KEY")
    if app_env == "production" and not (key and usable_secret(key)):
        raise ConfigError("SECRET_KEY must be set in production to a random value of at least "
                          f"{MIN_SECRET} characters, not a placeholder (generate one: python3 "
                          "-c 'import secrets; print(secrets.token_hex(32))')")
    # Development only: a fresh key per start logs everybody out, which is acceptable there.
    return key or secrets.token_hex(32)


def _signed_endpoints(name: str, keys: str, app_env: str) -> dict:
    """{"<key>": {"url": ..., "secret": ...}} from the environment variable `name`: the link
    peers and the webhooks, whose requests are signed with the secret."""
    try:
        endpoints = json.loads(_env(name, "{}"))
    except ValueError as err:
        raise ConfigError(f"{name} must be a JSON object: {err}") from None
    if not isinstance(endpoints, dict):
        raise ConfigError(f"{name} must be a JSON object of {keys}")
    for key, endpoint in endpoints.items():
        if not isinstance(endpoint, dict) or not endpoint.get("url") or \
                len(str(endpoint.get("secret", ""))) < MIN_SECRET:
            raise ConfigError(f"{name}[{key}] needs a url and a secret of "
                              f"{MIN_SECRET}+ characters")
        if app_env == "production" and not usable_secret(str(endpoint["secret"])):
            raise ConfigError(f"{name}[{key}] has a placeholder secret")
    return endpoints


def build_config(instance_path: str) -> dict:
    """Return the application settings; every value comes from the environment."""
    instance = Path(instance_path)
    app_env = _env_choice("APP_ENV", "development", APP_ENVS)
    return {
        "APP_ENV": app_env,
        "SECRET_KEY": _secret_key(app_env),
        "SQLALCHEMY_DATABASE_URI": _env_url("DATABASE_URL",
                                            f"sqlite:///{instance / 'govflow.sqlite'}"),
        "CELERY_BROKER_URL": _env("CELERY_BROKER_URL", f"sqla+sqlite:///{instance / 'broker.sqlite'}"),
        "CELERY_ALWAYS_EAGER": False,
        # One claiming query a second costs a few ms and keeps due->fired under 2 s (bench_timers.py)
        "TIMER_SWEEP_SECONDS": _env_int("TIMER_SWEEP_SECONDS", 1),
        # How long a sweep's claim on a due instance keeps other sweeps from queueing it again
        "TIMER_CLAIM_SECONDS": _env_int("TIMER_CLAIM_SECONDS", 300),
        "OUTBOX_SWEEP_SECONDS": _env_int("OUTBOX_SWEEP_SECONDS", 10),
        # Delivered notifications are deleted after this many days (0: kept for ever).
        "NOTIFICATION_RETENTION_DAYS": _env_int("NOTIFICATION_RETENTION_DAYS", 365),
        # A start retried with the same Idempotency-Key within this many hours is answered
        # with what the first started; after, the key is forgotten (and purged).
        "IDEMPOTENCY_KEY_HOURS": _env_int("IDEMPOTENCY_KEY_HOURS", 24),
        "ABSENCE_SWEEP_SECONDS": _env_int("ABSENCE_SWEEP_SECONDS", 600),
        "CALENDAR_SWEEP_SECONDS": _env_int("CALENDAR_SWEEP_SECONDS", 3600),
        "CLOCK_SWEEP_SECONDS": _env_int("CLOCK_SWEEP_SECONDS", 900),
        # Letters ending within 30 days with no successor: the warning goes out once anyway.
        "LETTER_EXPIRY_SWEEP_SECONDS": _env_int("LETTER_EXPIRY_SWEEP_SECONDS", 3600),
        # A runaway BPMN script becomes an incident: time budget per step, memory per script.
        "SCRIPT_TIME_LIMIT_SECONDS": _env_int("SCRIPT_TIME_LIMIT_SECONDS", 2),
        "SCRIPT_MEMORY_LIMIT_MB": _env_int("SCRIPT_MEMORY_LIMIT_MB", 64),
        "CENTER_CODE": _env("CENTER_CODE", "532325"),
        # Where to apply, as the public guides show it when the center's record leaves it out.
        "CENTER_ADDRESS": _env("CENTER_ADDRESS", ""),
        "CENTER_PHONE": _env("CENTER_PHONE", ""),
        "CENTER_COMPLAINT_PHONE": _env("CENTER_COMPLAINT_PHONE", "12345"),
        "CENTER_OFFICE_HOURS": _env("CENTER_OFFICE_HOURS", ""),
        # LINK_PEERS: centers on other deployments; WEBHOOKS: systems told of case events
        "LINK_PEERS": _signed_endpoints("LINK_PEERS", "center codes", app_env),
        "WEBHOOKS": _signed_endpoints("WEBHOOKS", "endpoint names", app_env),
        "LINK_SWEEP_SECONDS": _env_int("LINK_SWEEP_SECONDS", 5),
        "LINK_MAX_ATTEMPTS": _env_int("LINK_MAX_ATTEMPTS", 20),
        "LINK_MAX_SKEW_SECONDS": _env_int("LINK_MAX_SKEW_SECONDS", 300),
        "LINK_TIMEOUT_SECONDS": _env_int("LINK_TIMEOUT_SECONDS", 10),
        "CALENDAR_REGION": _env("CALENDAR_REGION", "CN"),
        "TIMEZONE": _env_zone("TIMEZONE", "Asia/Shanghai"),
        # 审批决策委员会: working days members have to vote; 否定报备: days the leader has to review
        "COMMITTEE_VOTE_DAYS": _env_int("COMMITTEE_VOTE_DAYS", 3),
        "DENIAL_REVIEW_DAYS": _env_int("DENIAL_REVIEW_DAYS", 2),
        # 联审联办: working days the county government has to decide what the center could not
        "COUNTY_DECISION_DAYS": _env_int("COUNTY_DECISION_DAYS", 5),
        # 一次性告知书: working days the applicant is given to bring the missing materials
        "SUPPLEMENT_WORKING_DAYS": _env_int("SUPPLEMENT_WORKING_DAYS", 10),
        # 容缺受理: working days from acceptance to bring the deferred materials (clamped to 20
        # and to 2 below the promised time), the reminder that many days before the end;
        # 告知承诺制: working days the department has to check the commitment after approval
        "LENIENT_SUPPLEMENT_WORKING_DAYS": _env_int("LENIENT_SUPPLEMENT_WORKING_DAYS", 5),
        "LENIENT_REMINDER_WORKING_DAYS": _env_int("LENIENT_REMINDER_WORKING_DAYS", 1),
        "COMMITMENT_CHECK_WORKING_DAYS": _env_int("COMMITMENT_CHECK_WORKING_DAYS", 10),
        # 好差评: working days the unit has to rectify a 差评 (Sichuan 15, Dezhou 5); days after
        # 办结 an unrated case is invited again, and how often the worker looks for them
        "RECTIFICATION_WORKING_DAYS": _env_int("RECTIFICATION_WORKING_DAYS", 15),
        "FOLLOW_UP_WORKING_DAYS": _env_int("FOLLOW_UP_WORKING_DAYS", 5),  # 回访 after 整改
        "RATING_REMINDER_DAYS": _env_int("RATING_REMINDER_DAYS", 3),  # unrated: invite again
        "RATING_REMINDER_SWEEP_SECONDS": _env_int("RATING_REMINDER_SWEEP_SECONDS", 3600),
        # 效能监察: how often the worker freezes past months, deals cards, draws samples
        "SUPERVISION_SWEEP_SECONDS": _env_int("SUPERVISION_SWEEP_SECONDS", 900),
        # 案卷抽查: each month's sample of a unit's concluded cases is the larger of
        # CASE_CHECK_SAMPLE_SIZE and CASE_CHECK_SAMPLE_PERCENT % (rounded up) of them, at most all
        "CASE_CHECK_SAMPLE_SIZE": _env_int("CASE_CHECK_SAMPLE_SIZE", 3),
        "CASE_CHECK_SAMPLE_PERCENT": _env_int("CASE_CHECK_SAMPLE_PERCENT", 0),
        # working days a unit has to rectify a check's finding (不符合)
        "CASE_CHECK_RECTIFICATION_WORKING_DAYS": _env_int(
            "CASE_CHECK_RECTIFICATION_WORKING_DAYS", 10),
        "PROCESSES_DIR": _env("PROCESSES_DIR", str(ROOT / "processes")),
        "FORMS_DIR": _env("FORMS_DIR", str(ROOT / "forms")),
        "MAX_CONTENT_LENGTH": _env_int("MAX_UPLOAD_BYTES", 16 * 1024 * 1024),
        "MAX_BPMN_BYTES": _env_int("MAX_BPMN_BYTES", 2 * 1024 * 1024),
        "TOKEN_MAX_AGE_SECONDS": _env_int("TOKEN_MAX_AGE_SECONDS", 12 * 3600),
        "SMTP_HOST": _env("SMTP_HOST"),
        "SMTP_PORT": _env_int("SMTP_PORT", 25),
        "SMTP_USER": _env("SMTP_USER"),
        "SMTP_PASSWORD": _env("SMTP_PASSWORD"),
        "SMTP_SENDER": _env("SMTP_SENDER", "noreply@govflow.local"),
        "SMS_ADAPTER": _env("SMS_ADAPTER", "log"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", app_env == "production"),
        # Reverse proxies in front (each adds one X-Forwarded-For hop); 0 trusts no header.
        "TRUSTED_PROXIES": _env_int("TRUSTED_PROXIES", 0),
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
        # The public progress lookup (办件查询): attempts per client address, and where the
        # counts live (memory:// is per process; redis://host:6379/1 for several workers).
        "LOOKUP_RATE_LIMIT": _env("LOOKUP_RATE_LIMIT", "10 per minute"),
        "RATELIMIT_STORAGE_URI": _env("RATELIMIT_STORAGE_URI", "memory://"),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Where applicants reach the public site: the QR code on each notice and the SMS
        # rating link lead there.
        "PUBLIC_BASE_URL": _env("PUBLIC_BASE_URL", "http://127.0.0.1:5000").rstrip("/"),
    }
