"""Drives a running Label Studio server with label-studio-sdk, as a user would from a script. Not shipped.

Run with the Label Studio environment's interpreter (`.venv-labelstudio/bin/python`), never imported by the
test suite: the SDK's pins conflict with the project's. Takes a JSON plan on stdin:

    {"url": ..., "username": ..., "password": ..., "config": "<View>...</View>",
     "projects": [{"title": ..., "tasks": "tasks.json", "export": "export.json"}]}

For each project: checks the config with the server's validator, creates the project from it, imports the
tasks with their predictions, turns every prediction into a submitted annotation (through the API, as an
annotator accepting a pre-annotation would), and writes the project's JSON export. Prints a JSON summary.
Every HTTP call has a timeout; any failure exits 1 with the server's answer.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

import requests
from label_studio_sdk import LabelStudio
from label_studio_sdk.core.api_error import ApiError

TIMEOUT = 60


def personal_access_token(url: str, username: str, password: str) -> str:
    """Log in as a browser does and create a personal access token (a JWT the SDK refreshes): the
    non-deprecated way (legacy tokens are off by default in Label Studio 1.23)."""
    session = requests.Session()
    session.get(f"{url}/user/login/", timeout=TIMEOUT).raise_for_status()
    csrf = str(session.cookies["csrftoken"])
    login = session.post(
        f"{url}/user/login/",
        data={"email": username, "password": password, "csrfmiddlewaretoken": csrf},
        headers={"Referer": f"{url}/user/login/"},
        allow_redirects=False,
        timeout=TIMEOUT,
    )
    if login.status_code != 302:
        raise RuntimeError(f"login failed: {login.status_code} {login.text[:300]}")
    token = session.post(
        f"{url}/api/token/",
        headers={"X-CSRFToken": str(session.cookies["csrftoken"]), "Referer": f"{url}/"},
        timeout=TIMEOUT,
    )
    token.raise_for_status()
    return str(token.json()["token"])


def config_answer(url: str, key: str, config: str) -> requests.Response:
    """The server's own check of a labeling config (204 when valid, 400 with the reason), before any project
    exists."""
    access = requests.post(f"{url}/api/token/refresh/", json={"refresh": key}, timeout=TIMEOUT)
    access.raise_for_status()
    return requests.post(
        f"{url}/api/projects/validate/",
        json={"label_config": config},
        headers={"Authorization": f"Bearer {access.json()['access']}"},
        timeout=TIMEOUT,
    )


def validate_config(url: str, key: str, config: str) -> None:
    """The config must load; and the same config broken (a control pointing at no object) must not, so that
    the check is known to be real."""
    answer = config_answer(url, key, config)
    if answer.status_code != 204:
        raise RuntimeError(f"the labeling config is refused: {answer.status_code} {answer.text[:2000]}")
    broken = config_answer(url, key, config.replace('toName="text"', 'toName="no-such-object"', 1))
    if broken.status_code != 400:
        raise RuntimeError(f"a broken labeling config was not refused: {broken.status_code}")


def run_project(ls: Any, config: str, spec: dict[str, Any]) -> dict[str, Any]:
    tasks = json.loads(Path(spec["tasks"]).read_text(encoding="utf-8"))
    project = ls.projects.create(title=spec["title"], label_config=config)
    imported = ls.projects.import_tasks(id=project.id, request=tasks, return_task_ids=True)
    annotations = 0
    for task_id in imported.task_ids:
        for prediction in ls.predictions.list(task=task_id):
            ls.annotations.create(
                id=task_id,
                result=prediction.result,
                parent_prediction=prediction.id,
                lead_time=0.0,
                was_cancelled=False,
                ground_truth=False,
            )
            annotations += 1
    exported = b"".join(ls.projects.exports.download_sync(project.id, export_type="JSON"))
    Path(spec["export"]).write_bytes(exported)
    return {
        "project": project.id,
        "tasks": imported.task_count,
        "predictions": imported.prediction_count,
        "annotations": annotations,
    }


def main() -> int:
    plan = json.load(sys.stdin)
    try:
        key = personal_access_token(plan["url"], plan["username"], plan["password"])
        validate_config(plan["url"], key, plan["config"])
        ls = LabelStudio(base_url=plan["url"], api_key=key, timeout=TIMEOUT)
        summary = [run_project(ls, plan["config"], spec) for spec in plan["projects"]]
    except ApiError as exc:
        print(f"Label Studio answered {exc.status_code}: {json.dumps(exc.body)[:4000]}", file=sys.stderr)
        return 1
    except (requests.RequestException, RuntimeError, KeyError) as exc:
        print(f"{type(exc).__name__}: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
