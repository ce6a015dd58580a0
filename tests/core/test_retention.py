"""Retention of personal data: after their periods, former people's contacts go (names stay), old SMS numbers
are masked and the old audit log moves to a workbook file; a dry run only counts; every run is audited.

Today is 2026-11-25 in Seoul (tests/conftest.py), so with the default periods (3 years, 3 years, 365 days,
3 years) a term that ended before 2023-11-25 is "former" long enough, and one that ended on it is not yet."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from openpyxl import load_workbook
from sqlalchemy import func, select

from core.audit import CONTACTS_REMOVED
from core.audit_labels import audit_labels
from core.errors import PermissionDenied
from core.retention import (
    ArchiveNotWritten,
    Retention,
    RetentionCounts,
    RetentionPeriods,
    RetentionRanMeanwhile,
)
from core.staff.directory import OPERATOR
from storage.audit.models import AuditEntry
from storage.community.models import GrantProject
from storage.housing.models import Complaint, ManagementOffice, ManagerHistory, Representative, ResidentGroup
from storage.retention import RetentionRepository
from storage.sms.models import SmsBatch, SmsMessage
from tests.builders import make_complex, make_staff

LABELS = audit_labels("ko")
LONG_AGO = datetime(2020, 5, 4, 1, 0, tzinfo=UTC)  # past every period
LAST_YEAR = datetime(2025, 5, 4, 1, 0, tzinfo=UTC)  # within the contact and audit periods, past the SMS one
THIS_YEAR = datetime(2026, 5, 4, 1, 0, tzinfo=UTC)  # within every period


async def _rows(uow_factory, model, *order):
    async with uow_factory() as uow:
        rows = list(await uow._session.scalars(select(model).order_by(*(order or (model.id,)))))
        uow._session.expunge_all()  # read as they are now, not reloaded once the unit of work ends
        return rows


async def _count(uow_factory, model) -> int:
    async with uow_factory() as uow:
        return int(await uow._session.scalar(select(func.count()).select_from(model)))


@pytest.fixture
async def world(services, uow_factory):
    """One complex with a former, a just-former and a current representative; a replaced manager long ago and
    one last year; a complaint closed long ago, one closed last year and one still open; grant projects of 2022
    and 2023; an SMS batch long ago, one last year and one this year; audit entries of then, last year and now."""
    officer = await make_staff(services, saeol_id="house01", name="한담당", roles=("housing.read", "housing.write"))
    complex_id = await make_complex(uow_factory, representatives=3, with_office=True, groups=1)
    async with uow_factory(write=True) as uow:
        session = uow._session
        reps = list(await session.scalars(select(Representative).order_by(Representative.id)))
        reps[0].term_end = date(2023, 11, 24)  # former for three years and a day
        reps[1].term_end = date(2023, 11, 25)  # former for exactly three years: kept today
        reps[2].term_start, reps[2].term_end = date(2025, 3, 14), date(2027, 3, 13)  # current
        for name, mobile, replaced in (
            ("박전임", "010-3333-1111", date(2020, 2, 1)),
            ("최직전", "010-3333-2222", date(2025, 2, 1)),
        ):
            session.add(ManagerHistory(complex_id=complex_id, name=name, mobile=mobile, replaced_on=replaced))
        complaints = (
            ("closed", date(2019, 3, 2), date(2019, 4, 1), "이민원", "010-4444-1111"),
            ("closed", date(2025, 3, 2), date(2025, 4, 1), "정민원", "010-4444-2222"),
            ("received", date(2019, 3, 2), None, "오민원", "010-4444-3333"),
        )
        for state, received, closed, name, contact in complaints:
            session.add(
                Complaint(
                    complex_id=complex_id,
                    received_on=received,
                    channel="phone",
                    complainant=name,
                    contact=contact,
                    content="주차장 소음",
                    assignee_id=officer.id,
                    state=state,
                    result="안내함" if closed else None,
                    closed_on=closed,
                    created_by_id=officer.id,
                    created_at=LONG_AGO,
                )
            )
        for year, mobile in ((2022, "010-5555-1111"), (2023, "010-5555-2222")):
            session.add(
                GrantProject(
                    sponsor="city",
                    year=year,
                    name=f"{year} 마을축제",
                    representative="한대표",
                    mobile=mobile,
                    updated_at=LONG_AGO,
                )
            )
        for number, made in enumerate((LONG_AGO, LAST_YEAR, THIS_YEAR)):
            batch = SmsBatch(
                created_by_id=officer.id,
                created_at=made,
                text="회의 안내",
                message_type="sms",
                byte_length=9,
                sender_number="02-2286-5114",
                description={},
                recipient_count=2,
            )
            session.add(batch)
            await session.flush()
            people = [("김대표1", "010-1234-5000", "delivered"), ("박소장", f"010-777-{number:04d}", "failed")]
            if made == LONG_AGO:  # stuck in the outbox: the dispatcher would still need its number
                people.append(("최대기", "010-888-0000", "queued"))
            for person, phone, state in people:
                session.add(
                    SmsMessage(
                        batch_id=batch.id,
                        name=person,
                        phone=phone,
                        body="회의 안내",
                        idempotency_key=f"{batch.id}-{phone}",
                        state=state,
                        due_at=made,
                        next_attempt_at=made,
                        state_changed_at=made,
                    )
                )
        changes = {"name": ["김대표", "김대표1"], "phone": ["010-1111-2222", "010-1234-5000"]}
        for at in (LONG_AGO, LAST_YEAR, THIS_YEAR):
            session.add(
                AuditEntry(
                    at=at,
                    actor_staff_id=officer.id,
                    action="housing.representative.edit",
                    target_type="complex",
                    target_id=complex_id,
                    details={"record_id": reps[0].id, "changes": changes},
                )
            )
        await uow.commit()
    return complex_id


def retention(uow_factory, clock, **periods) -> Retention:
    return Retention(uow_factory, clock, RetentionPeriods(**periods))


async def test_former_peoples_contacts_go_after_the_period_and_their_names_stay(world, uow_factory, clock, tmp_path):
    run = await retention(uow_factory, clock).run(OPERATOR, LABELS, tmp_path)
    assert (run.counts.representatives, run.counts.managers) == (1, 1)
    assert (run.counts.complainants, run.counts.grant_representatives) == (1, 1)

    former, just_former, current = await _rows(uow_factory, Representative)
    assert (former.name, former.phone, former.building_unit) == ("김대표1", None, None)
    assert former.birth_date is not None
    # The world's edits left each at version 2; the removal moved the former's on, so an edit begun before fails.
    assert (former.version, just_former.version, current.version) == (3, 2, 2)
    assert (just_former.phone, just_former.building_unit) == ("010-1234-5001", "101동 201호")
    assert current.phone == "010-1234-5002"
    managers = await _rows(uow_factory, ManagerHistory)
    assert [(m.name, m.mobile) for m in managers] == [("박전임", None), ("최직전", "010-3333-2222")]
    group = (await _rows(uow_factory, ResidentGroup))[0]
    assert (group.leader_phone, group.leader_email) == ("010-9876-5432", "lead@example.kr")  # a leader now
    office = (await _rows(uow_factory, ManagementOffice))[0]
    assert office.manager_mobile == "010-2345-5678"  # the manager now in office is nobody's former
    complaints = await _rows(uow_factory, Complaint)
    assert [(c.complainant, c.contact) for c in complaints] == [
        ("이민원", None),
        ("정민원", "010-4444-2222"),
        ("오민원", "010-4444-3333"),  # still open, however old
    ]
    projects = await _rows(uow_factory, GrantProject, GrantProject.year)
    assert [(p.representative, p.mobile) for p in projects] == [("한대표", None), ("한대표", "010-5555-2222")]


async def test_sms_numbers_are_masked_in_old_batches_only(world, uow_factory, clock, tmp_path):
    run = await retention(uow_factory, clock).run(OPERATOR, LABELS, tmp_path)
    assert run.counts.sms_messages == 4
    messages = await _rows(uow_factory, SmsMessage)
    assert [m.phone for m in messages] == [
        "010-****-5000",
        "010-***-0000",
        "010-888-0000",
        "010-****-5000",
        "010-***-0001",
        "010-1234-5000",  # this year's batch, the same person: untouched
        "010-777-0002",
    ]
    assert [m.name for m in messages][:2] == ["김대표1", "박소장"]


async def test_old_audit_entries_go_to_a_workbook_and_leave_the_database(world, uow_factory, clock, tmp_path):
    run = await retention(uow_factory, clock).run(OPERATOR, LABELS, tmp_path / "archive")
    assert run.counts.audit_archived == 1 and run.archive is not None
    assert run.archive.parent == tmp_path / "archive" and run.archive.exists()
    assert not list(run.archive.parent.glob("*.part"))
    sheet = load_workbook(run.archive, read_only=True)[LABELS.sheet]
    rows = [row for row in sheet.iter_rows(values_only=True) if row and row[-1] == "housing.representative.edit"]
    assert len(rows) == 1
    assert rows[0][0] == datetime(2020, 5, 4, 10, 0)  # the office's time
    assert rows[0][1] == "한담당" and "김대표 → 김대표1" in rows[0][5]
    assert "010-" not in rows[0][5]  # an archived entry loses its contact values first
    async with uow_factory() as uow:
        left = list(await uow._session.scalars(select(AuditEntry.at).where(AuditEntry.action.like("housing.%"))))
    assert sorted(at.replace(tzinfo=UTC) if at.tzinfo is None else at for at in left) == [LAST_YEAR, THIS_YEAR]


async def test_contact_values_leave_older_changes_and_the_history_still_reads(
    world, services, uow_factory, clock, tmp_path
):
    """With the audit log kept seven years, last year's change is in the period and keeps its values; the one of
    2020 is past the contact period but not the audit period: it stays, without its phones, marked."""
    run = await retention(uow_factory, clock, audit_years=7).run(OPERATOR, LABELS, tmp_path)
    assert (run.counts.audit_values, run.counts.audit_archived, run.archive) == (1, 0, None)
    entries = await _rows(uow_factory, AuditEntry, AuditEntry.at)
    changed = [e for e in entries if e.action == "housing.representative.edit"]
    assert changed[0].details["changes"] == {"name": ["김대표", "김대표1"]}
    assert changed[0].details[CONTACTS_REMOVED] is True
    assert "phone" in changed[1].details["changes"] and CONTACTS_REMOVED not in changed[1].details

    reader = await make_staff(services, saeol_id="read01", name="열람자", roles=("housing.read", "pii.view"))
    history = await services.housing_history.changes(reader, world)
    shown = {(e.at.year, c.field, c.old, c.new) for e in history.page.items for c in e.changes}
    assert (2020, "name", "김대표", "김대표1") in shown and not any(f == "phone" and y == 2020 for y, f, _, _ in shown)


async def test_a_dry_run_counts_what_a_run_would_change_and_changes_nothing(world, uow_factory, clock, tmp_path):
    before = [await _count(uow_factory, AuditEntry), [m.phone for m in await _rows(uow_factory, SmsMessage)]]
    dry = await retention(uow_factory, clock).run(OPERATOR, LABELS, tmp_path, dry_run=True)
    assert dry.dry_run and dry.archive is None and not list(tmp_path.glob("*.xlsx"))
    assert [await _count(uow_factory, AuditEntry), [m.phone for m in await _rows(uow_factory, SmsMessage)]] == before
    assert (await _rows(uow_factory, Representative))[0].phone == "010-1234-5000"

    real = await retention(uow_factory, clock).run(OPERATOR, LABELS, tmp_path)
    assert (
        real.counts
        == dry.counts
        == RetentionCounts(
            representatives=1,
            managers=1,
            complainants=1,
            grant_representatives=1,
            audit_values=0,  # the one old change is archived whole, not rewritten first
            sms_messages=4,
            audit_archived=1,
        )
    )
    again = await retention(uow_factory, clock).run(OPERATOR, LABELS, tmp_path, dry_run=True)
    assert again.counts == RetentionCounts()  # nothing is done twice


async def test_each_run_is_audited_with_counts_and_no_personal_data(world, uow_factory, clock, tmp_path):
    await retention(uow_factory, clock).run(OPERATOR, LABELS, tmp_path, dry_run=True)
    async with uow_factory() as uow:
        assert await uow._session.scalar(select(AuditEntry).where(AuditEntry.action == "retention.run")) is None
    await retention(uow_factory, clock).run(OPERATOR, LABELS, tmp_path)
    entries = [e for e in await _rows(uow_factory, AuditEntry) if e.action == "retention.run"]
    assert len(entries) == 1 and entries[0].actor_staff_id is None
    assert entries[0].details == RetentionCounts(1, 1, 1, 1, 0, 4, 1).as_details()


async def test_an_archive_that_cannot_be_written_changes_nothing(world, uow_factory, clock, tmp_path):
    blocked = tmp_path / "not-a-folder"
    blocked.write_text("a file where the archive's folder should be")
    before = await _count(uow_factory, AuditEntry)
    with pytest.raises(ArchiveNotWritten):
        await retention(uow_factory, clock).run(OPERATOR, LABELS, blocked)
    assert await _count(uow_factory, AuditEntry) == before
    assert (await _rows(uow_factory, Representative))[0].phone == "010-1234-5000"
    assert (await _rows(uow_factory, SmsMessage))[0].phone == "010-1234-5000"


async def test_only_an_admin_runs_it(world, services, uow_factory, clock, tmp_path):
    officer = await make_staff(services, saeol_id="house02", name="두담당", roles=("housing.write", "pii.view"))
    with pytest.raises(PermissionDenied):
        await retention(uow_factory, clock).run(officer, LABELS, tmp_path, dry_run=True)


def test_periods_too_short_to_be_safe_are_refused():
    with pytest.raises(ValueError, match="too short"):
        RetentionPeriods(sms_days=30)  # a batch may still be waiting to go out
    with pytest.raises(ValueError, match="too short"):
        RetentionPeriods(audit_years=0)


async def test_entries_another_run_archived_meanwhile_leave_no_second_file(
    world, uow_factory, clock, tmp_path, monkeypatch
):
    """Two runs at once (the daily job and the command) can both read the old entries before either deletes
    them: the second finds them gone when it deletes, and keeps nothing of its own."""

    async def deleted_by_the_other_run(self, before, up_to_id):
        return 0

    monkeypatch.setattr(RetentionRepository, "remove_audit_entries", deleted_by_the_other_run)
    before = await _count(uow_factory, AuditEntry)
    with pytest.raises(RetentionRanMeanwhile):
        await retention(uow_factory, clock).run(OPERATOR, LABELS, tmp_path / "archive")
    assert list((tmp_path / "archive").iterdir()) == []
    assert await _count(uow_factory, AuditEntry) == before
    assert (await _rows(uow_factory, Representative))[0].phone == "010-1234-5000"
