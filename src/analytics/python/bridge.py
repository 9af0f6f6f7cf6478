"""Peregrine's python:// bridge: calls a Kestrel 1.x Python analytic with pandas DataFrames.

Run by Peregrine as `python3 bridge.py WORKDIR`. WORKDIR/request.json names the module, the function and the
input Parquet files; the WITH arguments are already in the environment (as Kestrel passes them). The function's
results are written back into WORKDIR: DataFrames as output/N.parquet (N: the input each one updates), a display
(an HTML string, or a matplotlib figure saved as SVG) as display/..., and result.json saying what is where, how long
the function itself took, or which package is missing.
"""

import importlib.util
import json
import os
import sys
import time
import traceback
import warnings


def t0_start_seconds():
    """Seconds from the interpreter's start to main() (PEREGRINE_BRIDGE_SPAWNED: the epoch time Peregrine spawned it)."""
    spawned = os.environ.get("PEREGRINE_BRIDGE_SPAWNED")
    return max(0.0, T_MAIN - float(spawned)) if spawned else None


def report(workdir, result):
    with open(os.path.join(workdir, "result.json"), "w", encoding="utf-8") as f:
        json.dump(result, f)


def missing(workdir, err):
    name = getattr(err, "name", None) or str(err)
    report(workdir, {"missing": name.split(".")[0]})
    sys.exit(3)


def main():
    workdir = sys.argv[1]
    t0 = time.perf_counter()
    with open(os.path.join(workdir, "request.json"), encoding="utf-8") as f:
        req = json.load(f)
    try:
        import pandas as pd
    except ImportError as e:
        missing(workdir, e)
    # Kestrel's analytics were written for pandas 1-2, where text columns hold Python strings (object dtype); pandas 3
    # makes them Arrow strings whose regexes are RE2 (no atomic groups, which fnmatch.translate writes).
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            pd.set_option("future.infer_string", False)
    except Exception:  # an older pandas (no option) or a newer one (option gone)
        pass
    t_import = time.perf_counter()
    try:
        inputs = [pd.read_parquet(p) for p in req["inputs"]]
    except ImportError as e:  # no Parquet engine (pyarrow)
        missing(workdir, getattr(e, "name", None) and e or ImportError("pyarrow", name="pyarrow"))

    t_read = time.perf_counter()
    module_path = req["module"]
    sys.path.insert(0, os.path.dirname(module_path))
    # The analytic's prints go to stderr, which Peregrine shows when the analytic fails.
    sys.stdout = sys.stderr
    try:
        spec = importlib.util.spec_from_file_location("kestrel_analytic", module_path)
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
    except ImportError as e:
        missing(workdir, e)
    func = getattr(module, req["func"], None)
    if not callable(func):
        report(workdir, {"nofunc": req["func"]})
        sys.exit(4)

    started = time.perf_counter()
    try:
        out = func(*inputs)
    except ImportError as e:
        missing(workdir, e)
    except Exception as e:  # the analytic's own failure: its last line is the message
        # The analytic's frames only: the bridge's own would name where Peregrine is installed.
        traceback.print_exception(type(e), e, e.__traceback__.tb_next)
        report(workdir, {"failed": "".join(traceback.format_exception_only(type(e), e)).strip()})
        sys.exit(5)
    seconds = time.perf_counter() - started

    outs = list(out) if isinstance(out, tuple) else [out]
    outputs, displays = [], []
    frame = 0
    for x in outs:
        kind = type(x).__name__
        if isinstance(x, pd.DataFrame):
            if frame < len(inputs):
                src = inputs[frame]
                if "id" not in x.columns and len(x.index) == len(src.index) and "id" in src.columns:
                    x = x.copy()
                    x["id"] = src["id"].values
                path = os.path.join(workdir, "output", "%d.parquet" % frame)
                x.to_parquet(path, index=False)
                outputs.append({"input": frame, "path": path})
            frame += 1
        elif isinstance(x, str):
            path = os.path.join(workdir, "display", "display-%d.html" % len(displays))
            with open(path, "w", encoding="utf-8") as f:
                f.write(x)
            displays.append(path)
        elif kind == "Figure" and hasattr(x, "savefig"):
            path = os.path.join(workdir, "display", "display-%d.svg" % len(displays))
            x.savefig(path, format="svg")
            displays.append(path)
        elif x is not None:
            report(workdir, {"failed": "the analytic returned a %s; Kestrel analytics return DataFrames and a display (HTML text or a matplotlib figure)" % kind})
            sys.exit(5)
    phases = {
        "start": t0_start_seconds(),
        "import pandas": t_import - t0,
        "read inputs": t_read - t_import,
        "load module": started - t_read,
        "call": seconds,
        "write outputs": time.perf_counter() - started - seconds,
        "cpu": time.process_time(),
    }
    report(workdir, {"outputs": outputs, "displays": displays, "seconds": seconds, "phases": phases})


if __name__ == "__main__":
    T_MAIN = time.time()
    main()
