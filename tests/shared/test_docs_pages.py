"""/docs and /asyncapi work without the internet: every script, style and image they
load comes from the service itself, and no page names a CDN."""

import re

import httpx
import pytest
from tests.shared.test_http_contract import SERVICES, build

URL = re.compile(r"""(?:src|href)\s*=\s*["']([^"']+)["']|url\(["']?([^"')]+)""")
EXTERNAL = re.compile(r"https?://(?!127\.0\.0\.1|localhost)[\w.-]+")


@pytest.fixture(params=sorted(SERVICES))
async def http(request):
    app = build(request.param)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://service") as client:
        yield client


async def test_swagger_ui_loads_its_assets_from_the_service(http):
    page = await http.get("/docs")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert not EXTERNAL.search(page.text), EXTERNAL.search(page.text)
    loaded = [a or b for a, b in URL.findall(page.text)]
    assert any(u.endswith("swagger-ui-bundle.js") for u in loaded) and any(u.endswith(".css") for u in loaded)
    for url in loaded:
        asset = await http.get(url)
        assert asset.status_code == 200, url
        assert len(asset.content) > 100, url
    openapi = re.search(r"url: '([^']+)'", page.text).group(1)
    assert (await http.get(openapi)).json()["openapi"].startswith("3.")
    assert "validatorUrl" in page.text  # switched off: no document sent to an online validator


async def test_the_asyncapi_page_is_rendered_on_the_service(http):
    page = await http.get("/asyncapi")
    assert page.status_code == 200 and "text/html" in page.headers["content-type"]
    assert "<script" not in page.text
    assert not EXTERNAL.search(page.text), EXTERNAL.search(page.text)
    document = (await http.get("/asyncapi.json")).json()
    assert document["asyncapi"].startswith("3.")
    for channel in document["channels"].values():
        assert channel["address"] in page.text


async def test_no_page_of_the_service_names_a_cdn(http):
    for path in ("/docs", "/asyncapi", "/docs/oauth2-redirect"):
        response = await http.get(path)
        assert response.status_code == 200, path
        assert not re.search(r"cdn|jsdelivr|unpkg", response.text, re.IGNORECASE), path
    assert (await http.get("/redoc")).status_code == 404
