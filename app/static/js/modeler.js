/* The process designer's modeler page: bpmn-js Modeler, validation and deployment through
 * the JSON API, problems listed and marked on the diagram, a small properties panel.
 * Plain ES2017, no build step; the page passes its URLs and texts in #modeler-config. */
(function () {
  'use strict';

  const config = JSON.parse(document.getElementById('modeler-config').textContent);
  const text = config.messages;
  const statusBox = document.getElementById('modeler-status');
  const problemList = document.getElementById('modeler-problems');
  const problemSummary = document.getElementById('modeler-problems-summary');
  const propertiesBox = document.getElementById('modeler-properties');
  const PROBLEM_MARKER = 'govflow-problem';

  const state = {
    sourceXml: '',     // the stored document, sent unchanged when nothing was edited
    baselineXml: '',   // what bpmn-js wrote right after loading, to detect edits
    filename: config.filename || '',
    marked: [],
    dirty: false,
  };

  function say(message, isError) {
    statusBox.textContent = message;
    statusBox.classList.toggle('error', Boolean(isError));
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, (match, name) => (name in values ? values[name] : match));
  }

  if (typeof window.BpmnJS !== 'function') {
    say(text.noVendor, true);
    return;
  }
  const modeler = new window.BpmnJS({ container: '#modeler-canvas' });

  async function load() {
    say(text.loading);
    try {
      if (config.xmlUrl) {
        const body = await requestJson(config.xmlUrl, { method: 'GET' });
        state.sourceXml = body.bpmn20Xml;
        state.filename = body.sourceName || `${body.key}.bpmn`;
        await modeler.importXML(body.diagramXml);
      } else {
        state.sourceXml = config.templateXml;
        await modeler.importXML(config.templateXml);
        state.filename = `${processId() || 'process'}.bpmn`;
      }
      modeler.get('canvas').zoom('fit-viewport', 'auto');
      state.baselineXml = (await modeler.saveXML({ format: true })).xml;
      say('');
    } catch (err) {
      say(text.loadFailed + err.message, true);
    }
  }

  function processId() {
    const root = modeler.get('canvas').getRootElement().businessObject;
    const process = root.$type === 'bpmn:Collaboration'
      ? (root.participants || []).map((p) => p.processRef).find(Boolean) : root;
    return process && process.id;
  }

  /* The document to send: the stored text when nothing changed on the canvas, so that
   * deploying an untouched version is recognised as unchanged by the server. */
  async function currentXml() {
    const { xml } = await modeler.saveXML({ format: true });
    return xml === state.baselineXml ? state.sourceXml : xml;
  }

  async function requestJson(url, options) {
    const headers = Object.assign({ Accept: 'application/json' }, options.headers || {});
    if (options.method !== 'GET') {
      // Cookie sessions need the CSRF token on every write (app/security.py).
      headers['X-CSRFToken'] = config.csrfToken;
      headers['Content-Type'] = 'application/json';
    }
    const response = await fetch(url, Object.assign({}, options, {
      headers, credentials: 'same-origin',
    }));
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      const error = new Error(body.detail || `HTTP ${response.status}`);
      error.body = body;
      throw error;
    }
    return body;
  }

  async function validate() {
    say(text.validating);
    try {
      const body = await requestJson(config.validateUrl, {
        method: 'POST',
        body: JSON.stringify({ xml: await currentXml(), filename: state.filename }),
      });
      showProblems(body.problems);
      say(body.valid ? text.valid : fill(text.invalid, { count: body.problems.length }),
        !body.valid);
    } catch (err) {
      say(text.requestFailed + err.message, true);
    }
  }

  async function deploy() {
    say(text.deploying);
    try {
      const xml = await currentXml();
      const body = await requestJson(config.deployUrl, {
        method: 'POST', body: JSON.stringify({ xml, filename: state.filename }),
      });
      const results = Array.isArray(body) ? body : [body];
      showProblems([]);
      say(results.map((r) => fill(r.created ? text.deployed : text.unchanged,
        { version: r.version })).join('；'));
      showDeployed(results[0]);
      state.sourceXml = xml;
      state.dirty = false;
      state.baselineXml = (await modeler.saveXML({ format: true })).xml;
    } catch (err) {
      if (err.body && Array.isArray(err.body.errors) && err.body.code === 'bpmn_invalid') {
        showProblems(err.body.errors);
        say(text.refused + fill(text.invalid, { count: err.body.errors.length }), true);
      } else {
        say(text.refused + err.message, true);
      }
    }
  }

  /* The page now shows the deployed version; a new process gets its versions link. */
  function showDeployed(result) {
    document.getElementById('modeler-heading').textContent = fill(text.heading, result);
    if (document.getElementById('modeler-versions')) {
      return;
    }
    const link = document.createElement('a');
    link.href = config.versionsUrl.replace('__KEY__', encodeURIComponent(result.key));
    link.textContent = text.versions;
    statusBox.append(' ', link);
  }

  async function download() {
    const blob = new Blob([await currentXml()], { type: 'application/xml' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = state.filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  /* ---- problems: a list, a red outline and a badge with the message on each element ---- */

  function clearProblems() {
    const canvas = modeler.get('canvas');
    state.marked.forEach((id) => canvas.removeMarker(id, PROBLEM_MARKER));
    state.marked = [];
    modeler.get('overlays').remove({ type: 'problem' });
    problemList.replaceChildren();
  }

  function showProblems(problems) {
    clearProblems();
    const registry = modeler.get('elementRegistry');
    problemSummary.textContent = problems.length
      ? fill(text.invalid, { count: problems.length }) : text.valid;
    problems.forEach((problem) => {
      const element = problem.element && registry.get(problem.element);
      if (element) {
        markElement(element, problem.message);
      }
      problemList.append(problemItem(problem, element));
    });
  }

  function markElement(element, message) {
    if (!state.marked.includes(element.id)) {
      modeler.get('canvas').addMarker(element.id, PROBLEM_MARKER);
      state.marked.push(element.id);
    }
    const badge = document.createElement('div');
    badge.className = 'govflow-problem-badge';
    badge.textContent = message;
    badge.title = message;
    const count = modeler.get('overlays').get({ element: element.id, type: 'problem' }).length;
    modeler.get('overlays').add(element.id, 'problem', {
      position: { bottom: -6 - 22 * count, left: 0 }, html: badge,
    });
  }

  function problemItem(problem, element) {
    const item = document.createElement('li');
    const where = [problem.element, problem.line ? fill(text.line, { line: problem.line }) : '']
      .filter(Boolean).join(' · ');
    const label = `${where ? `[${where}] ` : ''}${problem.message}`;
    if (element) {
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'problem-link';
      button.textContent = label;
      button.addEventListener('click', () => focusElement(element));
      item.append(button);
    } else {
      item.textContent = problem.file ? `${problem.file}: ${label}` : label;
    }
    return item;
  }

  function focusElement(element) {
    modeler.get('selection').select(element);
    modeler.get('canvas').scrollToElement(element, { top: 120, bottom: 120, left: 120, right: 120 });
  }

  /* ---- properties of the selected element ---- */

  function showProperties(element) {
    propertiesBox.replaceChildren();
    if (!element) {
      propertiesBox.append(paragraph(text.none));
      return;
    }
    const bo = element.businessObject;
    const list = document.createElement('dl');
    addEntry(list, text.id, bo.id);
    addEntry(list, text.type, bo.$type.replace(/^bpmn:/, ''));
    propertiesBox.append(list, nameField(element));
    if (bo.$type === 'bpmn:UserTask') {
      propertiesBox.append(formFiles(bo));
    }
  }

  function nameField(element) {
    const wrapper = document.createElement('p');
    const label = document.createElement('label');
    label.htmlFor = 'property-name';
    label.textContent = text.name;
    const input = document.createElement('input');
    input.id = 'property-name';
    input.value = element.businessObject.name || '';
    input.addEventListener('change', () => {
      modeler.get('modeling').updateProperties(element, { name: input.value });
    });
    wrapper.append(label, document.createElement('br'), input);
    return wrapper;
  }

  /* spiffworkflow:property elements are unknown to bpmn-js; it keeps them as generic
   * elements whose attributes sit on the object itself (or in $attrs). */
  function formFiles(bo) {
    const names = { formJsonSchemaFilename: text.schema, formUiSchemaFilename: text.uiSchema };
    const list = document.createElement('dl');
    const heading = document.createElement('h3');
    heading.textContent = text.forms;
    const values = ((bo.extensionElements && bo.extensionElements.values) || [])
      .flatMap((extension) => extension.$children || []);
    values.forEach((property) => {
      const name = property.name || (property.$attrs && property.$attrs.name);
      const value = property.value || (property.$attrs && property.$attrs.value);
      if (names[name]) {
        addEntry(list, names[name], value);
      }
    });
    const box = document.createElement('div');
    box.append(heading, list.children.length ? list : paragraph(text.noForms));
    return box;
  }

  function addEntry(list, term, value) {
    const dt = document.createElement('dt');
    dt.textContent = term;
    const dd = document.createElement('dd');
    dd.textContent = value || '—';
    list.append(dt, dd);
  }

  function paragraph(content) {
    const p = document.createElement('p');
    p.textContent = content;
    return p;
  }

  modeler.on('selection.changed', (event) => {
    showProperties(event.newSelection.length === 1 ? event.newSelection[0] : null);
  });
  modeler.on('element.changed', (event) => {
    const selected = modeler.get('selection').get();
    if (selected.length === 1 && selected[0] === event.element
        && document.activeElement.id !== 'property-name') {
      showProperties(event.element);
    }
  });

  // Leaving with edits that were not deployed asks first (browsers show their own text).
  modeler.on('commandStack.changed', (event) => {
    if (event.trigger !== 'clear') {
      state.dirty = true;
    }
  });
  window.addEventListener('beforeunload', (event) => {
    if (state.dirty) {
      event.preventDefault();
      event.returnValue = '';
    }
  });

  document.getElementById('modeler-validate').addEventListener('click', validate);
  document.getElementById('modeler-deploy').addEventListener('click', deploy);
  document.getElementById('modeler-download').addEventListener('click', download);
  load();
}());
