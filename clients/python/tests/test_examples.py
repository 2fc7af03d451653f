"""examples/python run unchanged against the local relay (env vars only)."""
from __future__ import annotations

import os
import subprocess
import sys

import pytest

from conftest import ROOT, Relay

EXPECT = {
    "machines.py": ["machines.list(limit=2): 2 machines, has_more=True", "online: alpha, bravo"],
    "ask.py": ["collect(): hello from python", "pin_required: PIN for charlie",
               "confirm_required (high): run: rm -rf /tmp/cmdop-demo",
               "done: success=True"],
    "errors.py": ["NotFoundError code=not_found", "AuthError code=auth"],
    "fleets_keys.py": ["fleets.create: Demo fleet", "keys.issue: ci-deploy", "revoked_at=20"],
    "skills.py": ["skills.list: 12 skills, page 1 of 3", "skill-01"],
    "quickstart.py": ["== machines", "== ask", "done: success=True"],
}


@pytest.mark.parametrize("name", sorted(EXPECT))
def test_example(relay: Relay, name: str) -> None:
    env = dict(os.environ, CMDOP_BASE_URL=relay.url, CMDOP_API_BASE_URL=relay.platform_url,
               CMDOP_TOKEN=relay.token, CMDOP_API_KEY=relay.api_key)
    env.pop("CMDOP_FLEET_ID", None)
    p = subprocess.run([sys.executable, os.path.join(ROOT, "examples", "python", name)],
                       env=env, capture_output=True, text=True, timeout=60)
    assert p.returncode == 0, p.stderr
    for line in EXPECT[name]:
        assert line in p.stdout, p.stdout
