"""The housing staff's daily reminders, as core decides them: who gets one, what it says, once a day."""

from datetime import UTC, date, datetime, timedelta

from sqlalchemy import select, update

from core.housing.reminders import KIND, MOST_ITEMS
from core.housing.values import ComplaintDraft
from storage.housing.models import ManagementOffice, Representative
from storage.notifications.models import Notification
from tests.builders import grant, make_complex, make_dong, make_staff

# The tests' clock stands at 2026-11-25 10:00 in Seoul.
TODAY = date(2026, 11, 25)


async def _set_terms(uow_factory, complex_id, *ends):
    async with uow_factory(write=True) as uow:
        session = uow._session
        reps = (
            await session.scalars(
                select(Representative).where(Representative.complex_id == complex_id).order_by(Representative.id)
            )
        ).all()
        for rep, end in zip(reps, ends, strict=False):
            rep.term_start, rep.term_end = end - timedelta(days=730), end
        await uow.commit()


async def _without_licence(uow_factory, complex_id):
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            update(ManagementOffice).where(ManagementOffice.complex_id == complex_id).values(manager_license_no=None)
        )
        await uow.commit()


async def _queued(uow_factory):
    async with uow_factory() as uow:
        rows = await uow._session.execute(
            select(Notification.recipient_id, Notification.kind, Notification.payload).order_by(Notification.id)
        )
        return rows.all()


async def _keeper(services, saeol_id="keep01", name="김담당", telegram_id=5001):
    return await make_staff(
        services, saeol_id=saeol_id, name=name, roles=("housing.read", "housing.write"), telegram_id=telegram_id
    )


async def test_a_keeper_gets_one_digest_of_terms_ending_and_unlicensed_managers(services, uow_factory):
    wangdo = await make_complex(uow_factory, name="왕도단지", representatives=4, with_office=True)
    # Ends in 10 days, in 30 days (the last day included), in 31 days, and ended yesterday.
    await _set_terms(
        uow_factory, wangdo, TODAY + timedelta(days=10), TODAY + timedelta(days=30), TODAY + timedelta(days=31),
        TODAY - timedelta(days=1),
    )  # fmt: skip
    await _without_licence(uow_factory, wangdo)
    keeper = await _keeper(services)
    assert await services.housing_reminders.queue_daily(8) == 1
    [(recipient, kind, payload)] = await _queued(uow_factory)
    assert (recipient, kind) == (keeper.id, KIND)
    terms, managers = payload["sections"]
    assert payload["day"] == "2026-11-25"
    assert (terms["key"], terms["total"]) == ("terms_ending", 2)
    assert terms["items"] == [
        {"complex": "왕도단지", "position": "회장", "name": "김대표1", "term_end": "2026.12.05", "days": "10"},
        {"complex": "왕도단지", "position": "부회장", "name": "김대표2", "term_end": "2026.12.25", "days": "30"},
    ]
    assert managers == {
        "key": "unlicensed_managers",
        "items": [{"complex": "왕도단지", "manager": "이정호"}],
        "total": 1,
    }


async def test_each_keeper_hears_of_their_dongs_only_and_nobody_of_nothing(services, uow_factory):
    wangdo = await make_complex(uow_factory, name="왕도단지", with_office=True)
    await make_complex(uow_factory, name="성수단지", dong="성수1가제1동", dong_short="성수1", with_office=True)
    await _without_licence(uow_factory, wangdo)
    seongsu = await make_dong(uow_factory, "성수1가제1동", "성수1")
    district = await _keeper(services)
    scoped = await grant(
        uow_factory, await _keeper(services, "keep02", "성수담당", 5002), "housing.write", dongs=(seongsu,)
    )
    await make_staff(services, saeol_id="read01", telegram_id=5003)  # a reader: no reminders
    await _keeper(services, "keep03", "미연결", None)  # not bound to Telegram
    digests = await services.housing_reminders.digests()
    assert [d.recipient.id for d in digests] == [district.id]  # 성수담당's dong has nothing to report
    assert scoped.id not in {d.recipient.id for d in digests}
    assert await services.housing_reminders.queue_daily(8) == 1
    assert [r for r, _k, _p in await _queued(uow_factory)] == [district.id]


async def test_the_reminders_are_queued_once_a_day_and_not_before_the_hour(services, uow_factory, clock):
    wangdo = await make_complex(uow_factory, name="왕도단지", with_office=True)
    await _without_licence(uow_factory, wangdo)
    await _keeper(services)
    assert await services.housing_reminders.queue_daily(11) is None  # 10:00 in Seoul: too early
    assert await _queued(uow_factory) == []
    assert await services.housing_reminders.queue_daily(10) == 1
    assert await services.housing_reminders.queue_daily(10) is None  # a restart, or a second process
    assert await services.housing_reminders.queue_daily(0) is None
    assert len(await _queued(uow_factory)) == 1
    clock.advance(timedelta(days=1))
    assert await services.housing_reminders.queue_daily(10) == 1  # the next office day
    assert len(await _queued(uow_factory)) == 2


async def test_a_day_with_nothing_to_report_is_still_taken(services, uow_factory, clock):
    wangdo = await make_complex(uow_factory, name="왕도단지", with_office=True)
    await _keeper(services)
    assert await services.housing_reminders.queue_daily(8) == 0
    await _without_licence(uow_factory, wangdo)
    assert await services.housing_reminders.queue_daily(8) is None  # today's run is done: tomorrow's tells
    assert await _queued(uow_factory) == []


async def test_a_long_section_shows_its_first_items_and_counts_the_rest(services, uow_factory):
    for number in range(MOST_ITEMS + 3):
        complex_id = await make_complex(uow_factory, name=f"단지{number:02d}", with_office=True)
        await _without_licence(uow_factory, complex_id)
    await _keeper(services)
    await services.housing_reminders.queue_daily(8)
    [(_r, _k, payload)] = await _queued(uow_factory)
    [managers] = payload["sections"]
    assert (len(managers["items"]), managers["total"]) == (MOST_ITEMS, MOST_ITEMS + 3)


async def test_the_office_day_is_the_office_time_zones(services, uow_factory, clock):
    wangdo = await make_complex(uow_factory, name="왕도단지", with_office=True)
    await _without_licence(uow_factory, wangdo)
    await _keeper(services)
    clock.instant = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # 08:30 on 26 November in Seoul
    assert await services.housing_reminders.queue_daily(8) == 1
    [(_r, _k, payload)] = await _queued(uow_factory)
    assert payload["day"] == "2026-11-26"


async def test_complaints_open_longer_than_fourteen_days_are_told_to_their_dongs_keepers(services, uow_factory):
    """The third kind of reminder: the complex, when it came in, how long it has waited and who has it; never
    the complainant nor what they said."""
    wangdo = await make_complex(uow_factory, name="왕도단지")
    keeper = await _keeper(services)
    for days_ago, content in ((15, "누수 민원"), (14, "소음 민원"), (30, "주차 민원")):
        await services.complaints.register(
            keeper,
            ComplaintDraft(
                complex_id=wangdo,
                received_on=TODAY - timedelta(days=days_ago),
                channel="phone",
                content=content,
                assignee_id=keeper.id,
                complainant="박민원",
                contact="010-9876-5432",
            ),
        )
    closed = await services.complaints.register(
        keeper,
        ComplaintDraft(complex_id=wangdo, received_on=TODAY - timedelta(days=40), channel="visit",
                       content="해결됨", assignee_id=keeper.id),
    )  # fmt: skip
    started = await services.complaints.start(keeper, closed.id, closed.version)
    await services.complaints.close(keeper, closed.id, started.version, "현장 확인 후 조치했습니다.")
    assert await services.housing_reminders.queue_daily(8) == 1
    [(recipient, _kind, payload)] = await _queued(uow_factory)
    [complaints] = [s for s in payload["sections"] if s["key"] == "complaints_overdue"]
    assert recipient == keeper.id and complaints["total"] == 2
    assert complaints["items"] == [
        {"complex": "왕도단지", "received_on": "2026.10.26", "days": "30", "assignee": "김담당"},
        {"complex": "왕도단지", "received_on": "2026.11.10", "days": "15", "assignee": "김담당"},
    ]
