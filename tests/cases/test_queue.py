"""The queue: filters with counts, most urgent and oldest first, paginated, only what the member
may see, and a fixed number of queries however many cases there are."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rightsdesk.accounts.models import StaffMember
from rightsdesk.cases import selectors, services
from rightsdesk.cases.models import Case, Urgency
from rightsdesk.core import clock
from tests.cases.casework import fresh, grant_to, make_case, make_team, private_key
from tests.conftest import sign_in


@pytest.fixture
def team(db):
    return make_team()


def queue(member: StaffMember, **filters: Any) -> tuple[list[str], selectors.QueueCounts]:
    cases, counts = selectors.case_queue(member, selectors.QueueFilters(**filters))
    return [case.reference for case in cases], counts


def bulk_cases(count: int) -> None:
    """Plain metadata rows, for volume, generated inside the database (building this many model
    objects in Python would take a minute): the queue never reads keys or content."""
    now = clock.now()
    adapt = connection.ops.adapt_datetimefield_value
    pad = "printf('%%07d', n)" if connection.vendor == "sqlite" else "lpad(n::text, 7, '0')"
    sql = f"""
        WITH RECURSIVE numbers(n) AS (
            SELECT 0 UNION ALL SELECT n + 1 FROM numbers WHERE n + 1 < %s
        )
        INSERT INTO cases_case (
            reference, status, urgency, category, language, region, created_at, updated_at,
            public_key, escrow_wrap, version, escalation_level, legal_hold, acknowledge_by
        )
        SELECT
            'RD-T' || {pad},
            CASE n %% 4 WHEN 0 THEN 'new' WHEN 1 THEN 'active' WHEN 2 THEN 'resolved'
                ELSE 'waiting_reporter' END,
            CASE n %% 3 WHEN 0 THEN 'critical' WHEN 1 THEN 'high' ELSE 'normal' END,
            'other',
            CASE n %% 3 WHEN 0 THEN 'en' WHEN 1 THEN 'fa' ELSE 'ar' END,
            '', %s, %s, %s, %s, 1, 0, %s,
            CASE WHEN n %% 2 = 0 THEN %s ELSE %s END
        FROM numbers
    """  # noqa: S608 - the only interpolation is one of two fixed expressions
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                count,
                adapt(now),
                adapt(now),
                b"",
                b"",
                False,
                adapt(now - timedelta(hours=1)),
                adapt(now + timedelta(hours=1)),
            ],
        )


def test_the_urgency_values_sort_in_order_of_urgency():
    # The queue sorts on the plain column (index-friendly); this keeps that meaning right.
    assert sorted(Urgency.values) == ["critical", "high", "normal"]


def test_most_urgent_first_then_oldest_first(team):
    old_normal = make_case(urgency="normal")
    new_critical = make_case(urgency="critical")
    old_high = make_case(urgency="high")
    newer_high = make_case(urgency="high")
    Case.objects.filter(pk=old_high.pk).update(created_at=clock.now() - timedelta(days=3))
    references, _counts = queue(team.coordinator.member)
    assert references == [
        new_critical.reference,
        old_high.reference,
        newer_high.reference,
        old_normal.reference,
    ]


def test_open_by_default_and_closed_on_request(team):
    open_case = make_case()
    resolved = make_case()
    withdrawn = make_case()
    purged = make_case()
    Case.objects.filter(pk=resolved.pk).update(status="resolved")
    services.case_withdraw(case=withdrawn)
    Case.objects.filter(pk=purged.pk).update(purged_at=clock.now())
    member = team.coordinator.member
    references, counts = queue(member)
    assert references == [open_case.reference]
    closed, _counts = queue(member, status=selectors.CLOSED)
    assert set(closed) == {resolved.reference, withdrawn.reference, purged.reference}
    assert counts.status[selectors.OPEN] == 1
    assert counts.status[selectors.CLOSED] == 3
    assert counts.status[selectors.ALL] == 4
    assert counts.status["resolved"] == 1
    only_resolved, _counts = queue(member, status="resolved")
    assert only_resolved == [resolved.reference]


def test_filters_and_their_counts(team):
    member = team.coordinator.member
    harassment_fa = make_case(category="harassment", language="fa", urgency="high")
    make_case(category="harassment", language="en")
    doxxing_fa = make_case(category="doxxing", language="fa")
    references, counts = queue(member, category="harassment")
    assert len(references) == 2
    # Each filter's counts take the other filters into account, not itself.
    assert counts.category == {"harassment": 2, "doxxing": 1}
    assert counts.language == {"fa": 1, "en": 1}
    assert counts.urgency == {"high": 1, "normal": 1}
    references, counts = queue(member, category="harassment", language="fa")
    assert references == [harassment_fa.reference]
    references, _counts = queue(member, language="fa", urgency="normal")
    assert references == [doxxing_fa.reference]


def test_mine_unassigned_and_breached(team):
    member = team.coordinator.member
    mine = make_case()
    services.case_assign(
        case=mine,
        actor=member,
        actor_private=private_key(team.coordinator),
        assignee=member,
        expected_version=mine.version,
    )
    late = make_case()
    Case.objects.filter(pk=late.pk).update(acknowledge_by=clock.now() - timedelta(hours=1))
    answered_late = make_case()
    Case.objects.filter(pk=answered_late.pk).update(
        acknowledge_by=clock.now() - timedelta(hours=1), first_response_at=clock.now()
    )
    flagged = make_case()
    Case.objects.filter(pk=flagged.pk).update(sla_breached_at=clock.now())
    Case.objects.exclude(pk__in=[late.pk, answered_late.pk]).update(
        acknowledge_by=clock.now() + timedelta(days=1)
    )
    references, counts = queue(member, mine=True)
    assert references == [mine.reference]
    references, _counts = queue(member, unassigned=True)
    assert mine.reference not in references
    assert len(references) == 3
    references, _counts = queue(member, breached=True)
    assert set(references) == {late.reference, flagged.reference}
    assert (counts.mine, counts.unassigned, counts.breached) == (1, 3, 2)


def test_handlers_see_only_cases_granted_to_them(team):
    mine = make_case()
    make_case()
    grant_to(team, mine, team.handler)
    references, counts = queue(team.handler.member)
    assert references == [mine.reference]
    assert counts.status[selectors.ALL] == 1


def test_the_page_filters_without_javascript_and_keeps_filters_across_pages(client, team):
    bulk_cases(400)
    sign_in(client, team.coordinator)
    page = client.get("/en/staff/cases/?status=all&language=fa&breached=on").content.decode()
    assert '<form method="get" action="/en/staff/cases/"' in page
    assert "<script" not in page
    assert '<option value="fa" lang="fa" selected>fa (' in page
    assert 'name="breached" value="on" checked' in page
    assert "Past the response deadline" in page
    assert "status=all&amp;language=fa&amp;breached=on&amp;page=2" in page


def test_a_filter_that_is_not_understood_is_explained_and_ignored(client, team):
    case = make_case()
    sign_in(client, team.coordinator)
    response = client.get("/en/staff/cases/?urgency=apocalyptic&language=%3Cb%3E")
    page = response.content.decode()
    assert response.status_code == 200
    assert "A filter was not understood" in page
    assert case.reference in page
    assert "<b>" not in page


def test_rows_show_the_assignee_due_date_and_breach(client, team):
    case = make_case()
    Case.objects.filter(pk=case.pk).update(
        due_on=clock.now().date() + timedelta(days=2),
        acknowledge_by=clock.now() - timedelta(minutes=1),
    )
    sign_in(client, team.coordinator)
    page = client.get("/en/staff/cases/").content.decode()
    assert "queue__row--breached" in page
    due_on = fresh(case).due_on
    assert due_on is not None
    assert f'datetime="{due_on.isoformat()}"' in page


def test_the_queue_costs_the_same_queries_for_ten_or_a_thousand_cases(client, team):
    bulk_cases(10)
    sign_in(client, team.coordinator)
    with CaptureQueriesContext(connection) as few:
        assert client.get("/en/staff/cases/?status=all").status_code == 200
    Case.objects.all().delete()
    bulk_cases(1_000)
    Case.objects.update(assignee=team.coordinator.member)
    with CaptureQueriesContext(connection) as many:
        assert client.get("/en/staff/cases/?status=all").status_code == 200
    assert len(many) == len(few)


@pytest.mark.parametrize("name", ["case_queue_open", "case_queue_open_counts"])
def test_the_open_queue_indexes_name_exactly_the_closed_statuses(name: str):
    """The partial indexes spell the closed statuses out; they must match the queue's list."""
    index = next(index for index in Case._meta.indexes if index.name == name)
    closed = set(index.condition.children[1].children[0][1])
    assert closed == {str(status) for status in selectors.CLOSED_STATUSES}


@pytest.fixture
def closed_counts_kept(settings):
    """Counts of closed cases kept for a minute, as in production; forgotten afterwards."""
    cache.clear()
    settings.CASE_QUEUE_CLOSED_COUNT_SECONDS = 60
    yield
    cache.clear()


@pytest.mark.usefixtures("closed_counts_kept")
def test_open_cases_are_counted_live_and_closed_ones_at_most_a_little_while_ago(team):
    bulk_cases(8)  # two of every four are open, one resolved
    member = team.coordinator.member
    _references, before = queue(member)
    assert (before.status["open"], before.status["closed"]) == (6, 2)
    Case.objects.filter(status="active").update(status="resolved")
    _references, after = queue(member)
    # Open work is counted live; the closed history is the count of a moment ago.
    assert after.status["open"] == 4
    assert after.status["closed"] == 2
    cache.clear()
    _references, fresh_counts = queue(member)
    assert fresh_counts.status["closed"] == 4
