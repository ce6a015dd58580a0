"""What the ``dongne`` commands tell the operator: a line of the catalog's ``cli.*`` texts on stdout, a
``cli_error.*`` one on stderr. Shared by the commands and by the serving sequences that report as they go."""

from __future__ import annotations

import html
import re
import sys

from core.errors import DongneError
from core.texts.i18n import DEFAULT_LANGUAGE, has_text, t_plain


def say(key: str, **params: object) -> None:
    print(t_plain(DEFAULT_LANGUAGE, f"cli.{key}", **params))


def complain(key: str, **params: object) -> None:
    print(t_plain(DEFAULT_LANGUAGE, f"cli_error.{key}", **params), file=sys.stderr)


def explain(error: DongneError) -> None:
    """A domain error in the operator's words: its own text where the catalog has one."""
    params = {**error.params, "detail": str(error)}
    if not has_text(DEFAULT_LANGUAGE, f"cli_error.{error.code}") and has_text(DEFAULT_LANGUAGE, f"error.{error.code}"):
        # The chat's sentence, without its markup: what the staff member would have been told.
        text = t_plain(DEFAULT_LANGUAGE, f"error.{error.code}", **params)
        print(html.unescape(re.sub(r"<[^>]+>", "", text)), file=sys.stderr)
        return
    complain(error.code if has_text(DEFAULT_LANGUAGE, f"cli_error.{error.code}") else "other", **params)
