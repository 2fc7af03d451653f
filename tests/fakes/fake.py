"""Start one chat-platform fake: python fake.py {telegram|discord|slack}
[--port N] [--token T] [--app-token A]. Prints its startup JSON line on
stdout (fakecore.serve) and serves until SIGTERM. README.md in this folder."""
from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from fakecore import FakeCore, serve  # noqa: E402


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("platform", choices=["telegram", "discord", "slack"])
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--token", default="123:fake-token")
    ap.add_argument("--app-token", default="xapp-fake")
    a = ap.parse_args()
    core = FakeCore(a.platform)
    if a.platform == "telegram":
        import telegram

        serve(telegram.make_app(core, a.token), a.platform, a.port)
    elif a.platform == "discord":
        import discord

        app, started = discord.make_app(core, a.token)
        serve(app, a.platform, a.port, started)
    else:
        import slack

        app, started = slack.make_app(core, a.token, a.app_token)
        serve(app, a.platform, a.port, started)


if __name__ == "__main__":
    main()
