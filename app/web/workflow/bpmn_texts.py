"""The texts bpmn-js shows (palette, context pad, replace menu and their tooltips), keyed
by its English originals as its translate module receives them, in the page's language;
and the names of the lanes the routing knows, shown on lanes instead of their codes."""
from __future__ import annotations

from flask_babel import gettext as _

from app.models.identity import (
    APPROVER_LANE,
    COMMITTEE_CHAIR_LANE,
    COMMITTEE_VOTE_LANE,
    JOINT_DEPARTMENT_LANE,
)
from app.web.organization.units import role_names


def lane_names() -> dict[str, str]:
    """Every lane name the routing resolves (roles and the special lanes), for people."""
    return {**role_names(), APPROVER_LANE: _("审批人（按授权书）"),
            JOINT_DEPARTMENT_LANE: _("联办部门"), COMMITTEE_VOTE_LANE: _("委员会委员投票"),
            COMMITTEE_CHAIR_LANE: _("委员会主任")}


def tool_texts() -> dict[str, str]:
    return {
        "Activate hand tool": _("手形工具（拖动画布）"), "Activate lasso tool": _("套索工具（框选）"),
        "Activate create/remove space tool": _("插入/删除空间工具"),
        "Activate global connect tool": _("全局连线工具"),
        "Create start event": _("创建开始事件"), "Create end event": _("创建结束事件"),
        "Create task": _("创建任务"), "Create gateway": _("创建网关"),
        "Create intermediate/boundary event": _("创建中间/边界事件"),
        "Create expanded sub-process": _("创建展开的子流程"),
        "Create pool/participant": _("创建池/参与者"), "Create group": _("创建分组"),
        "Create data object reference": _("创建数据对象引用"),
        "Create data store reference": _("创建数据存储引用"),
        "Append end event": _("追加结束事件"), "Append gateway": _("追加网关"),
        "Append task": _("追加任务"), "Append intermediate/boundary event": _("追加中间/边界事件"),
        "Append receive task": _("追加接收任务"),
        "Append message intermediate catch event": _("追加消息中间捕获事件"),
        "Append timer intermediate catch event": _("追加定时中间捕获事件"),
        "Append conditional intermediate catch event": _("追加条件中间捕获事件"),
        "Append signal intermediate catch event": _("追加信号中间捕获事件"),
        "Append compensation activity": _("追加补偿活动"), "Add text annotation": _("添加文本注释"),
        "Change element": _("更改元素类型"), "Delete": _("删除"),
        "Connect to other element": _("连接到其他元素"),
        "Connect using association": _("用关联连接"),
        "Connect using data input association": _("用数据输入关联连接"),
        "Add lane above": _("在上方添加泳道"), "Add lane below": _("在下方添加泳道"),
        "Divide into two lanes": _("拆分为两个泳道"), "Divide into three lanes": _("拆分为三个泳道"),
        "Align elements left": _("左对齐"), "Align elements right": _("右对齐"),
        "Align elements center": _("水平居中对齐"), "Align elements top": _("顶端对齐"),
        "Align elements bottom": _("底端对齐"), "Align elements middle": _("垂直居中对齐"),
        "Align elements": _("对齐元素"), "Distribute elements horizontally": _("水平均匀分布"),
        "Distribute elements vertically": _("垂直均匀分布"), "Search in diagram": _("在图中搜索"),
        "Open {element}": _("打开 %(element)s", element="{element}"),
        "Parallel multi-instance": _("并行多实例"), "Sequential multi-instance": _("顺序多实例"),
        "Loop": _("循环"), "Collection": _("集合"), "Participant multiplicity": _("参与者多重性"),
        "Toggle non-interrupting": _("切换为非中断"),
    }


def element_texts() -> dict[str, str]:
    """The replace menu's element types."""
    return {
        "Task": _("任务"), "User task": _("用户任务"), "Service task": _("服务任务"),
        "Script task": _("脚本任务"), "Send task": _("发送任务"), "Receive task": _("接收任务"),
        "Manual task": _("手工任务"), "Business rule task": _("业务规则任务"),
        "Call activity": _("调用活动"), "Sub-process": _("子流程"),
        "Sub-process (collapsed)": _("子流程（折叠）"), "Sub-process (expanded)": _("子流程（展开）"),
        "Event sub-process": _("事件子流程"), "Transaction": _("事务"),
        "Ad-hoc sub-process": _("自由子流程"), "Ad-hoc sub-process (collapsed)": _("自由子流程（折叠）"),
        "Ad-hoc sub-process (expanded)": _("自由子流程（展开）"),
        "Exclusive gateway": _("排他网关"), "Parallel gateway": _("并行网关"),
        "Inclusive gateway": _("包容网关"), "Complex gateway": _("复杂网关（不支持）"),
        "Event-based gateway": _("事件网关"),
        "Event based instantiating Gateway": _("事件实例化网关"),
        "Parallel Event based instantiating Gateway": _("并行事件实例化网关"),
        "Start event": _("开始事件"), "End event": _("结束事件"),
        "Intermediate throw event": _("中间抛出事件"), "Boundary event": _("边界事件"),
        "Message start event": _("消息开始事件"), "Timer start event": _("定时开始事件"),
        "Conditional start event": _("条件开始事件"), "Signal start event": _("信号开始事件"),
        "Error start event": _("错误开始事件"), "Escalation start event": _("升级开始事件"),
        "Compensation start event": _("补偿开始事件"),
        "Message start event (non-interrupting)": _("消息开始事件（非中断）"),
        "Timer start event (non-interrupting)": _("定时开始事件（非中断）"),
        "Conditional start event (non-interrupting)": _("条件开始事件（非中断）"),
        "Signal start event (non-interrupting)": _("信号开始事件（非中断）"),
        "Escalation start event (non-interrupting)": _("升级开始事件（非中断）"),
        "Message intermediate catch event": _("消息中间捕获事件"),
        "Message intermediate throw event": _("消息中间抛出事件"),
        "Timer intermediate catch event": _("定时中间捕获事件"),
        "Escalation intermediate throw event": _("升级中间抛出事件"),
        "Conditional intermediate catch event": _("条件中间捕获事件"),
        "Link intermediate catch event": _("链接中间捕获事件"),
        "Link intermediate throw event": _("链接中间抛出事件"),
        "Compensation intermediate throw event": _("补偿中间抛出事件"),
        "Signal intermediate catch event": _("信号中间捕获事件"),
        "Signal intermediate throw event": _("信号中间抛出事件"),
        "Message end event": _("消息结束事件"), "Escalation end event": _("升级结束事件"),
        "Error end event": _("错误结束事件"), "Cancel end event": _("取消结束事件"),
        "Compensation end event": _("补偿结束事件"), "Signal end event": _("信号结束事件"),
        "Terminate end event": _("终止结束事件"),
        "Message boundary event": _("消息边界事件"), "Timer boundary event": _("定时边界事件"),
        "Escalation boundary event": _("升级边界事件"),
        "Conditional boundary event": _("条件边界事件"), "Error boundary event": _("错误边界事件"),
        "Cancel boundary event": _("取消边界事件"), "Signal boundary event": _("信号边界事件"),
        "Compensation boundary event": _("补偿边界事件"),
        "Message boundary event (non-interrupting)": _("消息边界事件（非中断）"),
        "Timer boundary event (non-interrupting)": _("定时边界事件（非中断）"),
        "Escalation boundary event (non-interrupting)": _("升级边界事件（非中断）"),
        "Conditional boundary event (non-interrupting)": _("条件边界事件（非中断）"),
        "Signal boundary event (non-interrupting)": _("信号边界事件（非中断）"),
        "Sequence flow": _("顺序流"), "Default flow": _("默认流"), "Conditional flow": _("条件流"),
        "Expanded pool/participant": _("展开的池/参与者"), "Empty pool/participant": _("空的池/参与者"),
        "Data object reference": _("数据对象引用"), "Data store reference": _("数据存储引用"),
    }


def bpmnjs_texts() -> dict[str, str]:
    return {**tool_texts(), **element_texts()}
