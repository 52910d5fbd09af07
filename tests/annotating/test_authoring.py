"""`nklabor new` and `nklabor span`: annotators never compute a hash or an offset by hand."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from nklabor import validate
from nklabor.annotating.authoring import QuoteError, find_span
from nklabor.annotation import normalise_text, text_sha256
from nklabor.cli import app
from tests.support import DATA

runner = CliRunner()
ARTICLE = "Workers left Musan\r\nin January.\r\nThey left via Rason. Cafe\u0301 workers left too.\r\n"


def new(tmp_path: Path, *extra: str) -> tuple[Path, object]:
    (tmp_path / "annotators.json").write_text((DATA / "annotators.json").read_text(encoding="utf-8"))
    article = tmp_path / "article.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    out = tmp_path / "musan.json"
    result = runner.invoke(
        app,
        [
            "new",
            str(article),
            "--id",
            "asiapress-2025-musan",
            "--outlet",
            "ASIAPRESS",
            "--url",
            "https://www.asiapress.org/example/",
            "--published",
            "2025-02-20",
            "--out",
            str(out),
            "--annotator",
            "ann-01",
            *extra,
        ],
    )
    return out, result


def test_new_writes_a_valid_skeleton_with_normalised_text_and_hash(tmp_path: Path) -> None:
    out, result = new(tmp_path)
    assert result.exit_code == 0, result.output  # type: ignore[attr-defined]
    data = json.loads(out.read_text(encoding="utf-8"))
    text = data["document"]["text"]
    assert "\r" not in text and "Caf\u00e9" in text
    assert data["document"]["text_sha256"] == text_sha256(text)
    assert data["events"] == []
    assert validate([out]).valid


def test_new_refuses_to_overwrite(tmp_path: Path) -> None:
    out, _ = new(tmp_path)
    before = out.read_bytes()
    _, result = new(tmp_path)
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert out.read_bytes() == before


def test_span_prints_code_point_offsets(tmp_path: Path) -> None:
    out, _ = new(tmp_path)
    result = runner.invoke(app, ["span", str(out), "Caf\u00e9 workers"])
    assert result.exit_code == 0, result.output
    found = json.loads(result.output)
    text = json.loads(out.read_text(encoding="utf-8"))["document"]["text"]
    assert text[found["start"] : found["end"]] == found["quote"] == "Caf\u00e9 workers"


def test_span_absent_or_ambiguous_exits_1(tmp_path: Path) -> None:
    out, _ = new(tmp_path)
    absent = runner.invoke(app, ["span", str(out), "Pyongyang"])
    assert absent.exit_code == 1 and "does not occur" in absent.output
    ambiguous = runner.invoke(app, ["span", str(out), "left"])
    assert ambiguous.exit_code == 1 and "3 times" in ambiguous.output
    assert "(--occurrence N)" in ambiguous.output  # the CLI names its option; the library does not
    second = runner.invoke(app, ["span", str(out), "left", "--occurrence", "2"])
    assert second.exit_code == 0 and json.loads(second.output)["start"] == ARTICLE.replace("\r", "").index(
        "left via"
    )


def test_span_on_a_plain_article(tmp_path: Path) -> None:
    article = tmp_path / "a.txt"
    article.write_bytes(ARTICLE.encode())
    result = runner.invoke(app, ["span", str(article), "via Rason"])
    assert json.loads(result.output)["quote"] == "via Rason"


def test_find_span_rejects_empty_quote() -> None:
    with pytest.raises(QuoteError):
        find_span("abc", "")


def test_normalise_text() -> None:
    assert normalise_text("a\r\nb\rc\u0065\u0301") == "a\nb\nc\u00e9"


@pytest.mark.parametrize(
    ("options", "flag"),
    [
        (["--id", "../../x"], "--id"),
        (["--id", "two words"], "--id"),
        (["--id", "Upper-Case"], "--id"),
        (["--published", "2025-02-30"], "--published"),
        (["--published", "February 2025"], "--published"),
        (["--outlet-type", "tabloid"], "--outlet-type"),
        (["--annotator", "ann-77"], "--annotator"),
        (["--annotator", "Kim Young-hee"], "--annotator"),
        (["--url", "not a url"], "--url"),
    ],
)
def test_new_checks_every_option_before_writing_anything(
    tmp_path: Path, options: list[str], flag: str
) -> None:
    (tmp_path / "annotators.json").write_text((DATA / "annotators.json").read_text(encoding="utf-8"))
    article = tmp_path / "article.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    before = sorted(p.name for p in tmp_path.rglob("*"))
    args = {
        "--id": "asiapress-2025-musan",
        "--outlet": "ASIAPRESS",
        "--url": "https://www.asiapress.org/x/",
        "--published": "2025-02-20",
        "--annotator": "ann-01",
    }
    args.update(dict(zip(options[::2], options[1::2], strict=True)))
    flat = [item for pair in args.items() for item in pair]
    result = runner.invoke(
        app, ["new", str(article), *flat], catch_exceptions=False, env={"PWD": str(tmp_path)}
    )
    assert result.exit_code == 2, result.output
    assert f"error: {flag}: " in result.output and "nothing written" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.rglob("*")) == before


def test_new_refuses_an_id_that_is_a_path_even_with_an_out_file(tmp_path: Path) -> None:
    _, result = new(tmp_path, "--id", "../../escape")  # a later --id wins in typer
    assert result.exit_code == 2  # type: ignore[attr-defined]
    assert not list(tmp_path.parent.parent.glob("escape*"))


def test_new_refuses_a_text_that_differs_from_another_annotators(tmp_path: Path) -> None:
    _, first = new(tmp_path, "--out", str(tmp_path / "asiapress-2025-musan.ann-01.json"))
    assert first.exit_code == 0  # type: ignore[attr-defined]
    other = tmp_path / "asiapress-2025-musan.ann-02.json"
    article = tmp_path / "article.txt"
    article.write_bytes((ARTICLE + "An edit.\r\n").encode("utf-8"))
    result = runner.invoke(
        app,
        [
            "new",
            str(article),
            "--id",
            "asiapress-2025-musan",
            "--outlet",
            "ASIAPRESS",
            "--url",
            "https://www.asiapress.org/example/",
            "--published",
            "2025-02-20",
            "--annotator",
            "ann-02",
            "--out",
            str(other),
        ],
    )
    assert result.exit_code == 2 and "ARTICLE: differs from the text of" in result.output
    assert not other.exists()


def test_written_files_have_the_mode_of_a_checkout(tmp_path: Path) -> None:
    out, result = new(tmp_path)
    assert result.exit_code == 0  # type: ignore[attr-defined]
    assert stat.S_IMODE(out.stat().st_mode) == 0o644


def test_new_has_no_default_annotator(tmp_path: Path) -> None:
    (tmp_path / "annotators.json").write_text((DATA / "annotators.json").read_text(encoding="utf-8"))
    article = tmp_path / "article.txt"
    article.write_bytes(ARTICLE.encode("utf-8"))
    args = [
        "new",
        str(article),
        "--id",
        "asiapress-2025-musan",
        "--outlet",
        "ASIAPRESS",
        "--url",
        "https://www.asiapress.org/example/",
        "--published",
        "2025-02-20",
        "--out",
        str(tmp_path / "a.json"),
    ]
    forgotten = runner.invoke(app, args, env={"NKLABOR_ANNOTATOR": ""})
    assert forgotten.exit_code == 2 and "error: --annotator: say who you are" in forgotten.output
    assert not (tmp_path / "a.json").exists()
    from_environment = runner.invoke(app, args, env={"NKLABOR_ANNOTATOR": "ann-02"})
    assert from_environment.exit_code == 0, from_environment.output
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["annotator"] == "ann-02"


def test_new_signs_with_the_configured_default_annotator_under_the_environment(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "annotators.json").write_text((DATA / "annotators.json").read_text(encoding="utf-8"))
    (tmp_path / "nklabor.toml").write_text('default_annotator = "ann-01"\n', encoding="utf-8")
    (tmp_path / "article.txt").write_bytes(ARTICLE.encode("utf-8"))
    monkeypatch.chdir(tmp_path)
    args = ["new", "article.txt", "--id", "asiapress-2025-musan", "--outlet", "ASIAPRESS", "--url"]
    args += ["https://www.asiapress.org/example/", "--published", "2025-02-20", "--out"]
    configured = runner.invoke(app, [*args, "a.json"], env={"NKLABOR_ANNOTATOR": ""})
    assert configured.exit_code == 0, configured.output
    assert json.loads((tmp_path / "a.json").read_text(encoding="utf-8"))["annotator"] == "ann-01"
    overridden = runner.invoke(app, [*args, "b.json"], env={"NKLABOR_ANNOTATOR": "ann-02"})
    assert overridden.exit_code == 0, overridden.output
    assert json.loads((tmp_path / "b.json").read_text(encoding="utf-8"))["annotator"] == "ann-02"
    (tmp_path / "nklabor.toml").write_text('default_annotator = "x"\n', encoding="utf-8")
    broken = runner.invoke(app, [*args, "c.json"], env={"NKLABOR_ANNOTATOR": ""})
    assert broken.exit_code == 2 and "'x' must be a pseudonymous id" in broken.output
    assert not (tmp_path / "c.json").exists()
