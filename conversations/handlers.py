"""Every dialogue's handlers, in the order they are tried."""

from __future__ import annotations

from telegram import Update
from telegram.ext import BaseHandler

from conversations.benchmark import approval as benchmark_approval
from conversations.benchmark import cases as benchmark_cases
from conversations.benchmark import edit as benchmark_edit
from conversations.benchmark import progress as benchmark_progress
from conversations.benchmark import register as benchmark_register
from conversations.benchmark import review as benchmark_review
from conversations.benchmark import stats as benchmark_stats
from conversations.community import add as community_add
from conversations.community import dashboard as community_dashboard
from conversations.community import edit as community_edit
from conversations.community import organizations as community_lookup
from conversations.community import projects as grant_projects
from conversations.context import DongneContext
from conversations.dialogue import DialogueFocus
from conversations.housing import add as housing_ledger_add
from conversations.housing import complaint_close, complaint_edit, complaint_list, complaint_register
from conversations.housing import edit as housing_ledger
from conversations.housing import history as complex_history
from conversations.housing import ledger_export as housing_ledger_export
from conversations.housing import ledger_import as housing_ledger_import
from conversations.housing import lookup as complex_lookup
from conversations.housing import nearby as complex_location
from conversations.housing import people as representative_search
from conversations.housing import photo_add as housing_photo_add
from conversations.housing import photos as housing_photos
from conversations.housing import remove as housing_ledger_remove
from conversations.housing import stats as housing_stats
from conversations.sms import compose as sms_compose
from conversations.sms import draft as sms_draft
from conversations.sms import results as sms_results
from conversations.staff import start


def build_handlers(focus: DialogueFocus) -> list[BaseHandler[Update, DongneContext, object]]:
    """``focus`` decides which dialogue a typed text belongs to; attach it to the Application."""
    return [
        complex_lookup.build_handler(focus),
        housing_ledger.build_handler(focus),
        housing_ledger_add.build_handler(focus),
        housing_ledger_remove.build_handler(focus),
        complaint_register.build_handler(focus),
        complaint_close.build_handler(focus),
        complaint_edit.build_handler(focus),
        *complaint_list.build_handlers(),
        *complex_history.build_handlers(),
        *housing_stats.build_handlers(),
        *housing_ledger_export.build_handlers(),
        housing_ledger_import.build_handler(focus),
        complex_location.build_handler(focus),
        housing_photo_add.build_handler(focus),
        housing_photos.build_handler(),
        representative_search.build_handler(focus),
        community_lookup.build_handler(focus),
        community_add.build_handler(focus),
        community_edit.build_handler(focus),
        *grant_projects.build_handlers(),
        *community_dashboard.build_handlers(),
        benchmark_register.build_handler(focus),
        benchmark_review.build_handler(focus),
        *benchmark_progress.build_handlers(focus),
        *benchmark_approval.build_handlers(focus),
        benchmark_edit.build_handler(focus),
        *benchmark_stats.build_handlers(focus),
        benchmark_cases.build_handler(focus),
        *sms_compose.build_handlers(focus),
        *sms_results.build_handlers(focus),
        *start.build_handlers(),
        *start.build_fallbacks(),
    ]


# What each persistent dialogue's states are, so persisted states come back as the same members.
STATE_TYPES = {
    complex_lookup.NAME: complex_lookup.State,
    housing_ledger.NAME: housing_ledger.State,
    housing_ledger_add.NAME: housing_ledger_add.State,
    housing_ledger_remove.NAME: housing_ledger_remove.State,
    complaint_register.NAME: complaint_register.State,
    complaint_close.NAME: complaint_close.State,
    complaint_edit.NAME: complaint_edit.State,
    complex_location.NAME: complex_location.State,
    housing_photo_add.NAME: housing_photo_add.State,
    housing_ledger_import.NAME: housing_ledger_import.State,
    community_lookup.NAME: community_lookup.State,
    community_add.NAME: community_add.State,
    community_edit.NAME: community_edit.State,
    representative_search.NAME: representative_search.State,
    benchmark_register.NAME: benchmark_register.State,
    benchmark_review.NAME: benchmark_review.State,
    benchmark_progress.NAME: benchmark_progress.State,
    benchmark_approval.NAME: benchmark_approval.State,
    benchmark_edit.NAME: benchmark_edit.State,
    benchmark_cases.NAME: benchmark_cases.State,
    sms_compose.NAME: sms_draft.State,
}
