"""The English interface is a real translation, and the Latvian catalogue is the source."""

from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import ngettext


def test_english_catalogue_translates_the_interface():
    with translation.override("en"):
        assert _("Klienti") == "Clients"
        assert _("Jauns klients") == "New client"
    with translation.override("lv"):
        assert _("Klienti") == "Klienti"


def test_english_plurals():
    with translation.override("en"):
        one = ngettext("Atrasts %(n)s klients", "Atrasti %(n)s klienti", 1) % {"n": 1}
        many = ngettext("Atrasts %(n)s klients", "Atrasti %(n)s klienti", 5) % {"n": 5}
    assert (one, many) == ("1 client found", "5 clients found")


def test_english_catalogue_has_no_untranslated_or_fuzzy_entries():
    from pathlib import Path

    from django.conf import settings

    po = Path(settings.BASE_DIR) / "locale" / "en" / "LC_MESSAGES" / "django.po"
    entries = po.read_text(encoding="utf-8").split("\n\n")[1:]  # the first block is the header
    fuzzy = [e for e in entries if "#, fuzzy" in e]
    empty = [e for e in entries if e.rstrip().endswith('msgstr ""') or 'msgstr[0] ""\n' in e]
    assert not fuzzy, fuzzy[:3]
    assert not empty, empty[:3]
    mo = po.with_suffix(".mo")
    assert mo.exists() and mo.stat().st_size > 0
