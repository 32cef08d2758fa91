"""Lanes name roles; a task nobody else can act on goes to the center administrators."""
import sqlalchemy as sa

from app.models import Department, HumanTask, Membership, Post, User, Window, db
from app.models.identity import DEPARTMENT_ROLES, ROLES, WINDOW_CLERK
from app.models.organization import window_department
from app.services.organization import routing
from app.services.organization.routing import Assignment
from app.services.workflow import assignment, instances, memo, tasks
from app.services.workflow.actor import Actor
from tests.conftest import deploy_test_file, user
from tests.workflow.test_step_cost import count_statements


def test_task_without_lane_is_offered_to_administrators(session):
    deploy_test_file("data_types.bpmn")  # its user task has no lane
    instance = instances.start("data_types", Actor.system("tests"),
                               variables={"cfg": {"level1": {"x": 1}}, "fee": 1})
    assert [t.name for t in tasks.inbox(user("clerk")) if t.instance_id == instance.id] == []
    [task] = [t for t in tasks.inbox(user("admin")) if t.instance_id == instance.id]
    assert task.candidate_role == "center_admin"
    tasks.complete(task.id, {}, Actor.of(user("admin")))
    assert instances.execution.get_instance(instance.id).state == "completed"


def test_lane_whose_role_nobody_holds_falls_back_to_administrators(session):
    for member in routing.holders("committee_member", None):
        member.active = False  # rolled back with the test's savepoint
    assert routing.route("committee_member", {}) == Assignment("center_admin", None)
    assert routing.route("no_such_role", {}) == Assignment("center_admin", None)
    assert routing.route("approving_leader", {"department_id": 1}) == Assignment(
        "approving_leader", 1)


def _holders_by_hand(role: str, department_id: int | None) -> set[int]:
    """The rule, read from the objects: active members (of the department), and for window
    clerks of a department the A and B posts of every window serving it."""
    people = {m.user_id for m in db.session.scalars(sa.select(Membership).where(
        Membership.role == role)) if department_id is None or m.department_id == department_id}
    if role == WINDOW_CLERK and department_id is not None:
        for window in db.session.scalars(sa.select(Window)):
            if department_id in {d.id for d in window.departments}:
                people |= {i for p in window.posts for i in (p.a_user_id, p.b_user_id) if i}
    return {i for i in people if db.session.get(User, i).active}


def test_whether_anyone_holds_a_role_agrees_with_its_holders(session):
    """has_holders (one EXISTS) decides a pool's task as holders() would, for every role and
    department, window posts included, as people leave."""
    def agree() -> None:
        memo.forget()
        for role in ROLES:
            for department_id in (None, *db.session.scalars(sa.select(Department.id))):
                if department_id is not None and role not in DEPARTMENT_ROLES:
                    continue
                expected = _holders_by_hand(role, department_id)
                got = {u.id for u in routing.holders(role, department_id)}
                assert got == expected, (role, department_id)
                assert routing.has_holders(role, department_id) is bool(expected), (
                    role, department_id)

    agree()
    department_id = db.session.scalar(  # a department served by a window with posts
        sa.select(window_department.c.department_id)
        .join(Post, Post.window_id == window_department.c.window_id).limit(1))
    db.session.execute(sa.delete(Membership).where(  # its posts' holders are left, unlisted
        Membership.role == WINDOW_CLERK, Membership.department_id == department_id))
    memo.forget()  # a bulk DELETE is not seen by the session's memos
    agree()
    assert routing.has_holders(WINDOW_CLERK, department_id)
    for person in db.session.scalars(sa.select(User)):
        person.active = False
    db.session.flush()
    agree()
    assert not routing.has_holders(WINDOW_CLERK, department_id)
    assert routing.route(WINDOW_CLERK, {"department_id": department_id}) == Assignment(
        "center_admin", None)


def test_who_serves_a_window_agrees_with_the_scopes_and_reads_posts_only_when_needed(session):
    """_serves_at_window (memberships first, then window posts) answers as
    `(WINDOW_CLERK, d) in scopes(user)`, for every user and department, a post-only clerk
    included; and a candidate check the memberships answer reads no window post."""
    department_id = db.session.scalar(
        sa.select(window_department.c.department_id)
        .join(Post, Post.window_id == window_department.c.window_id).limit(1))
    db.session.execute(sa.delete(Membership).where(  # its clerks act by their posts alone
        Membership.role == WINDOW_CLERK, Membership.department_id == department_id))
    memo.forget()
    departments = (None, *db.session.scalars(sa.select(Department.id)))
    post_only = 0
    for person in db.session.scalars(sa.select(User)):
        for d in departments:
            expected = person.active and (WINDOW_CLERK, d) in routing.scopes(person)
            assert routing._serves_at_window(person, d) is expected, (person.username, d)
            post_only += expected and (WINDOW_CLERK, d) not in assignment.member_scopes(person)
    assert post_only  # the posts' branch was exercised

    by_post = next(u for u in db.session.scalars(sa.select(User)) if (
        WINDOW_CLERK, department_id) in routing.scopes(u))
    task = HumanTask(candidate_role=WINDOW_CLERK, candidate_department_id=department_id)
    assert assignment.is_candidate(by_post, task)  # through the post, as before
    clerk = user("clerk")
    member_task = HumanTask(candidate_role=WINDOW_CLERK, candidate_department_id=None)
    memo.forget()
    assert assignment.member_scopes(clerk) and count_statements(
        lambda: assignment.is_candidate(clerk, member_task)) == []
