"""python -m generator [--idl DIR] [--root DIR] [--check]

Parses idl/*.cmdop into one validated model and renders it under the repo
root: gen/ and the client surfaces inside clients/python/src/cmdop and
clients/node/src/gen (render.PLACES). Errors are printed as
file:line:col: message with exit status 1.
"""
import argparse
import os
import sys

from .errors import IdlError
from .model import load_dir, model_hash
from .render import render_all, write_all


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(prog="python -m generator")
    ap.add_argument("--idl", default="idl")
    ap.add_argument("--root", default=".", help="the repo root the files are placed under")
    ap.add_argument("--check", action="store_true", help="validate only, write nothing")
    ap.add_argument("--hash", action="store_true", help="print the model hash")
    args = ap.parse_args(argv)
    try:
        model = load_dir(args.idl)
    except IdlError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    if args.hash:
        print(model_hash(model))
    if args.check:
        return 0
    changed = write_all(render_all(model), args.root)
    for rel in changed:
        print(f"gen: wrote {os.path.normpath(os.path.join(args.root, rel))}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
