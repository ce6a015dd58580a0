"""Admin sign-in: passwords, sessions, throttling records and API tokens."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from core.staff.values import ApiTokenRecord, SessionRecord, SignInCount
from storage.staff.models import AdminSession, ApiToken, SignInCounter, Staff

# Tokens with their creator's name, in ApiTokenRecord's field order (statements are immutable: safe to share).
_TOKENS = select(
    ApiToken.id,
    ApiToken.name,
    ApiToken.created_by_id,
    Staff.name.label("created_by"),
    ApiToken.created_at,
    ApiToken.last_used_at,
    ApiToken.revoked_at,
).join(Staff, Staff.id == ApiToken.created_by_id)


class AdminRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def find_password_hash(self, staff_id: int) -> str | None:
        return await self._session.scalar(select(Staff.password_hash).where(Staff.id == staff_id))

    async def set_password_hash(self, staff_id: int, password_hash: str) -> None:
        await self._session.execute(update(Staff).where(Staff.id == staff_id).values(password_hash=password_hash))

    async def lock_sign_in_counter(self, address: str, username: str, now: datetime) -> SignInCount:
        """The counter, locked until the transaction ends (SQLite's write transaction holds the whole database);
        a new one starts at zero. Two first attempts racing to create it: the loser's savepoint rolls back and
        it waits for the winner's row instead."""
        key = (SignInCounter.address == address, SignInCounter.username == username)
        for _ in range(2):
            row = (
                await self._session.execute(
                    select(SignInCounter.attempts, SignInCounter.last_attempt_at).where(*key).with_for_update()
                )
            ).first()
            if row is not None:
                return SignInCount(attempts=row.attempts, last_attempt_at=row.last_attempt_at)
            try:
                async with self._session.begin_nested():
                    await self._session.execute(
                        insert(SignInCounter).values(
                            address=address, username=username, attempts=0, last_attempt_at=now
                        )
                    )
                return SignInCount(attempts=0, last_attempt_at=now)
            except IntegrityError:
                continue
        raise RuntimeError(f"could not count a sign-in from {address}")

    async def set_sign_in_counter(self, address: str, username: str, attempts: int, now: datetime) -> None:
        """Only under the lock of :meth:`lock_sign_in_counter`."""
        await self._session.execute(
            update(SignInCounter)
            .where(SignInCounter.address == address, SignInCounter.username == username)
            .values(attempts=attempts, last_attempt_at=now)
        )

    async def take_back_sign_in_attempt(self, address: str, username: str) -> None:
        """An attempt proved right no longer counts against the counter (no lock needed: one atomic UPDATE)."""
        await self._session.execute(
            update(SignInCounter)
            .where(SignInCounter.address == address, SignInCounter.username == username, SignInCounter.attempts > 0)
            .values(attempts=SignInCounter.attempts - 1)
        )

    async def forget_sign_in_counter(self, address: str, username: str) -> None:
        await self._session.execute(
            delete(SignInCounter).where(SignInCounter.address == address, SignInCounter.username == username)
        )

    async def forget_sign_in_counters(self, before: datetime) -> None:
        await self._session.execute(delete(SignInCounter).where(SignInCounter.last_attempt_at < before))

    async def add_session(
        self, *, staff_id: int, token_hash: str, csrf_token: str, address: str, now: datetime, expires_at: datetime
    ) -> None:
        self._session.add(
            AdminSession(
                staff_id=staff_id,
                token_hash=token_hash,
                csrf_token=csrf_token,
                address=address,
                created_at=now,
                last_seen_at=now,
                expires_at=expires_at,
            )
        )
        await self._session.flush()

    async def find_session(self, token_hash: str) -> SessionRecord | None:
        row = (
            await self._session.execute(
                select(
                    AdminSession.id,
                    AdminSession.staff_id,
                    AdminSession.csrf_token,
                    AdminSession.created_at,
                    AdminSession.last_seen_at,
                    AdminSession.expires_at,
                ).where(AdminSession.token_hash == token_hash)
            )
        ).first()
        return SessionRecord(**row._mapping) if row else None

    async def touch_session(self, session_id: int, now: datetime) -> None:
        await self._session.execute(update(AdminSession).where(AdminSession.id == session_id).values(last_seen_at=now))

    async def delete_session(self, session_id: int) -> None:
        await self._session.execute(delete(AdminSession).where(AdminSession.id == session_id))

    async def delete_sessions_of(self, staff_id: int) -> None:
        await self._session.execute(delete(AdminSession).where(AdminSession.staff_id == staff_id))

    async def forget_expired_sessions(self, now: datetime) -> None:
        await self._session.execute(delete(AdminSession).where(AdminSession.expires_at < now))

    async def add_api_token(self, *, name: str, token_hash: str, created_by_id: int, now: datetime) -> int:
        token = ApiToken(name=name, token_hash=token_hash, created_by_id=created_by_id, created_at=now)
        self._session.add(token)
        await self._session.flush()
        return token.id

    async def find_api_token(self, token_hash: str) -> ApiTokenRecord | None:
        row = (await self._session.execute(_TOKENS.where(ApiToken.token_hash == token_hash))).first()
        return ApiTokenRecord(**row._mapping) if row else None

    async def list_api_tokens(self) -> list[ApiTokenRecord]:
        rows = await self._session.execute(_TOKENS.order_by(ApiToken.id.desc()))
        return [ApiTokenRecord(**row._mapping) for row in rows]

    async def mark_api_token_used(self, token_id: int, now: datetime) -> None:
        await self._session.execute(update(ApiToken).where(ApiToken.id == token_id).values(last_used_at=now))

    async def revoke_api_token(self, token_id: int, now: datetime) -> bool:
        result = await self._session.execute(
            update(ApiToken).where(ApiToken.id == token_id, ApiToken.revoked_at.is_(None)).values(revoked_at=now)
        )
        return bool(getattr(result, "rowcount", 0) == 1)

    async def revoke_api_tokens_of(self, staff_id: int, now: datetime) -> list[tuple[int, str]]:
        """Revoke every live token the staff member created; the (id, name) of each one revoked."""
        rows = await self._session.execute(
            update(ApiToken)
            .where(ApiToken.created_by_id == staff_id, ApiToken.revoked_at.is_(None))
            .values(revoked_at=now)
            .returning(ApiToken.id, ApiToken.name)
        )
        return sorted((int(token_id), str(name)) for token_id, name in rows)
