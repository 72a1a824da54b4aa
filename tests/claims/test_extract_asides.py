"""An attribution aside removed at the end of a sentence leaves no stray comma behind."""

from claims import extract_claims


def test_trailing_aside_leaves_clean_claim() -> None:
    text = ("Regulators fined Tencent, Sina Weibo and Baidu in September for failing to police "
            "what their users published, as reported at the time.")
    (claim,) = extract_claims(text, published="2017-10-09")
    assert claim.text.endswith("what their users published.")
    assert text[claim.start:claim.end] == claim.sentence
