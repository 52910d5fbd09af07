"""Annotating in Label Studio: a labeling config generated from the schema, annotation files as Label Studio
tasks, and a Label Studio JSON export back to annotation files.

`form` reads the schema into the controls of one labeling form (the single declaration the other modules
follow); `config` renders it as Label Studio's XML; `tasks` writes annotations as tasks whose predictions are
those annotations; `importing` maps an export back, every region it cannot map a located finding, and
validates everything before anything is written.

Nothing here imports Label Studio or its SDK: these modules only read and write JSON and XML, so nklabor does
not share Label Studio's pins (which conflict with its own).
"""

from .config import render_config
from .form import Form, build_form
from .importing import ImportPlan, plan_import
from .tasks import to_tasks

__all__ = ["Form", "ImportPlan", "build_form", "plan_import", "render_config", "to_tasks"]
