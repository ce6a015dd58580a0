"""The schema comes from Alembic; every migration goes up, down and up again, and the models agree."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from storage.migrate import current_revision, downgrade, head_revision, is_up_to_date, upgrade
from storage.models import Base


async def test_migrations_walk_down_and_up_again(engine):
    assert await is_up_to_date(engine)
    await downgrade(engine, "base")
    assert await current_revision(engine) is None
    await upgrade(engine)
    assert await current_revision(engine) == head_revision()


async def test_the_models_match_the_migrated_schema(engine):
    def differences(connection):
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, Base.metadata)

    async with engine.connect() as connection:
        assert await connection.run_sync(differences) == []
