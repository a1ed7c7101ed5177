"""Every string the bot shows people, one catalogue per language: bot/locales/<lang>.yaml.

The one module that knows which languages the bot speaks; the rest of bot/ asks it for a key.
A message is text with {placeholders} (str.format). A message said of a number holds one text
per CLDR plural category, and Babel picks the one the number needs ("1 балл", "2 балла",
"5 баллов", "83,17 балла"; "1 point", "2 points"); a key ending in `_ordinal` holds CLDR's
ordinal categories ("1st", "2nd", "3rd", "4th"). Numbers shown to people are formatted by
Babel for the language: Russian "1 234,5" (a no-break space groups thousands, a comma
separates decimals), English "1,234.5".

The catalogues are read and checked once, at import: a key, a plural form or a placeholder
that one language lacks stops the bot before it answers anyone.
"""

from __future__ import annotations

import string
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path

import yaml
from babel import Locale
from babel.numbers import format_decimal

LANGUAGES = ("ru", "en")
DEFAULT_LANGUAGE = "ru"
LOCALES_DIR = Path(__file__).with_name("locales")
ORDINAL = "_ordinal"  # the ending of a key whose forms are CLDR's ordinal categories

Message = str | dict[str, str]
Catalogue = dict[str, Message]


class CatalogueError(ValueError):
    """A catalogue that cannot be read, or that does not match the others."""


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(lang)


def plural_forms(lang: str, key: str) -> frozenset[str]:
    """The CLDR categories a plural message `key` needs in `lang` ("other" always)."""
    locale = _locale(lang)
    rule = locale.ordinal_form if key.endswith(ORDINAL) else locale.plural_form
    return rule.tags | {"other"}


def placeholders(message: Message) -> frozenset[str]:
    """The {names} a message formats, over all its plural forms."""
    texts = message.values() if isinstance(message, dict) else (message,)
    return frozenset(
        name
        for text in texts
        for _, name, _, _ in string.Formatter().parse(text)
        if name is not None
    )


def problems(catalogues: dict[str, Catalogue]) -> list[str]:
    """What stops the catalogues from being used together: a key one language lacks, a plural
    message without a form its language needs (or with one it has no use for), or placeholders
    that differ between languages."""
    found: list[str] = []
    every = {key for catalogue in catalogues.values() for key in catalogue}
    for lang, catalogue in catalogues.items():
        for key in sorted(every - set(catalogue)):
            found.append(f"{lang}: no {key!r}")
        for key, message in catalogue.items():
            if isinstance(message, dict):
                forms, needed = set(message), plural_forms(lang, key)
                if forms != needed:
                    found.append(
                        f"{lang}: {key!r} has forms {sorted(forms)}, needs {sorted(needed)}"
                    )
            elif key.endswith(ORDINAL):
                found.append(f"{lang}: {key!r} is an ordinal without plural forms")
    for key in sorted(every):
        by_lang = {
            lang: placeholders(catalogue[key])
            for lang, catalogue in catalogues.items()
            if key in catalogue
        }
        if len(set(by_lang.values())) > 1:
            listed = "; ".join(f"{lang}: {sorted(names)}" for lang, names in by_lang.items())
            found.append(f"{key!r} has different placeholders ({listed})")
    return found


class _Loader(getattr(yaml, "CSafeLoader", yaml.SafeLoader)):  # type: ignore[misc]
    """libyaml's parser when installed (the catalogues in 7 ms, not 80: they are read at every
    start), refusing a key written twice."""


def _mapping(loader: yaml.SafeLoader, node: yaml.MappingNode) -> dict[object, object]:
    seen: set[object] = set()
    for key_node, _ in node.value:
        key = loader.construct_object(key_node, deep=True)
        if key in seen:
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r}", key_node.start_mark
            )
        seen.add(key)
    return loader.construct_mapping(node, deep=True)


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _mapping)


def read_catalogue(path: Path) -> Catalogue:
    """One language's file: keys to texts, or to {plural category: text}."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_Loader)
    except (OSError, yaml.YAMLError) as exc:
        raise CatalogueError(f"{path}: {exc}") from exc
    if not isinstance(data, dict):
        raise CatalogueError(f"{path}: not a mapping of keys to messages")
    catalogue: Catalogue = {}
    for key, message in data.items():
        if isinstance(message, dict) and all(
            isinstance(form, str) and isinstance(text, str) for form, text in message.items()
        ):
            catalogue[key] = dict(message)
        elif isinstance(message, str):
            catalogue[key] = message
        else:
            raise CatalogueError(f"{path}: {key!r} is neither a text nor plural forms of one")
    return catalogue


def load(directory: Path = LOCALES_DIR) -> dict[str, Catalogue]:
    """Every language's catalogue, checked against the others; CatalogueError if any is
    missing or does not match."""
    catalogues = {lang: read_catalogue(directory / f"{lang}.yaml") for lang in LANGUAGES}
    found = problems(catalogues)
    if found:
        raise CatalogueError("bot/locales: " + "\n".join(found))
    return catalogues


CATALOGUES = load()


def language_for(language_code: str | None) -> str:
    """A language code (Telegram's "en-GB", a user's setting) to a language the bot speaks:
    the same language if it speaks it, else the default."""
    primary = (language_code or "").lower().replace("_", "-").split("-")[0]
    return primary if primary in CATALOGUES else DEFAULT_LANGUAGE


def _known(lang: str) -> str:
    return lang if lang in CATALOGUES else DEFAULT_LANGUAGE


def _message(lang: str, key: str) -> Message:
    return CATALOGUES.get(lang, CATALOGUES[DEFAULT_LANGUAGE])[key]


def t(lang: str, key: str, **params: object) -> str:
    """The message `key` in `lang` (the default language for one the bot does not speak),
    with its {placeholders} filled from `params`."""
    message = _message(lang, key)
    if not isinstance(message, str):
        raise TypeError(f"{key!r} has plural forms: use tn() or ordinal()")
    return message.format(**params) if params else message


def _shown(value: float | Decimal, digits: int | None) -> float | Decimal:
    """The value as it will be shown: rounded to `digits` decimals if given, so that its plural
    form is the one of what people read ("83,00 балла", not "83 балла")."""
    if digits is None:
        return value
    return Decimal(str(value)).quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_EVEN)


def number(lang: str, value: float | Decimal, digits: int | None = None) -> str:
    """A number for people, in the language's format; with `digits`, exactly that many decimals.
    Not for years: 2019 would be grouped."""
    shown = _shown(value, digits)
    pattern = None if digits is None else "#,##0" + ("." + "0" * digits if digits else "")
    return format_decimal(shown, format=pattern, locale=_locale(_known(lang)))


def percent(lang: str, share: float, digits: int = 0) -> str:
    """A share (0.5) as a percentage ("50%"), in the format the catalogue gives."""
    return t(lang, "percent", value=number(lang, share * 100, digits))


def _form(lang: str, key: str, category: str) -> str:
    message = _message(lang, key)
    if not isinstance(message, dict):
        raise TypeError(f"{key!r} has no plural forms: use t()")
    return message.get(category, message["other"])


def tn(lang: str, key: str, n: float | Decimal, digits: int | None = None, **params: object) -> str:
    """The plural message `key` in the form `n` needs, with {n} the number formatted for the
    language (`digits` decimals if given) and the other placeholders from `params`."""
    lang = _known(lang)
    shown = _shown(n, digits)
    text = _form(lang, key, _locale(lang).plural_form(shown))
    return text.format(n=number(lang, shown, digits), **params)


def ordinal(lang: str, key: str, n: int, **params: object) -> str:
    """An `_ordinal` message in the form `n` needs: "4th place", "4-е место"."""
    lang = _known(lang)
    text = _form(lang, key, _locale(lang).ordinal_form(n))
    return text.format(n=number(lang, n), **params)
