"""An alert as a CAP 1.2 document (urn:oasis:names:tc:emergency:cap:1.2), in the
schema's element order: one <info> per language, each with the area described in
that language, times in Muscat's offset."""

import xml.etree.ElementTree as ET
from datetime import datetime

from notifier.alerts.alert import Alert, Info
from notifier.alerts.area import cap_circle, cap_polygon
from notifier.domain.messages import MUSCAT

NS = "urn:oasis:names:tc:emergency:cap:1.2"
ET.register_namespace("", NS)

# The short renderings' names, as US Wireless Emergency Alerts' CAP profile calls them;
# operators' gateways look for these.
SHORT_PARAMETERS = {"text_90": "CMAMtext", "text_360": "CMAMlongtext"}


def cap_time(moment: datetime) -> str:
    """CAP's dateTime: seconds, and a zone offset (never "Z")."""
    return moment.astimezone(MUSCAT).replace(microsecond=0).isoformat()


def render(alert: Alert) -> bytes:
    assert alert.sent is not None, "only an issued alert is rendered"
    root = ET.Element(f"{{{NS}}}alert")
    _add(root, "identifier", alert.identifier)
    _add(root, "sender", alert.sender)
    _add(root, "sent", cap_time(alert.sent))
    _add(root, "status", alert.content.status)
    _add(root, "msgType", alert.msg_type)
    _add(root, "scope", "Public")
    if alert.content.note:
        _add(root, "note", alert.content.note)
    if alert.references:
        _add(root, "references", " ".join(f"{r.sender},{r.identifier},{cap_time(r.sent)}" for r in alert.references))
    for info in alert.content.infos:
        _info(root, alert, info)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _info(root: ET.Element, alert: Alert, info: Info) -> None:
    content = alert.content
    element = _add(root, "info")
    _add(element, "language", info.language)
    for category in content.categories:
        _add(element, "category", category)
    _add(element, "event", info.event)
    for response in content.response_types:
        _add(element, "responseType", response)
    _add(element, "urgency", content.urgency)
    _add(element, "severity", content.severity)
    _add(element, "certainty", content.certainty)
    _add(element, "onset", cap_time(content.onset))
    _add(element, "expires", cap_time(content.expires))
    _add(element, "senderName", info.sender_name)
    _add(element, "headline", info.headline)
    _add(element, "description", info.description)
    _add(element, "instruction", info.instruction)
    for field, name in SHORT_PARAMETERS.items():
        parameter = _add(element, "parameter")
        _add(parameter, "valueName", name)
        _add(parameter, "value", getattr(info, field))
    area = _add(element, "area")
    _add(area, "areaDesc", content.area.description[info.language])
    for polygon in content.area.polygons:
        _add(area, "polygon", cap_polygon(polygon))
    for circle in content.area.circles:
        _add(area, "circle", cap_circle(circle))
    for geocode in content.area.geocodes:
        code = _add(area, "geocode")
        _add(code, "valueName", geocode.name)
        _add(code, "value", geocode.value)


def _add(parent: ET.Element, name: str, text: str | None = None) -> ET.Element:
    element = ET.SubElement(parent, f"{{{NS}}}{name}")
    if text is not None:
        element.text = text
    return element


def acknowledgement(body: bytes) -> tuple[str, str | None]:
    """A cell broadcast centre's answer, a CAP message of type Ack or Error: its
    msgType and note."""
    root = ET.fromstring(body)
    if root.tag != f"{{{NS}}}alert":
        raise ValueError("the answer is not a CAP 1.2 alert")
    return root.findtext(f"{{{NS}}}msgType") or "", root.findtext(f"{{{NS}}}note")
