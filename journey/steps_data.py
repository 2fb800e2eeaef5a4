"""The 17 journey steps as first loaded (migration 0002). Later changes need a new migration."""

PHASES = {
    1: "Find the why",
    2: "Make the case",
    3: "Start small",
    4: "Scale and sustain",
}


def _list(title: str, *columns: tuple[str, str]) -> dict:
    return {"title": title, "columns": [{"key": k, "label": label} for k, label in columns]}


STEPS = [
    {
        "number": 1,
        "phase": 1,
        "title": "Getting off the ground",
        "summary": "Judge how hard the start will be for an organisation of your size and "
        "history, and what growing and earning from data would mean for you.",
        "questions": [
            "Are we closer to a start-up or to a large enterprise, and what does that make hard?",
            "What would it mean for us to scale our use of data?",
            "Where could data create revenue or savings we do not see today?",
        ],
    },
    {
        "number": 2,
        "phase": 1,
        "title": "Key assumptions",
        "summary": "Write down the assumptions behind the decision to adopt, share them "
        "widely, and mark the risky ones.",
        "questions": [
            "Which beliefs is our decision to adopt data mesh resting on?",
            "Who has seen these assumptions, and who would disagree?",
            "Which assumption, if wrong, would hurt us the most?",
        ],
    },
    {
        "number": 3,
        "phase": 1,
        "title": "Stakeholder alignment",
        "summary": "Map where data producers, consumers, governance, data management and IT "
        "stand, and find the path of least resistance.",
        "questions": [
            "Who produces data, who consumes it, and who governs it today?",
            "Where is support strongest and resistance most likely?",
            "Which approaches have already worked to bring these groups together?",
        ],
        "extra_list": _list(
            "Stakeholders",
            ("who", "Group or person"),
            ("stance", "Where they stand"),
            ("approach", "How we engage them"),
        ),
    },
    {
        "number": 4,
        "phase": 1,
        "title": "Risk, compliance and finance",
        "summary": "Decide when and how to involve risk, compliance and finance; regulated "
        "industries need them early.",
        "questions": [
            "Which regulations constrain how our data may be shared?",
            "At which point do risk, compliance and finance need a seat at the table?",
            "What would they need to see to support us?",
        ],
    },
    {
        "number": 5,
        "phase": 1,
        "title": "Do we need data mesh?",
        "summary": "Test the business objectives, short and long term, and make a go or no-go "
        "decision before reorganising anything.",
        "questions": [
            "What business objectives are we trying to reach, now and in three years?",
            "Is data mesh the right answer to them, or is it fashion?",
            "What would make us decide not to go ahead?",
        ],
    },
    {
        "number": 6,
        "phase": 2,
        "title": "Key benefits",
        "summary": "Spell out the business benefits carefully: they justify the investment and "
        "steer every go or no-go at the milestones.",
        "questions": [
            "Which benefits do we expect, and for whom?",
            "How will we know that a benefit has arrived?",
            "Which benefit would convince a sceptical executive?",
        ],
        "extra_list": _list(
            "Benefits",
            ("benefit", "Benefit"),
            ("beneficiary", "Who gains"),
            ("evidence", "How we will know"),
        ),
    },
    {
        "number": 7,
        "phase": 2,
        "title": "Milestones and measurements",
        "summary": "Set short, measurable milestones tied to the benefits and review them "
        "regularly, like objectives and key results for the mesh.",
        "questions": [
            "What is the next milestone that proves progress on a benefit?",
            "Which number tells us that we reached it?",
            "How often, and with whom, will we review the milestones?",
        ],
        "extra_list": _list(
            "Milestones",
            ("milestone", "Milestone"),
            ("measure", "Key result or measure"),
            ("target", "Target date"),
        ),
    },
    {
        "number": 8,
        "phase": 2,
        "title": "ROI measurement",
        "summary": "Choose the parameters and mechanisms that track return on investment over "
        "time, so the course and the amount of mesh can be adjusted.",
        "questions": [
            "What does the adoption cost us, and where do we record it?",
            "Which returns can we measure, and which can we only estimate?",
            "What result would make us slow down or speed up?",
        ],
        "extra_list": _list(
            "ROI parameters",
            ("parameter", "Parameter"),
            ("baseline", "Baseline"),
            ("target", "Target"),
        ),
    },
    {
        "number": 9,
        "phase": 2,
        "title": "Phases",
        "summary": "Lay out the phases of the implementation itself; they follow delivery, "
        "while milestones follow the business.",
        "questions": [
            "What must be delivered first for anything else to work?",
            "How long is each phase, and what ends it?",
            "Which phase can we cut if money or time runs short?",
        ],
        "extra_list": _list(
            "Phases",
            ("phase", "Phase"),
            ("scope", "What it delivers"),
            ("timing", "When"),
        ),
    },
    {
        "number": 10,
        "phase": 3,
        "title": "Partners and champions",
        "summary": "Find the early, active supporters and champions who give the initiative "
        "room to explore.",
        "questions": [
            "Who is already asking for what data mesh offers?",
            "Which leaders will protect the initiative when it stumbles?",
            "What do our champions need from us in return?",
        ],
        "extra_list": _list(
            "Champions",
            ("name", "Name"),
            ("area", "Domain or team"),
            ("contribution", "How they help"),
        ),
    },
    {
        "number": 11,
        "phase": 3,
        "title": "MVP scope",
        "summary": "Agree the minimum viable scope with the champion team, bringing together "
        "everything decided so far.",
        "questions": [
            "Which first use case touches only one or two domains?",
            "What is the smallest platform that lets it succeed?",
            "What is deliberately left out of the MVP?",
        ],
    },
    {
        "number": 12,
        "phase": 3,
        "title": "Tools and build partners",
        "summary": "Pick the platform and the partners who build it; the platform must make data "
        "products discoverable, addressable, trustworthy, self-describing, interoperable "
        "and secure.",
        "questions": [
            "Which of the six data product qualities does our current tooling already give us?",
            "What do we build, buy or borrow?",
            "Which partners have done this before?",
        ],
    },
    {
        "number": 13,
        "phase": 4,
        "title": "Capability building",
        "summary": "Decide how to build the team: hire, contract or train.",
        "questions": [
            "Which skills are missing in the domains and on the platform team?",
            "What do we hire, what do we contract, and what do we grow ourselves?",
            "How will contractors hand their knowledge over?",
        ],
    },
    {
        "number": 14,
        "phase": 4,
        "title": "Data mesh literacy",
        "summary": "Educate and socialise the ideas across the organisation so that people "
        "share a vocabulary.",
        "questions": [
            "Who needs to understand data mesh, and how deeply?",
            "Which formats reach them: talks, guides, communities of practice?",
            "How will we know that understanding has spread?",
        ],
    },
    {
        "number": 15,
        "phase": 4,
        "title": "Gamification",
        "summary": "Look for game mechanics that could encourage adoption once it has to scale.",
        "questions": [
            "Which behaviours do we want more of, such as publishing or reusing data products?",
            "Which rewards would feel fair rather than gimmicky?",
            "How do we avoid rewarding vanity numbers?",
        ],
    },
    {
        "number": 16,
        "phase": 4,
        "title": "Heavy lifting",
        "summary": "Set up the operating model and ways of working that keep the initiative "
        "alive after the innovation phase.",
        "questions": [
            "Who owns the platform and the governance once the project team steps back?",
            "Which processes must change permanently?",
            "How are domains funded for their data work?",
        ],
    },
    {
        "number": 17,
        "phase": 4,
        "title": "Anti-patterns",
        "summary": "Name the corner cases that should stay out of the mesh and what not to do; "
        "finding them early saves effort.",
        "questions": [
            "Which data or use cases gain nothing from being meshed?",
            "Which mistakes have we seen elsewhere that we must avoid?",
            "Where are we tempted to start with technology instead of the business need?",
        ],
        "extra_list": _list(
            "Anti-patterns",
            ("pattern", "Anti-pattern"),
            ("why", "Why it hurts"),
            ("instead", "What we do instead"),
        ),
    },
]


def load_catalogue(step_model) -> None:
    """Create or update the step definitions; `step_model` may be a migration's historical model."""
    for step in STEPS:
        step_model.objects.update_or_create(
            number=step["number"],
            defaults={
                "phase": step["phase"],
                "phase_title": PHASES[step["phase"]],
                "title": step["title"],
                "summary": step["summary"],
                "guiding_questions": step["questions"],
                "extra_list": step.get("extra_list", {}),
            },
        )
