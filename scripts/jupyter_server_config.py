"""JupyterLab server config for `npm run lab` (passed with --config by lib/notebook/lab.ts).

Notebooks under notebooks/ are the committed, output-free sources: the lab saves them
through scripts/nbstrip.js (the same code as the git clean filter), so outputs and
execution counts never reach the file, and `git status` stays clean after a save or an
autosave. Outputs live in the lab until the tab closes; executed copies with outputs
are what `npm run notebooks` writes to results/notebooks/.
"""
import json
import os
import subprocess

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
NBSTRIP = os.path.join(ROOT, "scripts", "nbstrip.js")


def strip_committed_notebooks(model, path, contents_manager, **kwargs):
    if model.get("type") != "notebook" or model.get("content") is None:
        return
    parts = path.strip("/").split("/")
    if len(parts) != 2 or parts[0] != "notebooks":
        return
    out = subprocess.run(["node", NBSTRIP], input=json.dumps(model["content"]), capture_output=True, text=True, check=True)
    model["content"] = json.loads(out.stdout)


c = get_config()  # noqa: F821 (injected by traitlets when it loads this file)
c.FileContentsManager.pre_save_hook = strip_committed_notebooks
