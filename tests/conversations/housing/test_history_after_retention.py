"""Years after a representative's term ended, the retention run removes their phone: the card and its history
still open, the name stays, and the history says why the old phone is missing."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.emulator import EmulatedUser
from core.audit_labels import audit_labels
from core.retention import Retention, RetentionPeriods
from core.staff.directory import OPERATOR
from core.texts.i18n import t_plain
from tests.builders import make_complex, make_staff
from tests.conversations.housing.test_ledger_edit import open_ledger

KEEPER_TG = 3311


@pytest.fixture
async def keeper(bot, services, emulator) -> EmulatedUser:
    roles = ("housing.read", "housing.write", "pii.view")
    await make_staff(services, saeol_id="keeper1", name="김보존", roles=roles, telegram_id=KEEPER_TG)
    return emulator.user(KEEPER_TG, first_name="보존")


async def test_a_former_representatives_phone_is_gone_and_the_card_and_history_say_so(
    keeper, uow_factory, clock, tmp_path
):
    await make_complex(uow_factory, representatives=1)  # 회장 김대표1, whose term ended in 2018
    await open_ledger(keeper, "입주자대표")
    await keeper.press("회장 김대표1")
    await keeper.press("휴대전화")
    await keeper.send("010-2468-1357")
    card = (await keeper.send("/complex 쉐르빌"))[-1]
    assert "010-2468-1357" in card.text  # pii.view: whole

    clock.advance(timedelta(days=4 * 365))  # the change is now older than the three years contacts are kept
    run = await Retention(uow_factory, clock, RetentionPeriods(audit_years=7)).run(
        OPERATOR, audit_labels("ko"), tmp_path
    )
    assert (run.counts.representatives, run.counts.audit_values) == (1, 1)

    card = (await keeper.send("/complex 쉐르빌"))[-1]
    assert card.text.startswith("🏢 ") and "김대표1" in card.text
    assert "010-2468-1357" not in card.text and "101동 101호" not in card.text
    history = (await keeper.press("🕘 변경 이력", message=card))[-1].text
    assert " · 김보존 · 입주자대표 수정" in history
    assert t_plain("ko", "hh.contacts_removed").strip() in history
    assert "010-" not in history
