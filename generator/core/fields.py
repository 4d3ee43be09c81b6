"""Field types of the content contract, each with the message a volunteer reads.

Every type here parses the plain values the reader produces (text, numbers,
booleans, lists, mappings) and fails with a sentence that says what to write
instead. None of them coerces silently: ``draft: yes`` is an error, not True.
"""

from __future__ import annotations

import re
import types
import typing
from datetime import date, datetime
from typing import Annotated, Any
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import BaseModel, PlainValidator, WithJsonSchema
from pydantic_core import PydanticCustomError

from .vocab import COUNTRIES, LANGUAGES


def fail(message: str) -> PydanticCustomError:
    """An error whose message is shown to the volunteer as written."""
    return PydanticCustomError("accompany", message)


def _show(value: Any) -> str:
    if isinstance(value, str):
        return repr(value)
    if isinstance(value, bool):
        return "true" if value else "false"
    if value is None:
        return "an empty value"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, tuple):
        return "a list"
    return str(value)


#: Characters XML 1.0 cannot carry (feeds, sitemaps, calendars' XML cousins): C0 controls but tab and
#: line ends, and the two noncharacters. YAML refuses them written raw, but not as escapes ("\x1f").
CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")


def control_problem(text: str) -> str | None:
    """Why ``text`` cannot be published as it is, or None."""
    found = CONTROL.search(text)
    return f"contains the control character U+{ord(found.group()):04X}, which cannot be published: remove it" if found else None


def _text(value: Any) -> str:
    if isinstance(value, str):
        if not value.strip():
            raise fail("must not be empty")
        why = control_problem(value)
        if why:
            raise fail(why)
        return value
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        raise fail(f"must be text: put {value} in quotes")
    raise fail(f"must be text, not {_show(value)}")


def _plain_text(value: Any) -> str:
    text = _text(value)
    if "\n" in text.strip():
        raise fail("must be a single line")
    if "<" in text or ">" in text:
        raise fail("must be plain text: remove '<' and '>' (markup belongs in the body)")
    return text.strip()


_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]*\Z")


def _slug(value: Any) -> str:
    text = _text(value)
    if not _SLUG.match(text):
        raise fail(
            f"{text!r} is not a slug: use lowercase letters, digits, '-' and '_' "
            "(the file name without .md)"
        )
    return text


_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9._-]*\Z")


def _identifier(value: Any) -> str:
    text = _text(value)
    if not _ID.match(text):
        raise fail(f"{text!r} is not a valid id: use letters, digits, '.', '-' and '_', e.g. UA-2026-014")
    return text


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}\Z")
_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?\Z")


def _date(value: Any) -> date:
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATE.match(value.strip()):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            raise fail(f"{value!r} is not a real date") from None
    raise fail(f"must be a date written YYYY-MM-DD, e.g. 2026-12-18, not {_show(value)}")


def _datetime(value: Any) -> datetime:
    if isinstance(value, datetime):
        return value
    if isinstance(value, str) and _DATETIME.match(value.strip()):
        try:
            return datetime.fromisoformat(value.strip())
        except ValueError:
            raise fail(f"{value!r} is not a real date and time") from None
    raise fail(
        "must be a date and time written YYYY-MM-DDTHH:MM, e.g. 2026-12-18T18:30 "
        f"or 2026-12-18T18:30:00+01:00, not {_show(value)}"
    )


def _date_or_datetime(value: Any) -> date | datetime:
    if isinstance(value, str) and _DATE.match(value.strip()):
        return _date(value)
    if isinstance(value, str) and _DATETIME.match(value.strip()):
        return _datetime(value)
    raise fail(
        "must be a date (2026-12-18) or a date and time (2026-12-18T09:00:00+01:00), "
        f"not {_show(value)}"
    )


def _date_or_year(value: Any) -> date | int:
    if isinstance(value, int) and not isinstance(value, bool) and 1900 <= value <= 2200:
        return value
    if isinstance(value, str) and re.fullmatch(r"\d{4}", value.strip()):
        return int(value)
    if isinstance(value, str) and _DATE.match(value.strip()):
        return _date(value)
    raise fail(f"must be a year (2019) or a date (2019-03-01), not {_show(value)}")


def _country(value: Any) -> str:
    if value is False:  # PyYAML 1.1 habits: we never read NO as false, but be explicit
        raise fail("must be a two-letter country code such as NO, in quotes")
    text = _text(value).strip()
    code = text.upper()
    if len(code) != 2 or code not in COUNTRIES:
        raise fail(f"{text!r} is not an ISO 3166-1 alpha-2 country code (CO, GT, KE, NO ...)")
    return code


_LANG = re.compile(
    r"(?P<lang>[a-zA-Z]{2,3})(-[a-zA-Z]{4})?(-([a-zA-Z]{2}|\d{3}))?"
    r"(-([a-zA-Z0-9]{5,8}|\d[a-zA-Z0-9]{3}))*\Z"
)


def _lang(value: Any) -> str:
    text = _text(value).strip()
    if "_" in text:
        raise fail(f"{text!r} is not a BCP 47 language tag: write {text.replace('_', '-')!r}")
    match = _LANG.match(text)
    if not match or (len(match["lang"]) == 2 and match["lang"].lower() not in LANGUAGES):
        raise fail(f"{text!r} is not a BCP 47 language tag (en, es, pt-BR, ne, sw ...)")
    return text


def _url(value: Any) -> str:
    text = _text(value).strip()
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or any(c.isspace() for c in text):
        raise fail(f"{text!r} is not a web address: write it in full, starting with https://")
    return text


_EMAIL = re.compile(r"[^@\s<>\"',;]+@[^@\s<>\"',;]+\.[^@\s<>\"',;]+\Z")


def _email(value: Any) -> str:
    text = _text(value).strip()
    if not _EMAIL.match(text):
        raise fail(f"{text!r} is not an email address")
    return text


def _timezone(value: Any) -> str:
    text = _text(value).strip()
    try:
        if "/" not in text and text != "UTC":
            raise ValueError
        ZoneInfo(text)
    except (ZoneInfoNotFoundError, ValueError):
        raise fail(f"{text!r} is not an IANA time zone name such as Europe/London or America/Bogota") from None
    return text


MEDIA_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif")


def _media_path(value: Any) -> str:
    text = _text(value).strip()
    parts = text.split("/")
    if (
        text.startswith("/")
        or "\\" in text
        or any(p in ("", ".", "..") for p in parts)
        or parts[0] != "media"
        or len(parts) < 2
    ):
        raise fail(f"{text!r} must be a path inside content/media/, written like media/river.jpg")
    if not text.lower().endswith(MEDIA_SUFFIXES):
        raise fail(f"{text!r} is not an image: use .jpg, .jpeg, .png, .webp or .gif")
    return text


_TAG_AUTHORITY = re.compile(
    r"(?P<host>[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+),(?P<date>\d{4}(-\d{2}(-\d{2})?)?)\Z"
)


def _tag_authority(value: Any) -> str:
    text = _text(value).strip()
    match = _TAG_AUTHORITY.match(text)
    if not match:
        raise fail(f"{text!r} is not a tag authority: write a domain name you control, a comma and a date "
                   "it was yours, in lowercase, such as example.org,2026")
    try:
        date.fromisoformat((match["date"] + "-01-01")[:10])
    except ValueError:
        raise fail(f"{match['date']!r} is not a real date: write a year (2026) or a date (2026-05-01)") from None
    return text


_HOST = re.compile(r"(?=.{1,253}\Z)[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\Z")


def _host(value: Any) -> str:
    text = _text(value).strip()
    literal = text[1:-1] if text.startswith("[") and text.endswith("]") else text
    if _HOST.match(text) or re.fullmatch(r"[0-9A-Fa-f:.]+", literal) and ":" in literal:
        return literal
    raise fail(f"{text!r} is not a host name: write the server's name (smtp.example.org) or address (127.0.0.1), "
               "without https:// or a port")


_ENV_NAME = re.compile(r"[A-Z_][A-Z0-9_]*\Z")


def _env_name(value: Any) -> str:
    # The value is never repeated in the message: someone may have written the password itself here.
    text = _text(value).strip()
    if not _ENV_NAME.match(text):
        raise fail("must be the name of an environment variable, in capital letters, digits and _ "
                   "(ACCOMPANY_SMTP_PASSWORD), never the password itself")
    return text


def _strict_bool(value: Any) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "no", "on", "off", "y", "n"):
        raise fail(f"must be true or false (write {'true' if value.strip().lower() in ('yes', 'on', 'y') else 'false'}, not {value})")
    raise fail(f"must be true or false, not {_show(value)}")


def _field(parse, schema: dict) -> Any:
    return (PlainValidator(parse), WithJsonSchema(schema))


Text = Annotated[str, *_field(_text, {"type": "string", "minLength": 1})]
PlainText = Annotated[str, *_field(_plain_text, {"type": "string", "pattern": "^[^<>\\n]+$"})]
class MarkdownText:
    """Marks a field whose text is Markdown (bodies, letters, steps, updates)."""


Markdown = Annotated[str, *_field(_text, {"type": "string", "contentMediaType": "text/markdown"}), MarkdownText]


def is_markdown(annotation: Any, metadata: Any = ()) -> bool:
    """Whether a field annotation is Markdown text, or a list of it."""
    if MarkdownText in metadata:
        return True
    return MarkdownText in typing.get_args(annotation) or any(
        is_markdown(arg) for arg in typing.get_args(annotation)
    )
Slug = Annotated[str, *_field(_slug, {"type": "string", "pattern": _SLUG.pattern[:-2]})]
Identifier = Annotated[str, *_field(_identifier, {"type": "string", "pattern": _ID.pattern[:-2]})]
IsoDate = Annotated[date, *_field(_date, {"type": "string", "format": "date"})]
IsoDateTime = Annotated[datetime, *_field(_datetime, {"type": "string", "format": "date-time"})]
DateOrDateTime = Annotated[
    date | datetime,
    *_field(_date_or_datetime, {"anyOf": [{"type": "string", "format": "date"}, {"type": "string", "format": "date-time"}]}),
]
DateOrYear = Annotated[
    date | int,
    *_field(_date_or_year, {"anyOf": [{"type": "integer"}, {"type": "string", "format": "date"}]}),
]
Country = Annotated[str, *_field(_country, {"type": "string", "enum": sorted(COUNTRIES)})]
Lang = Annotated[str, *_field(_lang, {"type": "string", "pattern": "^[a-zA-Z]{2,3}(-[a-zA-Z0-9]{2,8})*$"})]
Url = Annotated[str, *_field(_url, {"type": "string", "format": "uri", "pattern": "^https?://"})]
Email = Annotated[str, *_field(_email, {"type": "string", "format": "email"})]
Timezone = Annotated[str, *_field(_timezone, {"type": "string", "description": "IANA time zone name"})]
MediaPath = Annotated[str, *_field(_media_path, {"type": "string", "pattern": "^media/"})]
HostName = Annotated[str, *_field(_host, {"type": "string", "minLength": 1})]
EnvName = Annotated[str, *_field(_env_name, {"type": "string", "pattern": "^[A-Z_][A-Z0-9_]*$"})]
Bool = Annotated[bool, *_field(_strict_bool, {"type": "boolean"})]
TagAuthority = Annotated[str, *_field(_tag_authority, {"type": "string", "pattern": "^[a-z0-9.-]+,[0-9]{4}(-[0-9]{2}){0,2}$"})]


def model_inside(annotation: Any) -> Any:
    """The model class inside Optional[...], tuple[X, ...], dict[K, V] or Annotated[...]."""
    origin = typing.get_origin(annotation)
    if origin is typing.Annotated:
        return model_inside(typing.get_args(annotation)[0])
    if origin in (typing.Union, types.UnionType, tuple, list, dict):
        for arg in typing.get_args(annotation):
            inner = model_inside(arg)
            if isinstance(inner, type) and issubclass(inner, BaseModel):
                return inner
    return annotation
