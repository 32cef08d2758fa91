/* Shared by the modeler and the diagram pages: bpmn-js texts in the page's language (its
 * translate module), zoom buttons (+, −, fit) and lanes labelled with the role's name
 * instead of its code. Plain ES2017; exposes window.GovflowDiagram. */
(function () {
  'use strict';

  /* bpmn-js asks translate(template, replacements) for every text it shows. */
  function translateModule(texts) {
    function translate(template, replacements) {
      const values = replacements || {};
      const chosen = Object.prototype.hasOwnProperty.call(texts, template)
        ? texts[template] : template;
      return chosen.replace(/{([^}]+)}/g, (match, key) => (key in values ? values[key] : match));
    }
    return { translate: ['value', translate] };
  }

  function button(label, title, onClick) {
    const element = document.createElement('button');
    element.type = 'button';
    element.textContent = label;
    element.title = title;
    element.setAttribute('aria-label', title);
    element.addEventListener('click', onClick);
    return element;
  }

  /* Zoom in and out by steps around the centre, or fit the whole diagram. */
  function addZoomControls(viewer, container, texts) {
    const canvas = viewer.get('canvas');
    const bar = document.createElement('div');
    bar.className = 'zoom-controls';
    bar.setAttribute('role', 'group');
    bar.setAttribute('aria-label', texts.zoom);
    const step = (factor) => () => canvas.zoom(Math.min(4, Math.max(0.2, canvas.zoom() * factor)));
    bar.append(button('+', texts.zoomIn, step(1.25)), button('−', texts.zoomOut, step(0.8)),
      button(texts.fit, texts.fitTitle, () => canvas.zoom('fit-viewport', 'auto')));
    container.style.position = 'relative';
    container.append(bar);
    return bar;
  }

  /* A lane's name is the role code the routing reads; people read the role's name. The
   * document keeps the code: only the drawn label changes. */
  function showLaneNames(viewer, names) {
    const registry = viewer.get('elementRegistry');
    function relabel(element) {
      if (!element || !element.businessObject || element.businessObject.$type !== 'bpmn:Lane') {
        return;
      }
      const code = element.businessObject.name || '';
      const gfx = registry.getGraphics(element);
      const label = gfx && gfx.querySelector('.djs-visual text');
      if (!label || !names[code]) {
        return;
      }
      const spans = label.querySelectorAll('tspan');
      spans.forEach((span, index) => { span.textContent = index === 0 ? names[code] : ''; });
      label.setAttribute('data-role-code', code);
      let title = label.querySelector('title');
      if (!title) {
        title = document.createElementNS('http://www.w3.org/2000/svg', 'title');
        label.append(title);
      }
      title.textContent = `${names[code]}（${code}）`;
    }
    const all = () => registry.getAll().forEach(relabel);
    viewer.on('import.done', all);
    viewer.on('shape.changed', (event) => relabel(event.element));
    viewer.on('shape.added', (event) => relabel(event.element));
    return all;
  }

  /* Palette entries carry their (translated) text as aria-label only; a title shows it as
   * a tooltip on hover too. */
  function titlePalette(modeler, container) {
    const apply = () => container.querySelectorAll('.djs-palette .entry[aria-label]')
      .forEach((entry) => { entry.title = entry.getAttribute('aria-label'); });
    modeler.on('palette.changed', apply);
    modeler.on('import.done', apply);
    apply();
  }

  window.GovflowDiagram = { translateModule, addZoomControls, showLaneNames, titlePalette };
}());
