"""One audit entry's details as one line an admin reads at a glance, in their language: "대상 10명 · 장문 ·
입주자대표 · 왕십리도선동" for a text message, "공동주택 조회 · 범위 전체 → 왕십리도선동" for a grant, "사업명:
a → b" for a change.

Every key the code writes to the log (grep ``audit.record``) has a short phrase in the catalogs under
``admin.audit.detail`` (its value given as ``{value}``), a value list where its values are codes, and a place
in ``ORDER``; a count that is zero where zero is the usual case says nothing and is left out. A key without a
phrase (an older entry, a newer writer) still reads as "label: value" with a readable label, and nested
values are spelled out, never shown as a raw dictionary."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime
from zoneinfo import ZoneInfo

from core.audit import PAGE_VALUE_LIMIT, AuditLabels
from core.texts.i18n import has_text, t_plain
from core.values import AuditRecord

SEPARATOR = " · "
# The order the parts are said in: what and how many first, then to whom and where, then when, then the rest.
ORDER = (
    "permission",
    "permissions",
    "recipients",
    "messages",
    "entries",
    "phones",
    "message_type",
    "kind",
    "from",
    "position",
    "admin_dong_id",
    "complex_ids",
    "list_id",
    "scheduled_at",
    "invalid",
    "without_phone",
    "duplicates_merged",
    "outside_scope",
    "invalid_unmasked",
    "staff",
    "action",
    "date_from",
    "date_to",
    "count",
    "saeol_id",
    "name",
    "username",
    "address",
    "wait_seconds",
    "telegram_user_id",
    "via",
)
# Counts whose usual value is zero: said only when there is something to say.
QUIET_WHEN_ZERO = frozenset({"invalid", "without_phone", "duplicates_merged", "outside_scope", "invalid_unmasked"})
# Keys the action's own name already says ("직원 이용 중지" needs no "사용 여부: 예 → 아니요").
IMPLIED = {"staff.activate": frozenset({"active"}), "staff.deactivate": frozenset({"active"})}
# Keys whose values are codes with names of their own: key -> catalog prefix of the names.
VALUE_LISTS = {
    "message_type": "admin.audit.message_type.",
    "kind": "sms.kind.",
    "from": "admin.audit.source.",
    "permission": "admin.roles.short.",
    "permissions": "admin.roles.short.",
    "via": "admin.audit.values.",
    "state": "bm.state.",
    "adoption": "bm.adoption.",
    "progress_result": "bm.result.",
}
SCOPE_KEYS = frozenset({"department_id", "dong_ids"})


class AuditText:
    """Says entries in one language; ``zone`` is the office's, for instants kept in the details (reservations)."""

    def __init__(self, lang: str, labels: AuditLabels, zone: ZoneInfo, *, limit: int = PAGE_VALUE_LIMIT) -> None:
        self.lang = lang
        self.labels = labels
        self.zone = zone
        self.limit = limit  # a page shows each value's beginning; the workbook has it whole

    def line(self, entry: AuditRecord) -> str:
        return SEPARATOR.join(self.parts(entry))

    def parts(self, entry: AuditRecord) -> list[str]:
        implied = IMPLIED.get(entry.action, frozenset())
        details = {k: _without(v, implied) if k in ("old", "new") else v for k, v in entry.details.items()}
        details = {k: v for k, v in details.items() if k not in implied}
        if entry.target_name is None and entry.target_type is not None:
            details.pop("name", None)  # the target column says it already
        if entry.actor_name is None:
            details.pop("username", None)  # the staff column says it already
        granted = "permission" in details  # a grant's or revocation's old and new are its scope
        parts = [part for key in ("permission", "permissions") if (part := self._part(key, details.pop(key, None)))]
        state_from, state_to = details.pop("state_from", None), details.pop("state_to", None)
        if state_from != state_to:  # an edit keeps the state: only a change of it is worth saying
            parts.append(self._change("state", state_from, state_to))
        parts.extend(self._old_new(details.pop("old", None), details.pop("new", None), scoped=granted))
        changes = details.pop("changes", None)
        if isinstance(changes, Mapping):
            parts.extend(self._changes(changes))
        elif changes is not None:
            details["changes"] = changes
        if "date_from" in details or "date_to" in details:
            details["date_from"] = self._period(details.pop("date_from", None), details.pop("date_to", None))
        for key in sorted(details, key=lambda key: ORDER.index(key) if key in ORDER else len(ORDER)):
            if part := self._part(key, details[key]):
                parts.append(part)
        return parts

    # -- one key -------------------------------------------------------------------------------------

    def _part(self, key: str, raw: object) -> str | None:
        if _blank(raw) or (key in QUIET_WHEN_ZERO and raw in (0, False)):
            return None
        phrase = f"admin.audit.detail.{key}"
        if has_text(self.lang, phrase):
            return t_plain(self.lang, phrase, value=self._value(key, raw), count=self._count(raw), raw=str(raw))
        return f"{self._label(key)}: {self._value(key, raw)}"

    def _value(self, key: str, raw: object) -> str:
        if _blank(raw):
            return self.labels.empty
        if isinstance(raw, bool):
            return self.labels.yes if raw else self.labels.no
        if isinstance(raw, int | float):
            return str(raw) if key.endswith(("_id", "_ids")) else f"{raw:,}"  # an id is a name, not a quantity
        if isinstance(raw, list | tuple):
            return ", ".join(self._value(key, item) for item in raw)
        if isinstance(raw, Mapping):
            if set(raw) <= SCOPE_KEYS:
                return self._scope(raw)
            return ", ".join(f"{self._label(str(k))} {self._value(str(k), v)}" for k, v in raw.items() if not _blank(v))
        text = str(raw)
        if len(text) > self.limit:
            text = text[: self.limit - 1] + "…"
        if key == "scheduled_at":
            return self._instant(text)
        if key == "action":
            return self.labels.action(text)
        prefix = VALUE_LISTS.get(key)
        if prefix and has_text(self.lang, prefix + text.replace(".", "_")):
            return t_plain(self.lang, prefix + text.replace(".", "_"))
        if prefix and has_text(self.lang, prefix + text):
            return t_plain(self.lang, prefix + text)
        return self.labels.values.get(key, {}).get(text, text)

    def _count(self, raw: object) -> str:
        """The count a phrase like "단지 {count}곳" says: a list's length, or the number itself."""
        if isinstance(raw, list | tuple):
            return f"{len(raw):,}"
        return f"{raw:,}" if isinstance(raw, int) and not isinstance(raw, bool) else str(raw)

    def _label(self, key: str) -> str:
        if key in self.labels.fields:
            return self.labels.fields[key]
        return key.replace("_", " ").strip().capitalize() or key

    # -- changes -------------------------------------------------------------------------------------

    def _change(self, key: str, old: object, new: object) -> str:
        old_text, new_text = self._value(key, old), self._value(key, new)
        return t_plain(
            self.lang, "admin.audit.detail_format.change", field=self._label(key), old=old_text, new=new_text
        )

    def _changes(self, changes: Mapping[str, object]) -> list[str]:
        said: list[str] = []
        for key, change in changes.items():
            if isinstance(change, list | tuple) and len(change) == 2:
                if not (_blank(change[0]) and _blank(change[1])):
                    said.append(self._change(str(key), change[0], change[1]))
            elif (part := self._part(str(key), change)) is not None:
                said.append(part)
        return said

    def _old_new(self, old: object, new: object, *, scoped: bool) -> list[str]:
        """``old``/``new`` as the writers use them: a grant's scope before and after, a member's fields before
        and after (only the new ones when the member is new), or one value."""
        if old is None and new is None:
            return []
        before = old if isinstance(old, Mapping) else None
        after = new if isinstance(new, Mapping) else None
        if (
            scoped
            or (before is not None and set(before) <= SCOPE_KEYS)
            or (after is not None and set(after) <= SCOPE_KEYS)
        ):
            if before is None:
                return [t_plain(self.lang, "admin.audit.detail.scope", value=self._scope(after or {}))]
            if after is None:
                return [t_plain(self.lang, "admin.audit.detail.scope", value=self._scope(before))]
            return [self._change("scope", self._scope(before), self._scope(after))]
        if before is None and after is not None:
            return [part for key, value in after.items() if (part := self._part(str(key), value))]
        if before is not None or after is not None:
            keys = dict.fromkeys([*(before or {}), *(after or {})])
            return [
                self._change(str(key), (before or {}).get(key), (after or {}).get(key))
                for key in keys
                if (before or {}).get(key) != (after or {}).get(key)
            ]
        return [self._change("value", old, new)]

    def _scope(self, scope: Mapping[str, object]) -> str:
        department, dongs = scope.get("department_id"), scope.get("dong_ids")
        if not _blank(department):
            return t_plain(self.lang, "admin.roles.scope_department_value", name=str(department))
        if isinstance(dongs, list | tuple) and dongs:
            return ", ".join(str(d) for d in dongs)
        return t_plain(self.lang, "admin.audit.detail.everywhere")

    # -- dates ---------------------------------------------------------------------------------------

    def _instant(self, text: str) -> str:
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            return text
        if moment.tzinfo is not None:
            moment = moment.astimezone(self.zone)
        return moment.strftime("%Y-%m-%d %H:%M")

    def _period(self, start: object, end: object) -> str | None:
        if _blank(start) and _blank(end):
            return None
        return f"{start or ''} ~ {end or ''}".strip()


def _without(value: object, keys: frozenset[str]) -> object:
    """An old or new mapping without the keys the action says already; None once nothing is left."""
    if not isinstance(value, Mapping) or not keys:
        return value
    rest = {k: v for k, v in value.items() if k not in keys}
    return rest or None


def _blank(value: object) -> bool:
    return value is None or value == "" or value == [] or value == {}
