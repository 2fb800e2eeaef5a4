from django.apps import AppConfig


class JourneyConfig(AppConfig):
    name = "journey"
    verbose_name = "Journey map"

    def ready(self) -> None:
        from organisations import exports

        from . import exports as journey_exports

        exports.register(journey_exports.CANVASES, journey_exports.render_canvases)
        exports.register(journey_exports.CANVAS, journey_exports.render_canvas)
