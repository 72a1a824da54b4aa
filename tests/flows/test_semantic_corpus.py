"""The corpus provider through the stages: passage vectors made by ``import_corpus``, and a
reworded claim that shares too few words with its source found through the semantic side.
Without the model (``make models``) this skips; the word path is the rest of tests/flows."""

from __future__ import annotations

from pathlib import Path

from claims.standalone import make_claim
from claimtrack.settings import Settings
from flows import stages
from flows.corpus import import_corpus
from tests.encoder_fixture import encoder_or_skip, models_dir
from warehouse.db import Warehouse

PAGES = {
    "vaccine.txt": "Physicians observed far fewer admissions once the vaccine was rolled out "
                   "across the region last winter.",
    "weather.txt": "The weather in Paris will be sunny with light winds on Sunday.",
}
CLAIM = "Fewer people had to go to hospital after the jabs started."


def test_reworded_claim_finds_its_corpus_source_by_meaning(tmp_path: Path,
                                                           prefect_harness: None) -> None:
    encoder_or_skip()
    folder = tmp_path / "corpus"
    folder.mkdir()
    for name, text in PAGES.items():
        (folder / name).write_text(text, encoding="utf-8")
    base = Settings(db=tmp_path / "wh.duckdb").with_overrides(providers={"enabled": ("corpus",)})
    words_only = base.with_overrides(models=tmp_path / "no-models")
    with_model = base.with_overrides(models=models_dir())
    result = import_corpus([str(folder)], with_model)
    assert result["added"] == 2 and result["embedded"] == 2
    assert import_corpus([str(folder)], with_model)["embedded"] == 0  # nothing new to embed
    claim = make_claim(CLAIM)
    wh = Warehouse(with_model.db)
    found = stages.discover(wh, with_model, None, [claim], ["corpus"]).by_claim.get(claim.id, [])
    assert [c.url.rsplit("/", 1)[-1] for c in found] == ["vaccine.txt"]
    plain = stages.discover(wh, words_only, None, [claim], ["corpus"]).by_claim.get(claim.id, [])
    assert plain == []  # keywords alone: one shared word is noise, not a source
