"""Answers about the rating, composed from the ratings table: never more than the table says."""

from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache

from bot.engine.intents import PlaceClaim
from bot.engine.slots import DEFAULT_REGION, Slots
from bot.i18n import number, ordinal, t, tn
from bot.kb.model import Citation, KnowledgeBase, Placement, RatingYear

# How many composed rating answers are kept (topics x years x regions x languages).
COMPOSED_CACHE = 4096


@dataclass(frozen=True, slots=True)
class Composed:
    title: str
    body: str
    citations: tuple[Citation, ...]
    more: str = ""  # what does not fit a phone screen: every known place of the year


SCORE_DIGITS = 2  # scores as the monitoring publishes them: 67,08%, 83,17 балла


def _score(p: Placement, year: RatingYear, lang: str) -> str:
    if p.score is None:
        return ""
    if year.score_unit == "percent":
        return t(lang, "percent", value=number(lang, p.score, SCORE_DIGITS))
    if year.score_unit == "points":
        return tn(lang, "score_points", p.score, SCORE_DIGITS)
    return number(lang, p.score, SCORE_DIGITS)


def format_place(p: Placement, year: RatingYear, lang: str) -> str:
    """'7-е место (67,08%)', 'места 1–9 (точное место не указано)', 'место не указано
    (7,45 балла из 100)'."""
    score = _score(p, year, lang)
    if p.place is not None:
        text = ordinal(lang, "place_ordinal", p.place)
    elif p.place_range is not None:
        lo, hi = p.place_range
        text = t(lang, "place_range", lo=lo, hi=hi)
    else:
        text = t(lang, "place_not_given")
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
        return t(lang, "rating_known_years", years=years)

    def _missing_year(self, year: int, lang: str) -> str:
        return t(lang, "rating_missing_year", year=year, known=self._known_years(lang))

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
        place, total = format_place(latest, latest_year, lang), latest_year.regions_total
        lines = [
            tn(lang, "rating_overview_among", total, year=latest_year.year, place=place)
            if total
            else t(lang, "rating_overview", year=latest_year.year, place=place)
        ]
        lines.append("")
        lines.append(t(lang, "rating_by_year"))
        for y, p in history:
            lines.append(f"• {y.year}: {format_place(p, y, lang)}")
        if len(history) >= 2:
            (prev_year, prev), _ = history[-2], history[-1]
            if prev.place and latest.place:
                delta = prev.place - latest.place
                lines.append(
                    tn(lang, "rating_rose", delta, year=prev_year.year)
                    if delta > 0
                    else tn(lang, "rating_fell", -delta, year=prev_year.year)
                    if delta < 0
                    else t(lang, "rating_kept", year=prev_year.year)
                )
        known = {y.year for y, _ in history}
        gaps = [
            str(year)
            for year in range(history[0][0].year, history[-1][0].year)
            if year not in known
        ]
        if gaps:
            key = "rating_gap_year" if len(gaps) == 1 else "rating_gap_years"
            lines.append(t(lang, key, years=", ".join(gaps), last=history[-1][0].year))
        return Composed(
            self._title("rating", lang), "\n".join(lines), self._cites([y for y, _ in history])
        )

    def year(self, year: int, lang: str) -> Composed:
        y = self.kb.rating_year(year)
        assert y is not None
        lines = []
        own = y.placement(DEFAULT_REGION)
        if own is not None:
            place, total = format_place(own, y, lang), y.regions_total
            lines.append(
                t(lang, "rating_year_own_of", year=year, place=place, total=number(lang, total))
                if total
                else t(lang, "rating_year_own", year=year, place=place)
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
        lines.append(t(lang, "rating_other_regions"))
        lines += shown
        if len(shown) < len(places):
            hidden = len(places) - len(shown)
            lines.append(t(lang, "rating_more_in_list", n=number(lang, hidden)))
        if y.note:
            lines += ["", y.note.get(lang)]
        more = "\n".join(line for _, line in places) if len(shown) < len(places) else ""
        title = t(lang, "rating_year_title", year=year)
        return Composed(
            title, "\n".join(lines), self._cites([y], tuple(p.region for p in y.places)), more
        )

    def _places(self, y: RatingYear, lang: str) -> list[tuple[Placement, str]]:
        """Every other region's known place in a year, one line each; "the nine regions
        ahead" come without their order, so they share one line."""
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
                text = t(lang, "rating_places_unordered", lo=lo, hi=hi, names=names)
                lines.append((p, f"• {text}"))
        return lines

    def regions(
        self, regions: tuple[str, ...], year: int | None, lang: str, neighbours: bool = False
    ) -> Composed:
        years = [y for y in self.years if year is None or y.year == year]
        lines = []
        if len(regions) == 1:
            lines += [self.comparison(regions[0], year, lang), ""]
        for region in (DEFAULT_REGION, *regions):
            lines.append(f"{self._name(region, lang)}:")
            for y in years:
                p = y.placement(region)
                found = format_place(p, y, lang) if p else t(lang, "no_data")
                lines.append(f"• {y.year}: {found}")
        if neighbours:
            title = self._title("rating-neighbours", lang)
        else:
            names = ", ".join(self._name(r, lang) for r in regions)
            title = t(lang, "rating_regions_title", names=names)
        if any(y.placement(r) is None for y in years for r in regions):
            lines.append("")
            lines.append(t(lang, "rating_no_data_note"))
        return Composed(title, "\n".join(lines), self._cites(years, regions))

    def comparison(self, region: str, year: int | None, lang: str) -> str:
        """Which of Smolensk oblast and `region` stood higher, in `year` or the latest year
        the sources place both (an unordered "places 1–9" counts where it settles it)."""
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
                higher, gap = other_name, own.place - hi
            elif lo > own.place:
                higher, gap = own_name, lo - own.place
            else:
                continue
            exact = other.place is not None
            places = (
                f"{own_name} — {format_place(own, y, lang)}, "
                f"{other_name} — {format_place(other, y, lang)}"
            )
            if exact:
                return tn(
                    lang, "rating_comparison_by", gap, year=y.year, places=places, higher=higher
                )
            return t(lang, "rating_comparison", year=y.year, places=places, higher=higher)
        if year:
            return t(
                lang, "rating_comparison_unknown_year", own=own_name, other=other_name, year=year
            )
        return t(lang, "rating_comparison_unknown", own=own_name, other=other_name)

    def verdict(self, claim: PlaceClaim, region: str, year: int | None, lang: str) -> str:
        """Whether the place a message claims is right: for the year it names, else the latest
        year, saying in which year it did hold if that was another."""
        name = self._name(region, lang)
        placed = [(y, y.placement(region)) for y in self.years]
        known = [(y, p) for y, p in placed if p is not None and p.place is not None]
        claimed = (
            t(lang, "claim_top", n=number(lang, claim.place))
            if claim.within
            else ordinal(lang, "place_ordinal", claim.place)
        )
        if year is not None:
            match = [(y, p) for y, p in known if y.year == year]
            if not match:
                return t(lang, "verdict_no_year", year=year)
            known = match
        if not known:
            return t(lang, "verdict_no_region", name=name)
        latest_year, latest = known[-1]
        actual = format_place(latest, latest_year, lang)
        if claim.holds(latest.place or 0):
            return t(lang, "verdict_right", year=latest_year.year, name=name, actual=actual)
        held = [y.year for y, p in known if claim.holds(p.place or 0)]
        if held:
            return t(
                lang,
                "verdict_held_year" if len(held) == 1 else "verdict_held_years",
                years=", ".join(map(str, held)),
                latest=latest_year.year,
                name=name,
                actual=actual,
            )
        return t(
            lang,
            "verdict_wrong",
            year=latest_year.year,
            name=name,
            actual=actual,
            claimed=claimed,
        )

    def unknown_region(self, lang: str) -> Composed:
        named = sorted({p.region for y in self.years for p in y.places} - {DEFAULT_REGION})
        listing = ", ".join(self._name(r, lang) for r in named)
        body = t(lang, "rating_unknown_region", regions=listing)
        return Composed(self._title("rating", lang), body, self._cites(list(self.years)))

    def leaders(self, year: int | None, lang: str) -> Composed:
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
                text = t(lang, "rating_places_unordered_in_source", lo=lo, hi=hi, names=names)
                lines.append(f"• {text}")
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
                scores = "; ".join(
                    f"{self._name(p.region, lang)} — {_score(p, y, lang)}" for p in unplaced
                )
                lines.append(f"• {y.year}: " + t(lang, "rating_unplaced", regions=scores))
            elif placed:
                lowest = max(placed, key=lambda p: p.place or 0)
                text = t(
                    lang,
                    "rating_last_unnamed",
                    region=self._name(lowest.region, lang),
                    place=format_place(lowest, y, lang),
                )
                lines.append(f"• {y.year}: {text}")
        regions = tuple({p.region for y in self.years for p in y.places})
        return Composed(
            self._title("rating-outsiders", lang),
            "\n".join(lines),
            self._cites(list(self.years), regions),
        )
