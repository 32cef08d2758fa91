"""Settings, read only from the environment (see README's configuration table)."""
from __future__ import annotations

import json
import os
import secrets
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _env(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def _env_int(name: str, default: int) -> int:
    return int(_env(name, str(default)))


def _env_bool(name: str, default: bool) -> bool:
    return _env(name, "1" if default else "0").lower() in ("1", "true", "yes", "on")


def _secret_key() -> str:
    key = _env("SECRET_KEY")
    if key:
        return key
    if _env("APP_ENV", "development") == "production":
        raise RuntimeError("SECRET_KEY must be set in production")
    # Development only: a fresh key per start logs everybody out, which is acceptable there.
    return secrets.token_hex(32)


def _link_peers() -> dict:
    """LINK_PEERS: centers on other deployments, {"<center code>": {"url": ..., "secret": ...}}."""
    peers = json.loads(_env("LINK_PEERS", "{}"))
    for code, peer in peers.items():
        if not isinstance(peer, dict) or not peer.get("url") or len(peer.get("secret", "")) < 32:
            raise RuntimeError(f"LINK_PEERS[{code}] needs a url and a secret of 32+ characters")
    return peers


def build_config(instance_path: str) -> dict:
    """Return the application settings; every value comes from the environment."""
    instance = Path(instance_path)
    return {
        "APP_ENV": _env("APP_ENV", "development"),
        "SECRET_KEY": _secret_key(),
        "SQLALCHEMY_DATABASE_URI": _env("DATABASE_URL", f"sqlite:///{instance / 'govflow.sqlite'}"),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        "CELERY_BROKER_URL": _env("CELERY_BROKER_URL", f"sqla+sqlite:///{instance / 'broker.sqlite'}"),
        "CELERY_ALWAYS_EAGER": False,
        "TIMER_SWEEP_SECONDS": _env_int("TIMER_SWEEP_SECONDS", 5),
        "OUTBOX_SWEEP_SECONDS": _env_int("OUTBOX_SWEEP_SECONDS", 10),
        "ABSENCE_SWEEP_SECONDS": _env_int("ABSENCE_SWEEP_SECONDS", 600),
        "CALENDAR_SWEEP_SECONDS": _env_int("CALENDAR_SWEEP_SECONDS", 3600),
        # Letters ending within 30 days with no successor: the warning goes out once anyway.
        "LETTER_EXPIRY_SWEEP_SECONDS": _env_int("LETTER_EXPIRY_SWEEP_SECONDS", 3600),
        # A runaway BPMN script becomes an incident: time budget per step, memory per script.
        "SCRIPT_TIME_LIMIT_SECONDS": _env_int("SCRIPT_TIME_LIMIT_SECONDS", 2),
        "SCRIPT_MEMORY_LIMIT_MB": _env_int("SCRIPT_MEMORY_LIMIT_MB", 64),
        "CENTER_CODE": _env("CENTER_CODE", "532325"),
        "LINK_PEERS": _link_peers(),
        "LINK_SWEEP_SECONDS": _env_int("LINK_SWEEP_SECONDS", 5),
        "LINK_MAX_ATTEMPTS": _env_int("LINK_MAX_ATTEMPTS", 20),
        "LINK_MAX_SKEW_SECONDS": _env_int("LINK_MAX_SKEW_SECONDS", 300),
        "LINK_TIMEOUT_SECONDS": _env_int("LINK_TIMEOUT_SECONDS", 10),
        "CALENDAR_REGION": _env("CALENDAR_REGION", "CN"),
        "TIMEZONE": _env("TIMEZONE", "Asia/Shanghai"),
        # 审批决策委员会: working days members have to vote; 否定报备: days the leader has to review
        "COMMITTEE_VOTE_DAYS": _env_int("COMMITTEE_VOTE_DAYS", 3),
        "DENIAL_REVIEW_DAYS": _env_int("DENIAL_REVIEW_DAYS", 2),
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
        "SESSION_COOKIE_SECURE": _env_bool("SESSION_COOKIE_SECURE", False),
        "BABEL_DEFAULT_LOCALE": "zh_Hans_CN",
    }
