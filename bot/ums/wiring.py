"""Builds the SMS dispatch from settings: the UMS adapter when ``DONGNE_UMS_URL`` is set, otherwise the
embedded gateway that records without sending."""

from __future__ import annotations

from datetime import timedelta

from bot.settings import Settings
from bot.ums.client import MAX_SUBMIT_MESSAGES, UmsGateway
from core.clock import Clock
from core.notifications.service import OutboxSignal
from core.sms.dispatch import DispatchSettings, SmsDispatch
from core.sms.gateway import SmsGateway, UnconfiguredGateway
from storage.uow import UnitOfWorkFactory


def secret_of(settings: Settings) -> bytes | None:
    if settings.ums_secret is None or not settings.ums_secret.get_secret_value():
        return None
    return settings.ums_secret.get_secret_value().encode()


def build_sms_dispatch(settings: Settings, uow: UnitOfWorkFactory, clock: Clock, signal: OutboxSignal) -> SmsDispatch:
    gateway: SmsGateway
    if settings.ums_url:
        gateway = UmsGateway(settings.ums_url, secret=secret_of(settings), timeout=settings.ums_timeout_seconds)
    else:
        gateway = UnconfiguredGateway()
    dispatch_settings = DispatchSettings(
        batch_size=MAX_SUBMIT_MESSAGES,
        # A claimed row comes due again after the lease: longer than a submit can take, with a margin.
        lease=timedelta(seconds=settings.ums_timeout_seconds * 2 + 30),
        report_timeout=timedelta(minutes=settings.ums_report_timeout_minutes),
        due_grace=timedelta(minutes=settings.ums_due_grace_minutes),
    )
    return SmsDispatch(uow, clock, gateway, dispatch_settings, signal)
