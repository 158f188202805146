"""Execute one notebook with nbclient and the tslab kernel: the machinery JupyterLab uses.

Usage: run_notebook.py SRC DST [--timeout SECONDS]

Writes DST atomically (a temp file renamed into place), also when a cell fails, so the
outputs up to the failure can be inspected. Exit codes: 0 ok, 1 a cell failed, 2 usage
or set-up error (a kernel that does not start). Progress goes to stderr, one line per
cell, so a long notebook is never silent. The preset reaches the kernel through the
environment (MAPTOKENS_PRESET), which jupyter_client passes on to the kernel process.

A kernel that fails to start is started once more: tslab's zeromq sockets can fail to
bind now and then ("Socket is blocked by a bind or unbind operation", then "Kernel didn't
respond in 60 seconds"), and no cell has run by then, so a second start repeats nothing.
"""
import argparse
import os
import sys
import time

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError, CellTimeoutError, DeadKernelError


def write_atomic(nb, dst):
    tmp = f"{dst}.tmp-{os.getpid()}"
    with open(tmp, "w", encoding="utf-8") as f:
        nbformat.write(nb, f)
    os.replace(tmp, dst)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("src")
    ap.add_argument("dst")
    ap.add_argument("--timeout", type=int, default=3600, help="per cell, seconds")
    ap.add_argument("--kernel", default="tslab")
    a = ap.parse_args()

    try:
        nb = nbformat.read(a.src, as_version=4)
    except Exception as e:  # corrupt JSON, wrong format version, ...
        print(f"cannot read notebook {a.src}: {e}", file=sys.stderr)
        return 2
    code_cells = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
    name = os.path.basename(a.src)
    started = time.time()

    def on_cell_executed(cell, cell_index, execute_reply, **_):
        n = code_cells.index(cell_index) + 1 if cell_index in code_cells else "?"
        print(f"  {name}: cell {n}/{len(code_cells)} done ({time.time() - started:.1f}s)", file=sys.stderr, flush=True)

    failed_at = []
    replies = []

    def on_cell_error(cell, cell_index, execute_reply, **_):
        # tslab reports exceptions on stderr rather than as an "error" output, so the
        # failing cell is taken from nbclient's hook, not searched for in outputs. Some
        # errors (TypeScript's compile errors on a rerun, for one) come only in the
        # execute reply, so it is kept for the message.
        failed_at.append(cell_index)
        replies.append(execute_reply.get("content", {}) if isinstance(execute_reply, dict) else {})

    cells_started = []

    def client_for(nb):
        return NotebookClient(
            nb,
            kernel_name=a.kernel,
            timeout=a.timeout,
            resources={"metadata": {"path": os.path.dirname(os.path.abspath(a.src))}},
            on_cell_start=lambda cell_index, **_: cells_started.append(cell_index),
            on_cell_executed=on_cell_executed,
            on_cell_error=on_cell_error,
        )

    try:
        for attempt in (1, 2):
            try:
                client_for(nb).execute()
                break
            except Exception as e:  # jupyter_client's RuntimeError, zmq's errors, a dead kernel, ...
                if cells_started:
                    raise
                what = f"{type(e).__name__}: {str(e)[-500:]}"
            # No cell has started: the notebook is as read, and starting again repeats nothing.
            if attempt == 2:
                print(f"cannot start kernel '{a.kernel}' for {name} (tried twice): {what}", file=sys.stderr)
                return 2
            print(f"  {name}: kernel '{a.kernel}' did not start ({what}); starting it once more", file=sys.stderr, flush=True)
            nb = nbformat.read(a.src, as_version=4)
    except (CellExecutionError, CellTimeoutError, DeadKernelError) as e:
        failed = failed_at[0] if failed_at else None
        write_atomic(nb, a.dst)
        where = f"cell {code_cells.index(failed) + 1} (notebook index {failed})" if failed is not None else "a cell"
        print(f"\nFAILED: {name}, {where}", file=sys.stderr)
        if failed is not None:
            print("----- cell source -----", file=sys.stderr)
            print(nb.cells[failed].source, file=sys.stderr)
            print("----- error -----", file=sys.stderr)
            for o in nb.cells[failed].outputs:
                if o.get("output_type") == "error":
                    print(f"{o.get('ename')}: {o.get('evalue')}", file=sys.stderr)
                elif o.get("output_type") == "stream" and o.get("name") == "stderr":
                    print(o.get("text", "")[-3000:], file=sys.stderr)
            reply = replies[0] if replies else {}
            if reply.get("ename") or reply.get("evalue"):
                print(f"(kernel reply) {reply.get('ename')}: {reply.get('evalue')}", file=sys.stderr)
                print("".join(reply.get("traceback") or [])[-3000:], file=sys.stderr)
        else:  # a dead kernel or a timeout: nbclient's own message says which
            print(str(e)[-3000:], file=sys.stderr)
        return 1
    write_atomic(nb, a.dst)
    return 0


if __name__ == "__main__":
    sys.exit(main())
