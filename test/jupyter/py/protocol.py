"""Protocol checks against the installed kernel: kernel_info, heartbeat, is_complete, complete, inspect, comm/history,
a message with a bad HMAC (must be dropped, never executed), an unknown message type, and restart.
Prints a JSON report; test/jupyter/protocol.test.ts asserts on it."""
import zmq

from common import emit, env, execute, reply_for, start_kernel, stop_kernel, iopub_until_idle
from jupyter_client.session import Session

bundle = env("PEREGRINE_TEST_BUNDLE")
stderr_path = env("PEREGRINE_KERNEL_STDERR")
report = {}

km, kc = start_kernel(stderr_path)
try:
    # kernel_info, and the busy/idle status around it on iopub.
    msg_id = kc.kernel_info()
    reply, _ = reply_for(kc, msg_id)
    report["kernel_info"] = reply["content"]
    report["kernel_info_iopub"] = [m["content"].get("execution_state") for m in iopub_until_idle(kc, msg_id)]
    # Heartbeat: a REQ socket of our own must get its bytes echoed back.
    ctx = zmq.Context.instance()
    hb = ctx.socket(zmq.REQ)
    hb.linger = 0
    hb.connect(f"{km.transport}://{km.ip}:{km.hb_port}")
    hb.send(b"ping-peregrine")
    report["heartbeat"] = hb.recv().decode() if hb.poll(30000) else None
    hb.close()

    # is_complete on a finished statement, an open bracket, and garbage.
    def is_complete(code):
        mid = kc.is_complete(code)
        return reply_for(kc, mid)[0]["content"]

    report["is_complete"] = {
        "complete": is_complete("procs = GET process FROM file://x.json WHERE name = 'cmd.exe'"),
        "incomplete": is_complete("procs = GET process FROM file://x.json WHERE [process:name = 'cmd.exe'"),
    }

    # A first cell, so completion has a variable to offer.
    report["first_cell"] = execute(
        kc, f"conns = GET network-traffic FROM file://{bundle} WHERE dst_port = 22"
    )

    def complete(code, cursor=None):
        mid = kc.complete(code, len(code) if cursor is None else cursor)
        return reply_for(kc, mid)[0]["content"]

    report["complete"] = {
        "command": complete("DI"),
        "variable": complete("DISP co"),
        "entity_type": complete("x = GET network-t"),
        "attribute": complete("DISP conns ATTR dst_p"),
        "relation": complete("y = FIND ipv4-addr CRE"),
    }

    def inspect(code):
        mid = kc.inspect(code, len(code))
        return reply_for(kc, mid)[0]["content"]

    report["inspect"] = {"variable": inspect("conns"), "keyword": inspect("FIND"), "nothing": inspect("   ")}

    mid = kc.comm_info()
    report["comm_info"] = reply_for(kc, mid)[0]["content"]
    mid = kc.history()
    report["history"] = reply_for(kc, mid)[0]["content"]

    # A bad HMAC: an execute_request signed with the wrong key must not run. Then a good message still works.
    bad = Session(key=b"not-the-key", username="mallory")
    bad_msg = bad.msg("execute_request", {"code": f"evil = GET ipv4-addr FROM file://{bundle}", "silent": False,
                                           "store_history": True, "user_expressions": {}, "allow_stdin": False,
                                           "stop_on_error": True})
    bad.send(kc.shell_channel.socket, bad_msg)
    # Shell requests are served in order, so once this good reply is in, the bad one has been seen and dropped.
    report["after_bad_hmac"] = execute(kc, "DISP conns ATTR dst_port LIMIT 1")
    report["completion_after_bad_hmac"] = complete("DISP ev")

    # An unknown request type, answered with an error reply; the kernel stays alive.
    unknown = kc.session.msg("frobnicate_request", {})
    kc.shell_channel.send(unknown)
    reply, _ = reply_for(kc, unknown["header"]["msg_id"])
    report["unknown"] = {"msg_type": reply["msg_type"], "content": reply["content"]}
    report["alive_after_unknown"] = execute(kc, "DISP conns ATTR dst_port LIMIT 1")["reply"]["status"]

    # "Run All" with a failing cell: what was queued behind it is aborted (stop_on_error), unless the client opts out.
    def run_all(codes, stop_on_error=True):
        # Built (and so dated) first, then sent together, as a front end's "Run All" does.
        msgs = [
            kc.session.msg("execute_request", {"code": c, "silent": False, "store_history": True,
                                               "user_expressions": {}, "allow_stdin": False,
                                               "stop_on_error": stop_on_error})
            for c in codes
        ]
        for m in msgs:
            kc.shell_channel.send(m)
        return [reply_for(kc, m["header"]["msg_id"])[0]["content"]["status"] for m in msgs]

    ok, bad = "DISP conns ATTR dst_port LIMIT 1", "DISP nosuch"
    report["run_all"] = run_all([ok, bad, ok, ok])
    report["run_all_after"] = run_all([ok])
    report["run_all_no_stop"] = run_all([ok, bad, ok], stop_on_error=False)

    # Restart: a new process; variables are gone, the kernel answers.
    pid_before = km.provisioner.pid if km.provisioner else None
    km.restart_kernel(now=False)
    kc.wait_for_ready(timeout=30)
    report["restart_new_process"] = (km.provisioner.pid if km.provisioner else None) != pid_before
    report["after_restart"] = execute(kc, "DISP conns")
finally:
    stop_kernel(km, kc)

with open(stderr_path) as f:
    report["kernel_stderr"] = f.read()
emit(report)
