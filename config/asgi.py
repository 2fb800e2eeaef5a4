"""What gunicorn serves: `gunicorn config.asgi:application -k uvicorn_worker.UvicornWorker`.

Over ASGI the live boards' streams (kernel/live.py) wait on the event loop, thousands per
worker, while every other view stays a plain sync view that Django runs in a thread. WhiteNoise
and the rest of the middleware are sync too and work unchanged.
"""

import logging
import os
import warnings

from django.core.asgi import get_asgi_application

from config.logging import RedactTokensFilter

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.production")
application = get_asgi_application()

# uvicorn's workers write gunicorn's access log themselves, past config.gunicorn's
# RedactingLogger: the same filter keeps secret links out of their lines.
for _name in ("uvicorn.access", "uvicorn.error"):
    logging.getLogger(_name).addFilter(RedactTokensFilter())

# WhiteNoise answers with a file iterator that Django reads in a thread under ASGI, warning
# every time; for the small static files of this app that is fine, and the warning is noise.
warnings.filterwarnings(
    "ignore", message="StreamingHttpResponse must consume synchronous iterators"
)
