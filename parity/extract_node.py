"""Node surface: runs parity/extract_node.mjs (TypeScript compiler API on the
built package's .d.ts, plus its runtime objects) and returns its JSON."""
import json
import os
import subprocess

HERE = os.path.dirname(os.path.abspath(__file__))


def extract(pkg_dir, node="node"):
    out = subprocess.run([node, os.path.join(HERE, "extract_node.mjs"), pkg_dir],
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("extract_node: reading the package in %s failed:\n%s"
                         % (pkg_dir, out.stderr[-3000:]))
    return json.loads(out.stdout)
