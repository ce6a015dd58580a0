"""HTML pages: Jinja templates with autoescaping, texts from the catalogs, the CSRF token in every form."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web
from markupsafe import Markup

from bot.admin.keys import ACTOR, NAV_LINKS, PRE_CSRF, SESSION
from bot.admin.routing import NavLink
from core.permissions import can
from core.texts.i18n import LANGUAGES, language_of, t_plain
from core.values import StaffMember

TEMPLATES = Path(__file__).with_name("templates")
ENVIRONMENT = jinja2.Environment(
    loader=jinja2.FileSystemLoader(TEMPLATES),
    autoescape=jinja2.select_autoescape(default=True, default_for_string=True),
    undefined=jinja2.StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
)


def when(moment: str) -> Markup:
    """A date and time ("2026-11-25 10:00") that may wrap between the day and the hour on a phone, never
    inside the day ("2026-11-/25")."""
    return Markup(" ").join(Markup('<span class="nowrap">{}</span>').format(part) for part in str(moment).split())


ENVIRONMENT.filters["when"] = when
# The frame and the pages everyone meets (signing in, an error): without them no page can be shown at all.
ESSENTIAL_TEMPLATES = ("base.html", "sign_in.html", "error.html", "home.html")
LANG_KEY = web.AppKey("admin_lang_cookie", str)
CSRF_FIELD = "csrf"


def template_problem() -> str | None:
    """Why the pages cannot be shown, or None: a template missing (an install that left them out) or broken."""
    try:
        for name in sorted({*ESSENTIAL_TEMPLATES, *ENVIRONMENT.list_templates()}):
            ENVIRONMENT.get_template(name)
    except jinja2.TemplateError as error:
        return f"{type(error).__name__}: {error}"
    return None


def request_language(request: web.Request) -> str:
    """The admin's own language once signed in, else ``?lang=``, a cookie, or the browser's wish."""
    actor = request.get(ACTOR)
    if actor is not None:
        return language_of(actor.language)
    for candidate in (request.query.get("lang"), request.cookies.get("dongne_lang")):
        if candidate in LANGUAGES:
            return candidate
    accepted = request.headers.get("Accept-Language", "")
    first = accepted.split(",")[0].strip() if accepted else ""
    return language_of(first or None)


def navigation(lang: str, actor: StaffMember, links: list[NavLink]) -> list[dict[str, str]]:
    """The menu: each view module names its pages (the app gathers them); an admin is offered only the pages
    their permissions open (the services still check: hiding a link is not security)."""
    return [
        {"label": t_plain(lang, f"admin.{link.key}"), "href": link.href}
        for link in links
        if can(actor, link.permission)
    ]


def render(request: web.Request, template: str, *, status: int = 200, **context: Any) -> web.Response:
    lang = request_language(request)

    def text(key: str, **params: Any) -> str:
        return t_plain(lang, f"admin.{key}", **params)

    session = request.get(SESSION)
    actor = request.get(ACTOR)
    context.setdefault("nav_links", navigation(lang, actor, request.app[NAV_LINKS]) if actor is not None else [])
    body = ENVIRONMENT.get_template(template).render(
        t=text,
        lang=lang,
        actor=actor,
        csrf=session.csrf_token if session is not None else request.get(PRE_CSRF, ""),
        csrf_field=CSRF_FIELD,
        request=request,
        **context,
    )
    return web.Response(text=body, status=status, content_type="text/html", charset="utf-8")
