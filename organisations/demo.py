"""The demo organisation, Acme Health, and its five people: the first demo builder.

The apps after this one (journey, assessments, ...) add their own demo data to the organisation
it creates (kernel.demo). Every demo account signs in with DEMO_PASSWORD (also in README.md).
"""

from dataclasses import dataclass

from kernel.demo import Demo

from .models import Membership, Organisation, User
from .roles import Role
from .services import organisation_create

# A published, documented password for a local demo only: not a secret.
DEMO_PASSWORD = "demo-password-2026"  # noqa: S105
DEMO_SLUG = "acme"
DEMO_NAME = "Acme Health"


@dataclass(frozen=True)
class DemoPerson:
    email: str
    name: str
    role: Role


PEOPLE = (
    DemoPerson("owner@acme.example", "Priya Raman", Role.OWNER),
    DemoPerson("facilitator@acme.example", "Elena Marsh", Role.FACILITATOR),
    DemoPerson("champion@acme.example", "David Okafor", Role.CHAMPION),
    DemoPerson("exec@acme.example", "Margaret Lindqvist", Role.EXECUTIVE),
    DemoPerson("member@acme.example", "Sam Whitfield", Role.MEMBER),
)


def _user(person: DemoPerson) -> User:
    user = User.objects.filter(email__iexact=person.email).first()
    return user or User.objects.create_user(
        email=person.email, name=person.name, password=DEMO_PASSWORD
    )


def build(demo: Demo) -> None:
    """The organisation and its members; an existing demo keeps whatever changed since."""
    demo.people = {person.role.value: _user(person) for person in PEOPLE}
    organisation = Organisation.objects.filter(slug=DEMO_SLUG).first()
    if organisation is None:
        organisation = organisation_create(
            name=DEMO_NAME, owner=demo.people[Role.OWNER], slug=DEMO_SLUG
        )
        demo.report.append(f"Created the demo organisation {DEMO_NAME}.")
    else:
        demo.report.append(
            f"The demo organisation {DEMO_NAME} exists; only what is missing is added."
        )
    for person in PEOPLE:
        Membership.objects.get_or_create(
            organisation=organisation,
            user=demo.people[person.role],
            defaults={"role": person.role},
        )
        demo.report.append(f"  {person.email:<28} {person.role.label}")
    demo.report.append(f"Password for every demo account: {DEMO_PASSWORD}")
    demo.organisation = organisation
