"""The translations: every message of the templates and code is in the catalogs, and Arabic
has its six plural forms."""

import subprocess
import sys
from pathlib import Path

from babel.messages.pofile import read_po

PORTAL = Path(__file__).parents[3] / "services" / "portal"
LOCALES = PORTAL / "portal" / "locales"


def catalog(language: str):
    with (LOCALES / language / "LC_MESSAGES" / "messages.po").open("rb") as po:
        return read_po(po, locale=language)


def test_every_message_in_the_templates_and_code_has_an_arabic_translation(tmp_path):
    pybabel = Path(sys.executable).with_name("pybabel")
    extracted = tmp_path / "messages.pot"
    subprocess.run(
        [str(pybabel), "-q", "extract", "-F", "babel.cfg", "--no-location", "-o", str(extracted), "."],
        cwd=PORTAL, check=True,
    )
    with extracted.open("rb") as pot:
        wanted = {(m.context, m.id) for m in read_po(pot) if m.id}
    arabic = catalog("ar")
    translated = {
        (m.context, m.id) for m in arabic if m.id and (all(m.string) if isinstance(m.id, tuple) else m.string)
    }
    assert wanted - translated == set()
    assert wanted <= {(m.context, m.id) for m in catalog("en") if m.id}


def test_arabic_plurals_have_six_forms():
    arabic = catalog("ar")
    assert arabic.num_plurals == 6
    for message in arabic:
        if isinstance(message.id, tuple):
            assert len(message.string) == 6 and all(message.string), message.id
