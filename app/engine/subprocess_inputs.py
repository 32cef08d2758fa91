"""Embedded sub-processes that start with the variables they declare, not a copy of all.

SpiffWorkflow starts an embedded sub-process (and every instance of a multi-instance one)
with a deep copy of all the parent task's data, and each task inside keeps its own copy.
A joint case fanned out to 100 departments held 100 copies of the whole case's plan (every
department's deadline, every branch's settings: 21 KB each), so one department's answer
loaded and wrote 3.3 MB and the cost of a step grew with the square of the departments.

A sub-process that declares inputs, one `spiffworkflow:property` each, starts with those
only, as Camunda's `camunda:in` does for a call activity:

    <spiffworkflow:property name="input:deadline_at"
                            value='schedule["deadlines"][str(branch_department_id)]'/>
    <spiffworkflow:property name="input:item_name" value="item_name"/>

The value is an expression evaluated, like any other, on the parent's data (in a
multi-instance, the instance's: its input item included). The multi-instance input item
itself is always passed. When the sub-process ends, what it leaves is written over the
parent task's data instead of replacing it, so the parent keeps everything it had; a
multi-instance still collects only its output item.
"""
from __future__ import annotations

import copy

from SpiffWorkflow.bpmn.exceptions import WorkflowDataException
from SpiffWorkflow.spiff.specs.defaults import SubWorkflowTask

PREFIX = "input:"


def declared_inputs(properties: dict) -> dict[str, str]:
    """Variable name -> expression, from a task's spiffworkflow properties."""
    return {name[len(PREFIX):]: (value or "").strip() for name, value in properties.items()
            if name.startswith(PREFIX)}


class ScopedSubWorkflowTask(SubWorkflowTask):
    """An embedded sub-process: all of the parent's data, or its declared inputs only."""

    def declared_inputs(self) -> dict[str, str]:
        return declared_inputs((getattr(self, "extensions", None) or {}).get("properties", {}))

    def copy_data(self, my_task, subworkflow):
        inputs = self.declared_inputs()
        if not inputs:
            return super().copy_data(my_task, subworkflow)
        engine = my_task.workflow.script_engine
        data = {name: engine.evaluate(my_task, expression) for name, expression in inputs.items()}
        item = getattr(my_task.parent.task_spec, "input_item", None)  # a multi-instance's
        if item is not None and item.bpmn_id in my_task.data:
            data.setdefault(item.bpmn_id, my_task.data[item.bpmn_id])
        start = subworkflow.get_next_task(spec_name="Start")
        if start is None:
            raise WorkflowDataException("the sub-process has no start", task=my_task)
        start.set_data(**copy.deepcopy(data))

    def update_data(self, my_task, subworkflow):
        if not self.declared_inputs():
            return super().update_data(my_task, subworkflow)
        my_task.data.update(copy.deepcopy(subworkflow.last_task.data))
