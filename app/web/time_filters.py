"""The pages' time filters: every time a page shows goes through app.services.workflow
.time_text, so it reads on the center's clock (config TIMEZONE), written one way. And the
lists' count cap, which the pages' totals read."""
from __future__ import annotations

from app.services.workflow import paging, time_text
from app.web.blueprint import bp

bp.add_app_template_filter(time_text.local_datetime, "local_time")
bp.add_app_template_filter(time_text.local_date, "local_date")
bp.add_app_template_filter(time_text.local_iso, "local_iso")
bp.add_app_template_filter(time_text.relative, "relative_time")
bp.add_app_template_filter(time_text.in_text, "local_times_in")

# Not a time, but a list's figure: how many rows it matched, counted up to a cap.
bp.add_app_template_global(paging.COUNT_CAP, "count_cap")
