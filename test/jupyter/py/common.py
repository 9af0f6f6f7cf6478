"""Shared helpers for the Jupyter client tests: start the installed `peregrine` kernel with jupyter_client.

The node:test files install the kernelspec into a temporary prefix and point JUPYTER_PATH at it before running these
scripts; each script prints one JSON document of observations on stdout for the node test to assert on.
"""
import json
import os
import sys

try:
    from jupyter_client.manager import KernelManager  # noqa: F401
    import nbclient  # noqa: F401
    import nbformat  # noqa: F401
except ImportError as e:  # pragma: no cover - reported to the node test
    sys.stderr.write(
        f"MISSING_PYTHON_PACKAGES: {e}. Install them with: python3 -m pip install jupyter_client nbclient nbformat\n"
    )
    sys.exit(3)

from jupyter_client.manager import KernelManager

TIMEOUT = 30


def start_kernel(stderr_path):
    """Starts the kernel named `peregrine` with its stderr going to `stderr_path`; returns (manager, client)."""
    km = KernelManager(kernel_name="peregrine")
    err = open(stderr_path, "w")
    km.start_kernel(stderr=err)
    kc = km.client()
    kc.start_channels()
    kc.wait_for_ready(timeout=TIMEOUT)
    return km, kc


def stop_kernel(km, kc):
    kc.stop_channels()
    km.shutdown_kernel(now=False)


def reply_for(kc, msg_id, channel="shell", timeout=TIMEOUT):
    """The reply whose parent is `msg_id` (other replies are skipped and returned too)."""
    get = kc.get_shell_msg if channel == "shell" else kc.get_control_msg
    others = []
    while True:
        msg = get(timeout=timeout)
        if msg["parent_header"].get("msg_id") == msg_id:
            return msg, others
        others.append(msg)


def iopub_until_idle(kc, msg_id, timeout=TIMEOUT):
    """Every iopub message with parent `msg_id` up to and including its `status: idle`."""
    out = []
    while True:
        msg = kc.get_iopub_msg(timeout=timeout)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        out.append({"msg_type": msg["msg_type"], "content": msg["content"]})
        if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
            return out


def execute(kc, code, timeout=TIMEOUT):
    """Runs a cell; returns {reply, iopub} with the reply content and the cell's iopub messages."""
    msg_id = kc.execute(code)
    reply, _ = reply_for(kc, msg_id, timeout=timeout)
    return {"reply": reply["content"], "iopub": iopub_until_idle(kc, msg_id, timeout=timeout)}


def emit(report):
    sys.stdout.write(json.dumps(report, default=str))
    sys.stdout.flush()


def env(name):
    value = os.environ.get(name)
    if not value:
        sys.stderr.write(f"{name} is not set\n")
        sys.exit(2)
    return value
