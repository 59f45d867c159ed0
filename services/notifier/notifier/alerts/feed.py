"""The public feeds of issued alerts: Atom (one entry per alert, linking to its CAP
document) and a plain list of the CAP documents themselves."""

import xml.etree.ElementTree as ET

from notifier.alerts.alert import Alert
from notifier.alerts.cap import NS as CAP_NS
from notifier.alerts.cap import cap_time

ATOM = "application/atom+xml"
CAP = "application/cap+xml"
CAP_LIST = "application/xml"
ATOM_NS = "http://www.w3.org/2005/Atom"
ET.register_namespace("atom", ATOM_NS)


def atom(issued: list[tuple[Alert, str]], *, base_url: str) -> bytes:
    feed = ET.Element(f"{{{ATOM_NS}}}feed")
    _add(feed, "id", f"{base_url}public/alerts.atom")
    _add(feed, "title", "Sharik public alerts · تنبيهات شارك العامة")
    _add(feed, "updated", cap_time(issued[0][0].sent) if issued else "1970-01-01T00:00:00+00:00")
    _add(feed, "link", rel="self", href=f"{base_url}public/alerts.atom")
    for alert, _document in issued:
        infos = {i.language: i for i in alert.content.infos}
        entry = _add(feed, "entry")
        _add(entry, "id", f"urn:sharik:alert:{alert.identifier}")
        _add(entry, "title", f"{infos['ar'].headline} · {infos['en'].headline}")
        _add(entry, "updated", cap_time(alert.sent))
        _add(_add(entry, "author"), "name", infos["en"].sender_name)
        _add(entry, "summary", f"{infos['ar'].description}\n\n{infos['en'].description}")
        _add(entry, "link", rel="alternate", type=CAP, href=f"{base_url}public/alerts/{alert.alert_id}.xml")
        _add(entry, "category", term=alert.msg_type)
    return ET.tostring(feed, encoding="utf-8", xml_declaration=True)


def cap_list(issued: list[tuple[Alert, str]]) -> bytes:
    """`<alerts>` holding each CAP `<alert>` element, newest first."""
    root = ET.Element("alerts")
    for _alert, document in issued:
        root.append(ET.fromstring(document.encode()))
    ET.register_namespace("", CAP_NS)
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _add(parent: ET.Element, name: str, text: str | None = None, **attributes: str) -> ET.Element:
    element = ET.SubElement(parent, f"{{{ATOM_NS}}}{name}", attributes)
    if text is not None:
        element.text = text
    return element
