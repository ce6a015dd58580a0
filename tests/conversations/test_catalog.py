"""Every text the bot says lives in the catalogs, in both languages, with the same placeholders."""

import re
import string
from pathlib import Path

from core.texts.i18n import catalog

ROOT = Path(__file__).resolve().parents[2]
KEY_USE = re.compile(
    r"""\b(?:t|t_plain|say|shown|answer|has_text)\(\s*[\w.]+,\s*(?:f?)"([a-z_]+\.[a-z_.{}]+)"|"""
    r"""\b(?:t|t_plain)\([^,()]+,\s*f?"([a-z_]+\.[a-z_.{}]+)\""""
)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def test_korean_and_english_have_the_same_texts_and_placeholders():
    korean, english = catalog("ko"), catalog("en")
    assert set(korean) == set(english)
    for key in korean:
        assert placeholders(korean[key]) == placeholders(english[key]), key


def test_every_key_the_code_names_exists():
    keys = set(catalog("ko"))
    used: set[str] = set()
    for path in [*ROOT.glob("conversations/*.py"), *ROOT.glob("bot/*.py")]:
        for match in KEY_USE.finditer(path.read_text(encoding="utf-8")):
            used.add(match.group(1) or match.group(2))
    literal = {key for key in used if "{" not in key}
    assert literal, "the scan found no keys: the pattern is broken"
    assert literal <= keys, sorted(literal - keys)
    for prefix in {key.split("{")[0] for key in used if "{" in key}:
        assert any(k.startswith(prefix) for k in keys), prefix
