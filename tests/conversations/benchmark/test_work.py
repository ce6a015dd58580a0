"""The review's and the progress report's work in hand is kept in the user's data as JSON, so a restart keeps it."""

import json

from conversations.benchmark.work import Work
from core.benchmark.values import Adoption, ProgressResult, WorkDraft


def test_work_survives_a_trip_through_json():
    work = Work(case_id=3, case_no="2026-4-1", title="느린 우체통", version=7, adoption=Adoption.ADOPT, opinion="좋음")
    kept = json.loads(json.dumps(work.as_json()))
    assert Work.from_json(kept) == work
    progress = Work(case_id=3, case_no="2026-4-1", title="", version=8, result=ProgressResult.COMPLETED, note="끝")
    assert Work.from_json(json.loads(json.dumps(progress.as_json()))) == progress


def test_work_kept_before_the_dialogues_were_split_still_reads():
    kept = {
        "mode": "rv",
        "case_id": 3,
        "case_no": "2026-4-1",
        "title": "느린 우체통",
        "version": 7,
        "adoption": "adopt",
        "opinion": None,
        "result": None,
        "note": None,
    }
    work = Work.from_json(kept)
    assert work.adoption is Adoption.ADOPT and work.version == 7
    assert work.draft() == WorkDraft(adoption=Adoption.ADOPT)
