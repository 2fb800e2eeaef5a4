from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = "Readiness assessments"

    def ready(self) -> None:
        from organisations import exports

        from . import report

        exports.register(report.KIND, report.render_report)
