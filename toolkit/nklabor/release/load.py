"""`load_release`: one config of a release as a pandas DataFrame, label columns decoded to codebook ids.

    import nklabor
    events = nklabor.load_release("v2.0.0", "events", split="train")
    events["mobilization_type"]        # a Categorical of codebook ids, in codebook order
    events["population"]               # lists of codebook ids

The release is read with `datasets` (the loader ML teams use: the card's configs and the class names in its
features), then handed to pandas. Nothing here is imported by `import nklabor`: `datasets` and pandas are
loaded on the first call.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from ..errors import UsageError
from .layout import CONFIGS, SPLITS, data_files
from .versions import parse_version, published

if TYPE_CHECKING:
    import pandas as pd

LABELS = ("names", "ids")
LATEST = "latest"


def resolve(path_or_version: str | Path, releases: str | Path = "releases") -> Path:
    """A release folder: a path to one, a version (`v1.1.0`, `1.1.0`) published in `releases`, or `latest`
    (the newest published there)."""
    candidate = Path(path_or_version)
    if candidate.is_dir():
        return candidate
    folder = Path(releases)
    if str(path_or_version) == LATEST:
        versions = published(folder)
        if not versions:
            raise UsageError(f"{folder}: no published release")
        return folder / versions[-1].name
    try:
        version = parse_version(str(path_or_version))
    except UsageError:
        raise UsageError(f"{path_or_version}: neither a release folder nor a release version") from None
    if not (folder / version.name).is_dir():
        raise UsageError(f"{folder / version.name}: no such release")
    return folder / version.name


def _decode(value: Any, feature: Any) -> Any:
    """Class indices -> class names inside one value (lists and structs of any depth)."""
    import datasets

    if value is None:
        return None
    if isinstance(feature, datasets.ClassLabel):
        return feature.int2str(int(value))
    if isinstance(feature, datasets.List | datasets.LargeList):
        return [_decode(v, feature.feature) for v in value]
    if isinstance(feature, dict):
        return {k: _decode(value.get(k), f) for k, f in feature.items()}
    return value.tolist() if hasattr(value, "tolist") else value


def _decoded_column(series: pd.Series, feature: Any) -> pd.Series:
    import datasets
    import pandas as pd

    if isinstance(feature, datasets.ClassLabel):
        codes = series.astype("Int64").fillna(-1).astype("int64")
        return pd.Series(
            pd.Categorical.from_codes(codes, categories=feature.names), index=series.index, name=series.name
        )
    return series.map(lambda v: _decode(v, feature), na_action="ignore")


def _has_labels(feature: Any) -> bool:
    import datasets

    if isinstance(feature, datasets.ClassLabel):
        return True
    if isinstance(feature, datasets.List | datasets.LargeList):
        return _has_labels(feature.feature)
    if isinstance(feature, dict):
        return any(_has_labels(f) for f in feature.values())
    return False


def load_release(
    path_or_version: str | Path,
    config: str,
    split: str | None = None,
    labels: Literal["names", "ids"] = "names",
    *,
    releases: str | Path = "releases",
    cache_dir: str | Path | None = None,
) -> pd.DataFrame:
    """One config of a release as a DataFrame.

    `path_or_version` is a release folder, a version published in `releases`, or `latest`. `split` picks one
    split; without it every split the release has is loaded, one after the other, with a `split` column.
    `labels="names"` (the default) decodes every label column to its codebook ids: a single-label column
    becomes a pandas `Categorical` whose categories are the vocabulary in codebook order (classes without
    examples included), a multi-label column lists of ids, and labels nested in lists of structs (`coercion`,
    `counts`, ...) become ids in place; `labels="ids"` keeps the stored integer class indices. `cache_dir` is
    the `datasets` cache (its default otherwise). `UsageError` for an unknown release, config, split or
    `labels` value."""
    release = resolve(path_or_version, releases)
    if config not in CONFIGS:
        raise UsageError(f"{config!r} is not a config of a release: {', '.join(CONFIGS)}")
    if labels not in LABELS:
        raise UsageError(f"labels must be one of {', '.join(LABELS)}, not {labels!r}")
    present = [s for s, _ in data_files(release, config)]
    if split is not None and split not in present:
        known = (
            f"{split!r} is not a split" if split not in SPLITS else f"no document of {release} is in {split}"
        )
        raise UsageError(f"{known}: {release} has {', '.join(present) or 'no data'} for {config}")
    if not present:
        raise UsageError(f"{release}: no data files for {config}")

    import datasets
    import pandas as pd

    cache = str(cache_dir) if cache_dir is not None else None
    quiet = datasets.utils.logging.is_progress_bar_enabled()
    datasets.disable_progress_bars()  # a library call prints nothing; the caller's setting comes back after
    try:
        loaded = datasets.load_dataset(str(release), config, cache_dir=cache)
    finally:
        if quiet:
            datasets.enable_progress_bars()
    assert isinstance(loaded, datasets.DatasetDict)
    chosen = [split] if split is not None else [s for s in SPLITS if s in loaded]
    frames = []
    for name in chosen:
        part = loaded[name]
        frame = part.to_pandas()
        assert isinstance(frame, pd.DataFrame)
        if labels == "names":
            for column, feature in part.features.items():
                if _has_labels(feature):
                    frame[column] = _decoded_column(frame[column], feature)
        if split is None:
            frame.insert(0, "split", name)
        frames.append(frame)
    out = pd.concat(frames, ignore_index=True) if len(frames) > 1 else frames[0]
    if split is None:
        out["split"] = pd.Categorical(out["split"], categories=[s for s in SPLITS if s in loaded])
    return out
