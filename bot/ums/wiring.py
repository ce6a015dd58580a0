"""Builds the SMS dispatch from settings: the UMS adapter when ``DONGNE_UMS_URL`` is set, otherwise the
embedded gateway that records without sending."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING

from aiohttp import web

from bot.settings import Settings
from bot.ums.client import MAX_SUBMIT_MESSAGES, UmsGateway
from bot.ums.dispatcher import Dispatcher
from bot.ums.reports import INBOX, ReportInbox
from core.clock import Clock
from core.notifications.service import OutboxSignal
from core.sms.dispatch import DispatchSettings, SmsDispatch
from core.sms.gateway import SmsGateway, UnconfiguredGateway
from storage.uow import UnitOfWorkFactory

if TYPE_CHECKING:
    from bot.app import Runtime


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


def sms_dispatcher(runtime: Runtime) -> Dispatcher:
    assert runtime.sms_dispatch is not None
    settings = runtime.settings
    # Reports are polled when no secret is shared for pushed ones.
    poll = settings.ums_url is not None and secret_of(settings) is None
    return Dispatcher(
        runtime.sms_dispatch,
        messages_per_second=settings.ums_messages_per_second,
        poll_reports=poll,
        wake=runtime.services.sms.signal,
    )


def attach_report_inbox(app: web.Application, runtime: Runtime) -> None:
    if runtime.sms_dispatch is not None:
        app[INBOX] = ReportInbox(runtime.sms_dispatch, secret_of(runtime.settings))
