"""Interrupts a long GET twice — once with interrupt_request on the control channel (the kernelspec's
interrupt_mode `message`), once with SIGINT — and checks the session stays usable in between.
The GET reads env PEREGRINE_SLOW_URL, a local HTTP server that streams a bundle slowly and never finishes.
Prints a JSON report; test/jupyter/interrupt.test.ts asserts on it."""
import os
import signal

from common import emit, env, execute, iopub_until_idle, reply_for, start_kernel, stop_kernel

bundle = env("PEREGRINE_TEST_BUNDLE")
slow = env("PEREGRINE_SLOW_URL")
stderr_path = env("PEREGRINE_KERNEL_STDERR")
report = {}


def interrupted_get(kc, how):
    msg_id = kc.execute(f"slow = GET network-traffic FROM {slow} WHERE dst_port > 0")
    # Wait until the query is in flight: the first progress line (a display updated in place) of this cell.
    seen = []
    while True:
        msg = kc.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        seen.append(msg["msg_type"])
        if msg["msg_type"] == "display_data" and msg["content"].get("transient", {}).get("display_id"):
            break
        if msg["msg_type"] in ("error", "execute_result") or msg["content"].get("execution_state") == "idle":
            # The GET ended on its own (it must not): report what happened instead of interrupting.
            reply, _ = reply_for(kc, msg_id, timeout=30)
            return {"seen_before_interrupt": seen, "reply": reply["content"], "iopub": [], "ended_early": True}
    how()
    reply, _ = reply_for(kc, msg_id, timeout=30)
    rest = iopub_until_idle(kc, msg_id)
    return {"seen_before_interrupt": seen, "reply": reply["content"], "iopub": rest}


km, kc = start_kernel(stderr_path)
try:
    report["setup"] = execute(kc, f"ssh = GET network-traffic FROM file://{bundle} WHERE dst_port = 22")["reply"]
    report["by_message"] = interrupted_get(kc, lambda: km.interrupt_kernel())
    report["after_message"] = execute(kc, "DISP ssh ATTR dst_port LIMIT 2")
    report["by_signal"] = interrupted_get(kc, lambda: os.kill(km.provisioner.pid, signal.SIGINT))
    report["after_signal"] = execute(kc, f"again = GET network-traffic FROM file://{bundle} WHERE dst_port = 22")
    # Shutdown while a GET is in flight: the kernel cancels it and exits by itself.
    msg_id = kc.execute(f"slow = GET network-traffic FROM {slow} WHERE dst_port > 0")
    report["before_shutdown"] = []
    while True:
        msg = kc.get_iopub_msg(timeout=30)
        if msg["parent_header"].get("msg_id") != msg_id:
            continue
        report["before_shutdown"].append({"msg_type": msg["msg_type"], "content": msg["content"]})
        if msg["msg_type"] in ("display_data", "error") or msg["content"].get("execution_state") == "idle":
            break
finally:
    stop_kernel(km, kc)

with open(stderr_path) as f:
    report["kernel_stderr"] = f.read()
emit(report)
