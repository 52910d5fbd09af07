"""`nklabor evaluate` through the CLI: the table, JSON, and exit codes (0 scored, 1 invalid predictions, 2
usage)."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from nklabor.cli import app
from nklabor.evaluation import write_gold_predictions
from nklabor.release.layout import data_files

runner = CliRunner()


def invoke(*args: str) -> tuple[int, str]:
    result = runner.invoke(app, ["evaluate", *args])
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_text_json_and_exit_codes(shipped_release: Path, tmp_path: Path) -> None:
    split = data_files(shipped_release, "documents")[0][0]
    gold = tmp_path / "gold.jsonl"
    write_gold_predictions(shipped_release, gold, split)
    code, output = invoke(str(gold), "--release", str(shipped_release), "--split", split)
    assert code == 0, output
    assert output.startswith("Scored ")
    table = {
        line.split()[0]: line.split() for line in output.splitlines() if line and not line.startswith("[")
    }
    assert table["events"][3:6] == ["1.000", "1.000", "1.000"]  # after "aligned events"
    assert table["mobilization_type"][2:6] == ["1.000", "1.000", "1.000", "1.000"]
    assert "evidence" in table and "forced_labour_assessment" in table and "place_subdivisions" in table
    code, output = invoke(str(gold), "--release", str(shipped_release), "--split", split, "--format", "json")
    data = json.loads(output)
    assert code == 0 and data["scores"]["events"]["f1"] == 1.0 and data["split"] == split
    assert data["human"] == json.loads((shipped_release / "agreement.json").read_text())["splits"][split]
    broken = tmp_path / "broken.jsonl"
    broken.write_text(
        gold.read_text(encoding="utf-8").replace('"status": "', '"status": "x', 1), encoding="utf-8"
    )
    code, output = invoke(str(broken), "--release", str(shipped_release), "--split", split)
    assert code == 1 and f"{broken}:1:" in output and "[schema.enum]" in output
    code, output = invoke(str(gold), "--release", str(shipped_release), "--split", "dev")
    assert code == 2
    code, output = invoke(str(gold), "--release", str(tmp_path / "nowhere"))
    assert code == 2 and "neither a release folder nor a release version" in output
