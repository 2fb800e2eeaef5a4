"""Names are one line of plain text.

An organisation's name goes into e-mail subjects, where a line break is a header injection
(Django refuses to send it: every invitation became a 500) and into page titles and PDFs. The
forms collapse whitespace, so a pasted line break becomes a space; the model's validator then
refuses whatever control characters are left.
"""

import unicodedata

from django.core.exceptions import ValidationError

# Bidirectional overrides and isolates can make a name display as something else entirely.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069")


def _is_control(char: str) -> bool:
    return unicodedata.category(char) in {"Cc", "Zl", "Zp"} or char in _BIDI_CONTROLS


def single_line(value: str) -> str:
    """The text on one line: runs of whitespace (line breaks too) become one space, and any
    other control character is dropped. For text that is already stored, such as a subject."""
    return "".join(char for char in " ".join(value.split()) if not _is_control(char))


def validate_single_line(value: str) -> None:
    if any(_is_control(char) for char in value):
        raise ValidationError(
            "Use one line of ordinary text: no line breaks or control characters.",
            code="single_line",
        )
