"""The handover (업무 인계, ``core.handover``) in the JSON API: a preview, then the handover itself naming the
preview's fingerprint, as the web page does. Both need the ``admin`` permission of the token's owner."""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.admin.api_json import invalid, json_body
from bot.admin.api_staff import ONE, TAG_STAFF, integer_field
from bot.admin.keys import ACTOR
from bot.admin.openapi import Operation, api_route, define_schemas, ref
from bot.admin.routing import Route
from bot.admin.security import SERVICES
from bot.admin.views_staff import staff_id_of
from core.handover import Handover, HandoverPlan

HANDOVER = ONE + "/handover"

define_schemas(
    {
        "HandoverRequest": {
            "type": "object",
            "required": ["successor_id"],
            "properties": {
                "successor_id": {"type": "integer"},
                "fingerprint": {
                    "type": "string",
                    "maxLength": 16,
                    "description": "The preview's; required to hand over",
                },
                "end_roles": {"type": "boolean", "default": False},
            },
        },
        "HandoverPlan": {
            "type": "object",
            "required": ["departing", "successor", "cases", "saved_lists", "complaints", "roles", "blockers"],
            "properties": {
                "departing": ref("Named"),
                "successor": ref("Named"),
                "cases": {"type": "array", "items": {"type": "object"}},
                "saved_lists": {"type": "array", "items": {"type": "object"}},
                "complaints": {"type": "array", "items": {"type": "object"}},
                "roles": {"type": "array", "items": {"type": "string"}},
                "blockers": {"type": "array", "items": {"type": "object"}},
                "fingerprint": {"type": "string"},
                "roles_ended": {"type": "array", "items": {"type": "string"}},
            },
        },
    }
)


def _handover(request: web.Request) -> Handover:
    return request.app[SERVICES].handover


def plan_json(plan: HandoverPlan) -> dict[str, Any]:
    return {
        "departing": {"id": plan.departing.id, "name": plan.departing.name},
        "successor": {"id": plan.successor.id, "name": plan.successor.name},
        "cases": [{"id": c.id, "case_no": c.case_no, "title": c.title, "department": c.department} for c in plan.cases],
        "saved_lists": [{"id": s.id, "name": s.name, "entries": s.entry_count} for s in plan.saved_lists],
        "complaints": [
            {"id": c.id, "complex": c.complex_name, "received_on": c.received_on.isoformat()} for c in plan.complaints
        ],
        "roles": list(plan.roles),
        "blockers": [{"code": b.code, "detail": b.detail} for b in plan.blockers],
        "fingerprint": plan.fingerprint,
    }


@api_route(
    "POST",
    HANDOVER + "/preview",
    "api_handover_preview",
    Operation(
        summary="Preview a departing member's handover",
        tag=TAG_STAFF,
        description="What would move to the successor: open benchmarking cases, open complaints and saved SMS "
        "lists, and what the successor lacks to take them (blockers). Changes nothing.",
        body="HandoverRequest",
        answers={200: ("The plan and its fingerprint", "HandoverPlan")},
        errors=(404, 422),
    ),
)
async def api_handover_preview(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    successor_id = integer_field(body, "successor_id", required=True) or 0
    plan = await _handover(request).preview(request[ACTOR], staff_id_of(request), successor_id)
    return web.json_response(plan_json(plan))


@api_route(
    "POST",
    HANDOVER,
    "api_handover",
    Operation(
        summary="Hand a departing member's work to a successor",
        tag=TAG_STAFF,
        description="Moves what the preview with this fingerprint showed, all or nothing, and optionally ends "
        "the departing member's roles; 409 handover_changed when the work changed since the preview.",
        body="HandoverRequest",
        answers={200: ("What moved", "HandoverPlan")},
        errors=(404, 409, 422),
    ),
)
async def api_handover(request: web.Request) -> web.StreamResponse:
    body = await json_body(request)
    successor_id = integer_field(body, "successor_id", required=True) or 0
    fingerprint = body.get("fingerprint")
    if not isinstance(fingerprint, str) or not fingerprint:
        raise invalid("fingerprint", "the preview's fingerprint")
    end_roles = body.get("end_roles", False)
    if not isinstance(end_roles, bool):
        raise invalid("end_roles", "true or false")
    done = await _handover(request).hand_over(
        request[ACTOR], staff_id_of(request), successor_id, fingerprint=fingerprint[:16], end_roles=end_roles
    )
    return web.json_response({**plan_json(done.plan), "roles_ended": list(done.roles_ended)})


ROUTES: list[Route] = [api_handover_preview, api_handover]
