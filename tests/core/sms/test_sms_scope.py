"""문자전송 within the sender's dongs: 전산정보과 scopes a 성수 officer's ``sms.send`` to 성수, as it scopes
``housing.read``, and from then on "every complex" means every complex in 성수, another dong or complex is
refused by name, a saved list leaves out (and counts) its people outside 성수, and the dongs and complexes
offered are 성수's alone. A grant for the whole district reaches the whole district, as before."""

import pytest
from sqlalchemy import select, update

from core.errors import OutsideScope
from core.sms.values import ListEntry, RecipientSelection
from core.staff.values import GrantRequest, ScopeKind
from core.values import StaffMember
from storage.housing.models import Complex
from storage.sms.models import SmsMessage
from tests.builders import make_staff, make_two_dongs

REPS = RecipientSelection("representatives")
MANAGERS = RecipientSelection("managers")


@pytest.fixture
async def district(uow_factory):
    return await make_two_dongs(uow_factory)


@pytest.fixture
async def admin(services):
    return await make_staff(services, saeol_id="itadmin", name="임희철", department="전산정보과", roles=("admin",))


async def scoped_to(services, uow_factory, admin, member: StaffMember, *dongs: int) -> StaffMember:
    """Scope the member's sms.send to ``dongs`` through the admin service, as the IT department does; the
    member as the bot's next update reads them."""
    await services.staff_admin.grant(admin, member.id, GrantRequest("sms.send", dong_ids=frozenset(dongs)))
    async with uow_factory() as uow:
        reread = await uow.staff.get_staff(member.id)
    assert reread is not None
    return reread


@pytest.fixture
async def officer(services, uow_factory, district, admin):
    """성수1가제1동's officer: housing.read and sms.send, both scoped to 성수 by the admin service."""
    member = await make_staff(services, saeol_id="seongsu1", name="성수담당", roles=("housing.read", "sms.send"))
    await services.staff_admin.grant(
        admin, member.id, GrantRequest("housing.read", dong_ids=frozenset({district.seongsu}))
    )
    return await scoped_to(services, uow_factory, admin, member, district.seongsu)


async def test_every_complex_means_every_complex_in_the_senders_dongs(services, uow_factory, district, officer):
    reps = await services.sms.preview(officer, REPS, "{이름}님 회의 안내")
    assert [r.name for r in reps.recipients] == ["성수대표1", "성수대표2", "성수대표3"]
    assert reps.recipient_count == 3 and reps.sample == "성수대표1님 회의 안내"
    managers = await services.sms.resolve(officer, MANAGERS)
    assert [m.name for m in managers.recipients] == ["성수소장"]

    batch = await services.sms.send(officer, REPS, "{이름}님 회의 안내")
    async with uow_factory() as uow:
        names = set(await uow._session.scalars(select(SmsMessage.name).where(SmsMessage.batch_id == batch.id)))
    assert names == {"성수대표1", "성수대표2", "성수대표3"}

    # A grant for the whole district keeps reaching the whole district.
    everywhere = await make_staff(services, saeol_id="sms02", name="구청문자", roles=("sms.send",))
    assert (await services.sms.preview(everywhere, REPS, "안내")).recipient_count == 6
    assert [d.name for d in await services.sms.dongs(everywhere)] == ["성수1가제1동", "왕십리도선동"]


async def test_a_dong_or_complex_beyond_the_scope_is_refused_and_never_offered(services, district, officer):
    assert [d.name for d in await services.sms.dongs(officer)] == ["성수1가제1동"]
    assert [c.name for c in (await services.sms.find_complexes(officer, "아")).items] == ["성수현대아파트"]
    assert (await services.sms.find_complexes(officer, "쉐르빌")).total == 0

    with pytest.raises(OutsideScope) as dong:
        await services.sms.preview(officer, RecipientSelection("representatives", admin_dong_id=district.wangdo), "x")
    assert dong.value.code == "sms_dong_outside_scope" and dong.value.params["dong"] == district.wangdo
    for complexes in ((district.wangdo_complex,), (district.seongsu_complex, district.wangdo_complex), (999_999,)):
        with pytest.raises(OutsideScope) as refused:
            await services.sms.send(officer, RecipientSelection("managers", complex_ids=complexes), "x")
        assert refused.value.code == "sms_complexes_outside_scope" and refused.value.params["count"] == 1
    own = await services.sms.preview(
        officer, RecipientSelection("managers", complex_ids=(district.seongsu_complex,)), "x"
    )
    assert own.recipient_count == 1
    in_dong = RecipientSelection("representatives", admin_dong_id=district.seongsu, position="회장")
    assert (await services.sms.preview(officer, in_dong, "x")).recipient_count == 1


async def test_a_saved_list_leaves_out_and_counts_people_beyond_the_senders_current_dongs(
    services, uow_factory, district, admin
):
    member = await make_staff(services, saeol_id="seongsu1", name="성수담당", roles=("sms.send",))
    # Saved while the grant covered the whole district: both complexes' representatives, and two people by hand.
    wide = await services.sms_lists.save_selection(member, "대표 전체", REPS)
    typed = await services.sms_lists.save_entries(
        member, "외부 강사", [ListEntry("박강사", "010-5555-0001"), ListEntry("최강사", "010-5555-0002")]
    )
    assert wide.saved.entry_count == 6

    officer = await scoped_to(services, uow_factory, admin, member, district.seongsu)
    preview = await services.sms.preview(officer, RecipientSelection("saved", list_id=wide.saved.id), "안내")
    assert [r.name for r in preview.recipients] == ["성수대표1", "성수대표2", "성수대표3"]
    assert preview.outside_scope == 3
    batch = await services.sms.send(officer, RecipientSelection("saved", list_id=wide.saved.id), "안내")
    assert batch.counts.total == 3 and batch.description["outside_scope"] == 3
    # The people typed in by hand belong to no complex, and so to no dong: they are the sender's own.
    by_hand = await services.sms.preview(officer, RecipientSelection("saved", list_id=typed.saved.id), "안내")
    assert by_hand.recipient_count == 2 and by_hand.outside_scope == 0

    # A complex moved into 성수 since the list was saved is judged by where it lies now.
    async with uow_factory(write=True) as uow:
        await uow._session.execute(
            update(Complex).where(Complex.id == district.wangdo_complex).values(admin_dong_id=district.seongsu)
        )
        await uow.commit()
    moved = await services.sms.resolve(officer, RecipientSelection("saved", list_id=wide.saved.id))
    assert len(moved.recipients) == 6 and moved.outside_scope == 0


async def test_the_admin_scopes_sms_send_to_dongs_as_it_scopes_housing_read(services, district, admin):
    member = await make_staff(services, saeol_id="seongsu1", roles=("sms.send",))
    assert dict((await services.staff_admin.role_choices(admin)).permissions)["sms.send"] is ScopeKind.DONGS
    detail = await services.staff_admin.grant(
        admin, member.id, GrantRequest("sms.send", dong_ids=frozenset({district.seongsu}))
    )
    [scoped] = detail.grants
    assert (scoped.permission, scoped.scope, scoped.dongs) == ("sms.send", "dongs", ("성수1가제1동",))
    widened = await services.staff_admin.grant(admin, member.id, GrantRequest("sms.send"))
    assert widened.grants[0].scope == "none"


async def test_a_housing_read_scope_bounds_texts_even_under_a_district_wide_sms_grant(
    services, uow_factory, district, admin
):
    """The admin narrows a member's 공동주택 조회 to 성수 but leaves 문자 발송 district-wide: the member still
    reaches only 성수's complexes, in the dongs offered, the complex search, every selection and its preview."""
    member = await make_staff(services, saeol_id="narrow1", name="성수조회", roles=("housing.read", "sms.send"))
    await services.staff_admin.grant(
        admin, member.id, GrantRequest("housing.read", dong_ids=frozenset({district.seongsu}))
    )
    async with uow_factory() as uow:
        reread = await uow.staff.get_staff(member.id)
    assert reread is not None
    assert [d.name for d in await services.sms.dongs(reread)] == ["성수1가제1동"]
    assert [c.name for c in (await services.sms.find_complexes(reread, "아파트")).items] == ["성수현대아파트"]
    assert (await services.sms.find_complexes(reread, "쉐르빌")).total == 0
    reps = await services.sms.preview(reread, REPS, "{이름}님 회의 안내")
    assert [r.name for r in reps.recipients] == ["성수대표1", "성수대표2", "성수대표3"]
    for selection in (
        RecipientSelection("representatives", admin_dong_id=district.wangdo),
        RecipientSelection("managers", complex_ids=(district.wangdo_complex,)),
    ):
        with pytest.raises(OutsideScope):
            await services.sms.preview(reread, selection, "안내")


async def test_a_sender_without_housing_read_is_bounded_by_the_sms_grant_alone(services, district):
    member = await make_staff(services, saeol_id="smsonly", name="문자만", roles=("sms.send",))
    reps = await services.sms.preview(member, REPS, "안내")
    assert reps.recipient_count == 6
