"""The shortcuts that make extract_document cheap give exactly what the plain code gave.

Each fast path (``word_set``, the language tokenizer, ``normalize_text``'s guards) is checked
against the straightforward version it replaced, on generated text that mixes ASCII,
punctuation, digits, underscores, marks, non-Latin letters and control characters.
Dropping scripts before trafilatura must keep what extract_document reads from them.
"""

from __future__ import annotations

import re
import unicodedata

from hypothesis import given, settings
from hypothesis import strategies as st

from sources import language
from sources.extract import extract_document, word_set
from sources.text import normalize_text

_ALPHABET = st.one_of(
    st.sampled_from([*"abcXYZ019_-.,'’ \n\t\r", "\u00a0", "\u00ad", "\ufeff", "\x00", "\x07",
                     "\x0b", "\x1f", "\x7f", "é", "e\u0301", "ß", "İ", "²", "½", "Ⅻ", "٣",
                     "中", "文", "я", "ω", "\u200b", "\u3000", "!", "  ", "\n\n\n"]),
    st.characters(),
)
_TEXT = st.lists(_ALPHABET, max_size=200).map("".join)


def _old_normalize(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    text = re.sub(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]", "",
                  text.replace("\u00ad", "").replace("\ufeff", ""))
    text = re.sub(r"[ \t\u00a0]+\n", "\n", text + "\n")
    return re.sub(r"\n{3,}", "\n\n", text).strip()


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_word_set_is_the_regex_word_set(text: str) -> None:
    assert word_set(text) == set(re.findall(r"\w+", text))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_language_words_are_the_regex_words(text: str) -> None:
    assert sorted(language._words(text)) == sorted(re.findall(r"[^\W\d_]+", text))


@settings(max_examples=400, deadline=None)
@given(_TEXT)
def test_normalize_text_is_unchanged(text: str) -> None:
    assert normalize_text(text) == _old_normalize(text)


def test_normalize_text_cases() -> None:
    for text in ("a \nb", "a\t\n\n\n\nb", "a\u00a0\nb", "x\x00y\x7fz", "caf\u00e9\u00ad\ufeff ",
                 "e\u0301\r\n\r\n\r\nz", "ascii only", ""):
        assert normalize_text(text) == _old_normalize(text), repr(text)


def test_scripts_are_read_before_they_are_dropped() -> None:
    prose = " ".join(["The council approved the new budget for schools and roads."] * 20)
    page = f"""<html><head><title>Budget</title>
    <script>var x = "<p>not text</p>"; window.dataLayer = [];</script>
    <style>p {{ color: red }}</style>
    <script type="application/ld+json">{{"@type": "NewsArticle", "headline": "Budget passes",
      "datePublished": "2024-03-05", "author": {{"@type": "Person", "name": "A. Writer"}}}}</script>
    </head><body><article><p>{prose}</p><script>track()</script><p>Tail after script.</p>
    </article></body></html>"""
    doc = extract_document(page, url="https://news.example/budget")
    assert doc is not None
    assert doc.published == "2024-03-05" and doc.author == "A. Writer"
    assert doc.jsonld and doc.jsonld[0]["headline"] == "Budget passes"
    assert "not text" not in doc.text and "track()" not in doc.text and "color" not in doc.text
    assert "Tail after script." in doc.text


def test_language_sample_is_bounded_but_enough() -> None:
    german = "Der Rat hat am Dienstag den Haushalt für das nächste Jahr beschlossen, und die " \
             "Opposition hat sich dagegen ausgesprochen. " * 40
    assert language.guess_language(german) == "de"
    assert language.guess_language("x" * 10 + " " + german) == "de"
