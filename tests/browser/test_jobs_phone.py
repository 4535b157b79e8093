"""The page "Mani fona darbi" at a phone's width (390 px) and a tablet's, with a job of every
state and long titles: no sideways scrolling, the download button reachable, and axe-core finds
no serious or critical violation."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from atbalsts.accounts.tests.factories import PASSWORD, UserFactory
from atbalsts.core.roles import Role
from atbalsts.jobs.models import Job, JobStatus
from atbalsts.jobs.outputs import output_write
from atbalsts.people.models import Municipality
from tests.browser.a11y import PHONE, WIDTHS, axe_problems, axe_source, overflow
from tests.browser.conftest import login

pytestmark = [
    pytest.mark.browser,
    pytest.mark.django_db(
        transaction=True, serialized_rollback=True, databases=["default", "jobs"]
    ),
]

LONG = "izvilkums-" + "Rēzeknes-novads-" * 8 + "20200101-20201231.csv"


def test_the_jobs_page_fits_a_phone_and_passes_axe(browser, live_server, settings, tmp_path):
    settings.JOBS_OUTPUT_DIR = tmp_path / "job-output"
    axe_source()
    user = UserFactory(role=Role.ANALYST, municipality=None, username="analitike")
    now = timezone.now()
    Job.objects.create(kind="bundle.import", actor_id=user.pk, title=LONG)
    Job.objects.create(
        kind="reporting.extract",
        actor_id=user.pk,
        title="Visa valsts, 01.01.2020–31.12.2020",
        status=JobStatus.RUNNING,
        phase="reading",
        done=12000,
        started_at=now,
    )
    done = Job.objects.create(
        kind="reporting.pilot_export",
        actor_id=user.pk,
        title="XLSX: " + ", ".join(m.name for m in Municipality.objects.all()),
        status=JobStatus.DONE,
        done=2,
        total=2,
        started_at=now,
        finished_at=now,
    )
    output_write(done, LONG, b"a,b\r\n")
    Job.objects.create(
        kind="billing.ledger_rebuild",
        actor_id=user.pk,
        status=JobStatus.FAILED,
        message="Darbs neizdevās negaidītas kļūdas dēļ; nekas netika saglabāts. Mēģiniet vēlreiz.",
        finished_at=now,
    )
    context = browser.new_context(locale="lv-LV", viewport=PHONE)
    page = context.new_page()
    page.set_default_timeout(15000)
    login(page, live_server, user.username, PASSWORD)
    page.goto(f"{live_server.url}{reverse('jobs:list')}")
    problems = []
    for size in WIDTHS:
        page.set_viewport_size(size)
        wide = overflow(page)
        if wide:
            problems.append(f"{size['width']} px: {wide}")
    page.set_viewport_size(PHONE)
    problems += axe_problems(page)
    assert problems == []
    link = page.locator(f"a[href='{reverse('jobs:download', args=[done.pk])}']")
    assert link.is_visible()
    assert page.locator("[hx-trigger='every 2s']").count() == 2  # the two unfinished jobs
    context.close()
