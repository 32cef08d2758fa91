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
    loopReferences: {}, // each multi-instance's loop refs by variable name, which bpmn-js drops
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
  const tools = window.GovflowDiagram;
  const modeler = new window.BpmnJS({
    container: '#modeler-canvas',
    additionalModules: [tools.translateModule(config.bpmnTexts)],
  });
  tools.addZoomControls(modeler, document.getElementById('modeler-canvas'), text);
  tools.showLaneNames(modeler, config.laneNames);
  tools.titlePalette(modeler, document.getElementById('modeler-canvas'));
  const loopReferences = window.GovflowLoopReferences;
  const properties = window.GovflowProperties.create(modeler, propertiesBox, text,
    config.laneNames);
  const showProperties = properties.show;

  async function load() {
    say(text.loading);
    try {
      if (config.xmlUrl) {
        const body = await requestJson(config.xmlUrl, { method: 'GET' });
        state.sourceXml = body.bpmn20Xml;
        state.filename = body.sourceName || `${body.key}.bpmn`;
        state.loopReferences = loopReferences.remember(body.diagramXml);
        await modeler.importXML(body.diagramXml);
      } else {
        state.sourceXml = config.templateXml;
        await modeler.importXML(config.templateXml);
        state.filename = `${processId() || 'process'}.bpmn`;
      }
      modeler.get('canvas').zoom('fit-viewport', 'auto');
      state.baselineXml = await exportedXml();
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
    const xml = await exportedXml();
    return xml === state.baselineXml ? state.sourceXml : xml;
  }

  async function exportedXml() {
    const { xml } = await modeler.saveXML({ format: true });
    return loopReferences.restore(xml, state.loopReferences);
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

  /* Deploying is two steps: the server says what will be deployed (name, new version,
   * changes against the current one) and gives a token; the dialog asks for the change
   * note; the deploy sends both, and the server refuses a stale or missing confirmation. */
  const dialog = document.getElementById('deploy-dialog');
  const noteField = document.getElementById('deploy-note');
  const noteError = document.getElementById('deploy-note-error');
  const pending = { token: null, xml: null };

  async function planDeploy() {
    say(text.planning);
    try {
      const xml = await currentXml();
      const plan = await requestJson(config.planUrl, {
        method: 'POST', body: JSON.stringify({ xml, filename: state.filename }),
      });
      showProblems([]);
      if (!plan.changesAnything) {
        say(fill(text.unchanged, { version: plan.processes[0].currentVersion }));
        return;
      }
      Object.assign(pending, { token: plan.confirmToken, xml });
      describePlan(plan.processes);
      noteError.textContent = '';
      say('');
      dialog.showModal();
      noteField.focus();
    } catch (err) {
      refused(err);
    }
  }

  function describePlan(processes) {
    const box = document.getElementById('deploy-plan');
    box.replaceChildren(...processes.map((planned) => {
      const section = document.createElement('div');
      const title = document.createElement('p');
      title.className = 'plan-title';
      title.textContent = fill(planned.currentVersion ? text.planVersion : text.planFirst, {
        name: planned.name, key: planned.key, current: planned.currentVersion,
        version: planned.newVersion,
      });
      section.append(title, changeList(planned.changes));
      return section;
    }));
  }

  function changeList(changes) {
    const list = document.createElement('ul');
    if (!changes) {
      return list;
    }
    const names = (items) => items.map((c) => c.name || c.id).join('、');
    [[text.added, changes.added], [text.removed, changes.removed], [text.changed, changes.changed]]
      .forEach(([label, items]) => {
        const item = document.createElement('li');
        item.textContent = `${fill(label, { count: items.length })}${items.length ? `：${names(items)}` : ''}`;
        list.append(item);
      });
    const forms = changes.forms.added.concat(changes.forms.removed, changes.forms.changed);
    const layout = document.createElement('li');
    layout.textContent = fill(text.layoutAndForms, { layout: changes.layoutOnly, forms: forms.length });
    list.append(layout);
    return list;
  }

  async function deploy(event) {
    event.preventDefault();
    if (!noteField.value.trim()) {
      noteError.textContent = text.noteRequired;
      noteField.focus();
      return;
    }
    try {
      const body = await requestJson(config.deployUrl, {
        method: 'POST',
        body: JSON.stringify({ xml: pending.xml, filename: state.filename,
          note: noteField.value, confirmToken: pending.token }),
      });
      dialog.close();
      noteField.value = '';
      const results = Array.isArray(body) ? body : [body];
      say(results.map((r) => fill(r.created ? text.deployed : text.unchanged,
        { version: r.version })).join('；'));
      showDeployed(results[0]);
      state.sourceXml = pending.xml;
      state.dirty = false;
      state.baselineXml = await exportedXml();
    } catch (err) {
      if (err.body && ['note_required', 'note_too_long', 'note_invalid'].includes(err.body.code)) {
        noteError.textContent = text.noteRequired;
        return;
      }
      dialog.close();
      refused(err);
    }
  }

  function refused(err) {
    const body = err.body || {};
    if (Array.isArray(body.errors) && ['bpmn_invalid', 'bpmn_unconnected'].includes(body.code)) {
      showProblems(body.errors);
      say(text.refused + fill(text.invalid, { count: body.errors.length }), true);
    } else {
      say(text.refused + (text.codes[body.code] || err.message), true);
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
    const registry = modeler.get('elementRegistry');
    // An element marked before may have been deleted since.
    state.marked.filter((id) => registry.get(id))
      .forEach((id) => canvas.removeMarker(id, PROBLEM_MARKER));
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
        markElement(element, problem);
      }
      problemList.append(problemItem(problem, element));
    });
  }

  /* The server's English message, or its wording in the page's language by its code. */
  function worded(problem) {
    const template = problem.code && text.problemTexts[problem.code];
    return template ? fill(template, Object.assign({ name: problem.name || problem.element || '' },
      problem.params || {})) : problem.message;
  }

  function badgeText(problem) {
    return (problem.code && text.badges[problem.code]) || worded(problem);
  }

  function markElement(element, problem) {
    const message = badgeText(problem);
    if (!state.marked.includes(element.id)) {
      modeler.get('canvas').addMarker(element.id, PROBLEM_MARKER);
      state.marked.push(element.id);
    }
    const badge = document.createElement('div');
    badge.className = 'govflow-problem-badge';
    badge.textContent = message;
    badge.title = worded(problem);
    badge.setAttribute('data-problem-code', problem.code || '');
    const count = modeler.get('overlays').get({ element: element.id, type: 'problem' }).length;
    modeler.get('overlays').add(element.id, 'problem', {
      position: { bottom: -6 - 22 * count, left: 0 }, html: badge,
    });
  }

  function problemItem(problem, element) {
    const item = document.createElement('li');
    const named = problem.name ? `${problem.name}（${problem.element}）` : problem.element;
    const where = [named, problem.line ? fill(text.line, { line: problem.line }) : '']
      .filter(Boolean).join(' · ');
    const label = `${where ? `[${where}] ` : ''}${worded(problem)}`;
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

  modeler.on('selection.changed', (event) => {
    showProperties(event.newSelection.length === 1 ? event.newSelection[0] : null);
  });
  modeler.on('element.changed', (event) => {
    const selected = modeler.get('selection').get();
    if (selected.length === 1 && selected[0] === event.element
        && !propertiesBox.contains(document.activeElement)) {
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
  document.getElementById('modeler-deploy').addEventListener('click', planDeploy);
  document.getElementById('deploy-form').addEventListener('submit', deploy);
  document.getElementById('deploy-cancel').addEventListener('click', () => dialog.close());
  document.getElementById('modeler-download').addEventListener('click', download);
  load();
}());
