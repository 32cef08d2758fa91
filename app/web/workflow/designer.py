"""The process designer's (流程设计员) pages: deployed processes and their versions, the
bpmn-js modeler, the diff of two versions and the form editor (designer_forms). The
modeler talks to the JSON API (validate, deploy); these routes only prepare the pages."""
from __future__ import annotations

import secrets
from pathlib import Path

from flask import current_app, render_template, request, url_for
from flask_babel import gettext as _
from flask_wtf.csrf import generate_csrf

from app.security import current_actor
from app.services.workflow import bpmn_layout, deployment, process_diff
from app.services.workflow.errors import InvalidInput
from app.web.blueprint import bp
from app.web.workflow import (
    bpmn_texts,
    designer_forms,  # noqa: F401  the form editor's routes
    designer_versions,  # noqa: F401  deploy and rollback routes
    modeler_texts,
)

VENDOR = "vendor/bpmn-js"
MODELER_JS = f"{VENDOR}/bpmn-modeler.production.min.js"
VIEWER_JS = f"{VENDOR}/bpmn-navigated-viewer.production.min.js"
VENDOR_CSS = [f"{VENDOR}/assets/diagram-js.css", f"{VENDOR}/assets/bpmn-js.css",
              f"{VENDOR}/assets/bpmn-font/css/bpmn.css"]


def require_designer() -> None:
    deployment.require_designer(current_actor())


def vendor_ready(script: str) -> bool:
    """bpmn-js is copied in by `make assets`; without it the pages say so instead."""
    static = Path(current_app.static_folder or "")
    return all((static / name).is_file() for name in [script, *VENDOR_CSS])


def type_names() -> dict[str, str]:
    return {"userTask": _("用户任务"), "scriptTask": _("脚本任务"), "serviceTask": _("服务任务"),
            "task": _("任务"), "sequenceFlow": _("顺序流"), "exclusiveGateway": _("排他网关"),
            "parallelGateway": _("并行网关"), "inclusiveGateway": _("包容网关"),
            "eventBasedGateway": _("事件网关"), "startEvent": _("开始事件"),
            "endEvent": _("结束事件"), "boundaryEvent": _("边界事件"),
            "intermediateCatchEvent": _("中间捕获事件"),
            "intermediateThrowEvent": _("中间抛出事件"), "subProcess": _("子流程"),
            "callActivity": _("调用活动"), "lane": _("泳道"), "laneSet": _("泳道集"),
            "process": _("流程"), "participant": _("参与者（池）"),
            "collaboration": _("协作"), "message": _("消息")}


def aspect_names() -> dict[str, str]:
    return {"type": _("类型"), "name": _("名称"), "attributes": _("属性"), "text": _("文本"),
            "script": _("脚本"), "condition": _("条件"), "extensions": _("扩展元素（表单等）"),
            "content": _("其他内容"), "incoming": _("流入连线"), "outgoing": _("流出连线")}


@bp.get("/designer")
def designer_index():
    require_designer()
    definitions = deployment.latest_versions()
    return render_template("workflow/designer/index.html", definitions=definitions,
                           users=deployment.deployers(definitions))


@bp.get("/designer/processes/<key>")
def designer_process(key: str):
    require_designer()
    versions = deployment.versions(key)
    return render_template("workflow/designer/process.html", key=key, versions=versions,
                           users=deployment.deployers(versions))


@bp.get("/designer/processes/<key>/versions/<int:number>/xml")
def designer_version_xml(key: str, number: int):
    require_designer()
    return render_template("workflow/designer/xml.html", definition=deployment.version(key, number))


@bp.get("/designer/modeler")
def designer_modeler():
    require_designer()
    key, number = request.args.get("key", ""), _version_arg("version")
    definition = None
    if key:
        definition = deployment.version(key, number) if number else deployment.latest(key)
    config = {
        "xmlUrl": url_for("api.definition_xml", key=key, version=definition.version)
        if definition else None,
        "templateXml": None if definition else new_process_xml(),
        "validateUrl": url_for("api.validate_definition"),
        "planUrl": url_for("web.designer_plan"),
        "deployUrl": url_for("web.designer_deploy"),
        "bpmnTexts": bpmn_texts.bpmnjs_texts(),
        "laneNames": bpmn_texts.lane_names(),
        "versionsUrl": url_for("web.designer_process", key="__KEY__"),
        "csrfToken": generate_csrf(),
        "messages": modeler_messages(),
    }
    return render_template("workflow/designer/modeler.html", definition=definition, config=config,
                           vendor_ready=vendor_ready(MODELER_JS), vendor_css=VENDOR_CSS,
                           vendor_js=MODELER_JS)


def new_process_xml() -> str:
    """A minimal executable process (start, one user task in the window clerks' lane, end)
    with its diagram; the id is fresh so a new process never lands on an existing key."""
    suffix = secrets.token_hex(3)
    return render_template("workflow/designer/new_process.bpmn", process_id=f"process_{suffix}",
                           process_name=_("新流程"), task_name=_("办理"))


def modeler_messages() -> dict[str, str]:
    """Texts the modeler script shows, translated here like every other page text."""
    return {
        "loading": _("正在加载流程图……"), "loadFailed": _("流程图无法加载："),
        "noVendor": _("图形库未安装：请运行 make assets"),
        "validating": _("正在校验……"), "valid": _("校验通过，可以部署。"),
        "invalid": _("校验发现 %(count)s 个问题：", count="{count}"),
        "deploying": _("正在部署……"), "deployed": _("已部署 版本 %(version)s", version="{version}"),
        "unchanged": _("内容未变化，未创建新版本（仍为版本 %(version)s）", version="{version}"),
        "refused": _("部署被拒绝："), "requestFailed": _("请求失败："),
        "line": _("第 %(line)s 行", line="{line}"), "none": _("未选择元素"),
        "id": _("ID"), "type": _("类型"), "name": _("名称"), "forms": _("表单文件"),
        "schema": _("JSON Schema"), "uiSchema": _("UI Schema"), "noForms": _("（未配置表单）"),
        "versions": _("查看版本列表"),
        "heading": _("流程建模：%(key)s（版本 %(n)s）", key="{key}", n="{version}"),
        **modeler_texts.deploy_texts(), **modeler_texts.panel_texts(), **zoom_texts(),
        "problemTexts": modeler_texts.problem_texts(), "badges": modeler_texts.badge_texts(),
        "codes": modeler_texts.refusal_texts(), "typeNames": type_names(),
    }


def zoom_texts() -> dict[str, str]:
    return {"zoom": _("缩放"), "zoomIn": _("放大"), "zoomOut": _("缩小"), "fit": _("适应"),
            "fitTitle": _("缩放到整张流程图")}


@bp.get("/designer/processes/<key>/diff")
def designer_diff(key: str):
    require_designer()
    old = deployment.version(key, _version_arg("from", required=True))
    new = deployment.version(key, _version_arg("to", required=True))
    diff = process_diff.compare_versions(old, new)
    diagrams = {
        "old": bpmn_layout.with_diagram(old.bpmn_xml), "new": bpmn_layout.with_diagram(new.bpmn_xml),
        "added": [c.id for c in diff.added], "removed": [c.id for c in diff.removed],
        "changed": [c.id for c in diff.changed], "layout": diff.layout_only,
        "messages": {"noVendor": _("图形库未安装：请运行 make assets"),
                     "loadFailed": _("流程图无法显示："), **zoom_texts()},
        "laneNames": bpmn_texts.lane_names(),
    }
    return render_template("workflow/designer/diff.html", key=key, old=old, new=new, diff=diff,
                           diagrams=diagrams, versions=deployment.versions(key),
                           type_names=type_names(), aspect_names=aspect_names(),
                           vendor_ready=vendor_ready(VIEWER_JS), vendor_css=VENDOR_CSS,
                           vendor_js=VIEWER_JS)


def _version_arg(name: str, required: bool = False) -> int | None:
    raw = request.args.get(name, "").strip()
    if not raw and not required:
        return None
    if not raw.isdecimal() or int(raw) < 1:
        raise InvalidInput(_("请选择有效的版本号"), errors=[{"field": name, "message": "invalid"}])
    return int(raw)

