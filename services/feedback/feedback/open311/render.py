"""GeoReport v2 documents in JSON or XML, and its error documents."""

from typing import Any, Literal
from xml.etree import ElementTree

from fastapi.responses import JSONResponse, Response

Format = Literal["json", "xml"]
FORMATS: tuple[str, ...] = ("json", "xml")

# The element each list's items are wrapped in, in the XML form.
_ITEM_TAGS = {"endpoints": "endpoint", "formats": "format", "attributes": "attribute", "values": "value"}


class Open311Error(Exception):
    """A request GeoReport v2 answers with an error document and an HTTP status."""

    def __init__(self, status: int, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.description = description


def document(
    fmt: Format, content: dict | list[dict], *, root: str, item: str | None = None, status: int = 200
) -> Response:
    """`content` as JSON, or as XML under `root` (with each list entry in an `item` element)."""
    if fmt == "json":
        return JSONResponse(content, status_code=status)
    element = ElementTree.Element(root)
    if isinstance(content, list):
        for entry in content:
            _fill(ElementTree.SubElement(element, item or "item"), entry)
    else:
        _fill(element, content)
    body = ElementTree.tostring(element, encoding="utf-8", xml_declaration=True)
    return Response(body, status_code=status, media_type="text/xml; charset=utf-8")


def error(fmt: Format, failure: Open311Error) -> Response:
    """The spec's error list: [{code, description}] or <errors><error>…</error></errors>;
    like the spec's examples, the code is the HTTP status."""
    content = [{"code": failure.status, "description": failure.description}]
    response = document(fmt, content, root="errors", item="error", status=failure.status)
    if failure.status == 401:
        response.headers["WWW-Authenticate"] = "Bearer"
    return response


def _fill(element: ElementTree.Element, fields: dict[str, Any]) -> None:
    for name, value in fields.items():
        child = ElementTree.SubElement(element, name)
        if isinstance(value, list):
            for entry in value:
                grandchild = ElementTree.SubElement(child, _ITEM_TAGS.get(name, "item"))
                if isinstance(entry, dict):
                    _fill(grandchild, entry)
                else:
                    grandchild.text = _text(entry)
        else:
            child.text = _text(value)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)
