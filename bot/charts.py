"""PNG charts of the rating, drawn from the ratings table (matplotlib, headless).

Cached in memory and on disk under a hash of the ratings data: drawn once per data version.
matplotlib is imported only when a chart is drawn, so `smolbot ask` stays quick to start.
"""

from __future__ import annotations

import asyncio
import hashlib
import io
import json
from dataclasses import asdict
from itertools import pairwise
from pathlib import Path

from bot.engine.ratings import format_place
from bot.engine.slots import DEFAULT_REGION
from bot.i18n import t
from bot.kb.model import KnowledgeBase, Placement, RatingYear

TOP_OF_LATEST = 3
_COLOURS = (
    "#1f5fa8",
    "#d1495b",
    "#edae49",
    "#00798c",
    "#66a182",
    "#8d6a9f",
    "#6b705c",
    "#e07a5f",
)


def _label(kb: KnowledgeBase, region: str, lang: str) -> str:
    return kb.regions[region].name.get(lang)


class Charts:
    """The two /rank charts; `png(name, lang)` draws off the event loop, one at a time."""

    def __init__(self, kb: KnowledgeBase, cache_dir: Path | None = None) -> None:
        self.kb = kb
        self.cache_dir = cache_dir
        ratings = json.dumps([asdict(y) for y in kb.ratings], ensure_ascii=False, sort_keys=True)
        self.version = hashlib.sha256(ratings.encode()).hexdigest()[:16]
        self._memory: dict[tuple[str, str], bytes] = {}
        self._lock = asyncio.Lock()  # pyplot is not thread-safe: one drawing at a time

    async def png(self, name: str, lang: str) -> bytes:
        """A chart by name ("rank-by-year" or "neighbours") without blocking the bot."""
        draw = {"rank-by-year": self.rank_by_year, "neighbours": self.neighbours}[name]
        if (name, lang) in self._memory:
            return self._memory[(name, lang)]
        async with self._lock:
            return await asyncio.to_thread(draw, lang)

    def _cached(self, name: str, lang: str, draw) -> bytes:
        key = (name, lang)
        if key in self._memory:
            return self._memory[key]
        path = self.cache_dir / f"{name}-{lang}-{self.version}.png" if self.cache_dir else None
        if path is not None and path.exists():
            png = path.read_bytes()
        else:
            png = draw(lang)
            if path is not None:
                path.parent.mkdir(parents=True, exist_ok=True)
                tmp = path.with_suffix(".tmp")
                tmp.write_bytes(png)
                tmp.replace(path)
        self._memory[key] = png
        return png

    def rank_by_year(self, lang: str = "ru") -> bytes:
        return self._cached("rank-by-year", lang, self._draw_rank_by_year)

    def neighbours(self, lang: str = "ru") -> bytes:
        return self._cached("neighbours", lang, self._draw_neighbours)

    # -- captions: the same figures in words -------------------------------------------------
    def rank_caption(self, lang: str) -> str:
        lines = [t(lang, "chart_rank_caption")]
        for year in self.kb.ratings:
            own = year.placement(DEFAULT_REGION)
            if own is not None:
                lines.append(f"{year.year}: {format_place(own, year, lang)}")
        return "\n".join(lines)

    def neighbours_caption(self, lang: str) -> str:
        lines = [t(lang, "chart_neighbours_caption")]
        for region in self._compared_regions():
            known = [
                f"{y.year}: {format_place(p, y, lang)}"
                for y in self.kb.ratings
                if (p := y.placement(region)) is not None and (p.place or p.place_range)
            ]
            lines.append(f"{_label(self.kb, region, lang)} — {'; '.join(known)}")
        return "\n".join(lines)

    # -- drawing ---------------------------------------------------------------------------------
    def _compared_regions(self) -> list[str]:
        latest = self.kb.ratings[-1]
        leaders = sorted(
            (p for p in latest.places if p.place is not None and p.place <= TOP_OF_LATEST),
            key=lambda p: p.place or 0,
        )
        regions = [DEFAULT_REGION, *self.kb.neighbours, *(p.region for p in leaders)]
        return list(dict.fromkeys(r for r in regions if r in self.kb.regions))

    @staticmethod
    def _figure():
        import matplotlib

        matplotlib.use("Agg")
        from matplotlib import pyplot as plt

        fig, ax = plt.subplots(figsize=(8, 4.8), dpi=120)
        return plt, fig, ax

    @staticmethod
    def _png(plt, fig) -> bytes:
        buffer = io.BytesIO()
        fig.tight_layout()
        fig.savefig(buffer, format="png")
        plt.close(fig)
        return buffer.getvalue()

    def _draw_rank_by_year(self, lang: str) -> bytes:
        plt, fig, ax = self._figure()
        points: list[tuple[RatingYear, Placement, int]] = [
            (y, p, p.place)
            for y in self.kb.ratings
            if (p := y.placement(DEFAULT_REGION)) is not None and p.place is not None
        ]
        years = [y.year for y, _, _ in points]
        places = [place for _, _, place in points]
        ax.plot(years, places, marker="o", markersize=9, linestyle="", color=_COLOURS[0])
        for (x0, y0), (x1, y1) in pairwise(zip(years, places, strict=True)):
            # A dashed line crosses years the sources have no place for.
            style = "-" if x1 - x0 == 1 else "--"
            ax.plot([x0, x1], [y0, y1], linestyle=style, linewidth=2.5, color=_COLOURS[0])
        for year, placement, place in points:
            label = format_place(placement, year, lang)
            ax.annotate(
                label,
                (year.year, place),
                textcoords="offset points",
                xytext=(0, 12),
                ha="center",
                fontsize=9,
            )
        ax.invert_yaxis()  # first place at the top
        ax.set_ylim(max(places) + 4, 0.5)
        every_year = list(range(min(years), max(years) + 1))
        ax.set_xticks(every_year)
        for missing in sorted(set(every_year) - set(years)):
            ax.annotate(
                t(lang, "no_data"),
                (missing, max(places) + 3),
                ha="center",
                fontsize=8,
                color="#777777",
            )
        ax.set_xlim(min(years) - 0.7, max(years) + 0.9)
        ax.grid(axis="y", alpha=0.3)
        ax.set_title(t(lang, "chart_rank_title"))
        ax.set_ylabel(t(lang, "chart_place_axis"))
        fig.text(0.01, 0.01, t(lang, "chart_rank_note"), fontsize=8, color="#555555")
        return self._png(plt, fig)

    def _draw_neighbours(self, lang: str) -> bytes:
        plt, fig, ax = self._figure()
        fig.set_size_inches(9.5, 5)
        years = [y.year for y in self.kb.ratings]
        worst = 1
        for colour, region in zip(_COLOURS, self._compared_regions(), strict=False):
            points = [
                (y.year, p.place)
                for y in self.kb.ratings
                if (p := y.placement(region)) is not None and p.place is not None
            ]
            if not points:
                continue
            worst = max(worst, *(place for _, place in points))
            width = 3 if region == DEFAULT_REGION else 1.5
            label = _label(self.kb, region, lang)
            # Lines join only places in consecutive rating years: a gap stays a gap.
            ax.plot(*zip(*points, strict=True), marker="o", linestyle="", color=colour, label=label)
            for (x0, y0), (x1, y1) in pairwise(points):
                if years.index(x1) - years.index(x0) == 1:  # no rating year between
                    style = "-" if x1 - x0 == 1 else "--"  # dashed over a year with no data
                    ax.plot([x0, x1], [y0, y1], color=colour, linewidth=width, linestyle=style)
        for y in self.kb.ratings:
            ranges = {p.place_range for p in y.places if p.place_range is not None}
            for lo, hi in ranges:
                ax.add_patch(
                    plt.Rectangle((y.year - 0.12, lo), 0.24, hi - lo, color="#999999", alpha=0.3)
                )
                text = t(lang, "chart_places_unordered", lo=lo, hi=hi)
                ax.annotate(text, (y.year + 0.15, hi), fontsize=7, color="#555555", va="top")
        ax.invert_yaxis()
        ax.set_ylim(worst + 5, 0)
        ax.set_yticks([1, *range(10, worst + 5, 10)])
        ax.set_xticks(range(min(years), max(years) + 1))
        gaps = sorted(set(range(min(years), max(years) + 1)) - set(years))
        note = (
            t(lang, "chart_neighbours_note_gaps", years=", ".join(map(str, gaps)))
            if gaps
            else t(lang, "chart_neighbours_note")
        )
        ax.set_xlim(min(years) - 0.5, max(years) + 0.5)
        ax.grid(axis="y", alpha=0.3)
        ax.legend(fontsize=8, loc="center left", bbox_to_anchor=(1.01, 0.5), framealpha=0.9)
        ax.set_title(t(lang, "chart_neighbours_title"))
        ax.set_ylabel(t(lang, "chart_place_axis"))
        fig.text(0.01, 0.01, note, fontsize=8, color="#555555")
        return self._png(plt, fig)
