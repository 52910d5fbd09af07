"""The data card: YAML that `datasets` reads offline, class names that survive loading, computed
statistics."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import datasets
import mlcroissant as mlc
import pyarrow.parquet as pq
import pytest
import yaml
from huggingface_hub import DatasetCard

from nklabor import load_schemas
from nklabor.release import metadata, pseudonyms
from nklabor.release.build import BuildResult
from nklabor.release.card import changelog, size_category
from nklabor.release.diff import diff_releases
from nklabor.release.layout import FIGURE, PSEUDONYMS
from nklabor.release.verify import verify_release
from nklabor.release.versions import published
from tests.support import ROOT

SECTIONS = (
    "## Motivation",
    "## Composition",
    "## Collection process",
    "## Annotation process",
    "## Personal and sensitive information",
    "## Uses",
    "## Out-of-scope uses",
    "## Bias, risks and limitations",
    "## Maintenance",
    "## Changelog",
)


def front_matter(release: Path) -> dict[str, Any]:
    text = (release / "README.md").read_text(encoding="utf-8")
    assert text.startswith("---\n")
    meta = yaml.safe_load(text.split("---\n")[1])
    assert isinstance(meta, dict)
    return meta


def label_ids(value: Any, feature: Any) -> list[tuple[int, int]]:
    """(id, number of classes) of every class label in a loaded value."""
    if value is None:
        return []
    if isinstance(feature, datasets.ClassLabel):
        return [(value, feature.num_classes)]
    if isinstance(feature, datasets.List):
        return [pair for v in value for pair in label_ids(v, feature.feature)]
    if isinstance(feature, dict):
        return [pair for k, f in feature.items() for pair in label_ids(value.get(k), f)]
    return []


def load(release: Path, config: str, cache: Path) -> datasets.DatasetDict:
    ds = datasets.load_dataset(str(release), config, cache_dir=str(cache))
    assert isinstance(ds, datasets.DatasetDict)
    return ds


@pytest.mark.parametrize("config", ["events", "documents", "spans"])
def test_synthetic_release_loads_offline_with_class_names(
    shared_release: Path, tmp_path: Path, config: str, no_network: list[object]
) -> None:
    ds = load(shared_release, config, tmp_path)
    meta = front_matter(shared_release)
    info = next(i for i in meta["dataset_info"] if i["config_name"] == config)
    assert {s["name"]: s["num_examples"] for s in info["splits"]} == {k: v.num_rows for k, v in ds.items()}
    labels = load_schemas().labels
    split = next(iter(ds.values()))
    if config != "documents":
        assert split.features["mobilization_type"].names == labels["mobilization_type"].names
    for part in ds.values():
        for row in part:
            for value, classes in label_ids(row, part.features):
                assert 0 <= value < classes
    assert no_network == []
    assert verify_release(shared_release).ok  # loading wrote nothing into the release


def test_front_matter_and_sections(shared_release: Path) -> None:
    meta = front_matter(shared_release)
    assert meta["license"] and meta["language"] == ["en"] and meta["task_categories"]
    assert meta["size_categories"] == ["n<1K"]
    for config in meta["configs"]:
        for item in config["data_files"]:
            assert (shared_release / item["path"]).is_file()
    text = (shared_release / "README.md").read_text(encoding="utf-8")
    positions = [text.index(s) for s in SECTIONS]
    assert positions == sorted(positions)
    assert "[codebook.md](codebook.md)" in text and (shared_release / "codebook.md").is_file()


def test_statistics_are_counted_from_the_data(shared_release: Path) -> None:
    text = (shared_release / "README.md").read_text(encoding="utf-8")
    events = [
        row
        for p in sorted(shared_release.glob("data/events/*.parquet"))
        for row in pq.read_table(p, columns=["forced_labour_assessment"]).to_pylist()
    ]
    names = load_schemas().labels["forced_labour_assessment"].names
    totals = {n: sum(1 for r in events if names[r["forced_labour_assessment"]] == n) for n in names}
    section = text[text.index("**`forced_labour_assessment`**") :]
    for name, total in totals.items():
        if total:
            row = next(line for line in section.splitlines() if line.startswith(f"| `{name}` |"))
            assert row.rstrip(" |").endswith(f"| {total}")
    assert f"Events: {len(events)};" in text


@pytest.mark.parametrize(
    ("n", "bucket"), [(0, "n<1K"), (999, "n<1K"), (1000, "1K<n<10K"), (250_000, "100K<n<1M")]
)
def test_size_categories(n: int, bucket: str) -> None:
    assert size_category(n) == bucket


def test_the_changelog_is_generated_from_the_diff() -> None:
    old, new = ROOT / "releases" / "v1.0.0", ROOT / "releases" / "v1.1.0"
    if not (old.is_dir() and new.is_dir()):
        pytest.skip("releases v1.0.0 and v1.1.0 are not checked in")
    lines = changelog(diff_releases(old, new))
    assert "Columns of `documents`: added `agreement`." in lines
    assert (
        "Gold now adjudicated (was a single annotation): `asiapress-2026-musan-workers-russia`, "
        "`dailynk-2021-komdok-soldiers-miners`, `dailynk-2022-donbas-workers-selected`." in lines
    )
    assert "Splits: no document moved." in lines
    assert any(line.startswith("Events relabelled (2): ") for line in lines)


def test_the_card_changelog_of_a_later_release_lists_its_changes(shipped_release: Path) -> None:
    text = (shipped_release / "README.md").read_text(encoding="utf-8")
    section = text[text.index("## Changelog") :]
    previous = [v for v in published(shipped_release.parent) if v.name != shipped_release.name]
    if not previous:
        assert "- First release." in section
        return
    change = diff_releases(shipped_release.parent / previous[-1].name, shipped_release)
    assert f"Compared with {previous[-1].name}:" in section
    for line in changelog(change):
        assert f"- {line}" in section


def newest_current_release() -> Path | None:
    """The newest checked-in release built under the current codebook, if any."""
    folder = ROOT / "releases"
    for version in reversed(published(folder)):
        if load_schemas(folder / version.name / "schema").version == load_schemas().version:
            return folder / version.name
    return None


def check_figure_citation_and_contact(release: Path) -> None:
    text = (release / "README.md").read_text(encoding="utf-8")
    version = release.name[1:]
    assert f"]({FIGURE})" in text and (release / FIGURE).is_file()
    assert (release / FIGURE).read_bytes().startswith(b"<?xml")
    croissant = json.loads((release / "croissant.json").read_text(encoding="utf-8"))
    assert croissant["citeAs"] == metadata.bibtex(version, date.fromisoformat(croissant["datePublished"]))
    assert f"```bibtex\n{croissant['citeAs']}\n```" in text
    assert croissant["citeAs"].startswith(f"@misc{{{metadata.citation_key(version)},")
    assert croissant["url"] == metadata.REPOSITORY
    section = text[text.index("## Authors, contact and corrections") : text.index("## License")]
    for address in (metadata.REPOSITORY, metadata.ISSUES, metadata.PRIVATE_REPORTS):
        assert address in section
    assert "Annotations: CC BY 4.0. Article texts and quotes remain the copyright of their publishers" in text
    card = DatasetCard.load(release / "README.md")
    assert card.data.license == "other" and card.data.pretty_name == metadata.TITLE
    assert mlc.Dataset(jsonld=release / "croissant.json").metadata.ctx.issues.errors == set()


def test_the_card_shows_the_figure_the_citation_and_the_contact(shipped_release: Path) -> None:
    check_figure_citation_and_contact(shipped_release)


def test_the_newest_published_card_shows_the_figure_the_citation_and_the_contact() -> None:
    release = newest_current_release()
    if release is None:
        pytest.skip("no checked-in release is built under the current codebook yet")
    check_figure_citation_and_contact(release)
    assert verify_release(release).ok


def test_the_card_says_from_which_version_pseudonyms_are_stable(shipped_build: BuildResult) -> None:
    text = (shipped_build.path / "README.md").read_text(encoding="utf-8")
    since = pseudonyms.load(shipped_build.path.parent / PSEUDONYMS).since
    assert since is not None and f"They are stable from v{since} on" in text
    legacy = [v.name for v in published(shipped_build.path.parent) if v < since]
    if legacy:
        assert f"Earlier releases ({', '.join(legacy)}) numbered annotators anew" in text
    if since == shipped_build.version and legacy:
        assert "Release pseudonyms are stable from this version on" in text
