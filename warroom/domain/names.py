"""Names that decide something: people, channels, ``--as``.

Two names that a person reads as the same ("Dana", "DANA", full-width "Dana") must be the same name
wherever a name decides something (author against approver, roles, unique channel names),
while the name is stored and shown as it was typed. And a name is printed on terminals, in
logs and on exports, so it may not carry characters that move the cursor, change the
terminal's title or reorder what a reader sees (control and bidirectional-override
characters).
"""

from __future__ import annotations

import unicodedata

from warroom.domain.errors import ValidationError

# Bidirectional embeddings, overrides and isolates (Unicode 'Trojan Source' characters), plus
# the marks that steer direction invisibly. All are category Cf; listed for the message.
_BIDI_CONTROLS = frozenset(
    "\u200e\u200f\u061c\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


def name_key(name: str) -> str:
    """Return the form under which two names compare equal: NFKC, case-folded, trimmed.

    This is Unicode's NFKC_Casefold in spirit (normalise, fold, normalise again, since
    folding can produce sequences that are not in normal form), with outer white space and
    runs of inner white space reduced, so that "Dana", " DANA " and a full-width "Dana"
    are one person.
    """
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", name).casefold())
    return " ".join(folded.split())


def same_name(first: str, second: str) -> bool:
    """Tell whether two names are the same name (see :func:`name_key`)."""
    return name_key(first) == name_key(second)


def unsafe_name_reason(name: str) -> str | None:
    """Return why ``name`` cannot be used as a name (None when it can).

    Refused: control characters (C0, C1, DEL, line breaks, tabs), bidirectional controls,
    and other invisible format characters (zero-width space and joiners, byte order mark),
    which would let one name pass for another.
    """
    for char in name:
        category = unicodedata.category(char)
        if char in _BIDI_CONTROLS:
            return f"contains a bidirectional control character (U+{ord(char):04X})"
        if category == "Cc":
            return f"contains a control character (U+{ord(char):04X})"
        if category in ("Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            return f"contains an invisible or unassigned character (U+{ord(char):04X})"
    return None


def check_name(name: str, what: str = "a name") -> str:
    """Return ``name`` trimmed, or refuse it (empty, or unsafe) naming ``what`` it is."""
    cleaned = name.strip()
    if not cleaned:
        raise ValidationError(f"{what} cannot be empty")
    reason = unsafe_name_reason(cleaned)
    if reason:
        raise ValidationError(f"{what} {reason}; use letters, digits and punctuation")
    return cleaned
