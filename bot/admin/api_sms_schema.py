"""The SMS API's JSON shapes in the OpenAPI description (``/api/openapi.json``); read and written by
bot/admin/api_sms_json.py. ``Named`` is the staff API's."""

from __future__ import annotations

from bot.admin import api_staff  # noqa: F401  (defines the shared "Named" schema)
from bot.admin.api_sms_json import (
    COUNT_NAMES,
    INVALID_LISTED,
    LARGEST_ID,
    MAX_COMPLEX_IDS,
    PHONE_LIMIT,
    POSITION_LIMIT,
    STATES,
)
from bot.admin.openapi import define_schemas, ref
from core.community.values import LEGAL_TYPES, ORGANIZATION_FIELDS
from core.sms.lists import COMPLEX_NAME_LIMIT, MAX_ENTRIES, NAME_LIMIT, PERSON_NAME_LIMIT
from core.sms.text import SUBJECT_BYTE_LIMIT, SUBJECT_CHAR_LIMIT
from core.sms.values import SELECTION_KINDS, MessageType

ID = {"type": "integer", "minimum": 1, "maximum": LARGEST_ID}
TIME = {"type": ["string", "null"], "format": "date-time"}
COUNTED = {"type": "integer", "minimum": 0}
PERSON_LEFT_OUT = {
    "type": "object",
    "required": ["name", "complex_name", "phone"],
    "properties": {
        "name": {"type": "string"},
        "complex_name": {"type": ["string", "null"]},
        "phone": {"type": "string", "description": "As given; masked unless the token's admin holds pii.view"},
    },
}
define_schemas(
    {
        "SmsRecipients": {
            "type": "object",
            "required": ["kind"],
            "additionalProperties": False,
            "description": (
                "Who a batch goes to. Registry kinds reach every complex in the sender's sms.send scope, narrowed "
                "by complex_ids and/or admin_dong_id; position (직위, see /api/v1/sms/positions) narrows "
                "representatives. kind saved names one of the sender's saved lists by list_id, and nothing else. "
                "kind organization_leaders reaches the representatives of village community organisations "
                "(needs community.read too), narrowed by admin_dong_id, field, legal_type and/or organization_ids. "
                "A sender whose sms.send is scoped to dongs is refused (403 sms_dong_outside_scope or "
                "sms_complexes_outside_scope) a dong or complex outside them; a saved list's people outside them "
                "are left out and counted (outside_scope)."
            ),
            "properties": {
                "kind": {"type": "string", "enum": list(SELECTION_KINDS)},
                "complex_ids": {"type": "array", "items": ID, "maxItems": MAX_COMPLEX_IDS},
                "admin_dong_id": {"oneOf": [ID, {"type": "null"}]},
                "position": {"type": ["string", "null"], "maxLength": POSITION_LIMIT},
                "list_id": {"oneOf": [ID, {"type": "null"}]},
                "field": {
                    "type": ["string", "null"],
                    "enum": [*ORGANIZATION_FIELDS, None],
                    "description": "organization_leaders only: the organisations' 분야",
                },
                "legal_type": {
                    "type": ["string", "null"],
                    "enum": [*LEGAL_TYPES, None],
                    "description": "organization_leaders only: the organisations' 유형",
                },
                "organization_ids": {
                    "type": "array",
                    "items": ID,
                    "maxItems": MAX_COMPLEX_IDS,
                    "description": "organization_leaders only: chosen organisations",
                },
            },
        },
        "SmsRequest": {
            "type": "object",
            "required": ["recipients", "text"],
            "additionalProperties": False,
            "properties": {
                "recipients": ref("SmsRecipients"),
                "text": {
                    "type": "string",
                    "description": "Up to 90 EUC-KR bytes is an SMS, up to 2,000 an LMS; {이름} and {단지명} are "
                    "replaced per recipient",
                },
                "scheduled_at": {
                    "type": ["string", "null"],
                    "format": "date-time",
                    "description": "ISO 8601; without an offset it is office time (Asia/Seoul). Absent: now. At most "
                    "35 days ahead",
                },
                "subject": {
                    "type": ["string", "null"],
                    "description": f"An LMS's subject (제목): one line of at most {SUBJECT_CHAR_LIMIT} characters and "
                    f"{SUBJECT_BYTE_LIMIT} EUC-KR bytes (422 sms_subject_too_long otherwise). Absent: the text's first "
                    "line, shortened. An SMS has no subject: one given is checked and not kept",
                },
            },
        },
        "SmsLeftOut": {
            **PERSON_LEFT_OUT,
            "description": "Someone selected but left out: the number is not a Korean mobile",
        },
        "SmsPreview": {
            "type": "object",
            "properties": {
                "recipient_count": COUNTED,
                "invalid_count": COUNTED,
                "without_phone": COUNTED,
                "duplicates_merged": COUNTED,
                "outside_scope": {
                    **COUNTED,
                    "description": "A saved list's people in complexes outside the sender's sms.send dongs, left out",
                },
                "invalid": {"type": "array", "items": ref("SmsLeftOut"), "maxItems": INVALID_LISTED},
                "message_type": {"type": "string", "enum": [t.value for t in MessageType]},
                "byte_length": COUNTED,
                "byte_limit": COUNTED,
                "unencodable": {"type": "array", "items": {"type": "string"}},
                "sender_number": {"type": "string"},
                "sample": {"type": ["string", "null"], "description": "The text as the first recipient gets it"},
                "subject": {
                    "type": ["string", "null"],
                    "description": "An LMS's subject as it will be sent; SMS: null",
                },
                "scheduled_at": TIME,
                "night_warning": {"type": "boolean", "description": "Goes out between 21:00 and 08:00 office time"},
                "ums_configured": {"type": "boolean", "description": "false: nothing will actually be sent"},
            },
        },
        "SmsCounts": {
            "type": "object",
            "description": "Messages per state. submitted = accepted by the UMS, result not yet known (never "
            "counted as delivered); sent = accepted by the UMS whatever came of it; pending = scheduled + queued",
            "required": list(COUNT_NAMES),
            "properties": {name: COUNTED for name in COUNT_NAMES},
        },
        "SmsBatch": {
            "type": "object",
            "properties": {
                "id": ID,
                "created_at": TIME,
                "created_by": ref("Named"),
                "text": {"type": "string"},
                "message_type": {"type": "string", "enum": [t.value for t in MessageType]},
                "subject": {"type": ["string", "null"], "description": "An LMS's subject; SMS: null"},
                "byte_length": COUNTED,
                "sender_number": {"type": "string"},
                "scheduled_at": TIME,
                "cancelled_at": TIME,
                "recipients": ref("SmsRecipients"),
                "left_out": {"type": "object", "additionalProperties": COUNTED},
                "counts": ref("SmsCounts"),
                "cancellable": {"type": "boolean", "description": "A reservation none of whose messages went out yet"},
                "ums_configured": {"type": "boolean", "description": "false: UMS not configured, not sent"},
                "replayed": {"type": "boolean", "description": "The answer to an earlier request with this key"},
            },
        },
        "SmsBatchSummary": {
            "type": "object",
            "properties": {
                "id": ID,
                "created_at": TIME,
                "created_by": {"type": "string"},
                "text_head": {"type": "string"},
                "message_type": {"type": "string", "enum": [t.value for t in MessageType]},
                "scheduled_at": TIME,
                "cancelled_at": TIME,
                "counts": ref("SmsCounts"),
                "ums_configured": {"type": "boolean"},
            },
        },
        "SmsMessage": {
            "type": "object",
            "properties": {
                "id": ID,
                "name": {"type": "string"},
                "complex_name": {"type": ["string", "null"]},
                "phone": {"type": "string", "description": "Masked unless the token's admin holds pii.view"},
                "state": {"type": "string", "enum": STATES},
                "state_changed_at": TIME,
                "attempts": COUNTED,
                "failure_reason": {"type": ["string", "null"]},
                "due_at": TIME,
            },
        },
        "SmsBatchPage": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": ref("SmsBatchSummary")},
                "page": {"type": "integer", "minimum": 1},
                "size": {"type": "integer"},
                "total": COUNTED,
                "pages": {"type": "integer"},
            },
        },
        "SmsMessagePage": {
            "type": "object",
            "properties": {
                "items": {"type": "array", "items": ref("SmsMessage")},
                "page": {"type": "integer", "minimum": 1},
                "size": {"type": "integer"},
                "total": COUNTED,
                "pages": {"type": "integer"},
            },
        },
        "SmsPositions": {
            "type": "object",
            "properties": {"positions": {"type": "array", "items": {"type": "string"}}},
        },
        "SmsSavedList": {
            "type": "object",
            "properties": {"id": ID, "name": {"type": "string"}, "created_at": TIME, "entries": COUNTED},
        },
        "SmsSavedLists": {
            "type": "object",
            "properties": {"items": {"type": "array", "items": ref("SmsSavedList")}},
        },
        "SmsListEntry": {
            "type": "object",
            "required": ["name", "phone"],
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string", "maxLength": PERSON_NAME_LIMIT},
                "phone": {"type": "string", "maxLength": PHONE_LIMIT},
                "complex_name": {"type": ["string", "null"], "maxLength": COMPLEX_NAME_LIMIT},
            },
        },
        "SmsListCreate": {
            "type": "object",
            "required": ["name"],
            "additionalProperties": False,
            "description": "A name and either entries (people given by hand) or recipients (who a selection "
            "reaches now)",
            "properties": {
                "name": {"type": "string", "maxLength": NAME_LIMIT},
                "entries": {"type": "array", "items": ref("SmsListEntry"), "maxItems": MAX_ENTRIES},
                "recipients": ref("SmsRecipients"),
            },
        },
        "SmsSavedListResult": {
            "type": "object",
            "properties": {
                "list": ref("SmsSavedList"),
                "invalid_count": COUNTED,
                "invalid": {"type": "array", "items": ref("SmsLeftOut"), "maxItems": INVALID_LISTED},
                "without_phone": COUNTED,
                "duplicates_merged": COUNTED,
            },
        },
    }
)
