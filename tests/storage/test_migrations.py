"""The schema comes from Alembic; every migration goes up, down and up again, and the models agree."""

import json
from datetime import UTC, datetime

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import func, select, update

from core.sms.values import RecipientSelection
from storage.audit.models import AuditEntry
from storage.housing.models import Complex, ManagementOffice, Representative, ResidentGroup, SupportProject
from storage.migrate import current_revision, downgrade, head_revision, is_up_to_date, upgrade
from storage.schema import metadata
from storage.sms.models import SmsBatch, SmsMessage
from tests.builders import grant, make_complex, make_dong, make_staff


async def test_migrations_walk_down_and_up_again(engine):
    assert await is_up_to_date(engine)
    await downgrade(engine, "base")
    assert await current_revision(engine) is None
    await upgrade(engine)
    assert await current_revision(engine) == head_revision()


async def test_the_models_match_the_migrated_schema(engine):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []


async def test_sms_send_held_beside_a_dong_scoped_housing_read_is_narrowed_to_those_dongs(
    engine, services, uow_factory
):
    """0008: until then sms.send could not be scoped; a holder whose housing.read covers only 성수 now texts
    only 성수. One who reads the whole district, or does not read at all, keeps the district."""
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    officer = await make_staff(services, saeol_id="seongsu1", roles=("housing.read", "sms.send"))
    await grant(uow_factory, officer, "housing.read", dongs=(seongsu,))
    reader = await make_staff(services, saeol_id="district1", roles=("housing.read", "sms.send"))
    sender = await make_staff(services, saeol_id="sender1", roles=("sms.send",))
    await downgrade(engine, "0005")  # the grants as they stood before 0008

    await upgrade(engine)
    async with uow_factory() as uow:
        narrowed = await uow.grants.get_grant(officer.id, "sms.send")
        unchanged = [await uow.grants.get_grant(m.id, "sms.send") for m in (reader, sender)]
        audited = (
            await uow._session.execute(
                select(AuditEntry.actor_staff_id, AuditEntry.target_id, AuditEntry.details).where(
                    AuditEntry.action == "role.grant"
                )
            )
        ).all()
    assert narrowed is not None and narrowed.scope.admin_dong_ids == {seongsu}
    assert all(g is not None and g.scope.unlimited for g in unchanged)
    [(actor, target, details)] = audited
    assert actor is None and target == officer.id
    assert details["new"] == {"department_id": None, "dong_ids": [seongsu]} and details["via"] == "migration_0008"


async def test_existing_sms_batches_record_whether_they_went_to_a_ums(engine, services, uow_factory, clock):
    """0011: a batch records whether its sender had a UMS. One made before is taken to have had one unless its
    messages were failed as ``ums_not_configured``; the migration keeps every message of every batch."""
    await make_complex(uow_factory, representatives=2)
    actor = await make_staff(services, saeol_id="sms01", roles=("sms.send",))
    not_sent = await services.sms.send(actor, RecipientSelection("representatives"), "안내")
    sent = await services.sms.send(actor, RecipientSelection("representatives"), "두 번째 안내")
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            update(SmsMessage)
            .where(SmsMessage.batch_id == not_sent.id)
            .values(state="failed", failure_reason="ums_not_configured")
        )
        await uow._session.execute(update(SmsMessage).where(SmsMessage.batch_id == sent.id).values(state="delivered"))
        await uow.commit()
    await downgrade(engine, "0010")

    await upgrade(engine)
    async with uow_factory() as uow:
        flags = dict((await uow._session.execute(select(SmsBatch.id, SmsBatch.via_ums))).all())
        messages = await uow._session.scalar(select(func.count()).select_from(SmsMessage))
    assert flags == {not_sent.id: False, sent.id: True}
    assert messages == 4


async def test_a_review_or_progress_report_midway_at_the_upgrade_continues_in_its_own_dialogue(engine, uow_factory):
    """0012: one dialogue held both until then; each saved conversation moves to the dialogue its work is."""
    await downgrade(engine, "0011")
    work = {"case_id": 7, "case_no": "2016-1-1", "title": "민원 1일 처리제", "version": 3, "adoption": None}
    async with uow_factory(write=True) as uow:
        now = datetime(2026, 12, 4, tzinfo=UTC)
        for user_id, mode, state in ((11, "rv", "opinion"), (12, "pg", "confirm"), (13, None, "adoption")):
            await uow.bot_state.save("conversation", "benchmark_review", json.dumps([user_id, user_id]), state, now)
            data = {"dialogue": "benchmark_review", "question": ["benchmark_review", user_id, 5], "lang": "ko"}
            if mode:
                data["bm_work"] = {**work, "mode": mode}
            await uow.bot_state.save("user_data", "", str(user_id), data, now)
        await uow.commit()

    await upgrade(engine)
    async with uow_factory() as uow:
        conversations = {(name, key): state for name, key, state in await uow.bot_state.load_kind("conversation")}
        users = {key: data for _name, key, data in await uow.bot_state.load_kind("user_data")}
    assert conversations == {
        ("benchmark_review_result", "[11, 11]"): "opinion",
        ("benchmark_progress", "[12, 12]"): "confirm",
    }
    reviewer, reporter, lost = users["11"], users["12"], users["13"]
    assert reviewer["bm_work"]["case_id"] == 7 and reviewer["bm_work_dialogue"] == "benchmark_review_result"
    assert reviewer["dialogue"] == "benchmark_review_result" and reviewer["question"] == [
        "benchmark_review_result",
        11,
        5,
    ]
    assert "bm_work" not in reporter and reporter["bm_progress"]["mode"] == "pg"
    assert reporter["dialogue"] == reporter["bm_work_dialogue"] == "benchmark_progress" and reporter["lang"] == "ko"
    assert "dialogue" not in lost and "question" not in lost and lost["lang"] == "ko"  # typed text is free again

    await downgrade(engine, "0011")
    async with uow_factory() as uow:
        conversations = {(name, key): state for name, key, state in await uow.bot_state.load_kind("conversation")}
        users = {key: data for _name, key, data in await uow.bot_state.load_kind("user_data")}
    assert conversations == {("benchmark_review", "[11, 11]"): "opinion", ("benchmark_review", "[12, 12]"): "confirm"}
    assert users["12"]["bm_work"]["mode"] == "pg" and users["12"]["dialogue"] == "benchmark_review"
    await upgrade(engine)


async def test_walking_the_ledger_migrations_down_and_up_keeps_every_record_of_a_complex(engine, uow_factory):
    """SQLite's batch mode rebuilds ``complex`` (copy, drop, rename): with foreign keys on, the drop would
    delete every record that names a complex. The migrations run with them off and check the rows after."""
    await make_complex(uow_factory, representatives=3, groups=2, projects=2, with_office=True)
    tables = (Representative, ResidentGroup, SupportProject, ManagementOffice)

    async def counts():
        async with engine.connect() as connection:
            return [await connection.scalar(select(func.count()).select_from(t.__table__)) for t in tables]

    assert await counts() == [3, 2, 2, 1]
    await downgrade(engine, "0012")
    assert await counts() == [3, 2, 2, 1]
    await upgrade(engine)
    assert await counts() == [3, 2, 2, 1]
    async with engine.connect() as connection:
        # 0018 filled in each representative's dong from its complex's.
        dongs = await connection.execute(
            select(Representative.admin_dong_id, Complex.admin_dong_id).join(
                Complex, Complex.id == Representative.complex_id
            )
        )
        assert all(own == complexs for own, complexs in dongs)
        if connection.dialect.name == "sqlite":  # and the pooled connection enforces them again
            assert (await connection.exec_driver_sql("PRAGMA foreign_keys")).scalar() == 1
