"""The support plan's goals a session names as worked on (by key, which a goal keeps across
plan versions), read below a letter or session the caller already got through a policy."""

from __future__ import annotations

from atbalsts.plans.models import Goal, GuaranteeLetter

from .models import Session


def letter_goals(letter: GuaranteeLetter) -> list[Goal]:
    """The goals of the plan version the letter was issued from, in the plan's order."""
    return list(Goal.objects.filter(version_id=letter.version_id).order_by("position", "id"))


def session_goal_texts(session: Session) -> list[str]:
    """The plan goals a session names, in the plan's order (a key the letter's version no
    longer holds is skipped: the free text of older sessions stays readable beside it)."""
    if not session.goal_keys:
        return []
    wanted = {str(key) for key in session.goal_keys}
    return [goal.text for goal in letter_goals(session.letter) if str(goal.key) in wanted]
