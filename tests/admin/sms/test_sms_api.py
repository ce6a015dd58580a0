"""The SMS API as another district system uses it: preview, send with an Idempotency-Key (a retry gets the
same batch, never a second one), follow the results, cancel while nothing has gone out, and keep saved
recipient lists. The office here has a UMS (the fake one of bot/ums/fake.py), reached by the runtime's own
dispatcher; refusals come back as JSON with the catalog's message."""

import io
import json
from dataclasses import replace
from datetime import timedelta
from typing import Any

import openpyxl
import pytest
from aiohttp.test_utils import TestClient, TestServer
from sqlalchemy import func, select, update

from bot.admin.api_sms import LIST_BODY_LIMIT
from bot.admin.app import MAX_REQUEST_BYTES, build_admin_app
from bot.app import build_runtime
from bot.settings import Settings
from core.sms.text import measure
from core.texts.i18n import has_text, t_plain
from storage.housing.models import Representative
from storage.sms.models import SmsBatch, SmsMessage
from tests.builders import grant, make_complex, make_dong, make_staff, make_two_dongs
from tests.core.community.test_validation import GEUMOK

SEND = "/api/v1/sms/batches"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
REPRESENTATIVES = {"kind": "representatives"}
KINDS = "managers, representatives, group_leaders, other_group_leaders, organization_leaders, saved"
ISO = "ISO 8601 date-time, e.g. 2026-11-26T10:00:00+09:00"
LONGER_THAN_50 = "string of at most 50 characters"
LONGER_THAN_40 = "string of at most 40 characters"
MEETING = "{이름}님, 11월 26일 10시 입주자대표회의에 참석해 주십시오."


def message(key: str, lang: str = "ko", **params: Any) -> str:
    return t_plain(lang, key, **params)


class Caller:
    """Calls the API as a system holding ``token`` would; every answer is JSON."""

    def __init__(self, client: TestClient, token: str | None) -> None:
        self.client = client
        self.headers = {"Authorization": f"Bearer {token}"} if token is not None else {}

    async def __call__(
        self, method: str, path: str, body: Any = None, *, raw: bytes | None = None, key: str | None = None
    ) -> tuple[int, Any]:
        headers = {"Content-Type": "application/json", **self.headers}
        if key is not None:
            headers["Idempotency-Key"] = key
        data = raw if raw is not None else (json.dumps(body).encode() if body is not None else None)
        # A file-like body: aiohttp warns that large raw bytes would hold up the event loop.
        response = await self.client.request(
            method, path, data=io.BytesIO(data) if data is not None else None, headers=headers
        )
        assert response.content_type == "application/json", (method, path, response.status)
        return response.status, await response.json()


@pytest.fixture
async def sender(client, admin, services, uow_factory):
    """The API as called with a token of an admin who holds sms.send (but not pii.view)."""
    await grant(uow_factory, admin, "sms.send")
    return Caller(client, (await services.admin_access.create_token(admin, "민원시스템")).token)


async def count_rows(uow_factory, model) -> int:
    async with uow_factory() as uow:
        return int(await uow._session.scalar(select(func.count()).select_from(model)))


async def test_a_send_repeated_with_its_key_returns_the_same_batch_and_texts_nobody_twice(sender, uow_factory):
    await make_complex(uow_factory, representatives=3)
    request = {"recipients": REPRESENTATIVES, "text": MEETING}

    status, batch = await sender("POST", SEND, request, key="minwon-2026-0001")
    assert status == 201 and batch["replayed"] is False
    assert batch["created_at"] == "2026-11-25T10:00:00+09:00" and batch["scheduled_at"] is None
    assert batch["counts"] == {
        "total": 3,
        "scheduled": 0,
        "queued": 3,
        "submitted": 0,
        "delivered": 0,
        "failed": 0,
        "cancelled": 0,
        "unknown": 0,
        "sent": 0,
        "pending": 3,
    }
    assert batch["ums_configured"] is True and batch["recipients"]["kind"] == "representatives"

    status, again = await sender("POST", SEND, request, key="minwon-2026-0001")  # the answer was lost: retry
    assert status == 200 and again["replayed"] is True and again["id"] == batch["id"]
    assert await count_rows(uow_factory, SmsBatch) == 1 and await count_rows(uow_factory, SmsMessage) == 3

    changed = {**request, "text": "다른 문구"}
    status, refused = await sender("POST", SEND, changed, key="minwon-2026-0001")
    assert status == 422 and refused == {
        "error": "sms_request_key_reused",
        "message": message("admin.error.sms_request_key_reused", batch_id=batch["id"]),
    }
    assert await count_rows(uow_factory, SmsBatch) == 1

    status, listed = await sender("GET", SEND)
    assert status == 200 and listed["total"] == 1 and listed["page"] == 1
    assert listed["items"][0]["counts"]["pending"] == 3 and listed["items"][0]["text_head"] == MEETING[:20]
    assert (await sender("GET", f"{SEND}/{batch['id']}"))[1] == batch


async def test_an_lms_is_sent_with_the_subject_given_or_its_first_line(sender, uow_factory):
    await make_complex(uow_factory, representatives=1)
    text = "12월 입주자대표회의 안내\n" + "일시: 12월 10일(목) 14시, 장소: 구청 3층 대회의실입니다. " * 2
    request = {"recipients": REPRESENTATIVES, "text": text, "subject": "  입주자대표회의\n안내 "}
    status, preview = await sender("POST", "/api/v1/sms/preview", request)
    assert status == 200 and preview["message_type"] == "lms" and preview["subject"] == "입주자대표회의 안내"
    status, given = await sender("POST", SEND, request, key="lms-1")
    assert status == 201 and given["subject"] == "입주자대표회의 안내"
    status, default = await sender("POST", SEND, {"recipients": REPRESENTATIVES, "text": text}, key="lms-2")
    assert status == 201 and default["subject"] == "12월 입주자대표회의 안내"
    status, short = await sender("POST", SEND, {**request, "text": "짧은 안내"}, key="sms-1")
    assert status == 201 and short["message_type"] == "sms" and short["subject"] is None
    assert (await sender("GET", f"{SEND}/{given['id']}"))[1]["subject"] == "입주자대표회의 안내"


async def test_a_send_needs_a_well_formed_idempotency_key(sender, uow_factory):
    await make_complex(uow_factory, representatives=1)
    request = {"recipients": REPRESENTATIVES, "text": "안내"}
    status, missing = await sender("POST", SEND, request)
    assert status == 428 and missing == {
        "error": "sms_request_key_missing",
        "message": message("admin.error.sms_request_key_missing"),
    }
    # A header carries bytes; Korean typed into one arrives as Latin-1 characters.
    for bad in ("two words", "k" * 81, "키"):
        status, malformed = await sender("POST", SEND, request, key=bad.encode().decode("latin-1"))
        assert status == 422 and malformed["error"] == "sms_request_key", bad
        assert malformed["message"] == message("admin.error.sms_request_key", limit=80)
    assert await count_rows(uow_factory, SmsBatch) == 0


async def test_strangers_and_admins_without_sms_send_are_refused(client, admin, services, uow_factory):
    anonymous = Caller(client, None)
    plain_admin = Caller(client, (await services.admin_access.create_token(admin, "test")).token)
    for method, path in [("POST", "/api/v1/sms/preview"), ("GET", SEND), ("GET", "/api/v1/sms/lists")]:
        status, answer = await anonymous(method, path, {})
        assert status == 401 and answer["error"] == "unauthorised"
        status, answer = await plain_admin(method, path, {"recipients": REPRESENTATIVES, "text": "안내"})
        assert status == 403 and answer["error"] == "permission_denied", (method, path)
    status, answer = await plain_admin("POST", SEND, {"recipients": REPRESENTATIVES, "text": "안내"}, key="k1")
    assert status == 403
    assert await count_rows(uow_factory, SmsBatch) == 0


async def test_malformed_requests_name_the_field_in_the_admins_language(sender, uow_factory, admin):
    await make_complex(uow_factory, with_office=True)  # a manager to text, so only the request is wrong

    def field(name: str, expected: str) -> tuple[str, dict[str, Any]]:
        return "api_field_invalid", {"field": name, "expected": expected}

    def ask(text: Any = "안내", **recipients: Any) -> dict[str, Any]:
        return {"recipients": {"kind": "managers", **recipients}, "text": text}

    ids, at = "integer 1-2147483647", "scheduled_at"
    cases: list[tuple[Any, tuple[str, dict[str, Any]]]] = [
        ([1, 2], ("api_json_invalid", {})),
        ({"text": "안내"}, field("recipients", "object")),
        ({"recipients": "managers", "text": "안내"}, field("recipients", "object")),
        (ask(kind="mayors"), field("recipients.kind", "one of " + KINDS)),
        (ask(text=5), field("text", "string")),
        ({"recipients": {"kind": "managers"}}, field("text", "string")),
        (ask(complex_ids=[1, "2"]), field("recipients.complex_ids", ids)),
        (ask(complex_ids=[10**40]), field("recipients.complex_ids", ids)),
        (ask(complex_ids=list(range(1, 502))), field("recipients.complex_ids", "array of at most 500 integers")),
        (ask(admin_dong_id=True), field("recipients.admin_dong_id", ids)),
        (ask(kind="representatives", position="회" * 51), field("recipients.position", LONGER_THAN_50)),
        (ask(position="회장"), field("recipients.position", "nothing unless kind is representatives")),
        (ask(kind="saved"), field("recipients.list_id", ids)),
        (ask(kind="saved", list_id=1, complex_ids=[3]), field("recipients.complex_ids", "nothing with kind saved")),
        (ask(colour="red"), ("api_field_unknown", {"field": "recipients.colour"})),
        ({**ask(), "send_at": "x"}, ("api_field_unknown", {"field": "send_at"})),
        *[
            ({**ask(), at: when}, field(at, ISO))
            for when in ("내일 10시", "2026-11-26", "2026-11-26T25:00", "2026-13-01T10:00")
        ],
        ({**ask(), at: 20261126}, field(at, "string of at most 40 characters")),
        ({**ask(), at: "2026-11-25T09:00"}, ("sms_schedule_past", {})),
        (ask("가" * 1001), ("sms_text_too_long", {"length": 2002, "limit": 2000})),
        (ask("  "), ("sms_text_empty", {})),
        ({**ask(), "subject": 5}, field("subject", "string or null")),
        # The subject's rules are core's, the chat's: one line of at most 40 characters and 60 EUC-KR bytes.
        (
            {**ask("가" * 46), "subject": "가" * 31},
            ("sms_subject_too_long", {"chars": 31, "length": 62, "limit": 60, "char_limit": 40}),
        ),
        ({**ask("가" * 46), "subject": " \n "}, ("sms_subject_empty", {})),
    ]
    for path, key in (("/api/v1/sms/preview", None), (SEND, "k-bad-shapes")):
        for body, (code, params) in cases:
            status, answer = await sender("POST", path, body, key=key)
            assert status == 422, (path, body, answer)
            catalog_key = f"admin.error.{code}" if code.startswith("api_") else f"error.{code}"
            assert answer == {"error": code, "message": message(catalog_key, **params)}, (path, body)
        for raw in (b"{not json", b"\xff\xfe", b"[" * 10_000):
            status, answer = await sender("POST", path, raw=raw, key=key)
            assert status == 422 and answer == {  # as the staff API answers
                "error": "api_json_invalid",
                "message": message("admin.error.api_json_invalid"),
            }
    for path in (f"{SEND}?page=0", f"{SEND}?page=x", f"{SEND}?scheduled=yes"):
        assert (await sender("GET", path))[0] == 422, path
    assert await count_rows(uow_factory, SmsBatch) == 0

    async with uow_factory(write=True) as uow:
        await uow.staff.set_language(admin.id, "en")
        await uow.commit()
    status, english = await sender("POST", "/api/v1/sms/preview", {"recipients": {"kind": "mayors"}, "text": "x"})
    assert status == 422
    assert english["message"] == message(
        "admin.error.api_field_invalid", "en", field="recipients.kind", expected="one of " + KINDS
    )


async def set_phone(uow_factory, name: str, phone: str | None) -> None:
    async with uow_factory(write=True) as uow:
        await uow._session.execute(update(Representative).where(Representative.name == name).values(phone=phone))
        await uow.commit()


async def test_the_preview_counts_recipients_sizes_the_text_and_masks_numbers_left_out(sender, uow_factory, admin):
    await make_complex(uow_factory, name="행당한진타운", representatives=3)
    await set_phone(uow_factory, "김대표2", "02-2286-1234")  # a landline: no SMS
    await set_phone(uow_factory, "김대표3", None)
    text = "{이름}님, 회의 안내 🙂"
    # Naive: office time. 22:30 in Seoul is night, when messages disturb people.
    request = {"recipients": REPRESENTATIVES, "text": text, "scheduled_at": "2026-11-25T22:30"}
    status, preview = await sender("POST", "/api/v1/sms/preview", request)
    size = measure("김대표1님, 회의 안내 🙂")
    assert status == 200 and preview == {
        "recipient_count": 1,
        "invalid_count": 1,
        "without_phone": 1,
        "duplicates_merged": 0,
        "outside_scope": 0,
        "invalid": [{"name": "김대표2", "complex_name": "행당한진타운", "phone": "02-****-1234"}],
        "message_type": "sms",
        "byte_length": size.byte_length,
        "byte_limit": 90,
        "unencodable": ["🙂"],
        "sender_number": "02-2286-5114",
        "sample": "김대표1님, 회의 안내 🙂",
        "subject": None,
        "scheduled_at": "2026-11-25T22:30:00+09:00",
        "night_warning": True,
        "ums_configured": True,
    }
    assert await count_rows(uow_factory, SmsBatch) == 0  # a preview writes nothing

    await grant(uow_factory, admin, "pii.view")
    long = {"recipients": REPRESENTATIVES, "text": "가" * 46, "scheduled_at": "2026-11-26T01:00:00Z"}
    status, unmasked = await sender("POST", "/api/v1/sms/preview", long)
    assert unmasked["invalid"][0]["phone"] == "02-2286-1234"
    assert unmasked["message_type"] == "lms" and unmasked["byte_length"] == 92 and unmasked["byte_limit"] == 2000
    assert unmasked["subject"] == "가" * 29 + "…"  # an LMS without a subject gets its first line, shortened
    assert unmasked["scheduled_at"] == "2026-11-26T10:00:00+09:00" and unmasked["night_warning"] is False


async def test_a_scheduled_batch_is_cancelled_and_one_the_ums_accepted_cannot_be(
    sender, uow_factory, runtime, fake_ums, clock
):
    await make_complex(uow_factory, representatives=3)
    later = {"recipients": REPRESENTATIVES, "text": MEETING, "scheduled_at": "2026-11-26T09:30:00+09:00"}
    _, scheduled = await sender("POST", SEND, later, key="later-1")
    assert scheduled["counts"]["scheduled"] == 3 and scheduled["cancellable"] is True
    assert scheduled["scheduled_at"] == "2026-11-26T09:30:00+09:00"
    assert (await sender("GET", f"{SEND}?scheduled=true"))[1]["total"] == 1

    status, cancelled = await sender("POST", f"{SEND}/{scheduled['id']}/cancel")
    assert status == 200 and cancelled["counts"]["cancelled"] == 3 and cancelled["cancellable"] is False
    assert cancelled["cancelled_at"] == "2026-11-25T10:00:00+09:00"
    status, twice = await sender("POST", f"{SEND}/{scheduled['id']}/cancel")
    assert status == 422 and twice == {
        "error": "sms_already_cancelled",
        "message": message("error.sms_already_cancelled"),
    }

    _, now = await sender("POST", SEND, {"recipients": REPRESENTATIVES, "text": MEETING}, key="now-1")
    assert now["cancellable"] is False  # sent now, it reaches the UMS within seconds: no reservation to cancel
    status, refused = await sender("POST", f"{SEND}/{now['id']}/cancel")
    assert status == 422 and refused == {"error": "sms_not_scheduled", "message": message("error.sms_not_scheduled")}

    fake_ums.faults.failed_numbers = {"01012345001"}
    soon = {"recipients": REPRESENTATIVES, "text": MEETING, "scheduled_at": "2026-11-25T10:30"}
    _, soon = await sender("POST", SEND, soon, key="soon-1")
    clock.advance(timedelta(minutes=31))
    await runtime.sms_dispatch.dispatch_once()  # its time came: the dispatcher hands it to the UMS
    _, accepted = await sender("GET", f"{SEND}/{soon['id']}")
    counts = accepted["counts"]
    assert counts["submitted"] == 3 and counts["sent"] == 3 and counts["delivered"] == 0 and counts["pending"] == 0
    status, refused = await sender("POST", f"{SEND}/{soon['id']}/cancel")
    assert status == 422 and refused == {"error": "sms_already_sent", "message": message("error.sms_already_sent")}

    await runtime.sms_dispatch.poll_reports()
    status, messages = await sender("GET", f"{SEND}/{soon['id']}/messages")
    assert status == 200 and messages["total"] == 3 and messages["size"] == 10
    by_phone = {m["phone"]: m for m in messages["items"]}
    assert set(by_phone) == {"010-****-5000", "010-****-5001", "010-****-5002"}  # no pii.view: masked
    failed = by_phone["010-****-5001"]
    assert failed["state"] == "failed" and failed["failure_reason"] == "단말기 전원 꺼짐"
    assert failed["attempts"] == 1 and failed["state_changed_at"] == "2026-11-25T10:31:00+09:00"
    assert by_phone["010-****-5000"]["state"] == "delivered" and by_phone["010-****-5000"]["failure_reason"] is None
    status, failures = await sender("GET", f"{SEND}/{soon['id']}/messages?state=failed&size=2")
    assert status == 200 and failures["total"] == 1 and failures["size"] == 2
    assert [m["phone"] for m in failures["items"]] == ["010-****-5001"]
    assert (await sender("GET", f"{SEND}/{soon['id']}/messages?state=lost"))[0] == 422
    assert (await sender("GET", f"{SEND}/{soon['id']}/messages?size=101"))[0] == 422
    _, settled = await sender("GET", f"{SEND}/{soon['id']}")
    assert settled["counts"] == {**counts, "submitted": 0, "delivered": 2, "failed": 1}

    download = await sender.client.get(f"{SEND}/{soon['id']}/results.xlsx", headers=sender.headers)
    assert download.status == 200 and download.content_type == XLSX
    sheet = openpyxl.load_workbook(io.BytesIO(await download.read())).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[0] in (1, 2, 3)]
    assert sorted(r[7] or "" for r in rows) == ["", "", "단말기 전원 꺼짐"]


async def test_saved_lists_leave_out_invalid_numbers_and_can_be_texted(sender, services, uow_factory, admin):
    entries = [
        {"name": "김통장", "phone": "010-1111-2222", "complex_name": "행당한진타운"},
        {"name": "이통장", "phone": "02-123-4567"},
        {"name": "박통장", "phone": "+82 10 3333 4444", "complex_name": None},
        {"name": "김통장", "phone": "01011112222"},
    ]
    status, saved = await sender("POST", "/api/v1/sms/lists", {"name": "통장 회의", "entries": entries})
    assert status == 201 and saved["list"]["name"] == "통장 회의" and saved["list"]["entries"] == 2
    assert saved["invalid_count"] == 1 and saved["duplicates_merged"] == 1
    assert saved["invalid"] == [{"name": "이통장", "complex_name": None, "phone": "02-***-4567"}]
    list_id = saved["list"]["id"]
    assert (await sender("GET", "/api/v1/sms/lists"))[1]["items"] == [saved["list"]]

    saved_kind = {"recipients": {"kind": "saved", "list_id": list_id}, "text": "{이름}님 안녕하세요"}
    status, batch = await sender("POST", SEND, saved_kind, key="tongjang-1")
    assert status == 201 and batch["counts"]["total"] == 2 and batch["recipients"]["list_id"] == list_id
    _, messages = await sender("GET", f"{SEND}/{batch['id']}/messages")
    assert {(m["name"], m["phone"]) for m in messages["items"]} == {
        ("김통장", "010-****-2222"),
        ("박통장", "010-****-4444"),
    }

    await make_complex(uow_factory, representatives=2)
    status, selected = await sender("POST", "/api/v1/sms/lists", {"name": "대표 전원", "recipients": REPRESENTATIVES})
    assert status == 201 and selected["list"]["entries"] == 2 and selected["invalid"] == []
    either = {"field": "entries", "expected": "either entries or recipients (not both)"}
    wrong = "api_field_invalid"
    refusals = [
        ({"name": "통장 회의", "entries": entries}, "sms_list_name_taken", {"name": "통장 회의"}),
        ({"name": "둘 다", "entries": entries, "recipients": REPRESENTATIVES}, wrong, either),
        ({"name": "없음"}, wrong, either),
        ({"name": "가" * 41, "entries": entries}, wrong, {"field": "name", "expected": LONGER_THAN_40}),
        ({"name": " ", "entries": entries}, "invalid_sms_list_name", {"limit": 40}),
        (
            {"name": "번호", "entries": [{"name": "김", "phone": 1012345678}]},
            wrong,
            {"field": "entries[0].phone", "expected": "string of at most 30 characters"},
        ),
        (
            {"name": "번호", "entries": [{**entries[0], "email": "x"}]},
            "api_field_unknown",
            {"field": "entries[0].email"},
        ),
        ({"name": "번호", "entries": [entries[1]]}, "sms_no_recipients", {}),
    ]
    for body, code, params in refusals:
        status, answer = await sender("POST", "/api/v1/sms/lists", body)
        catalog_key = f"admin.error.{code}" if has_text("ko", f"admin.error.{code}") else f"error.{code}"
        assert status == 422 and answer == {"error": code, "message": message(catalog_key, **params)}, body

    # A list is its owner's alone: another sender cannot text or delete it.
    other = await make_staff(services, saeol_id="itadmin2", name="박관리", roles=("admin", "sms.send"))
    someone_else = Caller(sender.client, (await services.admin_access.create_token(other, "test")).token)
    assert (await someone_else("POST", SEND, saved_kind, key="tongjang-1"))[0] == 404
    assert (await someone_else("DELETE", f"/api/v1/sms/lists/{list_id}"))[0] == 404
    assert (await someone_else("GET", f"{SEND}/{batch['id']}"))[0] == 200  # an admin sees every batch

    status, deleted = await sender("DELETE", f"/api/v1/sms/lists/{list_id}")
    assert status == 200 and deleted == saved["list"]
    assert (await sender("DELETE", f"/api/v1/sms/lists/{list_id}"))[0] == 404
    assert (await sender("POST", SEND, saved_kind, key="tongjang-2"))[0] == 404
    assert (await sender("GET", f"{SEND}/{batch['id']}/messages"))[1]["total"] == 2  # the batch keeps its people
    too_long = "9" * 5000  # beyond what int() converts: still not found, never a 500
    for path in (
        f"{SEND}/424242",
        f"{SEND}/99999999999",
        f"{SEND}/{too_long}",
        f"{SEND}/424242/messages",
        "/api/v1/sms/lists/99999999999",
        f"/api/v1/sms/lists/{too_long}",
    ):
        method = "DELETE" if "lists" in path else "GET"
        status, answer = await sender(method, path)
        assert status == 404 and answer["error"] == "not_found", path


async def test_a_district_sized_list_fits_but_an_endless_body_does_not(sender):
    people = [{"name": f"주민{n}", "phone": f"010-2000-{n:04d}", "complex_name": "행당한진타운"} for n in range(1500)]
    body = {"name": "전체 통장", "entries": people}
    assert len(json.dumps(body).encode()) > MAX_REQUEST_BYTES  # more than any other request may carry
    status, saved = await sender("POST", "/api/v1/sms/lists", body)
    assert status == 201 and saved["list"]["entries"] == 1500
    status, answer = await sender("POST", "/api/v1/sms/lists", raw=b" " * (LIST_BODY_LIMIT + 1))
    assert status == 413 and answer["error"] == "too_large"


async def test_positions_are_those_the_office_keeps(sender, services, admin, uow_factory):
    status, answer = await sender("GET", "/api/v1/sms/positions")
    assert status == 200 and answer["positions"] and "회장" in answer["positions"]
    async with uow_factory() as uow:
        kept = [entry.name for entry in await uow.reference.list_entries("position")]
    assert answer["positions"] == kept


async def test_an_office_without_a_ums_is_told_nothing_is_sent(database_url, clock, services, uow_factory):
    settings = Settings(_env_file=None, database_url=database_url)  # type: ignore[call-arg]
    office = build_runtime(settings, clock=clock)
    try:
        admin = await make_staff(office.services, saeol_id="itadmin", roles=("admin", "sms.send"))
        token = (await office.services.admin_access.create_token(admin, "test")).token
        await make_complex(uow_factory, representatives=1)
        async with TestClient(TestServer(build_admin_app(office.services, office.engine))) as client:
            api = Caller(client, token)
            _, preview = await api("POST", "/api/v1/sms/preview", {"recipients": REPRESENTATIVES, "text": "안내"})
            _, batch = await api("POST", SEND, {"recipients": REPRESENTATIVES, "text": "안내"}, key="k")
            assert office.sms_dispatch is not None
            await office.sms_dispatch.dispatch_once()
            _, listed = await api("GET", SEND)
            _, messages = await api("GET", f"{SEND}/{batch['id']}/messages")
    finally:
        await office.close()
    assert preview["ums_configured"] is False and batch["ums_configured"] is False
    assert listed["items"][0]["ums_configured"] is False and listed["items"][0]["counts"]["sent"] == 0
    assert messages["items"][0]["state"] == "failed" and messages["items"][0]["failure_reason"] == "ums_not_configured"


async def test_the_openapi_description_documents_the_sms_api(client):
    spec = await (await client.get("/api/openapi.json")).json()
    send = spec["paths"]["/api/v1/sms/batches"]["post"]
    header = next(p for p in send["parameters"] if p["name"] == "Idempotency-Key")
    assert header["in"] == "header" and header["required"] is True
    assert {"200", "201", "401", "403", "422", "428"} <= set(send["responses"])
    assert send["requestBody"]["content"]["application/json"]["schema"] == {"$ref": "#/components/schemas/SmsRequest"}
    counts = spec["components"]["schemas"]["SmsCounts"]
    assert "submitted" in counts["required"] and "never counted as delivered" in counts["description"]
    for path in ("/api/v1/sms/batches/{batch_id}/messages", "/api/v1/sms/lists/{list_id}", "/api/v1/sms/preview"):
        assert path in spec["paths"], path


async def test_an_admin_whose_sms_send_is_scoped_to_a_dong_reaches_that_dong_alone(
    client, admin, services, uow_factory
):
    """The admin scopes their own sms.send to 성수 through the staff API; from then on the SMS API reaches 성수
    alone, refuses another dong or complex with the field named, and leaves a saved list's 왕십리 people out."""
    district = await make_two_dongs(uow_factory)
    api = Caller(client, (await services.admin_access.create_token(admin, "민원시스템")).token)
    await grant(uow_factory, admin, "sms.send")
    status, wide = await api("POST", "/api/v1/sms/lists", {"name": "대표 전원", "recipients": REPRESENTATIVES})
    assert status == 201 and wide["list"]["entries"] == 6

    status, scoped = await api("PUT", f"/api/v1/staff/{admin.id}/grants/sms.send", {"dong_ids": [district.seongsu]})
    assert status == 200
    [sms_send] = [g for g in scoped["grants"] if g["permission"] == "sms.send"]
    assert sms_send["scope"] == "dongs" and sms_send["dongs"] == [{"id": district.seongsu, "name": "성수1가제1동"}]

    status, preview = await api("POST", "/api/v1/sms/preview", {"recipients": REPRESENTATIVES, "text": MEETING})
    assert status == 200 and preview["recipient_count"] == 3 and preview["outside_scope"] == 0
    assert preview["sample"] == MEETING.replace("{이름}", "성수대표1")

    other_dong = {"kind": "managers", "admin_dong_id": district.wangdo}
    status, refused = await api("POST", "/api/v1/sms/preview", {"recipients": other_dong, "text": "안내"})
    assert status == 403 and refused == {
        "error": "sms_dong_outside_scope",
        "message": message("admin.error.sms_dong_outside_scope", dong=district.wangdo),
    }
    assert refused["message"].startswith("recipients.admin_dong_id: ")
    both = {"kind": "managers", "complex_ids": [district.seongsu_complex, district.wangdo_complex]}
    status, refused = await api("POST", SEND, {"recipients": both, "text": "안내"}, key="scoped-1")
    assert status == 403 and refused == {
        "error": "sms_complexes_outside_scope",
        "message": message("admin.error.sms_complexes_outside_scope", ids=str(district.wangdo_complex), count=1),
    }
    assert refused["message"].startswith("recipients.complex_ids: ")
    assert await count_rows(uow_factory, SmsBatch) == 0

    saved = {"kind": "saved", "list_id": wide["list"]["id"]}
    status, preview = await api("POST", "/api/v1/sms/preview", {"recipients": saved, "text": MEETING})
    assert status == 200 and preview["recipient_count"] == 3 and preview["outside_scope"] == 3
    status, batch = await api("POST", SEND, {"recipients": saved, "text": MEETING}, key="scoped-2")
    assert status == 201 and batch["counts"]["total"] == 3 and batch["left_out"]["outside_scope"] == 3
    _, messages = await api("GET", f"{SEND}/{batch['id']}/messages")
    assert {m["name"] for m in messages["items"]} == {"성수대표1", "성수대표2", "성수대표3"}


async def test_community_organisations_representatives_are_texted_by_field_within_the_admins_reach(
    sender, services, uow_factory, admin
):
    await make_dong(uow_factory, "금호2.3가동", "금2.3")
    clerk = await make_staff(services, saeol_id="village01", roles=("community.read", "community.write"))
    await services.organizations.register(clerk, GEUMOK)
    await services.organizations.register(clerk, replace(GEUMOK, name="금호 협동조합", field="social_venture"))
    request = {"recipients": {"kind": "organization_leaders", "field": "space"}, "text": "{이름}님 안내"}
    status, body = await sender("POST", "/api/v1/sms/preview", request)
    assert status == 403  # the admin holds sms.send but may not read the community register
    await grant(uow_factory, admin, "community.read")
    status, body = await sender("POST", "/api/v1/sms/preview", request)
    assert status == 200 and body["recipient_count"] == 1 and body["sample"] == "고은정님 안내"
    wrong = {"recipients": {"kind": "organization_leaders", "field": "club"}, "text": "안내"}
    status, body = await sender("POST", "/api/v1/sms/preview", wrong)
    assert status == 422 and "recipients.field" in body["message"]
    mixed = {"recipients": {"kind": "managers", "organization_ids": [1]}, "text": "안내"}
    status, body = await sender("POST", "/api/v1/sms/preview", mixed)
    assert status == 422 and "recipients.organization_ids" in body["message"]


async def test_an_admin_whose_community_read_is_scoped_texts_their_dongs_organisations_alone(
    sender, services, uow_factory, admin
):
    geumho = await make_dong(uow_factory, "금호2.3가동", "금2.3")
    seongsu = await make_dong(uow_factory, "성수1가제2동", "성1-2")
    clerk = await make_staff(services, saeol_id="village01", roles=("community.read", "community.write"))
    geumok = await services.organizations.register(clerk, GEUMOK)
    venture = replace(GEUMOK, name="성수 협동조합", admin_dong="성수1가제2동", representative="박성수")
    coop = await services.organizations.register(clerk, replace(venture, mobile="010-3333-4444"))
    await grant(uow_factory, admin, "community.read", dongs=(seongsu,))

    chosen = {"kind": "organization_leaders", "organization_ids": [coop.id, geumok.id]}
    status, refused = await sender("POST", SEND, {"recipients": chosen, "text": "안내"}, key="org-1")
    assert status == 403 and refused == {
        "error": "sms_organizations_outside_scope",
        "message": message("admin.error.sms_organizations_outside_scope", ids=str(geumok.id), count=1),
    }
    other_dong = {"kind": "organization_leaders", "admin_dong_id": geumho}
    status, refused = await sender("POST", "/api/v1/sms/preview", {"recipients": other_dong, "text": "안내"})
    assert status == 403 and refused["error"] == "sms_dong_outside_scope"
    assert await count_rows(uow_factory, SmsBatch) == 0

    everyone = {"kind": "organization_leaders"}
    status, batch = await sender("POST", SEND, {"recipients": everyone, "text": "{단지명} 안내"}, key="org-2")
    assert status == 201 and batch["counts"]["total"] == 1 and batch["recipients"]["kind"] == "organization_leaders"
    _, messages = await sender("GET", f"{SEND}/{batch['id']}/messages")
    assert [(m["name"], m["complex_name"], m["phone"]) for m in messages["items"]] == [
        ("박성수", "성수 협동조합", "010-****-4444")
    ]
