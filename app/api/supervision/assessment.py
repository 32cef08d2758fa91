"""The monthly assessment (月度效能考评) as JSON: GET /api/supervision/assessment?month=&by=.
The same figures the page shows, the viewer's units only; rates as numerator and denominator."""
from flask import jsonify, request

from app.api.blueprint import bp
from app.security import current_actor
from app.services.supervision import assessment_view
from app.services.supervision.indicators import DIMENSIONS
from app.services.workflow.errors import InvalidInput


@bp.get("/supervision/assessment")
def supervision_assessment():
    dimension = request.args.get("by", "department")
    if dimension not in DIMENSIONS:
        raise InvalidInput("by must be department, window or staff", code="invalid_filter",
                           errors=[{"field": "by", "message": "unknown dimension"}])
    found = assessment_view.view(current_actor().user, request.args.get("month"))
    indicators = found.for_dimension(dimension)
    return jsonify({
        "month": found.month, "state": found.state, "withheld": found.withheld,
        "bulletinNo": found.stored.bulletin_no if found.stored else None,
        "computedAt": found.computed_at, "by": dimension,
        "indicators": [{"key": i.key, "label": str(i.label), "kind": i.kind,
                        "definition": str(i.definition)} for i in indicators],
        "rows": [{"id": row.key, "name": row.name,
                  "values": {i.key: row.values.get(i.key) for i in indicators}}
                 for row in found.rows[dimension]],
        "overdueCases": found.overdue_cases})
