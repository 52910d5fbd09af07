"""The public and full flavours of a release: what each holds, how each loads, and how they are recorded.

The acceptance cases run on the shipped annotations (the seed articles) built in both flavours."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import mlcroissant as mlc
import pandas as pd
import pyarrow.parquet as pq
import pytest
from datasets import load_dataset
from huggingface_hub import DatasetCard

from nklabor import load_release
from nklabor.annotation import text_sha256
from nklabor.errors import UsageError
from nklabor.release.build import BuildResult, build_release
from nklabor.release.diff import diff_releases
from nklabor.release.errors import LeakError, ReleaseExistsError
from nklabor.release.flavours import LEGACY, flavour_of
from nklabor.release.layout import data_files
from nklabor.release.leak import SHINGLE, scan_articles
from nklabor.release.listing import list_releases
from tests.support import ROOT
from tests.support.project import all_strings
from tests.support.synthetic import corpus_annotations, write_corpus


def gold_annotations() -> list[dict[str, Any]]:
    """The published gold of the shipped annotations: every seed article has an adjudication."""
    return [
        json.loads(p.read_text(encoding="utf-8")) for p in sorted((ROOT / "annotations").glob("*.adj-*.json"))
    ]


def words(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def written(release: Path) -> str:
    """Every string of every file of a release (Parquet values decoded), as words, `|` between strings."""
    found = []
    for path in sorted(p for p in release.rglob("*") if p.is_file()):
        found.append(path.read_bytes().decode("utf-8", "replace"))
        if path.suffix == ".parquet":
            found += all_strings(pq.read_table(path).to_pylist())
    return " | ".join(words(s) for s in found)


def sentences(text: str) -> list[str]:
    return [s for s in re.split(r"(?<=[.!?”\"])\s+|\n+", text) if len(words(s).split()) >= 4]


def test_the_public_flavour_holds_no_sentence_and_no_quote_of_any_seed(shipped_release: Path) -> None:
    haystack = f" {written(shipped_release)} "
    checked = 0
    for annotation in gold_annotations():
        document = annotation["document"]
        title = words(document["title"].get("text") or "")
        for sentence in sentences(document["text"]):
            if words(sentence) != title:  # an article that opens with its headline: the title is published
                assert f" {words(sentence)} " not in haystack, sentence
                checked += 1
        for event in annotation["events"]:
            for quote in re.findall(r"'quote': '([^']*)'", repr(event)):
                if len(quote.split()) >= 8:  # shorter ones are names a label may carry
                    assert f" {words(quote)} " not in haystack, quote
    assert checked > 100


def test_the_full_flavour_holds_the_texts(shipped_full: Path) -> None:
    haystack = written(shipped_full)
    for annotation in gold_annotations():
        assert words(annotation["document"]["text"]) in haystack


def test_the_public_flavour_keeps_offsets_hashes_and_lengths(
    shipped_release: Path, shipped_full: Path
) -> None:
    for config in ("documents", "events", "spans"):
        for (split, public), (_s, full) in zip(
            data_files(shipped_release, config), data_files(shipped_full, config), strict=True
        ):
            public_names, full_names = pq.read_schema(public).names, pq.read_schema(full).names
            assert [n for n in full_names if n not in ("text", "quote")] == public_names, (config, split)
    spans = pd.concat(pd.read_parquet(p) for _s, p in data_files(shipped_full, "spans"))
    public_spans = pd.concat(pd.read_parquet(p) for _s, p in data_files(shipped_release, "spans"))
    assert "quote" not in public_spans and {"start", "end", "quote_sha256"} <= set(public_spans)
    assert (spans["quote"].map(text_sha256) == spans["quote_sha256"]).all()
    assert public_spans[["start", "end", "quote_sha256"]].equals(spans[["start", "end", "quote_sha256"]])
    documents = {a["document"]["id"]: a["document"] for a in gold_annotations()}
    for _s, path in data_files(shipped_release, "documents"):
        for row in pq.read_table(path, columns=["id", "text_sha256", "text_length", "url"]).to_pylist():
            document = documents[row["id"]]
            assert row["text_sha256"] == document["text_sha256"]
            assert row["text_length"] == len(document["text"]) and row["url"] == document["url"]


def test_the_public_flavour_loads_with_datasets_pandas_and_nklabor(shipped_release: Path) -> None:
    for config in ("documents", "events", "spans"):
        loaded = load_dataset(str(shipped_release), config)
        assert sum(len(split) for split in loaded.values()) > 0
    spans = load_dataset(str(shipped_release), "spans")["train"]
    assert "quote" not in spans.features and spans.features["kind"].names[0] == "event"
    events = load_release(shipped_release, "events")
    assert len(events) > 0 and events["mobilization_type"].dtype == "category"
    documents = load_release(shipped_release, "documents")
    assert "text" not in documents and documents["text_length"].gt(0).all()


def test_card_and_croissant_record_the_flavour(shipped_release: Path, shipped_full: Path) -> None:
    public, full = (DatasetCard.load(p / "README.md") for p in (shipped_release, shipped_full))
    assert public.data.license == "cc-by-4.0" and full.data.license == "other"
    assert "Public flavour" in public.text and "nklabor release rehydrate" in public.text
    assert "Full flavour, for the nklabor team only" in full.text and "do not redistribute it" in full.text
    for release, word in ((shipped_release, "Public flavour"), (shipped_full, "Full flavour")):
        croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
        assert word in croissant["description"]
        assert {d["contentUrl"] for d in croissant["distribution"] if "contentUrl" in d} >= {
            "build.json",
            "fingerprints.parquet",
        }
        assert mlc.Dataset(jsonld=release / "croissant.json").metadata.ctx.issues.errors == set()
    assert (flavour_of(shipped_release), flavour_of(shipped_full)) == ("public", "full")
    assert flavour_of(ROOT / "releases" / "v1.1.0") == LEGACY


def test_only_the_card_croissant_checksums_and_data_differ(shipped_release: Path, shipped_full: Path) -> None:
    names = sorted(
        p.relative_to(shipped_release).as_posix() for p in shipped_release.rglob("*") if p.is_file()
    )
    assert names == sorted(
        p.relative_to(shipped_full).as_posix() for p in shipped_full.rglob("*") if p.is_file()
    )
    differ = {n for n in names if (shipped_release / n).read_bytes() != (shipped_full / n).read_bytes()}
    assert {"README.md", "croissant.json", "checksums.sha256"} <= differ
    assert all(
        n in ("README.md", "croissant.json", "checksums.sha256") or n.startswith("data/") for n in differ
    )


def test_a_diff_between_the_flavours_of_one_version_finds_no_change(
    shipped_release: Path, shipped_full: Path
) -> None:
    change = diff_releases(shipped_release, shipped_full)
    assert change.flavours == ("public", "full")
    assert change.empty and change.summary() == ["flavour public -> full"]


def test_list_shows_both_flavours(shipped_build: BuildResult) -> None:
    found = [(r.version, r.flavour) for r in list_releases(shipped_build.path.parent)]
    name = shipped_build.version.name
    assert found[-2:] == [(name, "public"), (name, "full")]
    assert ("v1.1.0", LEGACY) in found


def test_either_flavour_published_blocks_the_version(tmp_path: Path) -> None:
    source = write_corpus(tmp_path / "a", corpus_annotations(4))
    out = tmp_path / "releases"
    result = build_release("1.0.0", source, out, flavour="full")
    assert result.flavours == {"full": out / "full" / "v1.0.0"} and not (out / "v1.0.0").exists()
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["full"]
    for flavour in ("public", "full", "both"):
        with pytest.raises(ReleaseExistsError):
            build_release("1.0.0", source, out, flavour=flavour)
    with pytest.raises(UsageError, match="not a flavour"):
        build_release("1.0.1", source, out, flavour="private")


def sentence_of(text: str) -> str:
    """The first run of `SHINGLE` words of a text, as it is written there."""
    return " ".join(text.split()[2 : 2 + SHINGLE])


def test_an_article_sentence_anywhere_fails_the_public_build(tmp_path: Path) -> None:
    annotations = corpus_annotations(4)
    leaked = sentence_of(annotations[1]["document"]["text"])
    annotations[1]["document"]["title"]["basis"] = f"From the lede: {leaked}"
    annotations[1]["document"]["title"]["provenance"] = "reconstructed"
    out = tmp_path / "releases"
    with pytest.raises(LeakError) as caught:
        build_release("1.0.0", write_corpus(tmp_path / "a", annotations), out)
    message = str(caught.value)
    assert f"{SHINGLE} words in a row of the article {annotations[1]['document']['id']!r}" in message
    assert "data/documents/" in message and leaked not in message  # the message shows a few words only
    assert not [p for p in out.iterdir() if p.name.startswith("v")]


def test_titles_and_short_names_are_not_leaks(tmp_path: Path) -> None:
    annotations = corpus_annotations(4)
    text = annotations[2]["document"]["text"]
    annotations[2]["document"]["title"]["text"] = sentence_of(text)  # an article that opens with its title
    annotations[2]["events"][0]["campaign_name"] = " ".join(text.split()[: SHINGLE - 1])  # 11 words of it
    result = build_release("1.0.0", write_corpus(tmp_path / "a", annotations), tmp_path / "releases")
    assert result.flavours == {"public": tmp_path / "releases" / "v1.0.0"}


def test_the_article_scan_finds_the_texts_and_quotes_of_a_full_flavour(shipped_full: Path) -> None:
    texts = [(a["document"]["id"], a["document"]["text"]) for a in gold_annotations()]
    files = [p.relative_to(shipped_full).as_posix() for p in shipped_full.rglob("*") if p.is_file()]
    found = scan_articles(shipped_full, files, texts)
    configs = {f.file.split("/")[1] for f in found}
    assert configs == {"documents", "events", "spans"}  # texts, and quotes of 12 words or more
    assert {f.document_id for f in found} == {doc for doc, _ in texts}
