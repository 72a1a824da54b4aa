"""Extraction cost: ``sources.extract_document`` against bare ``trafilatura.extract``.

Run ``python -m bench.extract_cost [--pages 120] [--rounds 7]``. Two page sets, as bytes (what
the fetcher hands over), each page with its URL:

- generated: the fetch benchmark's news pages (``bench.fetch_bench.make_page``, 50-200 KB:
  head with CSS and JSON-LD, navigation, article, sidebar, footer, inline script bundles);
- quality set: the 20 pages of ``tests/sources/fixtures/extract`` (2-10 KB, hand-written).

Systems: trafilatura with its defaults; trafilatura with the options extract_document gives it
(no comments, tables, txt, no metadata, the URL); the same with those options built once as an
``Extractor`` (as extract_document passes them, so the ratio is not flattered by trafilatura
re-reading its config per call); ``extract_document``. Each round runs every system over every
page, the systems' order rotating between rounds; the cost is process CPU time (the machine is
shared; wall time moves with the load, CPU time much less), and the table shows the median
and the best round. A breakdown then times extract_document's own steps in its order (through
its private functions) to say what the time beyond trafilatura buys. Prints Markdown and
writes ``bench/results/extract_cost.md``.
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import time
from collections.abc import Callable
from copy import copy
from pathlib import Path
from typing import Any

import trafilatura
from trafilatura.settings import Extractor

from bench._provenance import write_results
from bench.fetch_bench import make_page
from sources import extract as ex
from sources.language import guess_language
from sources.model import Document
from sources.text import decode_bytes, normalize_text

ROOT = Path(__file__).resolve().parent.parent
QUALITY_SET = ROOT / "tests" / "sources" / "fixtures" / "extract"
RESULTS = ROOT / "bench" / "results" / "extract_cost.md"

Page = tuple[bytes, str]
_OPTIONS = Extractor(output_format="txt", comments=False, tables=True, with_metadata=False)


def _same_options(body: bytes, url: str) -> Any:
    return trafilatura.extract(body, url=url, include_comments=False, include_tables=True,
                               output_format="txt", with_metadata=False)


def _prebuilt_options(body: bytes, url: str) -> Any:
    options = copy(_OPTIONS)
    options.url = options.source = url
    return trafilatura.extract(body, options=options)


SYSTEMS: dict[str, Callable[[bytes, str], Any]] = {
    "trafilatura.extract, defaults": lambda body, url: trafilatura.extract(body),
    "trafilatura.extract, extract_document's options": _same_options,
    "trafilatura.extract, same options prebuilt (options=)": _prebuilt_options,
    "sources.extract_document": ex.extract_document,
}
OURS = "sources.extract_document"


def generated_pages(n: int) -> list[Page]:
    return [(make_page(i), f"https://news.example/{i}") for i in range(n)]


def quality_pages() -> list[Page]:
    return [(p.read_bytes(), f"https://example.org/{p.name}")
            for p in sorted(QUALITY_SET.glob("*.html"))]


def time_systems(pages: list[Page], rounds: int) -> dict[str, list[float]]:
    """CPU ms/page of each system, one value per round."""
    for extract in SYSTEMS.values():  # imports, caches, the first parser: not a page's cost
        for body, url in pages[:3]:
            extract(body, url)
    runs: dict[str, list[float]] = {name: [] for name in SYSTEMS}
    names = list(SYSTEMS)
    for r in range(rounds):
        for name in names[r % len(names):] + names[: r % len(names)]:
            extract = SYSTEMS[name]
            started = time.process_time()
            for body, url in pages:
                extract(body, url)
            runs[name].append(1000 * (time.process_time() - started) / len(pages))
    return runs


STEPS = ("decode and sniff", "parse (lxml, once)", "JSON-LD, meta, title, canonical, author",
         "published date (htmldate only when the page declares none)",
         "drop scripts and styles", "trafilatura on the parsed tree",
         "size check, articleBody, fallback", "language guess", "links", "ClaimReview, Document")


def breakdown(pages: list[Page], rounds: int) -> dict[str, float]:
    """Median CPU ms/page of each of extract_document's steps, in its order."""
    per_round: dict[str, list[float]] = {step: [] for step in STEPS}
    clock = time.process_time
    for _ in range(rounds):
        spent = dict.fromkeys(STEPS, 0.0)
        for body, url in pages:
            t0 = clock()
            text = decode_bytes(body) or ""
            text = text[: ex.MAX_CHARS]
            ex._HTML_HINT.search(text[:5000])
            t1 = clock()
            tree = ex._parse(text)
            t2 = clock()
            objects = ex._jsonld(tree)
            meta = ex._meta(tree)
            ex._title(tree, meta, objects)
            canonical = ex._canonical(tree, meta, url)
            ex._author(meta, objects)
            t3 = clock()
            ex._published(tree, meta, objects)
            t4 = clock()
            ex._drop_code(tree)
            t5 = clock()
            main = ex._trafilatura(tree, url)
            t6 = clock()
            if tree.xpath("count(//*)") <= ex.MAX_ELEMENTS:
                body_text = normalize_text(ex.jsonld.first_field(objects, "articleBody") or "")
                if len(main) < ex.TRUST_CHARS and not body_text:
                    fallback = ex._fallback(tree)
                    main = fallback if len(fallback) >= 2 * len(main) + 50 else main
            main = ex._cap(main)
            t7 = clock()
            guess_language(main)
            t8 = clock()
            ex._links(tree, ex._base(tree, url) or canonical, main)
            t9 = clock()
            reviews = tuple(ex._review_at(r, url) for r in ex.jsonld.claim_reviews(objects))
            Document(text=main, url=url, jsonld=tuple(objects), claim_reviews=reviews)
            t10 = clock()
            marks = (t0, t1, t2, t3, t4, t5, t6, t7, t8, t9, t10)
            for step, start, end in zip(STEPS, marks[:-1], marks[1:], strict=True):
                spent[step] += end - start
        for step in STEPS:
            per_round[step].append(1000 * spent[step] / len(pages))
    return {step: statistics.median(values) for step, values in per_round.items()}


def _table(title: str, pages: list[Page], runs: dict[str, list[float]]) -> list[str]:
    sizes = [len(body) for body, _ in pages]
    ours = statistics.median(runs[OURS])
    lines = [
        f"## {title}: {len(pages)} pages, {min(sizes) / 1024:.0f}-{max(sizes) / 1024:.0f} KB "
        f"(mean {sum(sizes) / len(sizes) / 1024:.0f} KB)", "",
        "| system | CPU ms/page, median | best round | extract_document / this |",
        "|---|---:|---:|---:|",
    ]
    for name, values in runs.items():
        median = statistics.median(values)
        ratio = "" if name == OURS else f"**{ours / median:.2f}x**"
        lines.append(f"| {name} | {median:.2f} | {min(values):.2f} | {ratio} |")
    return lines


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=120)
    parser.add_argument("--rounds", type=int, default=7)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)

    generated, quality = generated_pages(args.pages), quality_pages()
    load_before = os.getloadavg()[0]
    runs_generated = time_systems(generated, args.rounds)
    runs_quality = time_systems(quality, args.rounds) if quality else {}
    steps = breakdown(generated, args.rounds)
    steps_quality = breakdown(quality, args.rounds) if quality else {}
    load_after = os.getloadavg()[0]

    lines = [
        "# Extraction cost: extract_document vs bare trafilatura", "",
        f"trafilatura {trafilatura.__version__}, Python {platform.python_version()}, "
        f"{os.cpu_count()} CPUs; {args.rounds} rounds, systems in rotating order, process CPU "
        f"time; load average (1 min) {load_before:.1f} before, {load_after:.1f} after (shared "
        "machine). Inputs are bytes with a URL, as the fetcher hands them over.", "",
        *_table("Generated news pages (`bench.fetch_bench.make_page`)", generated,
                runs_generated), "",
    ]
    if runs_quality:
        lines += [*_table("Extraction quality set (`tests/sources/fixtures/extract`)", quality,
                          runs_quality), "",
                  "On the quality set the fallback reader runs on the pages where trafilatura "
                  "finds under 250 characters; that is the quality gain, not overhead.", ""]
    total, total_q = sum(steps.values()), sum(steps_quality.values()) or 1.0
    lines += [
        "## Where extract_document's time goes (median CPU ms/page, timed step by step)", "",
        "| step | generated pages | share | quality set | share |", "|---|---:|---:|---:|---:|",
        *(f"| {step} | {ms:.3f} | {ms / total:.0%} | {steps_quality.get(step, 0):.3f} | "
          f"{steps_quality.get(step, 0) / total_q:.0%} |" for step, ms in steps.items()),
        f"| total | {total:.3f} | 100% | {sum(steps_quality.values()):.3f} | 100% |", "",
    ]
    table = "\n".join(lines)
    print(table)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    write_results(args.out, table)


if __name__ == "__main__":
    main()
