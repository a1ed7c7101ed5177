"""docs/BENCHMARKS.md from the results of `python -m bench.run`.

`python -m bench.report` rewrites it from var/bench/results.json without measuring again.
Every figure that varies between runs is given as the median and, in brackets, the lowest and
highest of the runs behind it.
"""

from __future__ import annotations

import json
import statistics
from collections.abc import Callable, Sequence
from typing import Any

from bench.labelled import ROOT

REPORT = ROOT / "docs" / "BENCHMARKS.md"
RESULTS = ROOT / "var" / "bench" / "results.json"

HOLDOUT_HISTORY = (
    "How honest the hold-out figures are: each hold-out set was written before the engine "
    "saw it, and its first run is the fair measure of how the engine generalises. "
    "`bench/holdout.yaml`, first run: 98 of 126 in-scope questions right (77.8%), 20 of 20 "
    "off-topic refused. `bench/holdout2.yaml`, first run (after the fixes the first set "
    "prompted): 97 of 117 in-scope right (82.9%), 13 of 15 off-topic refused. "
    "`bench/holdout3.yaml`, first run (after more phrasings): 64 of 76 in-scope right "
    "(84.2%), 9 of 10 off-topic refused. `bench/holdout4.yaml`, first run (after the "
    "shares merge and lighter adjectives): 62 of 67 in-scope right (92.5%), 9 of 10 "
    "off-topic refused. `bench/holdout5.yaml`, first run: 44 of 48 in-scope right "
    "(91.7%), 5 of 5 off-topic refused. `bench/holdout6.yaml` (2026-11-25, after the "
    "benchmark work), first run: 57 of 66 in-scope right (86.4%), 7 of 8 off-topic refused. "
    "`bench/holdout7.yaml` (2026-11-26, written for issue 12 before the engine or the knowledge "
    "base changed; it asks about 45 service cards where the knowledge base had 14), first "
    "run (`python -m bench.firstrun`): 49 of 172 in-scope right (28.5%), 22 of 24 off-topic "
    "refused; on the 88 questions about topics the knowledge base had, 49 right (55.7%). "
    "`bench/holdout7b.yaml` (2026-11-26, written blind by another helper midway through issue "
    "12, with more long messages, after the 41 cards and most engine changes; first run "
    "before it was used for anything): 110 of 145 in-scope right (75.9%), 19 of 22 off-topic "
    "refused. "
    "`bench/holdout8.yaml` (written blind at the start of issue 12 by a fourth helper and kept "
    "sealed, unread, until the end; first run after all of this session's changes): 142 of "
    "172 in-scope right (82.6%), 23 of 24 off-topic refused (95.8%); issue 12 asks for 92% and "
    "95%. "
    "`bench/holdout9.yaml` (2026-11-26, written blind by a fifth helper at the start of the "
    "next session and kept sealed; first run after that session's engine and lexicon changes, "
    "at commit da42f38): 143 of 177 in-scope right (80.8%), 26 of 28 off-topic refused "
    "(92.9%). 41 of its questions are near-copies (RapidFuzz ratio 90 or more) of texts the "
    "engine already had, mostly bare category words and the examples its writers were given; "
    "without them: 110 of 143 (76.9%) and 19 of 21 (90.5%). "
    "`bench/holdout10.yaml` (2026-11-26, a sixth blind helper told not to reuse the brief's "
    "examples; first run at commit df65bbb, after fixes that the ninth set's misses prompted): "
    "151 of 185 in-scope right (81.6%), 28 of 29 off-topic refused (96.6%); without its 32 "
    "near-copies of texts the engine had, 127 of 160 (79.4%) and 21 of 22. "
    "`bench/holdout11.yaml` (2026-11-26, a seventh blind helper, asked for short questions, "
    "situations described without naming the service, and residents of many kinds; first run "
    "at commit f3063e1, the state `make bench` measured that day, after the fixes the ninth "
    "and tenth sets prompted): 165 of 185 in-scope right (89.2%), 26 of 28 off-topic refused "
    "(92.9%); without its 37 near-copies of texts the engine had, 138 of 157 (87.9%) and 17 of "
    "19. Issue 12's 92% and 95% are not met yet. "
    "`bench/situations12.yaml` (2026-11-26, an eighth blind helper, written to tune on: half "
    "of it situations told without naming the service, a quarter very short; first run at "
    "commit 37c49b9 before anything was changed for it): 142 of 232 in-scope right (61.2%), 28 "
    "of 31 off-topic refused (90.3%); without its 32 near-copies, 121 of 209 (57.9%) and 26 of "
    "29. Situations told in everyday words are the weakest kind of question. "
    "`bench/holdout12.yaml` (2026-11-26, a ninth blind helper, written at the start of that "
    "session and kept sealed, with a quarter very short questions and some situations; first "
    "run at commit 92ba0af, after the fixes situations12 prompted): 154 of 183 in-scope right "
    "(84.2%), 28 of 29 off-topic refused (96.6%); without its 36 near-copies of texts the "
    "engine had, 124 of 152 (81.6%) and 23 of 24. Off-topic meets issue 12's 95%; in-scope "
    "does not meet its 92%. "
    "`bench/holdout13.yaml` (2026-11-26, a tenth blind helper, a sixth of it situations and "
    "a quarter very short; kept sealed until one first run at commit 3ade09d, after the "
    "fixes holdout12 and situations12 prompted): 178 of 196 in-scope right (90.8%), 27 of 29 "
    "off-topic refused (93.1%); without its 66 near-copies of texts the engine had, 122 of 140 "
    "(87.1%) and 17 of 19. Neither of issue 12's 92% and 95% is met on it. "
    "`bench/holdout14.yaml` (2026-11-26, an eleventh blind helper, written at the start of "
    "the next session and kept sealed; a third colloquial, elderly or long, a tenth "
    "transliterated, a tenth English; first run at commit 8a9f713, after the fixes holdout13 "
    "prompted: a story's named thing, a word's sense by its neighbours, kinds of rating named "
    "by an adjective): 180 of 189 in-scope right (95.2%), 26 of 27 off-topic refused (96.3%); "
    "without its 71 near-copies of texts the engine had (many bare category words and "
    "greetings), 123 of 131 (93.9%) and 13 of 14. Both of issue 12's 92% and 95% are met on "
    "it, and in scope without the near-copies too. "
    "Each set was then used to find gaps in the "
    "vocabulary, fixed in general ways (synonyms, phrasings, weighting), so the figures above "
    "overstate what a new set would show; the latest first run is the honest expectation."
)


# What was measured after the tables below, on later code, when a full run did not finish.
SINCE_THE_LAST_RUN = (
    "The tables below are `make bench` at commit 2c35fba (2026-11-27, 85 minutes), except the "
    "end-to-end ones, measured again with `python -m bench.e2e` at commit 845b3ed after issue 13 "
    "changed how the bot receives updates (each batch stored in SQLite before Telegram is told "
    "it arrived; done marks written every 0.2 s). The engine, the knowledge base and the "
    "broadcast worker are the same at both commits. At 2c35fba the end-to-end step gave, for "
    "smolbot without the limiter (instant): 218 (218-264) replies/s at 3.81 (3.33-3.91) ms CPU "
    "a reply; a first durable version (each update stored and marked on its own, rebuilt with "
    "PTB's to_dict) gave 163 (143-165) replies/s at 5.32 ms, which is why receipt is batched. "
    "The machine was not quiet during the matching and scale steps (the test suite ran "
    "alongside for part of them), so their latencies are upper bounds, the first-sight p99 "
    "above all. Measured quietly at the same engine code the day before with the bench's own "
    "functions (`bench.run.latencies_ms`, 5 passes over all 3,158 questions): p50 0.18-0.19 ms "
    "and p99 0.85-0.89 ms a pass, each question's fastest p99 0.80 ms; `bench.run.cold_start_s`, "
    "15 runs of `smolbot ask`: median 0.33 s (0.25-0.41 s)."
)


def fastest_per_question(passes: Sequence[Sequence[float]]) -> list[float]:
    """Each question's lowest time over passes that timed the same questions in order."""
    return [min(times) for times in zip(*passes, strict=True)]


def percentile(values: Sequence[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(q * len(ordered)))]


def spread(values: Sequence[float], fmt: str = ".1f") -> str:
    """'median (lowest–highest)', or the one value."""
    if len(values) == 1:
        return format(values[0], fmt)
    low, high = min(values), max(values)
    return f"{format(statistics.median(values), fmt)} ({format(low, fmt)}–{format(high, fmt)})"


def per_pass(passes: Sequence[Sequence[float]], stat: Callable[[Sequence[float]], float]) -> str:
    return spread([stat(p) for p in passes], ".3f")


def p50(values: Sequence[float]) -> float:
    return percentile(values, 0.5)


def p99(values: Sequence[float]) -> float:
    return percentile(values, 0.99)


def matching_section(m: dict[str, Any]) -> list[str]:
    lines = [
        "## Matching: accuracy",
        "",
        f"Tuning set: `tests/queries.yaml` ({m['tuning_cases']} questions, "
        f"{m['tuning_off_topic']} off-topic), the set the engine was tuned on. "
        f"Hold-out sets: `bench/holdout*.yaml` ({m['holdout_cases']} questions, "
        f"{m['holdout_off_topic']} off-topic). In-scope: the right answer (a clarifying "
        "question counts as wrong unless the set expects one). Off-topic: `none`. Baselines "
        "answer with the entry of their most similar phrasing, or `none` below a threshold "
        "calibrated on the tuning set for their best balanced accuracy. Every matcher is "
        "deterministic: these figures are the same on every run, so they have no spread.",
        "",
        "| matcher | tuning: in-scope right | tuning: off-topic refused "
        "| hold-out: in-scope right | hold-out: off-topic refused |",
        "|---|---|---|---|---|",
    ]
    for row in m["rows"]:
        name = row["name"]
        if row["threshold"] is not None:
            name += f" (threshold {row['threshold']:.2f})"
        (t_in, t_off), (h_in, h_off) = row["tuning"], row["holdout"]
        lines.append(f"| {name} | {t_in:.1%} | {t_off:.1%} | {h_in:.1%} | {h_off:.1%} |")
    lines += [
        "",
        HOLDOUT_HISTORY,
        "",
        "## Matching: latency per question",
        "",
        f"All {m['queries']} labelled questions, one at a time, after a warm-up pass; "
        f"milliseconds. Each matcher timed them {len(m['rows'][0]['latency_passes'])} times "
        "over: the median of those passes, and their lowest and highest.",
        "",
        "| matcher | p50 | p99 | max |",
        "|---|---|---|---|",
    ]
    for row in m["rows"]:
        passes = row["latency_passes"]
        lines.append(
            f"| {row['name']} | {per_pass(passes, p50)} | {per_pass(passes, p99)} "
            f"| {per_pass(passes, max)} |"
        )
    first = m["first_sight_passes"]
    ours = fastest_per_question(m["rows"][0]["latency_passes"])
    lines += [
        f"| smolbot engine, first sight of each question (word caches empty; {len(first)} "
        f"new engines) | {per_pass(first, p50)} | {per_pass(first, p99)} "
        f"| {per_pass(first, max)} |",
        f"| smolbot engine, each question's fastest of the {len(m['rows'][0]['latency_passes'])} "
        f"passes | {p50(ours):.2f} | {p99(ours):.2f} | {max(ours):.2f} |",
        "",
        "Targets: p50 under 0.5 ms, p99 under 1 ms (issue 12). The slowest questions are the "
        "long, chatty messages the seventh and eighth hold-out sets brought: a long message "
        "that matches nothing as a whole is asked again clause by clause. Machines differ from "
        "day to day here, and this one also from minute to minute (whole passes run at two "
        "speeds, about 1.7 times apart): the last row, each question's fastest time, is the "
        "engine's own cost with that noise taken out; compare figures measured on the same "
        "day, as docs/PROFILING.md does.",
        "",
    ]
    return lines


def scale_section(scale: list[dict[str, Any]]) -> list[str]:
    lines = [
        "## Matching: a knowledge base of 1,000 to 100,000 entries",
        "",
        "`python -m bench.scale SIZE NOUNS`: the real entries plus synthetic ones, three "
        'Russian phrasings each, made of common openers ("как получить", "сколько стоит", '
        "which real entries use too) and nouns drawn Zipf-like from pymorphy3's dictionary "
        "(none a real entry or a labelled question uses, so each question keeps its answer). "
        "All labelled questions are asked. Our engine: p50 and p99 over them, three passes "
        "(median, lowest–highest). Baselines are far slower, so each is timed on as many "
        "questions as fit in 20 s (at least 3): their median and slowest question.",
        "",
        "| entries | phrasings | engine build | engine memory | in-scope right "
        "| off-topic refused | smolbot p50 ms | smolbot p99 ms |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for s in scale:
        passes = s["engine_passes"]
        lines.append(
            f"| {s['entries']:,} | {s['phrasings']:,} | {s['build_s']:.1f} s "
            f"| {s['engine_mib']:.0f} MiB | {s['in_scope_right']:.1%} "
            f"| {s['off_topic_refused']:.1%} | {per_pass(passes, p50)} "
            f"| {per_pass(passes, p99)} |"
        )
    names = list(scale[0]["baselines"])
    lines += [
        "",
        "| entries | " + " | ".join(f"{n}: median ms (slowest; questions)" for n in names) + " |",
        "|---|" + "---|" * len(names),
    ]
    for s in scale:
        cells = []
        for name in names:
            times = s["baselines"][name]
            cells.append(f"{statistics.median(times):,.1f} ({max(times):,.0f}; {len(times)})")
        lines.append(f"| {s['entries']:,} | " + " | ".join(cells) + " |")
    lines.append("")
    return lines


def startup_section(results: dict[str, Any]) -> list[str]:
    run = results["e2e"]["smolbot_run"]
    m = results["matching"]
    return [
        "## Start-up and memory",
        "",
        f"- `smolbot run`, from exec until it polls the fake Bot API for updates: first start "
        f"(knowledge base compiled from the YAML) {run['first_start_s']:.2f} s; then "
        f"{len(run['start_s'])} starts: {spread(run['start_s'], '.2f')} s. Resident memory "
        f"once polling: {spread(run['rss_at_start_mib'], '.0f')} MiB; peak after the end-to-end "
        f"runs below: {run['peak_rss_mib']:.0f} MiB.",
        f'- `smolbot ask "…"`, whole process, compiled knowledge base present, bytecode cached '
        f"as deployed, {len(results['cold_start_s'])} runs: "
        f"{spread(results['cold_start_s'], '.3f')} s. Target: under 0.5 s. pymorphy3 is loaded "
        "only when a question brings a word the compiled lexicon has not seen (about 0.2 s more).",
        f"- Building the engine from the YAML sources in-process: {m['engine_build_ms']:.0f} ms; "
        f"peak RSS of the benchmark process after it: {m['rss_mib']:.0f} MiB.",
        "",
    ]


def e2e_section(e2e: dict[str, Any]) -> list[str]:
    bots = (
        ("echo", "bare python-telegram-bot echo bot (defaults: one update at a time)"),
        ("smolbot_unlimited", "smolbot, Telegram's rate limiter off"),
        ("smolbot_run", "`smolbot run` as deployed (limiter: 30 messages/s)"),
    )
    echo = statistics.median(e2e["echo"]["instant"]["replies_per_second"])
    ours = statistics.median(e2e["smolbot_unlimited"]["instant"]["replies_per_second"])
    echo_slow = statistics.median(e2e["echo"]["telegram_like"]["replies_per_second"])
    ours_slow = statistics.median(e2e["smolbot_unlimited"]["telegram_like"]["replies_per_second"])
    lines = [
        "## End to end: questions answered per second",
        "",
        "`python -m bench.e2e`: the fake Bot API (tests/fake_bot_api.py, as strict as in the "
        "tests) queues a burst of questions from many users at once, taken from the labelled "
        "sets, each user asking 3; every bot runs in its own process and polls it over HTTP. "
        "Three bursts of new users per bot (median, lowest–highest). *Instant*: the fake "
        "accepts each reply at once, so the bot's own CPU is the limit. *Telegram-like*: the "
        "fake takes 50 ms to accept each reply (an assumption about a server far from "
        "Telegram's, not a measurement), so waiting is the limit. CPU: the bot process's user "
        "and system time per reply. Latency: one question at a time, from queueing it to the "
        "reply, median (p10–p90) of 50.",
        "",
        "| bot | condition | users × questions | replies/s | CPU ms a reply |",
        "|---|---|---|---|---|",
    ]
    for key, label in bots:
        for condition in ("instant", "telegram_like"):
            r = e2e[key][condition]
            lines.append(
                f"| {label} | {condition.replace('_', '-')} | {r['messages'] // 3:,} × 3 "
                f"| {spread(r['replies_per_second'], '.0f')} "
                f"| {spread(r['cpu_ms_per_reply'], '.2f')} |"
            )
    lines += ["", "| bot | latency ms | memory after warm-up | peak memory |", "|---|---|---|---|"]
    for key, label in bots:
        r = e2e[key]
        lat = r["latency_ms"]
        lines.append(
            f"| {label} | {p50(lat):.1f} ({percentile(lat, 0.1):.1f}–{percentile(lat, 0.9):.1f}) "
            f"| {r['rss_after_warmup_mib']:.0f} MiB | {r['peak_rss_mib']:.0f} MiB |"
        )
    lines += [
        "",
        f"Against the echo bot: instant, smolbot answers {ours / echo:.0%} of the bare echo "
        "bot's rate (target: at least half), both on PTB's own transport (httpx), which is the "
        f"share its logic leaves; Telegram-like, {ours_slow / echo_slow:.1f} times the bare "
        "echo bot. The instant condition is all CPU: the echo bot's reply is the question's few "
        "words; smolbot's is an HTML card of about a kilobyte with a keyboard, which Telegram "
        "(here the fake) sends back whole to be parsed into objects, plus the question matched "
        "and logged. The Telegram-like condition is what a deployed bot meets: the echo bot "
        "waits for each reply before the next update, smolbot answers different chats "
        "concurrently (bot/channels/telegram/updates.py). As deployed, Telegram's own limit "
        "of 30 messages a second is the ceiling. Where the CPU goes and what was made faster: "
        "docs/PROFILING.md.",
        "",
    ]
    return lines


def broadcast_section(broadcast: list[list[dict[str, Any]]]) -> list[str]:
    lines = [
        "## Broadcast",
        "",
        "`python -m bench.broadcast SUBSCRIBERS RATE`: the real BroadcastWorker and a real "
        "python-telegram-bot Bot sending over HTTP to the fake Bot API in another process, from "
        "a fresh SQLite database. Rate: messages a second between the first and the last send. "
        "Memory: peak RSS of the sending process (it holds one batch at a time, so it should "
        "not grow with the number of subscribers). 25/s is the default; 500/s shows the "
        "headroom (Telegram itself allows about 30/s). Each size "
        f"{len(broadcast[0])} times: median (lowest–highest).",
        "",
        "| subscribers | configured rate | achieved rate | share of configured | wall time "
        "| peak RSS |",
        "|---|---|---|---|---|---|",
    ]
    for runs in broadcast:
        first = runs[0]
        lines.append(
            f"| {first['subscribers']:,} | {first['configured_rate']:.0f}/s "
            f"| {spread([r['achieved_rate'] for r in runs], '.1f')}/s "
            f"| {spread([100 * r['share_of_rate'] for r in runs], '.1f')}% "
            f"| {spread([r['wall_seconds'] for r in runs], '.0f')} s "
            f"| {spread([r['peak_rss_mib'] for r in runs], '.0f')} MiB |"
        )
    lines.append("")
    return lines


def write_report(results: dict[str, Any]) -> str:
    lines = [
        "# Benchmarks",
        "",
        f"Made by `make bench` (`python -m bench.run`, {results['minutes']:.0f} minutes) on "
        f"{results['date']}. Machine: {results['machine']}. The raw results: "
        "var/bench/results.json; `python -m bench.report` rewrites this page from them.",
        "",
        SINCE_THE_LAST_RUN,
        "",
        *matching_section(results["matching"]),
        *scale_section(results["scale"]),
        *e2e_section(results["e2e"]),
        *startup_section(results),
        *broadcast_section(results["broadcast"]),
    ]
    text = "\n".join(lines)
    REPORT.parent.mkdir(exist_ok=True)
    REPORT.write_text(text, encoding="utf-8")
    return text


if __name__ == "__main__":
    print(write_report(json.loads(RESULTS.read_text(encoding="utf-8"))))
