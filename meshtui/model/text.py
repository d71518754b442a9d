"""Makes untrusted strings safe to show: control characters visible, lengths bounded.

Every string meshtui shows comes from somebody else's object, a Prometheus answer or a file. A
terminal acts on control characters (ESC starts a sequence that can clear the screen, set the
title or blink fake text), so before any such string reaches a terminal it goes through
`visible`. Markup is a separate matter for the UI layer: it builds `Text` from these strings and
never parses them as markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

__all__ = ["BACKENDS_SHOWN", "ELLIPSIS", "MAX_NAME_LENGTH", "NAME_LIMIT", "clip", "listed",
           "name_problem", "short_repr", "visible"]

MAX_NAME_LENGTH = 253
"""The longest name Kubernetes accepts for any object (a DNS-1123 subdomain)."""

ELLIPSIS = "…"

NAME_LIMIT = 63
"""Widest name of a Service, backend or namespace in a text line, cut with an ellipsis beyond.
Kubernetes allows 63 characters for each, so only a name no cluster could use is ever cut; JSON
output has every name whole."""
BACKENDS_SHOWN = 8
"""Backends named in one text line; the others are counted (``-o json`` lists them all)."""

# C0 controls, DEL and C1 controls. C1 matters as much as C0: a terminal may take U+009B as CSI.
_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")
# Characters that draw nothing or reorder what follows: bidi overrides, embeddings and isolates,
# marks, zero-width spaces and joiners, word joiner and invisible operators, BOM, soft hyphen, line
# and paragraph separators. "\u202eelbats" is drawn as "stable" by a terminal doing bidi and
# "authors\u200b" as "authors": another name than the real one, so they are shown escaped too.
_INVISIBLE = "\u00ad\u061c\u180e\u200b-\u200f\u2028-\u202e\u2060-\u2064\u2066-\u2069\ufeff"
_UNSAFE = re.compile(f"[\x00-\x1f\x7f-\x9f{_INVISIBLE}]")
_SHORT_ESCAPES = {"\n": "\\n", "\r": "\\r", "\t": "\\t"}


def _escape(match: re.Match[str]) -> str:
    char = match.group()
    code = ord(char)
    return _SHORT_ESCAPES.get(char) or (f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}")


def visible(value: object, limit: int | None = None) -> str:
    """Return `value` as a string a terminal prints as-is: control characters escaped.

    Args:
        value: Anything; non-strings are formatted with `str`.
        limit: When given, the result is cut to at most this many characters, ending in "…".

    Returns:
        The string with each C0/C1 control and DEL written as `\\x1b`, `\\n`, `\\t` and so on,
        and each invisible or direction-changing character as `\\u202e` and so on.
    """
    text = value if isinstance(value, str) else _str(value)
    if limit is not None and len(text) > limit * 4 + 16:
        # Escaping can only lengthen the text, so a long input is cut before the work is done.
        text = text[: limit * 4 + 16]
    if _UNSAFE.search(text):
        text = _UNSAFE.sub(_escape, text)
    return clip(text, limit) if limit is not None else text


def clip(text: str, limit: int) -> str:
    """Cut `text` to at most `limit` characters, marking the cut with an ellipsis."""
    if len(text) <= limit:
        return text
    if limit <= 0:
        return ""
    return text[: limit - 1] + ELLIPSIS


def listed(shown: Sequence[str], total: int, sep: str = ", ") -> str:
    """The items `shown` joined, with a count of the others when `total` is more ("+3 more")."""
    more = [f"+{total - len(shown)} more"] if total > len(shown) else []
    return sep.join([*shown, *more])


def name_problem(what: str, name: str) -> str | None:
    """Describe why `name` cannot be a real Kubernetes name as shown, or None when it is fine.

    Kubernetes itself refuses such names for Services, but a TrafficSplit's `spec.service` or
    backend is a free string in the CRD, so a hostile or mistaken object can carry anything.
    """
    reasons = []
    if _CONTROL.search(name):
        reasons.append("control characters")
    if re.search(f"[{_INVISIBLE}]", name):
        reasons.append("invisible or direction-changing characters")
    if "[" in name or "]" in name:
        reasons.append("markup brackets")
    if len(name) > MAX_NAME_LENGTH:
        reasons.append(f"{len(name):,} characters (Kubernetes allows {MAX_NAME_LENGTH})")
    if not reasons:
        return None
    return f"{what} {visible(name, 60)!s} has {' and '.join(reasons)}: not a name Kubernetes accepts"


# An int this wide has more digits than Python converts to text (4,300), and no use as a number.
_MAX_INT_BITS = 1024
_MAX_DEPTH = 3


def _str(value: object) -> str:
    """`str(value)`, except for values whose text Python refuses to make (huge ints)."""
    if isinstance(value, int) and value.bit_length() > _MAX_INT_BITS:
        return short_repr(value, 80)
    try:
        return str(value)
    except (ValueError, RecursionError):
        return short_repr(value, 80)


def short_repr(value: object, limit: int = 40) -> str:
    """Return a repr of an untrusted value for a message: at most `limit` characters, never raising.

    A plain `repr` fails on an int of more than 4,300 digits (and so on any list or mapping holding
    one) and has no bound on its length; this one describes such an int instead of writing it,
    shows at most a few items of a container and escapes control characters like `repr` does.
    """
    return clip(_repr(value, limit, _MAX_DEPTH), limit)


def _repr(value: object, limit: int, depth: int) -> str:
    if isinstance(value, str):
        return repr(value[: limit + 1])
    if isinstance(value, bool) or value is None or isinstance(value, float):
        return repr(value)
    if isinstance(value, int):
        if value.bit_length() > _MAX_INT_BITS:
            digits = int(value.bit_length() * 0.30103)
            return f"<an integer of about {digits:,} digits>"
        return repr(value)
    if depth <= 0:
        return "…"
    if isinstance(value, list | tuple):
        items = [_repr(item, limit, depth - 1) for item in value[:4]]
        more = ", …" if len(value) > 4 else ""
        return f"[{', '.join(items)}{more}]"
    if isinstance(value, dict):
        pairs = [f"{_repr(k, limit, depth - 1)}: {_repr(v, limit, depth - 1)}"
                 for k, v in list(value.items())[:4]]
        more = ", …" if len(value) > 4 else ""
        return f"{{{', '.join(pairs)}{more}}}"
    return f"<{type(value).__name__}>"
