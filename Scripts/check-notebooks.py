#!/usr/bin/env python3
"""Validates every notebook in Notebooks-export strictly, as CI does.

nbformat.validate silently repairs missing or duplicate cell ids and only warns, so warnings
are turned into errors, and the notebook is also checked against the nbformat 4.5 JSON schema
directly. Also checks that each file is byte-identical to nbformat's own canonical
serialization. Usage: python Scripts/check-notebooks.py Notebooks-export/*.ipynb
"""
import json
import os
import sys
import warnings

import jsonschema
import nbformat

warnings.simplefilter("error")
SCHEMA = os.path.join(os.path.dirname(nbformat.__file__), "v4", "nbformat.v4.5.schema.json")


def main(paths):
    with open(SCHEMA, encoding="utf-8") as f:
        schema = json.load(f)
    if not paths:
        raise SystemExit("no notebooks given")
    for path in paths:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        raw = json.loads(text)
        jsonschema.validate(raw, schema)
        nb = nbformat.reads(text, as_version=4)
        nbformat.validate(nb)
        ids = [c["id"] for c in raw["cells"]]
        if len(ids) != len(set(ids)):
            raise SystemExit(f"{path}: duplicate cell ids")
        canonical = nbformat.writes(nb) + "\n"
        if canonical != text:
            raise SystemExit(f"{path}: not in nbformat's canonical serialization")
        print(f"{path}: valid nbformat {raw['nbformat']}.{raw['nbformat_minor']}, {len(ids)} cells")


if __name__ == "__main__":
    main(sys.argv[1:])
