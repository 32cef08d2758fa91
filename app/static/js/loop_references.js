/* bpmn-js reads a multi-instance's loopDataInputRef and loopDataOutputRef as references to
 * elements by id, and drops them when they name a process variable, as SpiffWorkflow's do
 * (<bpmn:loopDataInputRef>department_ids</bpmn:loopDataInputRef>): any edit of the joint
 * process sent it back without the collection its departments fan out over, and the server
 * refused it. The modeler remembers them from the document it opened and puts back, in what
 * it exports, each one an element still has a multi-instance for but lost.
 * Exposes window.GovflowLoopReferences. */
(function () {
  'use strict';

  const BPMN = 'http://www.omg.org/spec/BPMN/20100524/MODEL';
  // The order bpmn:multiInstanceLoopCharacteristics keeps its children in (BPMN 2.0 XSD).
  const ORDER = ['loopCardinality', 'loopDataInputRef', 'loopDataOutputRef', 'inputDataItem',
    'outputDataItem', 'complexBehaviorDefinition', 'completionCondition'];
  const REFERENCES = ['loopDataInputRef', 'loopDataOutputRef'];

  function loops(doc) {
    return Array.from(doc.getElementsByTagNameNS(BPMN, 'multiInstanceLoopCharacteristics'));
  }

  function child(loop, name) {
    return Array.from(loop.children).find((c) => c.namespaceURI === BPMN && c.localName === name);
  }

  function remember(xml) {
    const found = {};
    loops(new DOMParser().parseFromString(xml, 'application/xml')).forEach((loop) => {
      const owner = loop.parentNode.getAttribute('id');
      REFERENCES.forEach((name) => {
        const reference = child(loop, name);
        if (owner && reference && reference.textContent.trim()) {
          (found[owner] = found[owner] || {})[name] = reference.textContent.trim();
        }
      });
    });
    return found;
  }

  function insert(loop, name, value) {
    const element = loop.ownerDocument.createElementNS(BPMN, `${loop.prefix || 'bpmn'}:${name}`);
    element.textContent = value;
    const after = Array.from(loop.children).find(
      (c) => ORDER.indexOf(c.localName) > ORDER.indexOf(name));
    loop.insertBefore(element, after || null);
  }

  function restore(xml, remembered) {
    if (!remembered || !Object.keys(remembered).length) {
      return xml;
    }
    const doc = new DOMParser().parseFromString(xml, 'application/xml');
    let changed = false;
    loops(doc).forEach((loop) => {
      const kept = remembered[loop.parentNode.getAttribute('id')] || {};
      REFERENCES.forEach((name) => {
        if (kept[name] && !child(loop, name)) {
          insert(loop, name, kept[name]);
          changed = true;
        }
      });
    });
    return changed ? new XMLSerializer().serializeToString(doc) : xml;
  }

  window.GovflowLoopReferences = { remember, restore };
}());
