import pytest
from tests.test_canvas_save import _url, _full_canvas, HTMX, Canvas, step, member_client  # noqa
def test_dbg(organisation, step, member_client):
    member_client.post(_url(organisation), _full_canvas())
    r = member_client.post(_url(organisation), _full_canvas(version=1), **HTMX)
    print(r.status_code)
    b = r.content.decode()
    import re
    print(re.findall(r'<p class="notice".*?</p>|<div class="alert.*?</div>|<h3 id="conflict-heading">.*?</h3>', b, re.S))
    print(Canvas.objects.get(step=step).version)
