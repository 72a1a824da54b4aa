from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from sources.passages import split_passages


def _exact(text: str, max_chars: int = 600) -> list[str]:
    passages = split_passages(text, max_chars=max_chars)
    for i, p in enumerate(passages):
        assert p.index == i
        assert text[p.start:p.end] == p.text
        assert p.text == p.text.strip() and p.text
    return [p.text for p in passages]


def test_paragraphs_are_passages_and_short_lines_join_the_next() -> None:
    text = ("Headline\n\nThe first paragraph says something long enough to stand alone as a "
            "passage of evidence.\n\nThe second paragraph says another thing, also long enough "
            "to be a passage.")
    out = _exact(text)
    assert len(out) == 2
    assert out[0].startswith("Headline\n\nThe first paragraph")


def test_long_paragraph_splits_at_sentences_within_the_limit() -> None:
    sentence = "Alibaba handed user data to the police in 2017 after a request. "
    text = sentence * 30
    out = _exact(text, max_chars=200)
    assert len(out) > 5
    assert all(len(p) <= 200 for p in out)
    assert all(p.endswith("request.") for p in out)


def test_a_sentence_longer_than_a_window_is_cut_at_spaces() -> None:
    text = " ".join(["word"] * 500)
    out = _exact(text, max_chars=100)
    assert all(len(p) <= 100 for p in out)
    assert " ".join(out) == text


def test_single_newlines_split_when_there_are_no_blank_lines() -> None:
    lines = [f"Line {i} is a paragraph of extracted text with enough words in it to stand alone here."
             for i in range(5)]
    assert len(_exact("\n".join(lines))) == 5


def test_empty_text_has_no_passages() -> None:
    assert split_passages("") == []
    assert split_passages("   \n\n  ") == []


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=st.sampled_from("ab .\n!?X\u00a0"), max_size=800),
       st.integers(min_value=20, max_value=300))
def test_offsets_are_exact_for_any_text(text: str, max_chars: int) -> None:
    for p in split_passages(text, max_chars=max_chars):
        assert text[p.start:p.end] == p.text
