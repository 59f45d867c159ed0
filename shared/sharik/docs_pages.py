"""The service's own documentation pages, served without the internet: /docs (Swagger UI,
its scripts from the swagger-ui-bundle package) and /asyncapi (the topics, rendered on
the server from the AsyncAPI document; /asyncapi.json is the document itself).

FastAPI's and FastStream's default pages load their scripts from CDNs, so they are
blank on a network that reaches only the services."""

import html
import json

from fastapi import FastAPI
from fastapi.openapi.docs import get_swagger_ui_html, get_swagger_ui_oauth2_redirect_html
from fastapi.responses import HTMLResponse, JSONResponse
from fastapi.staticfiles import StaticFiles
from faststream.specification.base import SpecificationFactory
from swagger_ui_bundle import swagger_ui_path

ASSETS = "/docs/assets"


def install_docs_pages(app: FastAPI, asyncapi: SpecificationFactory) -> None:
    """Add /docs, its assets, /asyncapi and /asyncapi.json to `app` (built with
    docs_url=None and redoc_url=None)."""
    app.mount(ASSETS, StaticFiles(directory=str(swagger_ui_path)), name="swagger-ui")

    @app.get("/docs", include_in_schema=False)
    async def swagger_ui() -> HTMLResponse:
        return get_swagger_ui_html(
            openapi_url=app.openapi_url,
            title=f"{app.title} API",
            swagger_js_url=f"{ASSETS}/swagger-ui-bundle.js",
            swagger_css_url=f"{ASSETS}/swagger-ui.css",
            swagger_favicon_url=f"{ASSETS}/favicon-32x32.png",
            oauth2_redirect_url="/docs/oauth2-redirect",
            # Swagger UI would otherwise send the document to an online validator.
            swagger_ui_parameters={"validatorUrl": None},
        )

    @app.get("/docs/oauth2-redirect", include_in_schema=False)
    async def swagger_ui_redirect() -> HTMLResponse:
        return get_swagger_ui_oauth2_redirect_html()

    @app.get("/asyncapi.json", include_in_schema=False)
    async def asyncapi_document() -> JSONResponse:
        return JSONResponse(asyncapi.to_specification().to_jsonable())

    @app.get("/asyncapi", include_in_schema=False)
    async def asyncapi_page() -> HTMLResponse:
        return HTMLResponse(render_asyncapi(app.title, asyncapi.to_specification().to_jsonable()))


def render_asyncapi(title: str, document: dict) -> str:
    """A plain page of the service's channels (topics) and each message's payload schema."""
    components = document.get("components", {})
    sections = []
    for name, channel in sorted(document.get("channels", {}).items()):
        messages = []
        for reference in channel.get("messages", {}).values():
            message = _resolve(document, reference)
            payload = _resolve(document, message.get("payload", {}))
            messages.append(
                f"<h3>{_e(message.get('title') or message.get('name') or '')}</h3>"
                f"<details><summary>payload schema</summary><pre>{_e(json.dumps(payload, indent=2))}</pre></details>"
            )
        sections.append(
            f"<section><h2>{_e(channel.get('address', name))}</h2>"
            f"<p><code>{_e(name)}</code></p>{''.join(messages)}</section>"
        )
    schemas = json.dumps(components.get("schemas", {}), indent=2)
    return (
        "<!DOCTYPE html><html><head><meta charset='utf-8'>"
        "<meta name='viewport' content='width=device-width, initial-scale=1'>"
        f"<title>{_e(title)} topics</title>"
        "<style>body{font-family:sans-serif;max-width:60rem;margin:auto;padding:1rem}"
        "pre{background:#f4f4f4;padding:.5rem;overflow:auto}section{border-top:1px solid #ccc}</style>"
        f"</head><body><h1>{_e(title)}: topics</h1>"
        f"<p>AsyncAPI {_e(document.get('asyncapi', ''))}; the document: <a href='/asyncapi.json'>/asyncapi.json</a></p>"
        f"{''.join(sections) or '<p>This service neither publishes nor consumes topics here.</p>'}"
        f"<details><summary>all schemas</summary><pre>{_e(schemas)}</pre></details>"
        "</body></html>"
    )


def _resolve(document: dict, node: dict) -> dict:
    reference = node.get("$ref") if isinstance(node, dict) else None
    if not reference:
        return node
    for part in reference.removeprefix("#/").split("/"):
        document = document.get(part, {})
    return document


def _e(text: str) -> str:
    return html.escape(str(text))
