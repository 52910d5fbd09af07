"""`rehydrate`: the full flavour rebuilt from the public one and a user's own copies of the articles."""

from __future__ import annotations

import json
import shutil
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from nklabor.cli import app
from nklabor.errors import InvalidInputError, UsageError
from nklabor.release import fingerprints
from nklabor.release.errors import ReleaseExistsError
from nklabor.release.layout import data_files
from nklabor.release.rehydrate import rehydrate
from nklabor.release.verify import verify_release
from tests.support import ROOT

runner = CliRunner()


def texts_folder(folder: Path) -> dict[str, str]:
    """The seed articles as `<document id>.txt` files, each saved the way a user might: Windows line endings,
    a BOM, decomposed accents (all undone by the normalisation)."""
    folder.mkdir(parents=True, exist_ok=True)
    found = {}
    for path in sorted((ROOT / "annotations").glob("*.adj-*.json")):
        document = json.loads(path.read_text(encoding="utf-8"))["document"]
        found[document["id"]] = document["text"]
        saved = "\ufeff" + unicodedata.normalize("NFD", document["text"]).replace("\n", "\r\n")
        (folder / f"{document['id']}.txt").write_bytes(saved.encode("utf-8"))
    return found


def files_of(release: Path) -> dict[str, bytes]:
    return {
        p.relative_to(release).as_posix(): p.read_bytes() for p in sorted(release.rglob("*")) if p.is_file()
    }


def documents_in(release: Path) -> list[str]:
    return [
        r["id"]
        for _s, p in data_files(release, "documents")
        for r in pq.read_table(p, columns=["id"]).to_pylist()
    ]


def test_rehydrating_with_the_seed_texts_gives_the_teams_full_flavour_byte_for_byte(
    shipped_release: Path, shipped_full: Path, tmp_path: Path
) -> None:
    texts_folder(tmp_path / "texts")
    result = rehydrate(shipped_release, tmp_path / "texts", tmp_path / "out")
    assert result.left_out == [] and result.report.issues == [] and result.documents == 5
    assert result.path == tmp_path / "out" / shipped_release.name
    assert files_of(result.path) == files_of(shipped_full)
    assert verify_release(result.path).ok


def test_an_annotation_folder_serves_as_the_texts(
    shipped_release: Path, shipped_full: Path, tmp_path: Path
) -> None:
    result = rehydrate(shipped_release, ROOT / "annotations", tmp_path / "out")
    assert result.left_out == [] and files_of(result.path) == files_of(shipped_full)


def test_one_changed_character_is_located_and_its_document_left_out(
    shipped_release: Path, tmp_path: Path
) -> None:
    texts = texts_folder(tmp_path / "texts")
    doc = "dailynk-2021-komdok-soldiers-miners"
    offset = 1000
    text = texts[doc]
    changed = text[:offset] + ("x" if text[offset] != "x" else "y") + text[offset + 1 :]
    (tmp_path / "texts" / f"{doc}.txt").write_text(changed, encoding="utf-8")
    missing = "onefreekorea-2009-labor-camp-uprisings"
    (tmp_path / "texts" / f"{missing}.txt").unlink()
    result = rehydrate(shipped_release, tmp_path / "texts", tmp_path / "out")
    assert sorted(result.left_out) == sorted([doc, missing]) and result.documents == 3
    issues = {i.code: i for i in result.report.issues}
    differs = issues["rehydrate.text-differs"]
    assert differs.file == str(tmp_path / "texts" / f"{doc}.txt") and differs.severity == "warning"
    block = (offset // fingerprints.BLOCK) * fingerprints.BLOCK
    assert f"first difference is in characters {block}-{block + fingerprints.BLOCK}" in differs.message
    assert f"{len(changed)} code points where it has {len(text)}" in differs.message
    assert issues["rehydrate.text-missing"].file == str(tmp_path / "texts" / f"{missing}.txt")
    assert sorted(documents_in(result.path)) == sorted(set(texts) - {doc, missing})
    for config in ("events", "spans"):
        for _s, path in data_files(result.path, config):
            assert not {doc, missing} & set(
                pq.read_table(path, columns=["document_id"])["document_id"].to_pylist()
            )
    card = (result.path / "README.md").read_text(encoding="utf-8")
    assert "2 document(s) were left out" in card and f"`{doc}`: the copy given differs" in card
    assert verify_release(result.path).ok


def test_strict_writes_nothing_unless_every_text_matches(shipped_release: Path, tmp_path: Path) -> None:
    texts_folder(tmp_path / "texts")
    next((tmp_path / "texts").glob("*.txt")).write_text("not the article", encoding="utf-8")
    with pytest.raises(InvalidInputError) as caught:
        rehydrate(shipped_release, tmp_path / "texts", tmp_path / "out", strict=True)
    assert [i.code for i in caught.value.report.issues] == ["rehydrate.text-differs"]
    assert not (tmp_path / "out").exists()


def test_what_cannot_be_rehydrated(shipped_release: Path, shipped_full: Path, tmp_path: Path) -> None:
    texts_folder(tmp_path / "texts")
    with pytest.raises(UsageError, match="built before flavours"):
        rehydrate(ROOT / "releases" / "v1.1.0", tmp_path / "texts", tmp_path / "out")
    with pytest.raises(UsageError, match="a full flavour already"):
        rehydrate(shipped_full, tmp_path / "texts", tmp_path / "out")
    with pytest.raises(UsageError, match="not a folder"):
        rehydrate(shipped_release, tmp_path / "none", tmp_path / "out")
    damaged = tmp_path / "damaged" / shipped_release.name
    shutil.copytree(shipped_release, damaged)
    (damaged / "build.json").write_text("{}\n", encoding="utf-8")
    with pytest.raises(UsageError, match="fails verification"):
        rehydrate(damaged, tmp_path / "texts", tmp_path / "out")
    rehydrate(shipped_release, tmp_path / "texts", tmp_path / "out")
    with pytest.raises(ReleaseExistsError):
        rehydrate(shipped_release, tmp_path / "texts", tmp_path / "out")


def test_cli_rehydrate(shipped_release: Path, tmp_path: Path) -> None:
    texts = texts_folder(tmp_path / "texts")
    gone = sorted(texts)[0]
    (tmp_path / "texts" / f"{gone}.txt").unlink()
    args = ["release", "rehydrate", shipped_release.name, "--releases", str(shipped_release.parent)]
    args += ["--texts", str(tmp_path / "texts")]
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "a")])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{tmp_path / 'texts' / gone}.txt: $ [rehydrate.text-missing] '{gone}'")
    assert lines[1] == (
        f"rehydrated {tmp_path / 'a' / shipped_release.name}: 4 of 5 document(s); left out (no matching "
        f"text): {gone}"
    )
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "b"), "--format", "json"])
    data = json.loads(result.output)
    assert result.exit_code == 0 and data["left_out"] == [gone] and data["documents"] == 4
    result = runner.invoke(app, [*args, "--out", str(tmp_path / "c"), "--strict"])
    assert result.exit_code == 1 and "nothing written" in result.output and not (tmp_path / "c").exists()
    result = runner.invoke(app, [*args[:-1], str(tmp_path / "none")])
    assert result.exit_code == 2 and "not a folder" in result.output and "Traceback" not in result.output


@given(st.text(min_size=1, max_size=400), st.data())
def test_the_first_difference_holds_the_first_changed_character(text: str, data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(text)))
    edit = data.draw(st.sampled_from(["substitute", "insert", "delete"]))
    char = data.draw(st.characters(exclude_categories=["Cs"]))
    if edit == "substitute" and position < len(text) and char != text[position]:
        copy = text[:position] + char + text[position + 1 :]
    elif edit == "insert":
        copy = text[:position] + char + text[position:]
    elif edit == "delete" and position < len(text):
        copy = text[:position] + text[position + 1 :]
    else:
        return
    expected = fingerprints.fingerprint(text)
    where = fingerprints.first_difference(copy, expected, len(text))
    first = next(
        (i for i, (a, b) in enumerate(zip(text, copy, strict=False)) if a != b), min(len(text), len(copy))
    )
    # A copy that runs on past the text's end differs at offset len(text), the end of the last block.
    assert where.start <= first and (first < where.end or first == where.end == len(text))
    assert where.start % fingerprints.BLOCK == 0 or where.start == len(text)


def test_a_copy_that_is_not_utf8_is_reported_not_guessed(shipped_release: Path, tmp_path: Path) -> None:
    texts = texts_folder(tmp_path / "texts")
    doc = sorted(texts)[-1]
    (tmp_path / "texts" / f"{doc}.txt").write_bytes(texts[doc].encode("utf-16"))
    result = rehydrate(shipped_release, tmp_path / "texts", tmp_path / "out")
    assert result.left_out == [doc]
    (issue,) = result.report.issues
    assert issue.code == "rehydrate.text-unreadable" and "not UTF-8" in issue.message
