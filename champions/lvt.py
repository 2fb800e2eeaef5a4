"""Shape rules of the Lean Value Tree (no database): vision -> goals -> bets, no cycles."""

from collections.abc import Mapping

VISION, GOAL, BET = "vision", "goal", "bet"
# The tier a child of each tier has; a bet has no children.
CHILD_TIER: dict[str | None, str] = {None: VISION, VISION: GOAL, GOAL: BET}


class InvalidTree(ValueError):
    pass


def child_tier(parent_tier: str | None) -> str:
    """The tier of a node placed under a parent of `parent_tier` (None: the root)."""
    if parent_tier not in CHILD_TIER:
        raise InvalidTree("A bet is a leaf of the tree: nothing can go under it.")
    return CHILD_TIER[parent_tier]


def check_move(
    *,
    node: int,
    tier: str,
    new_parent: int | None,
    tiers: Mapping[int, str],
    parents: Mapping[int, int | None],
) -> None:
    """Raise InvalidTree unless `node` (of `tier`) may hang under `new_parent`.

    `tiers` and `parents` describe the whole tree by node id. A node can never end up under
    itself or one of its own descendants, and the tiers must stay vision -> goal -> bet.
    """
    ancestor = new_parent
    seen: set[int] = set()
    while ancestor is not None:
        if ancestor == node:
            raise InvalidTree("A node cannot go under itself or under one of its own children.")
        if ancestor in seen:
            raise InvalidTree("The tree already has a loop; it cannot be changed this way.")
        seen.add(ancestor)
        ancestor = parents.get(ancestor)
    parent_tier = None if new_parent is None else tiers[new_parent]
    if CHILD_TIER.get(parent_tier) != tier:
        wanted = {VISION: "at the top", GOAL: "under the vision", BET: "under a goal"}[tier]
        raise InvalidTree(f"A {tier} belongs {wanted}.")
