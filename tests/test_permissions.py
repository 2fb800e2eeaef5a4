"""Access to every organisation URL: docs/permissions.md, roles.PERMISSIONS and the views agree.

Every URL under /o/<org_slug>/ has an entry in ACCESS_CASES, and a meta-test fails when a URL
is added without one, so no organisation page can ship without its access tests.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, resolve, reverse

from assessments.models import Respondent
from assessments.testing import open_round
from champions.testing import champions_world
from journey.selectors import journey_step
from journey.services import canvas_save
from kernel.models import LiveChannel
from organisations.access import SESSION_GRANTS
from organisations.models import Export, Membership, Organisation, User
from organisations.roles import GUEST_KIND_ACTIONS, PERMISSIONS, Action, GuestKind, Role
from organisations.services import invitation_create
from tests.conftest import add_member, make_organisation, member_actor
from workshops.testing import workshop_world

DOC = Path(settings.BASE_DIR) / "docs" / "permissions.md"
ORG_PREFIX = "o/<slug:org_slug>/"
STEP = 3
# One column per role, then one per kind of guest grant.
DOC_COLUMNS = [*Role.values, *GuestKind.values]


# --- docs/permissions.md ----------------------------------------------------------------------


def _doc_tables() -> list[list[list[str]]]:
    """Every markdown table in the doc, as rows of stripped cells, without the |---| row."""
    tables: list[list[list[str]]] = []
    previous_was_table = False
    for line in DOC.read_text().splitlines():
        is_table = line.startswith("|")
        if is_table:
            if not previous_was_table:
                tables.append([])
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            if not all(set(cell) <= set("-: ") for cell in cells):
                tables[-1].append(cells)
        previous_was_table = is_table
    return tables


def _code(cell: str) -> str:
    assert cell.startswith("`") and cell.endswith("`"), f"{cell!r} is not in backticks"
    return cell.strip("`")


def test_it_documents_every_role_as_a_column():
    header = _doc_tables()[0][0]

    assert header[2:] == DOC_COLUMNS


def test_it_documents_exactly_the_permissions_in_roles():
    header, *rows = _doc_tables()[0]
    documented: dict[str, set[str]] = {}
    for row in rows:
        assert len(row) == len(header), row
        assert set(row[2:]) <= {"yes", "—"}, row
        assert row[1], f"{row[0]} has no description"
        documented[_code(row[0])] = {
            column for column, cell in zip(DOC_COLUMNS, row[2:], strict=True) if cell == "yes"
        }

    assert list(documented) == [action.value for action in Action]
    assert {a: roles - set(GuestKind.values) for a, roles in documented.items()} == {
        action.value: set(allowed) for action, allowed in PERMISSIONS.items()
    }
    for kind in GuestKind.values:
        assert {a for a, roles in documented.items() if kind in roles} == {
            action.value for action in GUEST_KIND_ACTIONS[kind]
        }, kind


# --- every organisation URL and the action it needs -------------------------------------------


@dataclass
class World:
    """Real objects in acme for URLs that name one: a member, an open invitation, a revision,
    and a finished export for each role (only the person who asked may open an export)."""

    membership_id: int
    invitation_id: int
    version: int
    export_ids: dict[str, int]
    # Whose export the export URLs name: the role making the request, where there is one.
    role: str = Role.OWNER
    # An assessment round asking every member (their own rows, by role) and one outsider.
    round_id: int = 0
    respondent_ids: dict[str, int] = field(default_factory=dict)
    outsider_respondent_id: int = 0
    # Champions' objects by name (champions.testing.champions_world).
    champion_ids: dict[str, int] = field(default_factory=dict)
    # Workshop objects by name (workshops.testing.workshop_world).
    workshop_ids: dict[str, int] = field(default_factory=dict)


@dataclass
class Case:
    name: str
    method: str
    action: Action
    kwargs: Callable[[World], dict] = lambda world: {}
    data: Callable[[World], dict] = lambda world: {}
    label: str = field(default="")

    def __str__(self) -> str:
        return f"{self.method} {self.name}{self.label}"


def _step(world: World) -> dict:
    return {"number": STEP}


def _membership(world: World) -> dict:
    return {"membership_id": world.membership_id}


def _export(world: World) -> dict:
    return {"export_id": world.export_ids[world.role]}


def _round(world: World) -> dict:
    return {"round_id": world.round_id}


def _own_answers(world: World) -> dict:
    # A member answers only their own row: each role's request names its own.
    return {"respondent_id": world.respondent_ids[world.role]}


def _round_person(world: World) -> dict:
    return {"round_id": world.round_id, "respondent_id": world.outsider_respondent_id}


def _champion(ids: dict[str, str]) -> Callable[[World], dict]:
    """URL kwargs naming champions' objects: {"objective_id": "objective"} -> real ids."""
    return lambda world: {kwarg: world.champion_ids[name] for kwarg, name in ids.items()}


def _workshop(*names: str) -> Callable[[World], dict]:
    """URL kwargs naming workshop objects: ("workshop", "note") -> workshop_id, note_id."""
    return lambda world: {f"{name}_id": world.workshop_ids[name] for name in names}


def _no_data(world: World) -> dict:
    return {}


def _a_note(world: World) -> dict:
    return {"zone": world.workshop_ids["zone"], "text": "A new idea"}


_BOARD = ("workshop", "activity")
_NOTE = (*_BOARD, "note")


ACCESS_CASES = [
    Case("organisation_home", "GET", Action.ORGANISATION_VIEW),
    Case("organisation_settings", "GET", Action.ORGANISATION_EDIT),
    Case(
        "organisation_settings",
        "POST",
        Action.ORGANISATION_EDIT,
        data=lambda world: {"name": "Acme Renamed"},
    ),
    Case("members", "GET", Action.MEMBERS_VIEW),
    Case(
        "member_role",
        "POST",
        Action.MEMBERS_MANAGE,
        kwargs=_membership,
        data=lambda world: {"role": Role.EXECUTIVE},
    ),
    Case("member_remove", "POST", Action.MEMBERS_MANAGE, kwargs=_membership),
    Case(
        "invitation_new",
        "POST",
        Action.MEMBERS_MANAGE,
        data=lambda world: {"email": "", "role": Role.MEMBER},
    ),
    Case(
        "invitation_withdraw",
        "POST",
        Action.MEMBERS_MANAGE,
        kwargs=lambda world: {"invitation_id": world.invitation_id},
    ),
    Case("journey:map", "GET", Action.JOURNEY_VIEW),
    # With the test task backend these only enqueue: no PDF is rendered per role.
    Case("journey:pdf", "POST", Action.CANVAS_EXPORT),
    Case("journey:step", "GET", Action.JOURNEY_VIEW, kwargs=_step),
    Case("journey:edit", "GET", Action.CANVAS_EDIT, kwargs=_step),
    Case("journey:my_actions", "GET", Action.JOURNEY_VIEW),
    Case("journey:status", "POST", Action.JOURNEY_PLAN, kwargs=_step),
    Case("journey:plan", "POST", Action.JOURNEY_PLAN, kwargs=_step),
    Case("journey:canvas", "POST", Action.CANVAS_EDIT, kwargs=_step),
    Case("journey:canvas_pdf", "POST", Action.CANVAS_EXPORT, kwargs=_step),
    Case("journey:history", "GET", Action.JOURNEY_VIEW, kwargs=_step),
    Case(
        "journey:restore",
        "POST",
        Action.CANVAS_EDIT,
        kwargs=lambda world: {"number": STEP, "version": world.version},
        data=lambda world: {"base_version": world.version},
    ),
    Case("exports:detail", "GET", Action.EXPORTS_VIEW, kwargs=_export),
    Case("exports:download", "GET", Action.EXPORTS_VIEW, kwargs=_export),
    Case("assessments:rounds", "GET", Action.ASSESSMENT_VIEW),
    Case("assessments:new", "GET", Action.ASSESSMENT_MANAGE),
    Case("assessments:new", "POST", Action.ASSESSMENT_MANAGE),
    Case("assessments:report", "GET", Action.REPORT_VIEW),
    # Only enqueues: the real PDF is made once, in tests/test_maturity_report.py.
    Case("assessments:report_pdf", "POST", Action.REPORT_VIEW),
    Case("assessments:round", "GET", Action.ASSESSMENT_MANAGE, kwargs=_round),
    Case("assessments:status", "POST", Action.ASSESSMENT_MANAGE, kwargs=_round),
    Case("assessments:add_people", "POST", Action.ASSESSMENT_MANAGE, kwargs=_round),
    Case("assessments:respondent_link", "POST", Action.ASSESSMENT_MANAGE, kwargs=_round_person),
    Case("assessments:respondent_revoke", "POST", Action.ASSESSMENT_MANAGE, kwargs=_round_person),
    Case("assessments:results", "GET", Action.ASSESSMENT_VIEW, kwargs=_round),
    Case("assessments:answer", "GET", Action.ASSESSMENT_RESPOND, kwargs=_own_answers),
    Case("assessments:answer", "POST", Action.ASSESSMENT_RESPOND, kwargs=_own_answers),
    Case(
        "assessments:answer_axis",
        "POST",
        Action.ASSESSMENT_RESPOND,
        kwargs=lambda world: {**_own_answers(world), "axis": "executive_support"},
        data=lambda world: {"executive_support-level": "high", "executive_support-base": "0"},
    ),
    *[
        Case(f"champions:{name}", "GET", Action.CHAMPIONS_VIEW, kwargs=_champion(ids))
        for name, ids in [
            ("home", {}),
            ("milestones", {}),
            ("period", {}),
            ("objective", {"objective_id": "objective"}),
            ("use_cases", {}),
            ("tree", {}),
            ("roi", {}),
            ("curve", {}),
        ]
    ],
    Case(
        "champions:use_case_edit",
        "GET",
        Action.CHAMPIONS_EDIT,
        kwargs=_champion({"use_case_id": "use_case"}),
    ),
    # Empty forms: the roles allowed get their 400 with messages, the others 403.
    *[
        Case(f"champions:{name}", "POST", Action.CHAMPIONS_EDIT, kwargs=_champion(ids))
        for name, ids in [
            ("milestone_add", {}),
            ("milestone_edit", {"milestone_id": "milestone"}),
            ("objective_add", {}),
            ("objective_edit", {"objective_id": "objective"}),
            ("key_result_add", {"objective_id": "objective"}),
            ("check_in", {"key_result_id": "key_result"}),
            ("key_result_edit", {"key_result_id": "key_result"}),
            ("use_case_add", {}),
            ("use_case_score", {"use_case_id": "use_case"}),
            ("use_case_edit", {"use_case_id": "use_case"}),
            ("tree_add", {}),
            ("tree_edit", {"node_id": "bet"}),
            ("roi_measure_add", {}),
            ("roi_measurement_add", {}),
        ]
    ],
    *[
        Case(f"workshops:{name}", method, action, kwargs=_workshop(*ids), data=data)
        for name, method, action, ids, data in [
            ("list", "GET", Action.WORKSHOP_VIEW, (), _no_data),
            ("new", "GET", Action.WORKSHOP_RUN, (), _no_data),
            ("new", "POST", Action.WORKSHOP_RUN, (), _no_data),
            ("detail", "GET", Action.WORKSHOP_VIEW, ("workshop",), _no_data),
            ("settings", "GET", Action.WORKSHOP_RUN, ("workshop",), _no_data),
            ("settings", "POST", Action.WORKSHOP_RUN, ("workshop",), _no_data),
            ("lobby", "GET", Action.WORKSHOP_VIEW, ("workshop",), _no_data),
            ("activity_add", "POST", Action.WORKSHOP_RUN, ("workshop",), _no_data),
            ("activity_edit", "GET", Action.WORKSHOP_RUN, ("workshop", "activity"), _no_data),
            ("activity_edit", "POST", Action.WORKSHOP_RUN, ("workshop", "activity"), _no_data),
            ("activity_move", "POST", Action.WORKSHOP_RUN, ("workshop", "activity"), _no_data),
            ("activity_remove", "POST", Action.WORKSHOP_RUN, ("workshop", "activity"), _no_data),
            ("agenda_save", "POST", Action.WORKSHOP_RUN, ("workshop",), _no_data),
            ("end", "POST", Action.WORKSHOP_RUN, ("workshop",), _no_data),
            ("admit", "POST", Action.WORKSHOP_RUN, ("workshop", "participant"), _no_data),
            ("action_done", "POST", Action.WORKSHOP_RUN, ("workshop", "action"), _no_data),
            ("preparation", "GET", Action.WORKSHOP_RUN, ("workshop",), _no_data),
            ("preparation", "POST", Action.WORKSHOP_RUN, ("workshop",), _no_data),
            ("checklist_add", "POST", Action.WORKSHOP_RUN, ("workshop",), _no_data),
            ("checklist_tick", "POST", Action.WORKSHOP_RUN, ("workshop", "item"), _no_data),
            ("invitation", "GET", Action.WORKSHOP_RUN, ("workshop",), _no_data),
            # With the test task backend these only enqueue: no file is made per role.
            ("agenda_pdf", "POST", Action.WORKSHOP_VIEW, ("workshop",), _no_data),
            ("report_pdf", "POST", Action.WORKSHOP_VIEW, ("workshop",), _no_data),
            ("board", "GET", Action.WORKSHOP_VIEW, _BOARD, _no_data),
            ("stream", "GET", Action.WORKSHOP_VIEW, _BOARD, _no_data),
            ("poll", "GET", Action.WORKSHOP_VIEW, _BOARD, _no_data),
            ("start", "POST", Action.WORKSHOP_RUN, _BOARD, _no_data),
            ("phase", "POST", Action.WORKSHOP_RUN, _BOARD, _no_data),
            ("timer", "POST", Action.WORKSHOP_RUN, _BOARD, _no_data),
            ("reveal_votes", "POST", Action.WORKSHOP_RUN, _BOARD, _no_data),
            ("board_csv", "POST", Action.WORKSHOP_VIEW, _BOARD, _no_data),
            ("board_pdf", "POST", Action.WORKSHOP_VIEW, _BOARD, _no_data),
            ("cluster_rename", "POST", Action.WORKSHOP_RUN, (*_BOARD, "cluster"), _no_data),
            ("note_add", "POST", Action.BOARD_CONTRIBUTE, _BOARD, _a_note),
            ("note_edit", "POST", Action.BOARD_CONTRIBUTE, _NOTE, _no_data),
            ("note_move", "POST", Action.BOARD_CONTRIBUTE, _NOTE, _no_data),
            ("note_delete", "POST", Action.BOARD_CONTRIBUTE, _NOTE, _no_data),
            ("note_group", "POST", Action.BOARD_CONTRIBUTE, _NOTE, _no_data),
            ("note_vote", "POST", Action.BOARD_CONTRIBUTE, _NOTE, _no_data),
            ("note_merge", "POST", Action.WORKSHOP_RUN, _NOTE, _no_data),
            ("note_promote", "POST", Action.WORKSHOP_RUN, _NOTE, _no_data),
        ]
    ],
]


def _build_world(organisation: Organisation, members: dict[str, User]) -> World:
    owner = members[Role.OWNER]
    canvas = journey_step(organisation, STEP).canvas
    canvas_save(
        canvas=canvas,
        content={"today": "We have one data team."},
        base_version=canvas.version,
        actor=member_actor(owner, organisation),
    )
    invitation = invitation_create(
        organisation=organisation, role=Role.MEMBER, email="new@example.com", created_by=owner
    )
    membership = Membership.objects.get(organisation=organisation, user=members[Role.MEMBER])
    export_ids = {
        role: Export.objects.create(
            organisation=organisation,
            requested_by=user,
            requested_by_name=user.name,
            kind="journey.canvases",
            title="All reflection canvases",
            status=Export.Status.READY,
            content=b"%PDF-1.7 test",
            filename="acme-all-reflection-canvases.pdf",
            content_type="application/pdf",
        ).pk
        for role, user in members.items()
    }
    round, _tokens = open_round(
        organisation, by=owner, members=list(members.values()), outsiders=[("Kim", "k@x.org")]
    )
    respondents = {r.user_id: r.pk for r in round.respondents.all()}
    champion_ids = champions_world(member_actor(owner, organisation))
    workshop_ids = workshop_world(organisation, owner)
    return World(
        champion_ids=champion_ids,
        workshop_ids=workshop_ids,
        round_id=round.pk,
        respondent_ids={role: respondents[user.pk] for role, user in members.items()},
        outsider_respondent_id=respondents[None],
        membership_id=membership.pk,
        invitation_id=invitation.pk,
        version=canvas.version,
        export_ids=export_ids,
    )


@pytest.fixture(scope="module")
def _built(django_db_setup, django_db_blocker):
    """Acme with one member per role and an object behind every URL, and Globex beside it,
    built once for the module's 1,000-odd cases instead of once per case, and removed after
    it. Every case's own writes are still rolled back at its end, as in any database test."""
    with django_db_blocker.unblock():
        users_before = set(User.objects.values_list("pk", flat=True))
        channels_before = set(LiveChannel.objects.values_list("pk", flat=True))
        organisation = make_organisation(name="Acme Health", slug="acme")
        other = make_organisation(name="Globex", slug="globex")
        owner = organisation.memberships.get(role=Role.OWNER).user
        members = {Role.OWNER.value: owner}
        for role in Role.values:
            if role != Role.OWNER:
                members[role] = add_member(organisation, role)
        world = _build_world(organisation, members)
    yield organisation, other, members, world
    with django_db_blocker.unblock():
        Organisation.objects.filter(pk__in=[organisation.pk, other.pk]).delete()
        User.objects.exclude(pk__in=users_before).delete()
        LiveChannel.objects.exclude(pk__in=channels_before).delete()


@pytest.fixture
def organisation(_built, db) -> Organisation:
    return _built[0]


@pytest.fixture
def other_organisation(_built, db) -> Organisation:
    return _built[1]


@pytest.fixture
def members(_built, db) -> dict[str, User]:
    return _built[2]


@pytest.fixture
def world(_built, db) -> World:
    return _built[3]


def _path(case: Case, world: World, org_slug: str = "acme") -> str:
    return reverse(case.name, kwargs={"org_slug": org_slug, **case.kwargs(world)})


def _request(client: Client, case: Case, world: World, org_slug: str = "acme"):
    path = _path(case, world, org_slug)
    if case.method == "POST":
        return client.post(path, case.data(world))
    return client.get(path)


def _login_redirect(path: str) -> str:
    return "/accounts/login/?" + urlencode({"next": path}, safe="/")


@pytest.mark.parametrize("role", Role.values)
@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_it_refuses_exactly_the_roles_without_the_action(case, role, world, members, client_as):
    response = _request(client_as(members[role]), case, replace(world, role=role))

    if role in PERMISSIONS[case.action]:
        assert response.status_code not in (403, 404)
    else:
        assert response.status_code == 403


@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_it_hides_the_organisation_from_an_outsider(case, world, outsider, client_as):
    response = _request(client_as(outsider), case, world)

    assert response.status_code == 404


@pytest.mark.parametrize("org_slug", ["globex", "no-such-organisation"])
@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_it_hides_other_organisations_from_an_owner(
    case, org_slug, world, owner, other_organisation, client_as
):
    response = _request(client_as(owner), case, world, org_slug=org_slug)

    assert response.status_code == 404


@pytest.mark.parametrize("org_slug", ["acme", "no-such-organisation"])
@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_it_sends_anonymous_visitors_to_sign_in(case, org_slug, world):
    response = _request(Client(), case, world, org_slug=org_slug)

    assert response.status_code == 302
    assert response.url == _login_redirect(_path(case, world, org_slug))


@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_it_declares_the_action_on_the_view(case, world):
    view = resolve(_path(case, world)).func

    assert view.required_action == case.action


def _organisation_routes() -> dict[str, str]:
    """Full route of every named URL under /o/<org_slug>/, keyed by namespaced name."""
    routes: dict[str, str] = {}

    def walk(patterns, prefix: str, namespaces: list[str]) -> None:
        for pattern in patterns:
            route = prefix + str(pattern.pattern)
            if isinstance(pattern, URLResolver):
                inner = [*namespaces, pattern.namespace] if pattern.namespace else namespaces
                walk(pattern.url_patterns, route, inner)
            elif isinstance(pattern, URLPattern) and route.startswith(ORG_PREFIX):
                assert pattern.name, f"{route} has no name"
                routes[":".join([*namespaces, pattern.name])] = route

    walk(get_resolver().url_patterns, "", [])
    return routes


def test_it_has_an_access_case_for_every_organisation_url():
    routes = _organisation_routes()

    assert "journey:map" in routes
    assert set(routes) == {case.name for case in ACCESS_CASES}


def test_it_documents_every_organisation_url_with_its_methods_and_action():
    header, *rows = _doc_tables()[1]
    assert header == ["URL", "Name", "Methods", "Action"]
    routes = _organisation_routes()
    documented = {
        _code(name): (_code(url), set(methods.split(", ")), _code(action))
        for url, name, methods, action in rows
    }

    expected = {}
    for case in ACCESS_CASES:
        # The doc shows <org_slug> where the route says <slug:org_slug>.
        url = "/" + re.sub(r"<\w+:(\w+)>", r"<\1>", routes[case.name])
        expected.setdefault(case.name, (url, set(), case.action.value))[1].add(case.method)
    assert documented == expected


# --- guests: the matrix's guest columns ---------------------------------------------------------


def _respondent_guest(world: World) -> Client:
    """An outsider who followed their personal link: holds only their respondent's grant."""
    client = Client()
    session = client.session
    session[SESSION_GRANTS] = [Respondent.objects.get(pk=world.outsider_respondent_id).grant_id]
    session.save()
    return client


def _is_respondent_target(case: Case, world: World) -> bool:
    target = resolve(_path(case, world)).func.guest_target
    return target is not None and target.kind == GuestKind.ASSESSMENT_RESPONDENT


@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_it_opens_to_a_respondent_guest_only_their_own_target(case, world):
    client = _respondent_guest(world)
    if not _is_respondent_target(case, world):
        assert _request(client, case, world).status_code == 404
        return
    theirs = replace(world, respondent_ids={world.role: world.outsider_respondent_id})

    assert _request(client, case, theirs).status_code not in (403, 404)
    # The same page for somebody else's answers does not exist, as far as the guest can tell.
    assert _request(client, case, world).status_code == 404


def _workshop_guest(world: World) -> Client:
    """Someone without an account who joined the running workshop by its code."""
    client = Client()
    session = client.session
    session[SESSION_GRANTS] = [world.workshop_ids["guest_grant"]]
    session.save()
    return client


@pytest.mark.parametrize("case", ACCESS_CASES, ids=str)
def test_it_opens_to_a_workshop_participant_only_their_workshops_boards(case, world):
    client = _workshop_guest(world)
    target = resolve(_path(case, world)).func.guest_target
    ours = target is not None and target.kind == GuestKind.WORKSHOP_PARTICIPANT
    if not ours or case.action not in GUEST_KIND_ACTIONS[GuestKind.WORKSHOP_PARTICIPANT]:
        assert _request(client, case, world).status_code == 404
        return
    assert _request(client, case, world).status_code not in (403, 404)
    # The earlier workshop's boards do not exist, as far as this guest can tell.
    elsewhere = dict(world.workshop_ids, workshop=world.workshop_ids["earlier"])
    assert _request(client, case, replace(world, workshop_ids=elsewhere)).status_code == 404
