"""A sender in its own process, for the test that kills one: python -m tests.push_child DB STORE API."""
from __future__ import annotations

import sys

from bot.push.sender import Sender
from bot.services import Services
from tests.support import make_settings
from tests.support_push import PUSH


def main(db_url: str, store_url: str, api_url: str) -> None:
    """Send until the queue is empty (or until killed)."""
    settings = make_settings(db_url, store_url, wechat={"api_base_url": api_url},
                             push={**PUSH, "pool_size": 2, "batch_size": 4})
    services = Services(settings)
    print("started", flush=True)
    Sender(services).run()


if __name__ == "__main__":
    main(*sys.argv[1:4])
