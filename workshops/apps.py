from django.apps import AppConfig


class WorkshopsConfig(AppConfig):
    name = "workshops"
    verbose_name = "Workshops"

    def ready(self) -> None:
        from organisations import exports

        from . import outcomes

        exports.register(outcomes.AGENDA_KIND, outcomes.render_agenda)
        exports.register(outcomes.BOARD_PDF_KIND, outcomes.render_board_pdf)
        exports.register(
            outcomes.BOARD_CSV_KIND,
            outcomes.render_board_csv,
            content_type="text/csv; charset=utf-8",
            extension="csv",
        )
        exports.register(outcomes.REPORT_KIND, outcomes.render_report)
