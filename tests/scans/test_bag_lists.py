"""Who sees which bags: the list shows exactly the bags whose detail the same user may open."""

from __future__ import annotations

import pytest

DESTINATION = "32260"  # Mường Phăng's delivery office


def _listed(api, user: str) -> set[str]:
    response = api.as_(user).get("/api/v1/bags?per_page=500")
    assert response.status_code == 200
    return {bag["id"] for bag in response.get_json()["items"]}


@pytest.mark.parametrize("user", ["admin", "clerk", "clerk2", "printer", "board", "board2"])
def test_a_bag_is_listed_to_exactly_those_who_may_open_it(api, user):
    created = api.as_("clerk").post("/api/v1/bags", json={"destination": DESTINATION})
    assert created.status_code == 201
    code = created.get_json()["id"]
    may_open = api.as_(user).get(f"/api/v1/bags/{code}").status_code == 200
    assert (code in _listed(api, user)) == may_open
    # Both ends' clerks, the origin's printer and admins follow a bag; election bodies follow items.
    assert may_open == (user in ("admin", "clerk", "printer"))
