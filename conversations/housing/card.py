"""The 공동주택 조회 card and its long sections as HTML texts, laid out like the seed's screen.

The seed's screen is a wide table; a phone shows about 30 Korean characters a line. So every entry is
written as one or two short lines (a representative: who and where, then phone and term), each well
inside a phone's width, because Telegram breaks an overlong line wherever it can, inside a date or a
phone number ("2006-09-/13"). For the same reason dates are written with dots, which a line is not
broken at. A field the record lacks is left out of its line rather than shown as a lone "-"; a field
the screen cannot do without (관리소장, 사용승인) says 미등록."""

from __future__ import annotations

import html
from collections.abc import Callable, Sequence
from datetime import date
from typing import Any

from core.housing.values import (
    BirthDate,
    ComplexCard,
    ComplexSummary,
    GroupView,
    RepresentativeView,
    SupportProjectRecord,
)
from core.texts.i18n import grouped, t

# What the one-screen card shows of each long section; a section with more gets a button to the rest.
CARD_PREVIEW = {"reps": 6, "groups": 3, "projects": 3}
COMMUNITY_PREVIEW = 3  # the community department's projects: the rest are on /grants
SECTION_PAGE_SIZE = 10  # entries per page of an opened section: two lines each, one phone screen
REMARKS_PREVIEW = 300
REMARKS_SECTION_LIMIT = 3500  # a message holds 4,096 characters
SECTIONS = ("reps", "groups", "projects", "remarks")
# The indent of an entry's second line, under the text after its number ("1. ").
CONTINUATION = "   "
SEPARATOR = " · "


def fmt_date(value: date | None) -> str:
    return value.strftime("%Y.%m.%d") if value else ""


def fmt_period(start: date | None, end: date | None) -> str:
    return f"{fmt_date(start)}~{fmt_date(end)}" if start or end else ""


def fmt_birth(lang: str, birth: BirthDate | None) -> str:
    if birth is None:
        return ""
    if birth.full is None:
        return t(lang, "card.birth_year", year=birth.year)
    return fmt_date(birth.full)


def _esc(value: str | None) -> str:
    """A record's own text put into a line as it is (the catalog texts escape their parameters)."""
    return html.escape(value, quote=False) if value else ""


def _joined(*parts: str | None, separator: str = SEPARATOR) -> str:
    """The parts a record has, in order; the ones it lacks leave no trace."""
    return separator.join(part for part in parts if part)


def _field(lang: str, key: str, value: object) -> str:
    """``key``'s labelled text, or nothing when the record has no value for it."""
    return t(lang, key, value=value) if value not in (None, "") else ""


def summary_line(lang: str, item: ComplexSummary) -> str:
    return t(lang, "lookup.result_line", name=item.name, dong=item.admin_dong, households=grouped(item.household_count))


def kind_label(lang: str, card: ComplexCard) -> str:
    detail = card.detail
    if detail.kind == "row_house":
        return t(lang, "card.kind.row_house")
    return t(lang, f"card.management.{detail.management_type or 'unknown'}")


def _floors(lang: str, low: int | None, high: int | None) -> str:
    if low is not None and high is not None:
        return t(lang, "card.floors_range", low=grouped(low), high=grouped(high))
    if high is not None:
        return t(lang, "card.floors_high", high=grouped(high))
    if low is not None:
        return t(lang, "card.floors_low", low=grouped(low))
    return ""


def render_card(lang: str, card: ComplexCard) -> str:
    d = card.detail
    bands = [grouped(b) for b in d.households_by_area]
    unregistered = t(lang, "card.unregistered")
    lines = [
        t(lang, "card.title", name=d.name),
        _joined(_field(lang, "card.dong", d.admin_dong), _field(lang, "card.address", d.address)),
        _joined(
            t(lang, "card.size", buildings=grouped(d.building_count), households=grouped(d.household_count)),
            _field(lang, "card.floors", _floors(lang, d.floors_min, d.floors_max)),
        ),
        _joined(
            t(lang, "card.kind_field", kind=kind_label(lang, card)),
            _field(lang, "card.approved", fmt_date(d.approved_on) or unregistered),
        ),
    ]
    if d.kapt_code:
        mode = t(lang, f"card.kapt_mode.{d.kapt_management_mode}") if d.kapt_management_mode else ""
        kapt = (
            t(lang, "card.kapt_mode_of", code=d.kapt_code, mode=mode)
            if mode
            else t(lang, "card.kapt", code=d.kapt_code)
        )
        lines.append(kapt)
    lines.append(t(lang, "card.area_bands_small", b1=bands[0], b2=bands[1]))
    lines.append(CONTINUATION + t(lang, "card.area_bands_large", b3=bands[2], b4=bands[3], b5=bands[4]))
    lines.append("")
    lines.extend(_office_lines(lang, card))
    lines.append("")
    lines.append(t(lang, "card.reps_heading", count=grouped(len(card.representatives))))
    lines.extend(_preview(lang, card.representatives, CARD_PREVIEW["reps"], rep_lines, "card.more_people"))
    lines.append(t(lang, "card.groups_heading", count=grouped(len(card.groups))))
    lines.extend(_preview(lang, card.groups, CARD_PREVIEW["groups"], group_lines, "card.more"))
    lines.append(_projects_heading(lang, card))
    lines.extend(_preview(lang, card.projects, CARD_PREVIEW["projects"], project_lines, "card.more"))
    lines.extend(_community_lines(lang, card))
    lines.append(t(lang, "card.remarks_heading"))
    remarks = (d.remarks or "").strip()
    if not remarks:
        lines.append(t(lang, "card.none"))
    elif len(remarks) > REMARKS_PREVIEW:
        lines.append(t(lang, "card.remarks_cut", text=remarks[:REMARKS_PREVIEW]))
    else:
        lines.append(t(lang, "card.remarks", text=remarks))
    if card.photo_count:
        lines.append(t(lang, "card.photos", count=grouped(card.photo_count)))
    if card.personal_data_masked:
        lines.append("")
        lines.append(t(lang, "card.masked_note"))
    return "\n".join(lines)


def _community_lines(lang: str, card: ComplexCard) -> list[str]:
    """The housing calls' projects the community department granted for this complex, when it has any."""
    grants = card.community_grants
    if not grants:
        return []
    lines = [t(lang, "card.community_heading", count=grouped(len(grants)))]
    for n, g in enumerate(grants[:COMMUNITY_PREVIEW], start=1):
        city, district, own = (grouped(v) for v in (g.city_funds, g.district_funds, g.self_funds))
        lines.append(t(lang, "card.community_line", n=n, year=g.year, name=g.name))
        lines.append(CONTINUATION + t(lang, "card.community_funds", city=city, district=district, own=own))
    if len(grants) > COMMUNITY_PREVIEW:
        lines.append(t(lang, "card.community_more", count=grouped(len(grants) - COMMUNITY_PREVIEW)))
    return lines


def _projects_heading(lang: str, card: ComplexCard) -> str:
    total = grouped(sum(p.amount for p in card.projects))
    return t(lang, "card.projects_heading", count=grouped(len(card.projects)), total=total)


def _office_lines(lang: str, card: ComplexCard) -> list[str]:
    office = card.office
    lines = [t(lang, "card.office_heading")]
    if office is None:
        lines.append(t(lang, "card.unregistered"))
        return lines
    grade = t(lang, f"card.license_grade.{office.license_grade}") if office.license_grade in ("사", "보") else ""
    pairs = (
        (
            _field(lang, "card.manager", office.name or t(lang, "card.unregistered")),
            _field(lang, "card.manager_birth", fmt_birth(lang, office.birth)),
        ),
        (_field(lang, "card.license_no", office.license_no), _field(lang, "card.license_grade_field", grade)),
        (_field(lang, "card.mobile", office.mobile), _field(lang, "card.assigned", fmt_date(office.assigned_on))),
        (_field(lang, "card.office_phone", office.office_phone), _field(lang, "card.office_fax", office.office_fax)),
    )
    lines.extend(line for line in (_joined(*pair) for pair in pairs) if line)
    return lines


def rep_lines(lang: str, number: int, rep: RepresentativeView) -> list[str]:
    """Who and where on the first line, how to reach them and their term on the second."""
    gender = t(lang, f"card.gender.{rep.gender}") if rep.gender in ("M", "F") else ""
    about = _joined(gender, fmt_birth(lang, rep.birth), separator=", ")
    first = _joined(
        t(lang, "card.rep_who", n=number, position=rep.position, name=rep.name),
        t(lang, "card.rep_about", about=about) if about else "",
        _esc(rep.building_unit),
        separator=" ",
    )
    second = _joined(_esc(rep.phone), _field(lang, "card.term", fmt_period(rep.term_start, rep.term_end)))
    return [first, CONTINUATION + second] if second else [first]


def group_lines(lang: str, number: int, group: GroupView) -> list[str]:
    """The group and its size; its leader, phone and founding; an e-mail address on a line of its own."""
    members = _field(lang, "card.members", grouped(group.member_count) if group.member_count is not None else None)
    kind = t(lang, f"card.group_kind.{group.kind}")
    first = _joined(t(lang, "card.group_who", n=number, name=group.name, kind=kind), members)
    second = _joined(
        _joined(_esc(group.leader_position), _esc(group.leader_name), separator=" "),
        _esc(group.leader_phone),
        _field(lang, "card.formed", fmt_date(group.formed_on)),
    )
    lines = [first]
    if second:
        lines.append(CONTINUATION + second)
    if group.leader_email:
        lines.append(CONTINUATION + _esc(group.leader_email))
    if group.members:
        lines.append(CONTINUATION + member_list(lang, group.members))
    return lines


MEMBER_LIST_WIDTH = 24  # characters of names on the list's one line, inside a phone's width with its label


def member_list(lang: str, members: str) -> str:
    """회원 명단 on one line: as many names as fit, then how many more."""
    names = [part.strip() for line in members.splitlines() for part in line.split(",") if part.strip()]
    shown: list[str] = []
    for name in names:
        if shown and len(", ".join([*shown, name])) > MEMBER_LIST_WIDTH:
            break
        shown.append(name)
    more = len(names) - len(shown)
    if more:
        return t(lang, "card.member_list_more", names=", ".join(shown), more=grouped(more))
    return t(lang, "card.member_list", names=", ".join(shown))


def project_lines(lang: str, number: int, project: SupportProjectRecord) -> list[str]:
    """What and for whom on the first line; when and how much on the second."""
    amount = (
        t(lang, "card.amount_returned", amount=grouped(project.amount), returned=grouped(project.returned_amount))
        if project.returned_amount
        else t(lang, "card.amount", amount=grouped(project.amount))
    )
    first = _joined(t(lang, "card.project_kind", n=number, kind=project.kind), _esc(project.name))
    return [first, CONTINUATION + _joined(fmt_period(project.period_start, project.period_end), amount)]


LineRenderer = Callable[[str, int, Any], list[str]]


def _preview(lang: str, items: Sequence[Any], limit: int, lines: LineRenderer, more_key: str) -> list[str]:
    if not items:
        return [t(lang, "card.none")]
    shown = [line for i, item in enumerate(items[:limit], start=1) for line in lines(lang, i, item)]
    if len(items) > limit:
        shown.append(t(lang, more_key, count=grouped(len(items) - limit)))
    return shown


def _section_items(card: ComplexCard, section: str) -> Sequence[Any]:
    if section == "reps":
        return card.representatives
    if section == "groups":
        return card.groups
    if section == "projects":
        return card.projects
    return ()


def section_pages(card: ComplexCard, section: str) -> int:
    """How many pages ``section`` opens to; 0 when the card already shows all of it, so it has no button.
    A button for a section the card would not offer (an older card's, a forged one) is out of date."""
    if section == "remarks":
        return 1 if len((card.detail.remarks or "").strip()) > REMARKS_PREVIEW else 0
    if section not in CARD_PREVIEW:
        return 0
    items = _section_items(card, section)
    if len(items) <= CARD_PREVIEW[section]:
        return 0
    return -(-len(items) // SECTION_PAGE_SIZE)


def section_count(card: ComplexCard, section: str) -> int:
    return len(_section_items(card, section))


def render_section(lang: str, card: ComplexCard, section: str, page: int) -> str:
    """One page (numbered from 0) of an opened section; the caller checks the page exists."""
    heading = t(lang, "card.section_title", name=card.detail.name)
    if section == "remarks":
        remarks = (card.detail.remarks or "").strip()
        if len(remarks) > REMARKS_SECTION_LIMIT:
            remarks = remarks[:REMARKS_SECTION_LIMIT] + "…"
        return "\n".join([heading, t(lang, "card.remarks_heading"), t(lang, "card.remarks", text=remarks)])
    if section == "reps":
        title = t(lang, "card.reps_heading", count=grouped(len(card.representatives)))
        return _page(lang, [heading, title], card.representatives, rep_lines, page)
    if section == "groups":
        title = t(lang, "card.groups_heading", count=grouped(len(card.groups)))
        return _page(lang, [heading, title], card.groups, group_lines, page)
    return _page(lang, [heading, _projects_heading(lang, card)], card.projects, project_lines, page)


def _page(lang: str, head: list[str], items: Sequence[Any], lines: LineRenderer, page: int) -> str:
    start = page * SECTION_PAGE_SIZE
    body = [
        line
        for i, item in enumerate(items[start : start + SECTION_PAGE_SIZE], start=start + 1)
        for line in lines(lang, i, item)
    ]
    return "\n".join([*head, *body])
