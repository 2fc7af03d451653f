"""C tables: runs the table dump (parity/c_tables.c linked against the built
libcmdop.a) and returns its JSON: the client options, the planes and the HTTP
status -> error code rules the core carries (the C surface's `tables`)."""
import json
import subprocess


def extract(program):
    out = subprocess.run([program], capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit("extract_c_tables: %s failed:\n%s" % (program, out.stderr[-3000:]))
    return json.loads(out.stdout)
