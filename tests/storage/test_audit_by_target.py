"""The audit log read by target: one complex's changes, newest first, along the migration's index."""

from datetime import UTC, datetime, timedelta

from sqlalchemy import inspect

from core.values import AuditQuery
from storage.uow import UnitOfWorkFactory

AT = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


async def test_the_migrated_schema_has_the_target_index(engine):
    async with engine.connect() as connection:
        indexes = await connection.run_sync(lambda sync: inspect(sync).get_indexes("audit_log"))
    assert {"name": "ix_audit_log_target_at", "columns": ["target_type", "target_id", "at"]} in [
        {"name": index["name"], "columns": index["column_names"]} for index in indexes
    ]


async def test_a_targets_changes_come_newest_first_without_its_reads_or_other_targets(uow_factory: UnitOfWorkFactory):
    async with uow_factory(write=True) as uow:
        for minute, (action, target_type, target_id) in enumerate(
            [
                ("housing.complex.edit", "complex", 1),
                ("pii.view", "complex", 1),
                ("housing.representative.add", "complex", 2),
                ("housing.representative.add", "complex", 1),
                ("housing.complex.edit", "benchmark_case", 1),
                ("housingx.other", "complex", 1),
            ]
        ):
            await uow.audit.record(
                at=AT + timedelta(minutes=minute),
                actor_staff_id=None,
                action=action,
                target_type=target_type,
                target_id=target_id,
                details={"record_id": minute, "changes": {}},
            )
        await uow.commit()
    async with uow_factory() as uow:
        query = AuditQuery(target=("complex", 1), action_prefix="housing.")
        total = await uow.audit.count_entries(query)
        first = await uow.audit.list_entries(query, offset=0, limit=1)
        rest = await uow.audit.list_entries(query, offset=1, limit=5)
    assert total == 2
    assert [(r.action, r.details["record_id"]) for r in first + rest] == [
        ("housing.representative.add", 3),
        ("housing.complex.edit", 0),
    ]
