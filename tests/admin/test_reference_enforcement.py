"""A support criterion says whether a project above its maximum is refused or only warned about; the admin
sets it on the reference page, and the ledger holds projects to it."""

from core.reference import ReferenceKind
from tests.admin.test_reference_pages import entries, post, text


async def test_the_admin_sets_whether_a_criterion_refuses_or_warns(client, admin, services):
    added = await post(
        client,
        "/reference/criteria",
        "/reference/criteria",
        name="공동체활성화",
        max_amount="2,000",
        enforcement="warn",
    )
    assert added.status == 303
    body = await (await client.get("/reference/criteria")).text()
    assert text("reference.enforcement.warn") in body
    [criterion] = await entries(services, admin, ReferenceKind.SUPPORT_CRITERION)
    assert criterion.enforcement == "warn"
    form = await (await client.get(f"/reference/criteria/{criterion.id}")).text()
    assert '<option value="warn" selected>' in form
    default = await post(client, "/reference/criteria", "/reference/criteria", name="주차장 보수", max_amount="500")
    assert default.status == 303
    refused = await post(client, "/reference/criteria", "/reference/criteria", name="경비실", enforcement="maybe")
    assert refused.status == 422
    kept = {c.name: c.enforcement for c in await entries(services, admin, ReferenceKind.SUPPORT_CRITERION)}
    assert kept == {"공동체활성화": "warn", "주차장 보수": "refuse"}
