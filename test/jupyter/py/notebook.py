"""Executes a notebook with nbclient against the installed `peregrine` kernel and prints the executed cells
(source, outputs, execution_count) as JSON. Usage: notebook.py NOTEBOOK [--allow-errors]
`$TEST_DATA` in cell sources is replaced with env PEREGRINE_TEST_DATA (the fixture folder)."""
import os
import sys

from common import emit, env

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError

path = sys.argv[1]
allow_errors = "--allow-errors" in sys.argv
data = env("PEREGRINE_TEST_DATA")

nb = nbformat.read(path, as_version=4)
for cell in nb.cells:
    if cell.cell_type == "code":
        cell.source = cell.source.replace("$TEST_DATA", data)

client = NotebookClient(
    nb,
    kernel_name="peregrine",
    timeout=60,
    startup_timeout=30,
    allow_errors=allow_errors,
    resources={"metadata": {"path": os.path.dirname(os.path.abspath(path))}},
)
error = None
try:
    client.execute()
except CellExecutionError as e:
    error = str(e)

nbformat.validate(nb)
emit({
    "error": error,
    "kernel_language": nb.metadata.get("language_info", {}).get("name"),
    "cells": [
        {"source": c.source, "execution_count": c.get("execution_count"), "outputs": c.get("outputs", [])}
        for c in nb.cells
        if c.cell_type == "code"
    ],
})
