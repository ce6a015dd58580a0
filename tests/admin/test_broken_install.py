"""An install that left the templates out (issue 10): the health check names the cause, and error answers keep
their status instead of all becoming 500s. tests/test_packaging.py keeps the templates in the wheel."""

import jinja2

from bot.admin import pages
from core.texts.i18n import t_plain
from tests.admin.conftest import make_admin, sign_in


async def test_without_its_templates_the_health_check_fails_and_names_the_cause(client, monkeypatch, tmp_path):
    assert (await client.get("/healthz")).status == 200
    monkeypatch.setattr(pages.ENVIRONMENT, "loader", jinja2.FileSystemLoader(tmp_path / "no-templates"))
    response = await client.get("/healthz")
    report = await response.json()
    assert response.status == 503 and report["status"] == "failing"
    assert report["database"] == "ok" and report["schema"] == "ok"
    assert report["admin_pages"].startswith("broken: TemplateNotFound") and "base.html" in report["admin_pages"]


async def test_without_its_templates_an_unknown_path_is_still_404(client, monkeypatch, tmp_path):
    monkeypatch.setattr(pages.ENVIRONMENT, "loader", jinja2.FileSystemLoader(tmp_path / "no-templates"))
    for path in ("/no-such-page", "/staff/x/y/z"):
        missing = await client.get(path, allow_redirects=False)
        assert missing.status == 404, path
        assert await missing.text() == t_plain("ko", "admin.error.not_found")
    assert (await client.get("/sign-in")).status == 500


async def test_an_unknown_path_is_404_signed_in_or_not(client, services):
    assert (await client.get("/no-such-page", allow_redirects=False)).status == 404
    await make_admin(services)
    await sign_in(client)
    response = await client.get("/no-such-page", allow_redirects=False)
    assert response.status == 404 and t_plain("ko", "admin.error.not_found") in await response.text()
