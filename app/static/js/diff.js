/* The diff page: both versions in bpmn-js NavigatedViewers side by side, with markers for
 * added (new version), removed (old version), changed (both) and layout-only elements.
 * The lists and the text diff are server-rendered; this only draws. Plain ES2017. */
(function () {
  'use strict';

  const config = JSON.parse(document.getElementById('diff-config').textContent);

  function note(container, message) {
    const p = document.createElement('p');
    p.className = 'error';
    p.setAttribute('role', 'alert');
    p.textContent = message;
    container.replaceChildren(p);
  }

  /* Markers only for ids the diagram draws: flows' conditions, forms and the like have
   * no shape of their own. */
  function mark(viewer, ids, marker) {
    const registry = viewer.get('elementRegistry');
    const canvas = viewer.get('canvas');
    ids.filter((id) => registry.get(id)).forEach((id) => canvas.addMarker(id, marker));
  }

  async function show(selector, xml, markers) {
    const container = document.querySelector(selector);
    if (typeof window.BpmnJS !== 'function') {
      note(container, config.messages.noVendor);
      return;
    }
    const viewer = new window.BpmnJS({ container });
    window.GovflowDiagram.showLaneNames(viewer, config.laneNames);
    try {
      await viewer.importXML(xml);
      window.GovflowDiagram.addZoomControls(viewer, container, config.messages);
      viewer.get('canvas').zoom('fit-viewport', 'auto');
      Object.entries(markers).forEach(([marker, ids]) => mark(viewer, ids, marker));
    } catch (err) {
      note(container, config.messages.loadFailed + err.message);
    }
  }

  show('#diff-old', config.old, {
    'diff-removed': config.removed, 'diff-changed': config.changed, 'diff-layout': config.layout,
  });
  show('#diff-new', config.new, {
    'diff-added': config.added, 'diff-changed': config.changed, 'diff-layout': config.layout,
  });
}());
