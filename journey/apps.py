from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "journey"
    verbose_name = "Journey map"

    def ready(self) -> None:
        from kernel import sections
        from organisations import exports

        from . import exports as journey_exports
        from . import report

        exports.register(journey_exports.CANVASES, journey_exports.render_canvases)
        exports.register(journey_exports.CANVAS, journey_exports.render_canvas)
        # The journey's page of the executive maturity report (assessments.report).
        sections.register(
            "maturity",
            sections.Section(
                key="journey",
                order=20,
                template="journey/pdf/maturity_section.html",
                build=report.maturity_section,
            ),
        )
