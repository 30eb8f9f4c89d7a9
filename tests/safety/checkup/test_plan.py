"""From answers to a ranked, grouped plan; the plan code and what a tampered one gets."""

from __future__ import annotations

from rightsdesk.safety.checkup.definition import CHECKUP
from rightsdesk.safety.checkup.expressions import Answer
from rightsdesk.safety.checkup.plan import (
    MAX_CODE_CHARS,
    answers_read,
    asked,
    next_level,
    plan_code,
    plan_decode,
    plan_from_answers,
    plan_of,
    points,
    ranked,
    relevant_answers,
)
from rightsdesk.safety.checkup.structure import Action, Area, Checkup, Level, Statement

YES, NO, UNSURE = Answer.YES, Answer.NO, Answer.UNSURE
# Level 1 answered as someone who already does everything asked about.
ALL_GOOD = {
    "different_passwords": YES,
    "wiki_2fa": YES,
    "email_2fa": YES,
    "recognise_phishing": YES,
    "photo_on_user_page": NO,
    "username_real_name": NO,
    "user_page_details": NO,
    "device_updates": YES,
    "sensitive_topics": NO,
    "risky_country": NO,
    "harassed": NO,
}

# A small definition to see ranking and skipping plainly.
AREAS = (Area("first", "First"), Area("second", "Second"))
LESSON = ("passwords", "beginner")
ACTIONS = (
    Action("alpha", "a1", "first", "Alpha", "Why alpha.", LESSON),
    Action("beta", "b1", "second", "Beta", "Why beta.", LESSON),
    Action("gamma", "g1", "first", "Gamma", "Why gamma.", LESSON),
    Action("delta", "d1", "second", "Delta", "Why delta.", LESSON),
)
SMALL = Checkup(
    areas=AREAS,
    actions=ACTIONS,
    levels=(
        Level(1, "One", (Statement("s1", "S1", yes={"alpha": 1, "beta": 2}, no={"gamma": 3}),)),
        Level(2, "Two", (Statement("s2", "S2", requires="s1 is unsure", yes={"delta": 1}),)),
        Level(3, "Three", (Statement("s3", "S3", requires="s1", yes={"delta": 2, "alpha": 1}),)),
    ),
)


def ids(actions) -> list[str]:
    return [action.id for action in actions]


def test_points_add_up_per_action():
    assert points(SMALL, {"s1": YES, "s3": YES}) == {"alpha": 2, "beta": 2, "delta": 2}
    assert points(SMALL, {"s1": NO}) == {"gamma": 3}
    assert points(SMALL, {}) == {}


def test_answers_to_statements_not_asked_do_not_count():
    # s3 is asked only when s1 is yes; a left-over answer from before a change is ignored.
    assert points(SMALL, {"s1": NO, "s3": YES}) == {"gamma": 3}
    assert relevant_answers(SMALL, {"s1": NO, "s3": YES, "s2": YES}) == {"s1": NO}


def test_equal_points_keep_the_definition_order():
    totals = {"delta": 2, "beta": 2, "alpha": 2, "gamma": 5}
    assert ids(ranked(SMALL, totals)) == ["gamma", "alpha", "beta", "delta"]


def test_areas_follow_their_best_action_and_steps_are_numbered_down_the_page():
    plan = plan_from_answers(SMALL, {"s1": YES, "s3": YES})
    assert ids(plan.actions) == ["alpha", "beta", "delta"]
    assert [group.area.id for group in plan.areas] == ["first", "second"]
    assert [[(s.number, s.action.id) for s in group.steps] for group in plan.areas] == [
        [(1, "alpha")],
        [(2, "beta"), (3, "delta")],
    ]
    assert [group.start for group in plan.areas] == [1, 2]
    # Beta alone outranks alpha: its area comes first.
    plan = plan_from_answers(SMALL, {"s1": YES})
    assert [group.area.id for group in plan.areas] == ["second", "first"]


def test_the_next_level_skips_levels_that_ask_nothing():
    level_two, level_three = SMALL.levels[1], SMALL.levels[2]
    assert next_level(SMALL, {"s1": YES}, 1) == level_three
    assert next_level(SMALL, {"s1": UNSURE}, 1) == level_two
    assert next_level(SMALL, {"s1": UNSURE, "s2": YES}, 2) is None
    assert next_level(SMALL, {"s1": NO}, 1) is None
    # A form that arrives for level 3 without the answer to level 1 goes back to level 1.
    assert next_level(SMALL, {"s3": YES}, 3) == SMALL.levels[0]


def test_asked_reads_only_earlier_answers():
    level_three = SMALL.levels[2]
    assert asked(SMALL, level_three, {"s1": YES}) == list(level_three.statements)
    assert asked(SMALL, level_three, {"s1": NO}) == []


def test_the_real_checkup_gates_its_later_statements():
    def shown(answers: dict[str, Answer], level: int) -> list[str]:
        return [s.id for s in asked(CHECKUP, CHECKUP.levels[level - 1], answers)]

    assert shown(ALL_GOOD, 2) == ["password_manager", "same_username_elsewhere"]
    assert "someone_to_talk_to" in shown(ALL_GOOD | {"harassed": YES}, 2)
    assert "someone_to_talk_to" in shown(ALL_GOOD | {"harassed": UNSURE}, 2)
    sensitive = ALL_GOOD | {"sensitive_topics": YES}
    assert "uses_tor" in shown(sensitive, 2)
    assert shown(sensitive | {"uses_tor": NO}, 3) == ["edited_logged_out", "same_browser"]
    assert shown(sensitive | {"uses_tor": YES}, 3) == ["ip_block_exemption"]


def test_someone_doing_everything_gets_an_empty_plan():
    answers = ALL_GOOD | {"password_manager": YES, "same_username_elsewhere": NO}
    assert next_level(CHECKUP, answers, 2) is None
    plan = plan_from_answers(CHECKUP, answers)
    assert not plan
    assert plan.code == ""


def test_the_seed_answers_lead_to_their_actions():
    answers = ALL_GOOD | {
        "different_passwords": NO,
        "photo_on_user_page": YES,
        "username_real_name": YES,
    }
    plan = plan_from_answers(CHECKUP, answers)
    assert ids(plan.actions) == [
        "unique_passwords",
        "use_password_manager",
        "photo_off_user_page",
        "separate_username",
        "separate_identities",
    ]
    assert [group.area.id for group in plan.areas] == ["accounts", "identity"]
    assert plan.code == "up.pm.ph.un.si"


# The plan code.


def test_a_code_round_trips():
    plan = plan_from_answers(CHECKUP, dict.fromkeys(CHECKUP.statement_by_id, NO))
    decoded = plan_decode(CHECKUP, plan.code)
    assert decoded.ignored == 0
    assert decoded.plan == plan
    assert plan_code(decoded.plan.actions) == plan.code


def test_every_action_fits_in_one_code():
    code = plan_code(CHECKUP.actions)
    assert len(code) <= MAX_CODE_CHARS
    assert ids(plan_decode(CHECKUP, code).plan.actions) == ids(CHECKUP.actions)


def test_unknown_codes_are_left_out_and_counted():
    decoded = plan_decode(CHECKUP, "zz.up.<script>..2E. pm .9999")
    assert ids(decoded.plan.actions) == ["unique_passwords", "email_2fa", "use_password_manager"]
    assert decoded.ignored == 3


def test_duplicates_count_once_in_their_first_place():
    decoded = plan_decode(CHECKUP, "pm.up.pm.up.pm")
    assert ids(decoded.plan.actions) == ["use_password_manager", "unique_passwords"]
    assert decoded.ignored == 0


def test_a_code_is_read_only_so_far():
    decoded = plan_decode(CHECKUP, ".".join(["up"] * 1000))
    assert ids(decoded.plan.actions) == ["unique_passwords"]
    assert decoded.ignored > 0
    # No more codes are read than there are actions: a valid one past them is not reached.
    many = ".".join(["zz"] * len(CHECKUP.actions) + ["up"])
    decoded = plan_decode(CHECKUP, many)
    assert not decoded.plan
    assert decoded.ignored == len(CHECKUP.actions) + 1


def test_an_empty_or_strange_code_is_an_empty_plan():
    for code in ("", ".", "...", "\x00", "١٢", "密码"):
        assert not plan_decode(CHECKUP, code).plan


def test_a_decoded_plan_keeps_the_link_s_order_and_regroups_it():
    decoded = plan_decode(CHECKUP, "ph.up.un")
    assert [group.area.id for group in decoded.plan.areas] == ["identity", "accounts"]
    assert [s.number for group in decoded.plan.areas for s in group.steps] == [1, 2, 3]
    assert decoded.plan == plan_of(CHECKUP, decoded.plan.actions)


# Reading a post.


def test_only_known_statements_and_answers_are_read():
    posted = answers_read(
        CHECKUP,
        {
            "answer-wiki_2fa": "yes",
            "answer-harassed": "unsure",
            "answer-email_2fa": "YES",
            "answer-nothing": "yes",
            "answer-": "no",
            "answer-photo_on_user_page": "",
            "level": "1",
            "csrfmiddlewaretoken": "x",
        },
    )
    assert posted.answers == {"wiki_2fa": YES, "harassed": UNSURE}
    assert posted.ignored == 4
