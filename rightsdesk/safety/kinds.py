"""The safety centre's kinds of page: where each is read and what its source must hold.

Called once from :class:`rightsdesk.safety.apps.SafetyConfig.ready`.
"""

from __future__ import annotations

from rightsdesk.content.kinds import kind_register, tree_check_register
from rightsdesk.content.markup import link_scheme_register


def register_kinds() -> None:
    from rightsdesk.safety.lessons import grammar as lessons
    from rightsdesk.safety.workflows import content as workflows

    kind_register("topic", route=lessons.topic_route)
    kind_register("lesson", route=lessons.lesson_route, check=lessons.lesson_problems)
    tree_check_register(lessons.tree_problems)
    link_scheme_register("lesson", lessons.lesson_link)
    link_scheme_register("topic", lessons.topic_link)
    kind_register("workflow", route=workflows.workflow_route, check=workflows.workflow_check)
    tree_check_register(workflows.workflow_tree_check)
    link_scheme_register("workflow", workflows.workflow_link)
    link_scheme_register("partners", workflows.partner_link)
