"""A process designer in the bpmn-js modeler: rename an element in the properties panel,
validate, deploy after confirming with a change note, and get version 2 of service_item;
bpmn-js in Chinese with zoom buttons; a disconnected task badged and refused until fixed;
a rollback to version 1 as version 3; a sub-process's declared inputs edited in the panel."""
import json
import re

import pytest
from lxml import etree
from playwright.sync_api import expect

from app.engine.bpmn import NS

from tests.browser.conftest import screenshot, sign_in

pytestmark = pytest.mark.browser

ELEMENT = "end_refused"  # an end event: renaming it changes no task the other tests work
NEW_NAME = "不予受理（已告知）"


def test_designer_renames_validates_and_deploys_version_2(page):
    sign_in(page, "designer")
    page.goto("/designer/modeler?key=service_item")
    expect(page.get_by_role("heading", level=1)).to_contain_text("service_item")
    shape = page.locator(f'#modeler-canvas [data-element-id="{ELEMENT}"]')
    expect(shape).to_be_visible()  # bpmn-js drew the stored diagram
    status = page.locator("#modeler-status")
    expect(status).to_have_text("")  # loaded, no error

    shape.click()
    properties = page.locator("#modeler-properties")
    expect(properties).to_contain_text(ELEMENT)
    name = properties.get_by_label("名称")
    expect(name).to_have_value("不予受理")
    name.fill(NEW_NAME)
    name.press("Tab")  # the panel applies the name on change
    expect(page.locator(f'#modeler-canvas [data-element-id="{ELEMENT}_label"]')).to_contain_text(
        NEW_NAME)

    page.get_by_role("button", name="校验").click()
    expect(status).to_have_text("校验通过，可以部署。")
    expect(page.locator("#modeler-problems-summary")).to_have_text("校验通过，可以部署。")
    expect(page.locator("#modeler-problems li")).to_have_count(0)
    screenshot(page, "designer-01-modeler-validated")

    page.get_by_role("button", name="部署为新版本").click()
    dialog = page.locator("#deploy-dialog")
    expect(dialog).to_be_visible()
    expect(dialog).to_contain_text("当前版本 1，将部署为版本 2")
    expect(dialog).to_contain_text("修改元素 1 个：" + NEW_NAME)
    screenshot(page, "designer-02a-confirm")
    dialog.get_by_role("button", name="确认部署").click()  # no note yet: asked for one
    expect(dialog.locator("#deploy-note-error")).to_contain_text("请填写变更说明")
    dialog.get_by_label("变更说明").fill("不予受理的结束事件注明已告知申请人")
    dialog.get_by_role("button", name="确认部署").click()
    expect(status).to_contain_text("已部署 版本 2")
    expect(dialog).to_be_hidden()
    screenshot(page, "designer-02-modeler-deployed")

    page.goto("/designer/processes/service_item")  # the versions list
    newest = page.get_by_role("row").filter(has_text="版本 2")
    expect(newest).to_contain_text("流程设计员")  # deployed by the signed-in designer
    expect(newest).to_contain_text("不予受理的结束事件注明已告知申请人")
    expect(page.get_by_role("row").filter(has_text="版本 1")).to_contain_text("系统")  # setup's
    screenshot(page, "designer-03-versions")

    # Roll back: version 1's content again, as version 3.
    page.get_by_role("link", name="回滚到版本 1").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("回滚流程 service_item 到版本 1")
    expect(page.locator("main, body").first).to_contain_text("版本 3（内容同版本 1）")
    page.get_by_label("变更说明").fill("恢复原名称")
    page.get_by_label("我确认").check()
    screenshot(page, "designer-04-rollback-confirm")
    page.get_by_role("button", name="确认回滚").click()
    restored = page.get_by_role("row").filter(has_text="版本 3")
    expect(restored).to_contain_text("恢复原名称")
    expect(restored).to_contain_text("回滚自版本 1")

    # The diff of the rollback: both diagrams with zoom buttons and lanes by role name.
    page.goto("/designer/processes/service_item/diff?from=2&to=3")
    old = page.locator("#diff-old")
    expect(old.get_by_role("button", name="放大")).to_be_visible()
    expect(page.locator("#diff-new").get_by_role("button", name="缩放到整张流程图")).to_be_visible()
    expect(old.locator('[data-element-id="lane_leader"] text')).to_contain_text("分管领导")
    screenshot(page, "designer-04b-rollback-diff")


def test_chinese_palette_zoom_and_a_disconnected_task_refused_until_fixed(page, page_guard):
    sign_in(page, "designer")
    page.goto("/designer/modeler")
    canvas = page.locator("#modeler-canvas")
    expect(canvas.locator('[data-element-id="handle"]')).to_be_visible()
    # The palette speaks Chinese, and lanes show the role's name instead of its code.
    task_tool = page.locator('.djs-palette .entry[aria-label="创建任务"]')
    expect(task_tool).to_be_visible()
    expect(task_tool).to_have_attribute("title", "创建任务")  # its tooltip on hover
    expect(page.locator('.djs-palette .entry[aria-label="手形工具（拖动画布）"]')).to_be_visible()
    expect(canvas.locator('[data-element-id="lane_window"] text')).to_contain_text("窗口人员")

    viewport = canvas.locator("svg g.viewport").first
    before = viewport.get_attribute("transform")
    page.get_by_role("button", name="放大").click()
    expect(viewport).not_to_have_attribute("transform", before or "")
    page.get_by_role("button", name="缩放到整张流程图").click()

    # A task dropped beside the others, connected to nothing.
    task_tool.click()
    box = canvas.bounding_box()
    spot = (box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.6)  # in the lane
    page.mouse.move(*spot, steps=8)
    page.mouse.click(*spot)
    orphan = canvas.locator(".djs-element.djs-shape[data-element-id^='Activity_']")
    expect(orphan).to_have_count(1)
    orphan_id = orphan.get_attribute("data-element-id")
    page.keyboard.press("Escape")

    page.get_by_role("button", name="校验").click()
    badge = page.locator(f'.djs-overlays[data-container-id="{orphan_id}"] .govflow-problem-badge')
    expect(badge.first).to_have_text("无法到达")
    expect(page.locator("#modeler-problems")).to_contain_text("无法到达：没有从开始事件通往它的连线")
    screenshot(page, "designer-05-disconnected-task")

    page_guard.allow_status(422, "/designer/modeler/plan")
    page.get_by_role("button", name="部署为新版本").click()
    expect(page.locator("#modeler-status")).to_contain_text("部署被拒绝")
    expect(page.locator("#deploy-dialog")).to_be_hidden()

    # Fixed by removing it: now the deploy asks for its confirmation.
    # From the list of problems: its entry selects the element and opens its context pad.
    page.locator("#modeler-problems").get_by_role("button", name=re.compile(orphan_id)).click()
    remove = page.locator('.djs-context-pad [data-action="delete"]')
    expect(remove).to_have_attribute("title", "删除")  # the context pad's tooltip, in Chinese
    remove.click()
    expect(orphan).to_have_count(0)
    page.get_by_role("button", name="部署为新版本").click()
    dialog = page.locator("#deploy-dialog")
    expect(dialog).to_contain_text("新流程，将部署为版本 1")
    dialog.get_by_label("变更说明").fill("新建流程")
    dialog.get_by_role("button", name="确认部署").click()
    expect(page.locator("#modeler-status")).to_contain_text("已部署 版本 1")


def test_properties_panel_edits_what_routing_and_forms_read(page):
    sign_in(page, "designer")
    page.goto("/designer/modeler")
    canvas = page.locator("#modeler-canvas")
    panel = page.locator("#modeler-properties")

    canvas.locator('[data-element-id="lane_window"]').first.click(position={"x": 15, "y": 100})
    role = panel.get_by_label("泳道对应的角色")
    expect(role).to_have_value("window_clerk")
    role.select_option("approving_leader")
    expect(canvas.locator('[data-element-id="lane_window"] text')).to_contain_text("分管领导")

    canvas.locator('[data-element-id="handle"]').click()
    expect(panel.locator("#property-lane-of")).to_have_text("分管领导")
    expect(panel).to_contain_text("用户任务")
    page.locator('.djs-context-pad [data-action="replace"]').click()  # the replace menu
    menu = page.locator(".djs-popup")
    expect(menu).to_contain_text("服务任务")
    expect(menu).to_contain_text("业务规则任务")
    screenshot(page, "designer-07-replace-menu")
    page.keyboard.press("Escape")
    panel.get_by_label("JSON Schema").fill("service_item_intake.schema.json")
    panel.get_by_label("JSON Schema").press("Tab")
    panel.get_by_label("办理说明").fill("核对申请材料是否齐全")
    panel.get_by_label("办理说明").press("Tab")
    panel.get_by_label("说明文档").fill("窗口收件后由分管领导办理")
    panel.get_by_label("说明文档").press("Tab")
    screenshot(page, "designer-06-properties")

    page.get_by_role("button", name="部署为新版本").click()
    dialog = page.locator("#deploy-dialog")
    dialog.get_by_label("变更说明").fill("属性面板设置表单与角色")
    dialog.get_by_role("button", name="确认部署").click()
    expect(page.locator("#modeler-status")).to_contain_text("已部署 版本 1")
    key = page.locator("#modeler-heading").inner_text().split("：")[1].split("（")[0]
    stored = page.request.get(f"/api/process-definitions/key/{key}/xml").json()["bpmn20Xml"]
    assert 'name="approving_leader"' in stored
    assert 'name="formJsonSchemaFilename" value="service_item_intake.schema.json"' in stored
    assert "核对申请材料是否齐全</spiffworkflow:instructionsForEndUser>" in stored
    assert "窗口收件后由分管领导办理</bpmn:documentation>" in stored
    assert stored.count("service_item_intake.schema.json") == 1


def test_a_timer_definition_is_edited_in_the_panel(page):
    sign_in(page, "designer")
    page.goto("/designer/modeler?key=service_item")
    canvas = page.locator("#modeler-canvas")
    panel = page.locator("#modeler-properties")

    def select(element_id):  # the whole diagram is small at fit; the palette may cover it
        canvas.locator(f'[data-element-id="{element_id}"] .djs-hit').first.dispatch_event("click")
    select("intake_warning_timer")
    expect(panel.get_by_label("定时方式")).to_have_value("timeDate")
    expression = panel.get_by_label("表达式")
    expect(expression).to_have_value("intake_warning_at")
    expression.fill("intake_deadline_at")
    expression.press("Tab")
    select("intake")
    select("intake_warning_timer")
    expect(panel.get_by_label("表达式")).to_have_value("intake_deadline_at")
    page.get_by_role("button", name="校验").click()
    expect(page.locator("#modeler-status")).to_have_text("校验通过，可以部署。")


def test_a_sub_process_s_declared_inputs_are_edited_in_the_panel(page):
    """On the joint process's fan-out, whose loop collections bpmn-js cannot read as
    references (they name process variables) and must come back as they were."""
    sent = []
    page.on("request", lambda r: sent.append(r.post_data) if r.url.endswith("/validate") else None)
    sign_in(page, "designer")
    page.goto("/designer/modeler?key=joint_approval")
    canvas = page.locator("#modeler-canvas")
    panel = page.locator("#modeler-properties")
    review = canvas.locator('[data-element-id="department_review"] .djs-hit').first
    review.dispatch_event("click")
    expect(panel.get_by_label("deadline_at", exact=True)).to_have_value(
        'schedule["deadlines"][str(branch_department_id)]')
    expect(panel).to_contain_text("子流程输入")

    panel.get_by_label("新输入：变量名").fill("case_days")
    panel.get_by_label("新输入：表达式").fill("schedule[")  # does not compile
    panel.get_by_label("新输入：表达式").press("Tab")
    expect(panel.get_by_label("case_days", exact=True)).to_have_value("schedule[")
    page.get_by_role("button", name="校验").click()
    expect(page.locator("#modeler-status")).to_contain_text("校验发现 1 个问题")
    expect(page.locator("#modeler-problems")).to_contain_text(
        "“各部门并联审查”的输入“case_days”的表达式无法编译。")
    screenshot(page, "designer-08-sub-process-inputs")

    fixed = panel.get_by_label("case_days", exact=True)
    fixed.fill('schedule["case_days"]')
    fixed.press("Tab")
    page.get_by_role("button", name="校验").click()
    expect(page.locator("#modeler-status")).to_have_text("校验通过，可以部署。")
    edited = etree.fromstring(json.loads(sent[-1])["xml"].encode())
    loop = edited.find(".//bpmn:subProcess[@id='department_review']/"
                       "bpmn:multiInstanceLoopCharacteristics", NS)
    assert loop.findtext("bpmn:loopDataInputRef", namespaces=NS) == "department_ids"
    assert loop.findtext("bpmn:loopDataOutputRef", namespaces=NS) == "opinions"
    assert edited.find(".//spiffworkflow:property[@name='input:case_days']", NS).get(
        "value") == 'schedule["case_days"]'
