from django.apps import AppConfig


class ChampionsConfig(AppConfig):
    name = "champions"
    verbose_name = "Champions' tools"

    def ready(self) -> None:
        from kernel import sections

        from . import report

        # The champions' page of the executive maturity report (assessments.report), after
        # the journey's.
        sections.register(
            "maturity",
            sections.Section(
                key="champions",
                order=30,
                template="champions/pdf/maturity_section.html",
                build=report.maturity_section,
            ),
        )
