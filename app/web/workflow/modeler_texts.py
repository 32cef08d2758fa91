"""Texts of the modeler page's script, in the page's language: the deploy confirmation,
the properties panel, and problems worded by their stable codes (the API's messages stay
English; a page words the codes it knows)."""
from __future__ import annotations

from flask_babel import gettext as _


def deploy_texts() -> dict[str, str]:
    return {
        "planning": _("正在核对将要部署的内容……"),
        "planFirst": _("%(name)s（%(key)s）：新流程，将部署为版本 %(n)s", name="{name}",
                       key="{key}", n="{version}"),
        "planVersion": _("%(name)s（%(key)s）：当前版本 %(current)s，将部署为版本 %(n)s",
                         name="{name}", key="{key}", current="{current}", n="{version}"),
        "added": _("新增元素 %(n)s 个", n="{count}"), "removed": _("删除元素 %(n)s 个", n="{count}"),
        "changed": _("修改元素 %(n)s 个", n="{count}"),
        "layoutAndForms": _("仅布局变化 %(layout)s 处；表单变化 %(forms)s 个", layout="{layout}",
                            forms="{forms}"),
        "noteRequired": _("请填写变更说明：说明这个版本改了什么、为什么改。"),
    }


def panel_texts() -> dict[str, str]:
    return {
        "lane": _("所在泳道"), "noLane": _("（不在泳道中）"), "laneRole": _("泳道对应的角色"),
        "unknownRole": _("未知角色，任务将交给中心管理员"), "chooseRole": _("请选择角色"),
        "instructions": _("办理说明（显示在任务页）"), "timer": _("定时器"),
        "timerKind": _("定时方式"), "timeDate": _("到期时间（timeDate）"),
        "timeDuration": _("等待时长（timeDuration）"), "timeCycle": _("循环（timeCycle）"),
        "timerExpression": _("表达式"),
        "timerHint": _("表达式按流程变量计算，例如 deadline_at 或 \"PT2H\"。"),
        "documentation": _("说明文档（documentation）"),
        "inputs": _("子流程输入"), "inputName": _("新输入：变量名"),
        "inputExpression": _("新输入：表达式"),
        "inputsHint": _("子流程（多实例的每一份）只带着这里列出的变量开始，表达式按外层流程的变量计算，"
                        "例如 schedule[\"deadlines\"][str(branch_department_id)]；"
                        "一个也没有时带着外层的全部变量开始。清空表达式即删除该输入。"),
    }


def problem_texts() -> dict[str, str]:
    return {
        "bpmn_unreachable": _("“%(name)s”无法到达：没有从开始事件通往它的连线。", name="{name}"),
        "bpmn_dead_end": _("“%(name)s”是死路：从它出发到达不了任何结束事件。", name="{name}"),
        "unsupported_element": _("不支持的元素 %(element)s", element="{element}"),
        "form_missing": _("表单文件“%(form)s”不存在", form="{form}"),
        "input_not_a_name": _("“%(name)s”的输入“%(variable)s”不是变量名（字母、数字和下划线，"
                              "不以数字或下划线开头）。", name="{name}", variable="{variable}"),
        "input_without_expression": _("“%(name)s”的输入“%(variable)s”没有表达式。", name="{name}",
                                      variable="{variable}"),
        "input_does_not_compile": _("“%(name)s”的输入“%(variable)s”的表达式无法编译。",
                                    name="{name}", variable="{variable}"),
    }


def badge_texts() -> dict[str, str]:
    return {"bpmn_unreachable": _("无法到达"), "bpmn_dead_end": _("到达不了结束"),
            "unsupported_element": _("不支持的元素"), "form_missing": _("表单不存在"),
            "input_not_a_name": _("输入无效"), "input_without_expression": _("输入无效"),
            "input_does_not_compile": _("输入无效")}


def refusal_texts() -> dict[str, str]:
    return {
        "deploy_confirmation_stale": _("确认之后流程已有变化（或他人已部署新版本），请重新部署并确认。"),
        "confirmation_required": _("请先确认部署内容。"),
        "not_designer": _("只有流程设计员和管理员可以部署。"),
    }
