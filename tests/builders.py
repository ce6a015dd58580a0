"""Builders for the world a test needs: staff members, dongs and complexes with their sections, and
benchmarking coordinators, executing departments and their cases."""

from __future__ import annotations

import struct
import zlib
from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import select

from core.benchmark.values import Adoption, Case, CaseDraft, CaseState, ProgressResult
from core.services import Services
from core.staff.directory import SYSTEM_ACTOR
from core.values import StaffMember
from storage.housing.models import Complex, ManagementOffice, Representative, ResidentGroup, SupportProject
from storage.reference.models import AdminDong, Position
from storage.search_keys import name_key
from storage.uow import UnitOfWorkFactory

NOW = datetime(2026, 11, 25, 1, 0, tzinfo=UTC)


async def make_staff(
    services: Services,
    *,
    saeol_id: str = "hong01",
    name: str = "홍길동",
    department: str = "공동주택과",
    roles: tuple[str, ...] = ("housing.read",),
    telegram_id: int | None = None,
) -> StaffMember:
    staff, _ = await services.staff.add_staff(
        SYSTEM_ACTOR,
        saeol_id=saeol_id,
        name=name,
        department=department,
        permissions=list(roles),
        telegram_user_id=telegram_id,
    )
    return staff


async def make_dong(uow_factory: UnitOfWorkFactory, name: str = "왕십리도선동", short: str = "왕도") -> int:
    async with uow_factory(write=True) as uow:
        session = uow._session
        assert session is not None
        existing = await session.scalar(select(AdminDong.id).where(AdminDong.name == name))
        if existing is not None:
            return existing
        dong = AdminDong(name=name, short_name=short, sort_order=0)
        session.add(dong)
        await session.flush()
        await uow.commit()
        return dong.id


async def make_complex(
    uow_factory: UnitOfWorkFactory,
    *,
    name: str = "성동삼성쉐르빌(주상복합)",
    dong: str = "왕십리도선동",
    dong_short: str = "왕도",
    households: int = 342,
    representatives: int = 0,
    groups: int = 0,
    projects: int = 0,
    with_office: bool = False,
    remarks: str | None = None,
    location: tuple[float, float] | None = None,
) -> int:
    dong_id = await make_dong(uow_factory, dong, dong_short)
    async with uow_factory(write=True) as uow:
        session = uow._session
        assert session is not None
        complex_ = Complex(
            name=name,
            name_key=name_key(name),
            kind="apartment",
            management_type="mandatory",
            admin_dong_id=dong_id,
            address="무학로6길 50",
            building_count=3,
            household_count=households,
            floors_min=4,
            floors_max=27,
            approved_on=date(2006, 9, 13),
            households_area_1=0,
            households_area_2=0,
            households_area_3=households - households // 2,
            households_area_4=households // 2,
            households_area_5=0,
            remarks=remarks,
            latitude=location[0] if location else None,
            longitude=location[1] if location else None,
            updated_at=NOW,
        )
        session.add(complex_)
        await session.flush()
        if with_office:
            session.add(
                ManagementOffice(
                    complex_id=complex_.id,
                    phone="02-2292-1234",
                    fax="02-2292-1235",
                    manager_name="이정호",
                    manager_birth_date=date(1965, 3, 2),
                    manager_mobile="010-2345-5678",
                    manager_license_no="2012-7166",
                    manager_license_grade="사",
                    manager_assigned_on=date(2013, 4, 23),
                )
            )
        positions = list(await session.scalars(select(Position).order_by(Position.sort_order)))
        for i in range(representatives):
            session.add(
                Representative(
                    complex_id=complex_.id,
                    admin_dong_id=dong_id,
                    position_id=positions[min(i, len(positions) - 1)].id,
                    name=f"김대표{i + 1}",
                    gender="F" if i % 2 else "M",
                    birth_date=date(1960 + i % 20, 1, 15),
                    building_unit=f"101동 {i + 1}01호",
                    phone=f"010-1234-{5000 + i:04d}",
                    term_start=date(2016, 3, 14),
                    term_end=date(2018, 3, 13),
                )
            )
        for i in range(groups):
            session.add(
                ResidentGroup(
                    complex_id=complex_.id,
                    kind="community_activation" if i == 0 else "other",
                    name=f"사랑회{i + 1}",
                    leader_position="회장",
                    leader_name="박회장",
                    leader_phone="010-9876-5432",
                    leader_email="lead@example.kr",
                    member_count=10 + i,
                    formed_on=date(2016, 4, 29),
                )
            )
        for i in range(projects):
            session.add(
                SupportProject(
                    complex_id=complex_.id,
                    kind="공동체활성화",
                    name=f"지원사업{i + 1}",
                    period_start=date(2016, 3, 28),
                    period_end=date(2016, 11, 30),
                    amount=1590 + i,
                    returned_amount=0,
                )
            )
        await uow.commit()
        return complex_.id


@dataclass(frozen=True, slots=True)
class TwoDongs:
    """성수1가제1동 and 왕십리도선동, one complex each, whose people are told apart by their dong's name."""

    seongsu: int
    wangdo: int
    seongsu_complex: int
    wangdo_complex: int


async def name_people(uow_factory: UnitOfWorkFactory, complex_id: int, prefix: str, middle: int) -> None:
    """Give a complex's representatives and manager names and mobiles of their own (``make_complex`` gives
    every complex the same ones): ``{prefix}대표1``… and ``{prefix}소장``."""
    async with uow_factory(write=True) as uow:
        session = uow._session
        assert session is not None
        reps = await session.scalars(
            select(Representative).where(Representative.complex_id == complex_id).order_by(Representative.id)
        )
        for number, rep in enumerate(reps, 1):
            rep.name, rep.phone = f"{prefix}대표{number}", f"010-{middle}-{1000 + number}"
        office = await session.scalar(select(ManagementOffice).where(ManagementOffice.complex_id == complex_id))
        if office is not None:
            office.manager_name, office.manager_mobile = f"{prefix}소장", f"010-{middle}-9999"
        await uow.commit()


async def make_two_dongs(uow_factory: UnitOfWorkFactory, representatives: int = 3) -> TwoDongs:
    """성수현대아파트 in 성수1가제1동 (성수대표1…, 성수소장) and 성동삼성쉐르빌(주상복합) in 왕십리도선동
    (왕도대표1…, 왕도소장)."""
    seongsu_complex = await make_complex(
        uow_factory,
        name="성수현대아파트",
        dong="성수1가제1동",
        dong_short="성수1",
        representatives=representatives,
        with_office=True,
    )
    wangdo_complex = await make_complex(uow_factory, representatives=representatives, with_office=True)
    await name_people(uow_factory, seongsu_complex, "성수", 3000)
    await name_people(uow_factory, wangdo_complex, "왕도", 4000)
    return TwoDongs(
        seongsu=await make_dong(uow_factory, "성수1가제1동", "성수1"),
        wangdo=await make_dong(uow_factory),
        seongsu_complex=seongsu_complex,
        wangdo_complex=wangdo_complex,
    )


async def make_coordinator(
    services: Services, *, saeol_id: str = "plan01", name: str = "기획관", telegram_id: int | None = None
) -> StaffMember:
    """총괄부서: a 기획예산과 member who registers benchmarking cases and decides on them."""
    return await make_staff(
        services,
        saeol_id=saeol_id,
        name=name,
        department="기획예산과",
        roles=("benchmark.coordinate",),
        telegram_id=telegram_id,
    )


async def make_executor(
    services: Services,
    *,
    saeol_id: str = "exec01",
    name: str = "이숙영",
    department: str = "총무과",
    telegram_id: int | None = None,
) -> StaffMember:
    """추진부서: a member of an executing department who reviews its cases."""
    return await make_staff(
        services,
        saeol_id=saeol_id,
        name=name,
        department=department,
        roles=("benchmark.execute",),
        telegram_id=telegram_id,
    )


async def make_case(
    services: Services,
    coordinator: StaffMember,
    officer: StaffMember,
    *,
    title: str = "구내식당 페이백 시스템",
    summary: str | None = "구내식당 이용 실적에 따라 지역화폐로 돌려주는 제도",
    source: str | None = "서울 강동구",
    attachments: tuple[int, ...] = (),
) -> Case:
    """A case registered by ``coordinator`` for ``officer``'s department, with ``officer`` in charge."""
    registered = await services.cases.register(
        coordinator,
        CaseDraft(
            title=title,
            summary=summary,
            source=source,
            department_id=officer.department_id,
            officer_id=officer.id,
            attachment_ids=tuple(attachments),
        ),
    )
    return registered.case


async def advance_case(
    services: Services, case: Case, officer: StaffMember, coordinator: StaffMember, *, to: CaseState
) -> Case:
    """Walk ``case`` along the workflow to ``to`` with the real services: the officer reviews and asks for
    approval, the coordinator approves or returns. A returned case asked to go further is resubmitted."""
    if case.state is CaseState.REGISTERED and to is not CaseState.REGISTERED:
        case = await services.decisions.submit_review(
            officer, case.id, case.version, Adoption.ADOPT, "우리 구에도 도입할 만합니다."
        )
    decided = {CaseState.APPROVED, CaseState.RETURNED}
    if (case.state is CaseState.REVIEWED and to in {CaseState.APPROVAL_REQUESTED, *decided}) or (
        case.state is CaseState.RETURNED and to in {CaseState.APPROVAL_REQUESTED, CaseState.APPROVED}
    ):
        case = await services.decisions.request_approval(
            officer, case.id, case.version, ProgressResult.IN_PROGRESS, "업체 선정 중입니다."
        )
    if case.state is CaseState.APPROVAL_REQUESTED and to is CaseState.APPROVED:
        case = await services.decisions.approve(coordinator, case.id, case.approval_round)
    if case.state is CaseState.APPROVAL_REQUESTED and to is CaseState.RETURNED:
        case = await services.decisions.return_case(
            coordinator, case.id, case.approval_round, "예산 근거를 보완하세요."
        )
    assert case.state is to, f"could not bring case {case.case_no} from {case.state} to {to}"
    return case


async def grant(
    uow_factory: UnitOfWorkFactory,
    staff: StaffMember,
    permission: str,
    *,
    dongs: tuple[int, ...] = (),
    department: int | None = None,
) -> StaffMember:
    """Grant ``permission`` to ``staff`` scoped as given (replacing a held grant's scope), as the admin
    endpoint would; returns the member as the bot's next update reads them."""
    async with uow_factory(write=True) as uow:
        await uow.grants.set_grant(staff.id, permission, department_id=department, dong_ids=dongs, now=NOW)
        await uow.commit()
    async with uow_factory() as uow:
        member = await uow.staff.get_staff(staff.id)
    assert member is not None
    return member


def make_png(seed: int = 0, *, width: int = 4, height: int = 3) -> bytes:
    """A small valid PNG, its pixels (and so its bytes) different for each ``seed``."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    shade = seed.to_bytes(4, "big")[-3:]
    rows = b"".join(b"\x00" + shade * width for _ in range(height))
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(rows)) + chunk(b"IEND", b"")
