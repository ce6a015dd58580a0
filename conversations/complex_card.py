"""The 공동주택 조회 card and its long sections as HTML texts, laid out like the seed's screen."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from conversations.i18n import t
from core.values import BirthDate, ComplexCard, ComplexSummary, GroupView, RepresentativeView, SupportProjectRecord

# What the one-screen card shows of each long section before its button opens the rest.
CARD_PREVIEW = {"reps": 6, "groups": 3, "projects": 3}
SECTION_PAGE_SIZE = 12  # entries per page of an opened section: well under 4,096 characters
REMARKS_PREVIEW = 300
REMARKS_SECTION_LIMIT = 3500
SECTIONS = ("office", "reps", "groups", "projects", "remarks")


def fmt_date(value: date | None) -> str:
    return value.isoformat() if value else "-"


def fmt_dotted(value: date | None) -> str:
    return value.strftime("%Y.%m.%d") if value else ""


def fmt_period(start: date | None, end: date | None) -> str:
    return f"{fmt_dotted(start)}~{fmt_dotted(end)}" if start or end else "-"


def fmt_birth(lang: str, birth: BirthDate | None) -> str:
    if birth is None:
        return "-"
    if birth.full is None:
        return t(lang, "card.birth_year", year=birth.year)
    return birth.full.isoformat()


def fmt_amount(value: int) -> str:
    return f"{value:,}"


def _or_dash(value: object) -> object:
    return "-" if value in (None, "") else value


def summary_line(lang: str, item: ComplexSummary) -> str:
    return t(
        lang, "lookup.result_line", name=item.name, dong=item.admin_dong, households=fmt_amount(item.household_count)
    )


def kind_label(lang: str, card: ComplexCard) -> str:
    detail = card.detail
    if detail.kind == "row_house":
        return t(lang, "card.kind.row_house")
    return t(lang, f"card.management.{detail.management_type or 'unknown'}")


def render_card(lang: str, card: ComplexCard) -> str:
    d = card.detail
    bands = d.households_by_area
    lines = [
        t(lang, "card.title", name=d.name),
        t(lang, "card.location", dong=d.admin_dong, address=d.address),
        t(
            lang,
            "card.size",
            buildings=fmt_amount(d.building_count),
            households=fmt_amount(d.household_count),
            floors=f"{_or_dash(d.floors_min)}/{_or_dash(d.floors_max)}",
        ),
        t(lang, "card.type", kind=kind_label(lang, card), approved=fmt_date(d.approved_on)),
    ]
    if d.kapt_code:
        mode = t(lang, f"card.kapt_mode.{d.kapt_management_mode}") if d.kapt_management_mode else "-"
        lines.append(t(lang, "card.kapt", code=d.kapt_code, mode=mode))
    lines.append(t(lang, "card.area_bands", b1=bands[0], b2=bands[1], b3=bands[2], b4=bands[3], b5=bands[4]))
    lines.append("")
    lines.extend(_office_lines(lang, card))
    lines.append("")
    lines.append(t(lang, "card.reps_heading", count=len(card.representatives)))
    lines.extend(_preview(lang, card.representatives, CARD_PREVIEW["reps"], rep_line))
    lines.append(t(lang, "card.groups_heading", count=len(card.groups)))
    lines.extend(_preview(lang, card.groups, CARD_PREVIEW["groups"], group_line))
    total = sum(p.amount for p in card.projects)
    lines.append(t(lang, "card.projects_heading", count=len(card.projects), total=fmt_amount(total)))
    lines.extend(_preview(lang, card.projects, CARD_PREVIEW["projects"], project_line))
    lines.append(t(lang, "card.remarks_heading"))
    remarks = (d.remarks or "").strip()
    if not remarks:
        lines.append(t(lang, "card.none"))
    elif len(remarks) > REMARKS_PREVIEW:
        lines.append(t(lang, "card.remarks_cut", text=remarks[:REMARKS_PREVIEW]))
    else:
        lines.append(t(lang, "card.remarks", text=remarks))
    if card.photo_count:
        lines.append(t(lang, "card.photos", count=card.photo_count))
    if card.personal_data_masked:
        lines.append("")
        lines.append(t(lang, "card.masked_note"))
    return "\n".join(lines)


def _office_lines(lang: str, card: ComplexCard) -> list[str]:
    office = card.office
    lines = [t(lang, "card.office_heading")]
    if office is None:
        lines.append(t(lang, "card.none"))
        return lines
    grade = t(lang, f"card.license_grade.{office.license_grade}") if office.license_grade in ("사", "보") else "-"
    lines.append(t(lang, "card.manager", name=_or_dash(office.name), birth=fmt_birth(lang, office.birth)))
    lines.append(t(lang, "card.license", number=_or_dash(office.license_no), grade=grade))
    lines.append(t(lang, "card.manager_contact", mobile=_or_dash(office.mobile), assigned=fmt_date(office.assigned_on)))
    lines.append(t(lang, "card.office_contact", phone=_or_dash(office.office_phone), fax=_or_dash(office.office_fax)))
    return lines


def rep_line(lang: str, number: int, rep: RepresentativeView) -> str:
    gender = t(lang, f"card.gender.{rep.gender}") if rep.gender in ("M", "F") else "-"
    return t(
        lang,
        "card.rep_line",
        n=number,
        position=rep.position,
        name=rep.name,
        gender=gender,
        birth=fmt_birth(lang, rep.birth),
        unit=_or_dash(rep.building_unit),
        phone=_or_dash(rep.phone),
        term=fmt_period(rep.term_start, rep.term_end),
    )


def group_line(lang: str, number: int, group: GroupView) -> str:
    return t(
        lang,
        "card.group_line",
        n=number,
        kind=t(lang, f"card.group_kind.{group.kind}"),
        name=group.name,
        position=_or_dash(group.leader_position),
        leader=_or_dash(group.leader_name),
        phone=_or_dash(group.leader_phone),
        email=_or_dash(group.leader_email),
        members=_or_dash(group.member_count),
        formed=fmt_date(group.formed_on),
    )


def project_line(lang: str, number: int, project: SupportProjectRecord) -> str:
    key = "card.project_line_returned" if project.returned_amount else "card.project_line"
    return t(
        lang,
        key,
        n=number,
        kind=project.kind,
        name=project.name,
        period=fmt_period(project.period_start, project.period_end),
        amount=fmt_amount(project.amount),
        returned=fmt_amount(project.returned_amount),
    )


LineRenderer = Callable[[str, int, Any], str]


def _preview(lang: str, items: Sequence[Any], limit: int, line: LineRenderer) -> list[str]:
    if not items:
        return [t(lang, "card.none")]
    lines = [line(lang, i, item) for i, item in enumerate(items[:limit], start=1)]
    if len(items) > limit:
        lines.append(t(lang, "card.more", count=len(items) - limit))
    return lines


def render_section(lang: str, card: ComplexCard, section: str, page: int) -> tuple[str, int]:
    """An opened section (one page of it) and the number of pages it has."""
    heading = t(lang, "card.section_title", name=card.detail.name)
    if section == "office":
        return "\n".join([heading, *_office_lines(lang, card)]), 1
    if section == "remarks":
        # Remarks are free text of any length; a message holds 4,096 characters.
        remarks = (card.detail.remarks or "").strip()[:REMARKS_SECTION_LIMIT] or t(lang, "card.none")
        return "\n".join([heading, t(lang, "card.remarks_heading"), t(lang, "card.remarks", text=remarks)]), 1
    if section == "reps":
        title = t(lang, "card.reps_heading", count=len(card.representatives))
        return _paged(lang, [heading, title], card.representatives, rep_line, page)
    if section == "groups":
        title = t(lang, "card.groups_heading", count=len(card.groups))
        return _paged(lang, [heading, title], card.groups, group_line, page)
    total = fmt_amount(sum(p.amount for p in card.projects))
    title = t(lang, "card.projects_heading", count=len(card.projects), total=total)
    return _paged(lang, [heading, title], card.projects, project_line, page)


def _paged(lang: str, head: list[str], items: Sequence[Any], line: LineRenderer, page: int) -> tuple[str, int]:
    pages = max(1, -(-len(items) // SECTION_PAGE_SIZE))
    page = min(max(page, 0), pages - 1)
    start = page * SECTION_PAGE_SIZE
    body = [line(lang, start + i, item) for i, item in enumerate(items[start : start + SECTION_PAGE_SIZE], start=1)]
    return "\n".join([*head, *(body or [t(lang, "card.none")])]), pages
