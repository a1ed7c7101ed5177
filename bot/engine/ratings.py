"""Answers about the rating, composed from the ratings table: never more than the table says."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from bot.engine.intents import PlaceClaim
from bot.engine.slots import DEFAULT_REGION, Slots
from bot.i18n import count_of
from bot.kb.model import Citation, KnowledgeBase, Placement, RatingYear

# How many composed rating answers are kept (topics x years x regions x languages).
COMPOSED_CACHE = 4096


@dataclass(frozen=True, slots=True)
class Composed:
    title: str
    body: str
    citations: tuple[Citation, ...]
    more: str = ""  # what does not fit a phone screen: every known place of the year


def _num(value: float, lang: str) -> str:
    text = f"{value:.2f}"
    return text.replace(".", ",") if lang == "ru" else text


def _ordinal(n: int, lang: str) -> str:
    if lang == "ru":
        return f"{n}-е"
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def _score(p: Placement, year: RatingYear, lang: str) -> str:
    if p.score is None:
        return ""
    if year.score_unit == "percent":
        return f"{_num(p.score, lang)}%"
    if year.score_unit == "points":
        return f"{_num(p.score, lang)} " + ("балла из 100" if lang == "ru" else "points of 100")
    return _num(p.score, lang)


def format_place(p: Placement, year: RatingYear, lang: str) -> str:
    """'7-е место (67,08%)', 'места 1–9 (порядок не указан)', 'место не указано (7,45 балла)'."""
    score = _score(p, year, lang)
    if p.place is not None:
        text = f"{_ordinal(p.place, lang)} " + ("место" if lang == "ru" else "place")
    elif p.place_range is not None:
        lo, hi = p.place_range
        text = (
            f"места {lo}–{hi} (точное место не указано)"
            if lang == "ru"
            else f"places {lo}–{hi} (exact place not given)"
        )
    else:
        text = "место не указано" if lang == "ru" else "place not given"
    return f"{text} ({score})" if score else text


class RatingAnswers:
    """Composes rating answers for the four rating topics and the year and region slots."""

    def __init__(self, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.years = kb.ratings
        # An answer depends on the topic, the year and regions asked and the language: each is
        # composed once (bounded: a few topics, years and regions).
        self._composed = lru_cache(maxsize=COMPOSED_CACHE)(self._compose_uncached)

    def _name(self, region: str, lang: str) -> str:
        return self.kb.regions[region].name.get(lang)

    def _cites(
        self, years: list[RatingYear], regions: tuple[str, ...] = ()
    ) -> tuple[Citation, ...]:
        cites: list[Citation] = []
        for y in years:
            cites.extend(y.sources)
            for p in y.places:
                if p.region in regions:
                    cites.extend(p.sources)
        return tuple(dict.fromkeys(cites))

    def _known_years(self, lang: str) -> str:
        years = ", ".join(str(y.year) for y in self.years)
        return (
            f"Есть данные за {years} годы." if lang == "ru" else f"Data are available for {years}."
        )

    def _missing_year(self, year: int, lang: str) -> str:
        if lang == "ru":
            return (
                f"Места в рейтинге за {year} год в наших источниках нет. {self._known_years(lang)}"
            )
        return f"Our sources give no rating places for {year}. {self._known_years(lang)}"

    def compose(
        self, topic: str, slots: Slots, lang: str, claim: PlaceClaim | None = None
    ) -> Composed:
        composed = self._compose(topic, slots, lang)
        if claim is None or topic != "rating":
            return composed
        regions = [r for r in slots.regions if r != DEFAULT_REGION]
        region = regions[0] if len(regions) == 1 else DEFAULT_REGION
        verdict = self.verdict(claim, region, slots.year, lang)
        return Composed(
            composed.title, f"{verdict}\n\n{composed.body}", composed.citations, composed.more
        )

    def _compose(self, topic: str, slots: Slots, lang: str) -> Composed:
        # Where in the message the regions were named does not change the answer.
        return self._composed(topic, replace(slots, region_used=frozenset()), lang)

    def _compose_uncached(self, topic: str, slots: Slots, lang: str) -> Composed:
        regions = tuple(r for r in slots.regions if r != DEFAULT_REGION)
        if slots.year is not None and self.kb.rating_year(slots.year) is None:
            return Composed(
                self._title(topic, lang),
                self._missing_year(slots.year, lang),
                self._cites(list(self.years)),
            )
        if topic == "rating-leaders":
            return self.leaders(slots.year, lang)
        if topic == "rating-outsiders":
            return self.outsiders(lang)
        if topic == "rating-neighbours" and not regions:
            return self.regions(self.kb.neighbours, slots.year, lang, neighbours=True)
        if regions:
            return self.regions(regions, slots.year, lang)
        if slots.unknown_region is not None:
            return self.unknown_region(lang)
        if slots.year is not None:
            return self.year(slots.year, lang)
        return self.overview(lang)

    def _title(self, topic: str, lang: str) -> str:
        return self.kb.entry(topic).title.get(lang)

    def overview(self, lang: str) -> Composed:
        history = [(y, p) for y in self.years if (p := y.placement(DEFAULT_REGION)) is not None]
        latest_year, latest = history[-1]
        ru = lang == "ru"
        place, total = format_place(latest, latest_year, lang), latest_year.regions_total
        among = (f" среди {total} регионов" if ru else f" of {total} regions") if total else ""
        lines = [
            f"По итогам мониторинга {latest_year.year} года Смоленская область заняла "
            f"{place}{among}."
            if ru
            else f"In the {latest_year.year} monitoring Smolensk oblast took {place}{among}."
        ]
        lines.append("")
        lines.append("По годам:" if ru else "By year:")
        for y, p in history:
            lines.append(f"• {y.year}: {format_place(p, y, lang)}")
        if len(history) >= 2:
            (prev_year, prev), _ = history[-2], history[-1]
            if prev.place and latest.place:
                delta = prev.place - latest.place
                if ru:
                    change = (
                        f"поднялась на {delta} позиций"
                        if delta > 0
                        else f"опустилась на {-delta} позиций"
                        if delta < 0
                        else "сохранила место"
                    )
                    lines.append(f"По сравнению с {prev_year.year} годом область {change}.")
                else:
                    change = (
                        f"rose {delta} places"
                        if delta > 0
                        else f"fell {-delta} places"
                        if delta < 0
                        else "kept its place"
                    )
                    lines.append(f"Compared with {prev_year.year}, the region {change}.")
        known = {y.year for y, _ in history}
        gaps = [
            str(year)
            for year in range(history[0][0].year, history[-1][0].year)
            if year not in known
        ]
        if gaps:
            listed, last = ", ".join(gaps), history[-1][0].year
            if ru:
                years_word = "год" if len(gaps) == 1 else "годы"
                lines.append(
                    f"За {listed} {years_word} места в наших источниках нет; "
                    f"рейтинг Минэкономразвития после {last} года не найден."
                )
            else:
                lines.append(
                    f"Our sources give no place for {listed}; no Ministry of Economic "
                    f"Development rating after {last} was found."
                )
        return Composed(
            self._title("rating", lang), "\n".join(lines), self._cites([y for y, _ in history])
        )

    def year(self, year: int, lang: str) -> Composed:
        y = self.kb.rating_year(year)
        assert y is not None
        ru = lang == "ru"
        lines = []
        own = y.placement(DEFAULT_REGION)
        if own is not None:
            place, total = format_place(own, y, lang), y.regions_total
            of = (f" из {total}" if ru else f" of {total}") if total else ""
            lines.append(
                f"В рейтинге за {year} год Смоленская область — {place}{of}."
                if ru
                else f"In the {year} rating Smolensk oblast took {place}{of}."
            )
        places = self._places(y, lang)
        # On the first screen: the top five, the neighbours and the last; all behind a button.
        shown = [
            line
            for p, line in places
            if p.place_range
            or (p.place or 0) <= 5
            or p.region in self.kb.neighbours
            or p.place == y.regions_total
        ]
        lines.append("")
        lines.append("Известные места других регионов:" if ru else "Other regions' known places:")
        lines += shown
        if len(shown) < len(places):
            hidden = len(places) - len(shown)
            lines.append(
                f"…и ещё {hidden} в полном списке."
                if ru
                else f"…and {hidden} more in the full list."
            )
        if y.note:
            lines += ["", y.note.get(lang)]
        more = "\n".join(line for _, line in places) if len(shown) < len(places) else ""
        title = (
            f"Рейтинг электронных госуслуг за {year} год" if ru else f"The {year} e-services rating"
        )
        return Composed(
            title, "\n".join(lines), self._cites([y], tuple(p.region for p in y.places)), more
        )

    def _places(self, y: RatingYear, lang: str) -> list[tuple[Placement, str]]:
        """Every other region's known place in a year, one line each; "the nine regions
        ahead" come without their order, so they share one line."""
        ru = lang == "ru"
        unordered: dict[tuple[int, int], list[str]] = {}
        for p in y.places:
            if p.region != DEFAULT_REGION and p.place_range is not None:
                unordered.setdefault(p.place_range, []).append(self._name(p.region, lang))
        lines: list[tuple[Placement, str]] = []
        for p in y.places:
            if p.region == DEFAULT_REGION:
                continue
            if p.place_range is None:
                lines.append((p, f"• {self._name(p.region, lang)}: {format_place(p, y, lang)}"))
            elif p.place_range in unordered:
                (lo, hi), names = p.place_range, ", ".join(unordered.pop(p.place_range))
                lines.append(
                    (
                        p,
                        f"• места {lo}–{hi} (порядок не указан): {names}"
                        if ru
                        else f"• places {lo}–{hi} (order not given): {names}",
                    )
                )
        return lines

    def regions(
        self, regions: tuple[str, ...], year: int | None, lang: str, neighbours: bool = False
    ) -> Composed:
        ru = lang == "ru"
        years = [y for y in self.years if year is None or y.year == year]
        lines = []
        if len(regions) == 1:
            lines += [self.comparison(regions[0], year, lang), ""]
        for region in (DEFAULT_REGION, *regions):
            lines.append(f"{self._name(region, lang)}:")
            for y in years:
                p = y.placement(region)
                found = format_place(p, y, lang) if p else ("нет данных" if ru else "no data")
                lines.append(f"• {y.year}: {found}")
        if neighbours:
            title = self._title("rating-neighbours", lang)
        else:
            names = ", ".join(self._name(r, lang) for r in regions)
            title = (
                f"{names} в рейтинге электронных госуслуг"
                if ru
                else f"{names} in the e-services rating"
            )
        if any(y.placement(r) is None for y in years for r in regions):
            lines.append("")
            lines.append(
                "«Нет данных» — в наших источниках места за этот год нет."
                if ru
                else '"No data" means our sources give no place for that year.'
            )
        return Composed(title, "\n".join(lines), self._cites(years, regions))

    def comparison(self, region: str, year: int | None, lang: str) -> str:
        """Which of Smolensk oblast and `region` stood higher, in `year` or the latest year
        the sources place both (an unordered "places 1–9" counts where it settles it)."""
        ru = lang == "ru"
        own_name, other_name = self._name(DEFAULT_REGION, lang), self._name(region, lang)
        candidates = [y for y in self.years if year is None or y.year == year]
        for y in reversed(candidates):
            own, other = y.placement(DEFAULT_REGION), y.placement(region)
            if own is None or other is None or own.place is None:
                continue
            lo, hi = (other.place, other.place) if other.place else other.place_range or (0, 0)
            if not lo:
                continue
            if hi < own.place:
                higher, lower, gap = other_name, own_name, own.place - hi
            elif lo > own.place:
                higher, lower, gap = own_name, other_name, lo - own.place
            else:
                continue
            exact = other.place is not None
            places = (
                f"{own_name} — {format_place(own, y, lang)}, "
                f"{other_name} — {format_place(other, y, lang)}"
            )
            if ru:
                ahead = f"{higher} выше" + (
                    f" на {count_of(gap, lang, ('место', 'места', 'мест'), ('', ''))}"
                    if exact
                    else ""
                )
                return f"В {y.year} году: {places}. {ahead}."
            ahead = f"{higher} ranked higher" + (f", by {gap} places" if exact else "")
            return f"In {y.year}: {places}. {ahead} than {lower}."
        if ru:
            return (
                f"В наших источниках нет года, за который известны места и {own_name}, "
                f"и {other_name}" + (f" (за {year} год)." if year else ".")
            )
        return f"Our sources give no year with places for both {own_name} and {other_name}" + (
            f" (for {year})." if year else "."
        )

    def verdict(self, claim: PlaceClaim, region: str, year: int | None, lang: str) -> str:
        """Whether the place a message claims is right: for the year it names, else the latest
        year, saying in which year it did hold if that was another."""
        ru = lang == "ru"
        name = self._name(region, lang)
        placed = [(y, y.placement(region)) for y in self.years]
        known = [(y, p) for y, p in placed if p is not None and p.place is not None]
        claimed = (
            (f"в топ-{claim.place}" if ru else f"in the top {claim.place}")
            if claim.within
            else (f"{_ordinal(claim.place, lang)} " + ("место" if ru else "place"))
        )
        if year is not None:
            match = [(y, p) for y, p in known if y.year == year]
            if not match:
                return (
                    f"Проверить нельзя: места за {year} год в наших источниках нет."
                    if ru
                    else f"That cannot be checked: our sources give no place for {year}."
                )
            known = match
        if not known:
            return (
                f"Проверить нельзя: места {name} в наших источниках нет."
                if ru
                else f"That cannot be checked: our sources give no place for {name}."
            )
        latest_year, latest = known[-1]
        actual = format_place(latest, latest_year, lang)
        if claim.holds(latest.place or 0):
            return (
                f"Да, верно: в {latest_year.year} году {name} — {actual}."
                if ru
                else f"Yes, that is right: in {latest_year.year} {name} took {actual}."
            )
        held = [y.year for y, p in known if claim.holds(p.place or 0)]
        if held:
            years = ", ".join(map(str, held))
            return (
                f"Так было в {years} году, но по последним данным ({latest_year.year}) "
                f"{name} — {actual}."
                if ru
                else f"That was so in {years}; in the latest data ({latest_year.year}) "
                f"{name} took {actual}."
            )
        return (
            f"Нет: в {latest_year.year} году {name} — {actual}, а не {claimed}."
            if ru
            else f"No: in {latest_year.year} {name} took {actual}, not {claimed}."
        )

    def unknown_region(self, lang: str) -> Composed:
        ru = lang == "ru"
        named = sorted({p.region for y in self.years for p in y.places} - {DEFAULT_REGION})
        listing = ", ".join(self._name(r, lang) for r in named)
        body = (
            "О месте этого региона в рейтинге в наших источниках данных нет. "
            f"Известны места: {listing}."
            if ru
            else f"Our sources give no rating place for that region. Known places: {listing}."
        )
        return Composed(self._title("rating", lang), body, self._cites(list(self.years)))

    def leaders(self, year: int | None, lang: str) -> Composed:
        ru = lang == "ru"
        years = [self.kb.rating_year(year)] if year else list(self.years)
        lines = []
        for y in years:
            assert y is not None
            exact = sorted(
                (p for p in y.places if p.place is not None and p.place <= 5),
                key=lambda p: p.place or 0,
            )
            grouped = [p for p in y.places if p.place_range is not None and p.place_range[0] == 1]
            lines.append(f"{y.year}:")
            if exact:
                lines += [
                    f"• {format_place(p, y, lang)} — {self._name(p.region, lang)}" for p in exact
                ]
            if grouped:
                lo, hi = grouped[0].place_range or (1, len(grouped))
                names = ", ".join(self._name(p.region, lang) for p in grouped)
                lines.append(
                    f"• места {lo}–{hi} (порядок в источнике не указан): {names}"
                    if ru
                    else f"• places {lo}–{hi} (the source gives no order): {names}"
                )
                own = y.placement(DEFAULT_REGION)
                if own and own.place:
                    lines.append(
                        f"• {format_place(own, y, lang)} — {self._name(DEFAULT_REGION, lang)}"
                    )
        title = self._title("rating-leaders", lang)
        if year:
            title += f", {year}"
        return Composed(title, "\n".join(lines), self._cites([y for y in years if y]))

    def outsiders(self, lang: str) -> Composed:
        ru = lang == "ru"
        lines = []
        for y in self.years:
            last = [
                p
                for p in y.places
                if p.place is not None and y.regions_total and p.place == y.regions_total
            ]
            unplaced = [p for p in y.places if p.place is None and p.place_range is None]
            placed = [p for p in y.places if p.place is not None]
            if last:
                lines.append(
                    f"• {y.year}: "
                    + "; ".join(
                        f"{self._name(p.region, lang)} — {format_place(p, y, lang)}" for p in last
                    )
                )
            elif unplaced:
                lines.append(
                    f"• {y.year}: "
                    + "; ".join(
                        f"{self._name(p.region, lang)} — {_score(p, y, lang)}" for p in unplaced
                    )
                    + (" (места не указаны)" if ru else " (places not given)")
                )
            elif placed:
                lowest = max(placed, key=lambda p: p.place or 0)
                lines.append(
                    f"• {y.year}: последнее место в источнике не названо; ниже всех из известных — "
                    f"{self._name(lowest.region, lang)} ({format_place(lowest, y, lang)})"
                    if ru
                    else f"• {y.year}: the source does not name the last place; "
                    f"the lowest known is {self._name(lowest.region, lang)} "
                    f"({format_place(lowest, y, lang)})"
                )
        regions = tuple({p.region for y in self.years for p in y.places})
        return Composed(
            self._title("rating-outsiders", lang),
            "\n".join(lines),
            self._cites(list(self.years), regions),
        )
