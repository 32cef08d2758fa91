/* The modeler's properties panel: edits exactly what the engine and the routing read —
 * the name; a lane's role code (routing: lane → role); a user task's form files
 * (spiffworkflow:property formJsonSchemaFilename / formUiSchemaFilename) and its
 * instructions (spiffworkflow:instructionsForEndUser, shown on the task page); a
 * sub-process's declared inputs (spiffworkflow:property input:<variable>); a timer's
 * definition (bpmn:timeDate / timeDuration / timeCycle, a Python expression); and
 * documentation (bpmn:documentation). spiffworkflow elements are unknown to bpmn-js and
 * kept as generic elements, edited through their get/set. Exposes window.GovflowProperties. */
(function () {
  'use strict';

  const SPIFF = 'http://spiffworkflow.org/bpmn/schema/1.0/core';
  const FORM_PROPERTIES = ['formJsonSchemaFilename', 'formUiSchemaFilename'];
  const TIMER_KINDS = ['timeDate', 'timeDuration', 'timeCycle'];
  const INPUT_PREFIX = 'input:';

  function create(modeler, box, text, laneNames) {
    const modeling = modeler.get('modeling');
    const moddle = modeler.get('moddle');

    function field(id, label, control) {
      const wrapper = document.createElement('p');
      const caption = document.createElement('label');
      caption.htmlFor = id;
      caption.textContent = label;
      control.id = id;
      wrapper.append(caption, document.createElement('br'), control);
      return wrapper;
    }

    function input(value, onChange, multiline) {
      const control = document.createElement(multiline ? 'textarea' : 'input');
      control.value = value || '';
      if (multiline) {
        control.rows = 3;
      }
      control.addEventListener('change', () => onChange(control.value));
      return control;
    }

    function select(options, value, onChange) {
      const control = document.createElement('select');
      options.forEach(([optionValue, label]) => {
        const option = new Option(label, optionValue, false, optionValue === value);
        control.append(option);
      });
      control.addEventListener('change', () => onChange(control.value));
      return control;
    }

    function heading(content) {
      const h = document.createElement('h3');
      h.textContent = content;
      return h;
    }

    /* ---- lanes ---- */
    function laneField(element) {
      const code = element.businessObject.name || '';
      const options = Object.entries(laneNames).map(([value, name]) => [value, `${name}（${value}）`]);
      if (!laneNames[code]) {
        options.unshift([code, code ? `${code}（${text.unknownRole}）` : text.chooseRole]);
      }
      return field('property-lane', text.laneRole,
        select(options, code, (value) => modeling.updateProperties(element, { name: value })));
    }

    function laneOf(element) {
      const lanes = element.businessObject.lanes;  // set by bpmn-js from flowNodeRef
      const lane = lanes && lanes[lanes.length - 1];
      return lane ? (laneNames[lane.name] || lane.name || lane.id) : text.noLane;
    }

    /* ---- spiffworkflow extensions ---- */
    function extensions(bo, create) {
      let container = bo.extensionElements;
      if (!container && create) {
        container = moddle.create('bpmn:ExtensionElements', { values: [] });
        container.$parent = bo;
        bo.extensionElements = container;
      }
      return container;
    }

    function spiffChild(bo, type, create) {
      const container = extensions(bo, create);
      let found = container && (container.values || []).find((value) => value.$type === type);
      if (!found && create) {
        found = moddle.createAny(type, SPIFF, {});
        found.$parent = container;
        container.values = (container.values || []).concat(found);
      }
      return found;
    }

    function property(bo, name) {
      const properties = spiffChild(bo, 'spiffworkflow:properties', false);
      return properties && (properties.$children || []).find(
        (child) => (child.name || (child.$attrs && child.$attrs.name)) === name);
    }

    function setProperty(element, name, value) {
      const bo = element.businessObject;
      const existing = property(bo, name);
      if (existing) {
        if (value) {
          modeling.updateModdleProperties(element, existing, { value });
        } else {
          const holder = existing.$parent || spiffChild(bo, 'spiffworkflow:properties', false);
          holder.$children = holder.$children.filter((child) => child !== existing);
          touch(element);
        }
        return;
      }
      if (!value) {
        return;
      }
      const holder = spiffChild(bo, 'spiffworkflow:properties', true);
      const created = moddle.createAny('spiffworkflow:property', SPIFF, { name, value });
      created.$parent = holder;
      holder.$children = (holder.$children || []).concat(created);
      touch(element);
    }

    function setInstructions(element, value) {
      const bo = element.businessObject;
      const existing = spiffChild(bo, 'spiffworkflow:instructionsForEndUser', Boolean(value));
      if (existing) {
        existing.$body = value;
        touch(element);
      }
    }

    /* A change made on the moddle tree directly still goes through the command stack, so
     * that the page knows the diagram changed (and undo has a step). */
    function touch(element) {
      modeling.updateProperties(element, { extensionElements: element.businessObject.extensionElements });
    }

    function formFields(element) {
      const bo = element.businessObject;
      const labels = { formJsonSchemaFilename: text.schema, formUiSchemaFilename: text.uiSchema };
      const fields = FORM_PROPERTIES.map((name) => {
        const current = property(bo, name);
        const value = current && (current.value || (current.$attrs && current.$attrs.value));
        return field(`property-${name}`, labels[name],
          input(value, (typed) => setProperty(element, name, typed.trim())));
      });
      const instructions = spiffChild(bo, 'spiffworkflow:instructionsForEndUser', false);
      fields.push(field('property-instructions', text.instructions,
        input(instructions && instructions.$body, (typed) => setInstructions(element, typed), true)));
      return [heading(text.forms), ...fields];
    }

    /* ---- timers ---- */
    function timerDefinition(bo) {
      return (bo.eventDefinitions || []).find((d) => d.$type === 'bpmn:TimerEventDefinition');
    }

    function timerFields(element, timer) {
      const kind = TIMER_KINDS.find((name) => timer[name]) || 'timeDuration';
      const current = timer[kind] ? timer[kind].body : '';
      const kindNames = { timeDate: text.timeDate, timeDuration: text.timeDuration,
        timeCycle: text.timeCycle };
      const kindSelect = select(TIMER_KINDS.map((name) => [name, kindNames[name]]), kind, apply);
      const expression = input(current, apply);
      function apply() {
        const changes = { timeDate: undefined, timeDuration: undefined, timeCycle: undefined };
        if (expression.value.trim()) {
          changes[kindSelect.value] = moddle.create('bpmn:FormalExpression',
            { body: expression.value.trim() });
        }
        modeling.updateModdleProperties(element, timer, changes);
      }
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.textContent = text.timerHint;
      return [heading(text.timer), field('property-timer-kind', text.timerKind, kindSelect),
        field('property-timer', text.timerExpression, expression), hint];
    }

    /* ---- a sub-process's declared inputs (spiffworkflow:property input:<variable>) ---- */
    function declaredInputs(bo) {
      const properties = spiffChild(bo, 'spiffworkflow:properties', false);
      return ((properties && properties.$children) || [])
        .map((child) => [child.name || (child.$attrs && child.$attrs.name) || '', child])
        .filter(([name]) => name.startsWith(INPUT_PREFIX));
    }

    function inputFields(element) {
      const fields = declaredInputs(element.businessObject).map(([name, child], index) => {
        const value = child.value || (child.$attrs && child.$attrs.value);
        return field(`property-input-${index}`, name.slice(INPUT_PREFIX.length),
          input(value, (typed) => setProperty(element, name, typed.trim())));
      });
      const variable = input('', add);
      const expression = input('', add);
      function add() {
        const name = variable.value.trim();
        if (name && expression.value.trim()) {
          setProperty(element, INPUT_PREFIX + name, expression.value.trim());
          show(element);
        }
      }
      const hint = document.createElement('p');
      hint.className = 'hint';
      hint.textContent = text.inputsHint;
      return [heading(text.inputs), ...fields,
        field('property-input-name', text.inputName, variable),
        field('property-input-expression', text.inputExpression, expression), hint];
    }

    /* ---- documentation ---- */
    function documentationField(element) {
      const docs = element.businessObject.documentation || [];
      return field('property-documentation', text.documentation, input(
        docs.length ? docs[0].text : '', (typed) => modeling.updateProperties(element, {
          documentation: typed.trim() ? [moddle.create('bpmn:Documentation', { text: typed })] : [],
        }), true));
    }

    function entries(element) {
      const bo = element.businessObject;
      const list = document.createElement('dl');
      const local = bo.$type.replace(/^bpmn:/, '');
      const typeName = text.typeNames[local.charAt(0).toLowerCase() + local.slice(1)] || local;
      [[text.id, bo.id], [text.type, typeName]].forEach(([term, value]) => {
        const dt = document.createElement('dt');
        dt.textContent = term;
        const dd = document.createElement('dd');
        dd.textContent = value || '—';
        list.append(dt, dd);
      });
      if (bo.$instanceOf && bo.$instanceOf('bpmn:FlowNode')) {
        const dt = document.createElement('dt');
        dt.textContent = text.lane;
        const dd = document.createElement('dd');
        dd.textContent = laneOf(element);
        dd.id = 'property-lane-of';
        list.append(dt, dd);
      }
      return list;
    }

    function show(element) {
      box.replaceChildren();
      if (!element) {
        const p = document.createElement('p');
        p.textContent = text.none;
        box.append(p);
        return;
      }
      const bo = element.businessObject;
      box.append(entries(element), field('property-name', text.name, input(bo.name,
        (typed) => modeling.updateProperties(element, { name: typed }))));
      if (bo.$type === 'bpmn:Lane') {
        box.append(laneField(element));
      }
      if (bo.$type === 'bpmn:UserTask') {
        box.append(...formFields(element));
      }
      if (bo.$type === 'bpmn:SubProcess') {
        box.append(...inputFields(element));
      }
      const timer = timerDefinition(bo);
      if (timer) {
        box.append(...timerFields(element, timer));
      }
      if (bo.$type !== 'bpmn:Label') {
        box.append(documentationField(element));
      }
    }

    return { show };
  }

  window.GovflowProperties = { create };
}());
