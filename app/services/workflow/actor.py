"""Who is acting: a signed-in person or the system (timers, deliveries)."""
from __future__ import annotations

from dataclasses import dataclass

from app.models import User


@dataclass(frozen=True)
class Actor:
    name: str
    user: User | None = None
    remote_addr: str | None = None

    @property
    def user_id(self) -> int | None:
        return self.user.id if self.user else None

    @classmethod
    def of(cls, user: User, remote_addr: str | None = None) -> Actor:
        return cls(user.username, user, remote_addr)

    @classmethod
    def system(cls, what: str) -> Actor:
        return cls(f"system:{what}")
