"""The jobs process: APScheduler running scheduled work, never inside web workers.

Under gunicorn every worker would run every job, so scheduling lives only in `flask jobs run`.
Each job is idempotent and guarded by its own locks (the outbox dispatcher claims rows one by
one and holds a PostgreSQL advisory lock), so a second jobs process by mistake sends nothing twice.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

log = logging.getLogger("fieldpost.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], object]
    seconds: int


def dispatch_outbox_job() -> object:
    from app.invoicing.outbox import dispatch_outbox

    report = dispatch_outbox()
    if report.sent or report.failed or report.recovered:
        log.info(
            "outbox: %d sent, %d failed, %d recovered",
            len(report.sent),
            len(report.failed),
            len(report.recovered),
        )
    return report


def purge_idempotency_keys_job() -> object:
    from flask import current_app

    from app.api.idempotency import purge_expired_keys

    purged = purge_expired_keys(current_app.config["IDEMPOTENCY_KEY_DAYS"])
    if purged:
        log.info("idempotency keys: %d past their retention forgotten", purged)
    return purged


# Other modules (reminders, recurring invoices) add their jobs here.
JOBS: list[Job] = [
    Job("outbox", dispatch_outbox_job, seconds=30),
    Job("idempotency-keys", purge_idempotency_keys_job, seconds=3600),
]


def run_in_app(app: Flask, job: Job) -> Callable[[], None]:
    def runner() -> None:
        with app.app_context():
            try:
                job.run()
            except Exception:  # one failed run must not stop the scheduler; next run retries
                log.exception("job %s failed", job.name)

    return runner


def build_scheduler(app: Flask, *, outbox_seconds: int | None = None) -> BlockingScheduler:
    scheduler = BlockingScheduler(timezone=UTC)
    for job in JOBS:
        seconds = outbox_seconds if (job.name == "outbox" and outbox_seconds) else job.seconds
        scheduler.add_job(
            run_in_app(app, job),
            "interval",
            seconds=seconds,
            id=job.name,
            max_instances=1,  # a slow run is never overlapped by the next one
            coalesce=True,
            next_run_time=datetime.now(UTC),
        )
    return scheduler
