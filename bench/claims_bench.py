"""Claims benchmark: check-worthiness and whole-extraction throughput, and the golden-set scores.

Run ``python -m bench.claims_bench [--sentences 20000] [--repeat 3]``. The text is real debate
sentences from ../shared/data/checkworthiness (ClaimBuster and CLEF CheckThat!), distinct, joined
four to a paragraph; without that folder the golden articles are used. One process, one core
(pure Python). Caches are cleared before every run, so repeats do not flatter the numbers.

- ``checkworthiness``: scoring a list of sentences (model + structural signals);
- ``extract_claims``: the whole pipeline on the paragraphs (cleaning, splitting, quotes,
  decomposition, normalization, kind, check-worthiness, ids), per input sentence.

Also prints precision/recall of every golden article (tests/claims/golden). Prints a Markdown table
and writes it to ``bench/results/claims.md``.
"""

from __future__ import annotations

import argparse
import csv
import json
import platform
import time
from pathlib import Path

from bench._provenance import write_results
from claims import checkworthiness, extract_claims
from claims.checkworthiness import structure_shift
from claims.cwfeatures import _grams, signals
from claims.dates import _date_spans
from claims.entities import _entity_spans
from claims.extract import _sentences
from claims.quantities import _quantity_spans

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT.parent / "shared" / "data" / "checkworthiness"
GOLDEN = ROOT / "tests" / "claims" / "golden"
RESULTS = ROOT / "bench" / "results" / "claims.md"


def corpus(limit: int) -> tuple[list[str], str]:
    seen: dict[str, None] = {}
    if DATA.is_dir():
        for row in json.loads((DATA / "claimbuster_train.json").read_text(encoding="utf-8")):
            seen.setdefault(" ".join(row["text"].split()), None)
        with (DATA / "clef2019_task1_train.csv").open(encoding="utf-8", newline="") as fh:
            for r in csv.DictReader(fh):
                seen.setdefault(" ".join(r["text"].split()), None)
        origin = "ClaimBuster + CLEF 2019 sentences"
    else:
        for path in sorted(GOLDEN.glob("*.txt")):
            for line in path.read_text(encoding="utf-8").split("\n\n"):
                seen.setdefault(" ".join(line.split()), None)
        origin = "golden articles (shared data absent)"
    sentences = [s for s in seen if s][:limit]
    return sentences, origin


def clear() -> None:
    for cached in (structure_shift, signals, _grams, _date_spans, _entity_spans, _quantity_spans):
        cached.cache_clear()


def best(fn, repeat: int) -> tuple[float, float]:  # type: ignore[no-untyped-def]
    """Best CPU seconds and best wall seconds over ``repeat`` runs. CPU time is what one core
    spends, so it stays fair when other processes share the machine; wall time is shown too."""
    cpu, wall = [], []
    for _ in range(repeat):
        clear()
        c, w = time.process_time(), time.perf_counter()
        fn()
        cpu.append(time.process_time() - c)
        wall.append(time.perf_counter() - w)
    return min(cpu), min(wall)


def _load() -> str:
    try:
        return Path("/proc/loadavg").read_text().split()[0]
    except OSError:
        return "unknown"


def golden_rows() -> list[str]:
    import sys

    sys.path.insert(0, str(ROOT))
    from tests.claims.test_extract_golden import score

    rows = []
    for path in sorted(GOLDEN.glob("*.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        article = (ROOT / gold["article"]).resolve()
        if not article.is_file():
            rows.append(f"| {path.stem} | absent | | | |")
            continue
        claims = extract_claims(article.read_text(encoding="utf-8"), published=gold.get("published"))
        p, r, _, _ = score(gold, claims)
        rows.append(f"| {path.stem} | {len(claims)} | {len(gold['required'])} | {p:.3f} | {r:.3f} |")
    return rows


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--sentences", type=int, default=20000)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args()
    sentences, origin = corpus(args.sentences)
    text = "\n\n".join(" ".join(sentences[i:i + 4]) for i in range(0, len(sentences), 4))
    n_split = len(_sentences(text))
    checkworthiness(sentences[:10])  # load the model outside the timing

    cw, cw_wall = best(lambda: checkworthiness(sentences), args.repeat)
    ex, ex_wall = best(lambda: extract_claims(text), args.repeat)
    claims = extract_claims(text)
    lines = [
        "# Claims benchmark",
        "",
        f"{len(sentences)} distinct sentences ({origin}), {n_split} after splitting, "
        f"{len(text) / 1e6:.1f} MB; best of {args.repeat}, caches cleared each run; one core, "
        f"Python {platform.python_version()}; load average at start {_load()}.",
        "",
        "| what | sentences | CPU s | sentences/s (CPU) | wall s | sentences/s (wall) | goal |",
        "|---|---|---|---|---|---|---|",
        f"| checkworthiness | {len(sentences)} | {cw:.2f} | {len(sentences) / cw:,.0f} | {cw_wall:.2f} "
        f"| {len(sentences) / cw_wall:,.0f} | >= 5,000 |",
        f"| extract_claims | {n_split} | {ex:.2f} | {n_split / ex:,.0f} | {ex_wall:.2f} "
        f"| {n_split / ex_wall:,.0f} | >= 1,000 |",
        "",
        f"extract_claims kept {len(claims)} claims above the cut.",
        "",
        "## Golden set (tests/claims/golden)",
        "",
        "| article | claims | required | precision | recall |",
        "|---|---|---|---|---|",
        *golden_rows(),
    ]
    table = "\n".join(lines) + "\n"
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    write_results(RESULTS, table)
    print(table)


if __name__ == "__main__":
    main()
