/* The instance page's process diagram: draws the instance's process version with the
 * bpmn-js NavigatedViewer (vendored by `make assets`) and marks each element with its
 * state. Data comes from the page (#instance-diagram-data); the same is served by
 * GET /api/process-instances/<id>/element-states. Plain ES5, no build step. Without
 * JavaScript the page's table of element states says the same. */
(function () {
  'use strict';

  var HIDDEN_TYPES = ['bpmn:Process', 'bpmn:Collaboration', 'bpmn:Participant', 'bpmn:Lane',
                      'label'];

  function say(container, text, isError) {
    container.innerHTML = '';
    var line = document.createElement('p');
    line.textContent = text;
    if (isError) { line.className = 'error'; }
    container.appendChild(line);
  }

  function shortTime(iso) {  // "2026-03-13T23:59:59+08:00" -> "2026-03-13 23:59"
    return iso ? iso.slice(0, 16).replace('T', ' ') : '';
  }

  function mark(viewer, data) {
    var canvas = viewer.get('canvas');
    var registry = viewer.get('elementRegistry');
    Object.keys(data.elements).forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, 'state-' + data.elements[id]); }
    });
    data.flows.forEach(function (id) {
      if (registry.get(id)) { canvas.addMarker(id, 'flow-taken'); }
    });
  }

  function describe(element, data) {
    var lines = [];
    var name = element.businessObject && element.businessObject.name;
    lines.push((name ? name + ' ' : '') + '(' + element.id + ')');
    if (element.waypoints) {
      if (data.flows.indexOf(element.id) >= 0) { lines.push(data.messages.flowTaken); }
      return lines;
    }
    var state = data.elements[element.id];
    lines.push(data.messages.state + (state ? data.stateNames[state] : data.messages.notReached));
    if (data.timers[element.id]) {
      lines.push(data.messages.due + shortTime(data.timers[element.id]));
    }
    if (state === 'error' && data.incident) {
      lines.push(data.messages.incident + data.incident);
    }
    return lines;
  }

  function showTip(tip, container, viewer, element, data) {
    tip.innerHTML = '';
    describe(element, data).forEach(function (text) {
      var line = document.createElement('div');
      line.textContent = text;
      tip.appendChild(line);
    });
    var box = viewer.get('canvas').getGraphics(element).getBoundingClientRect();
    var frame = container.getBoundingClientRect();
    tip.style.left = Math.max(0, box.left - frame.left) + 'px';
    tip.style.top = (box.bottom - frame.top + 6) + 'px';
    tip.hidden = false;
  }

  function tooltips(viewer, container, data) {
    var tip = document.createElement('div');
    tip.className = 'diagram-tooltip';
    tip.setAttribute('role', 'status');
    tip.hidden = true;
    container.appendChild(tip);
    var pinned = null;
    var events = viewer.get('eventBus');
    function relevant(element) {
      return element && HIDDEN_TYPES.indexOf(element.type) < 0;
    }
    events.on('element.hover', function (event) {
      if (!pinned && relevant(event.element)) {
        showTip(tip, container, viewer, event.element, data);
      }
    });
    events.on('element.out', function () {
      if (!pinned) { tip.hidden = true; }
    });
    events.on('element.click', function (event) {
      pinned = relevant(event.element) && pinned !== event.element ? event.element : null;
      if (pinned) { showTip(tip, container, viewer, pinned, data); } else { tip.hidden = true; }
    });
  }

  function draw(container, data) {
    if (typeof window.BpmnJS !== 'function') {
      say(container, data.messages.noVendor, true);
      return;
    }
    container.innerHTML = '';
    container.classList.add('has-diagram');
    var viewer = new window.BpmnJS({ container: container });
    viewer.importXML(data.xml).then(function () {
      viewer.get('canvas').zoom('fit-viewport', 'auto');
      mark(viewer, data);
      tooltips(viewer, container, data);
      container.setAttribute('data-drawn', 'true');
    }).catch(function (err) {
      container.classList.remove('has-diagram');
      say(container, data.messages.failed + ((err && err.message) || err), true);
    });
  }

  var container = document.getElementById('instance-diagram');
  var source = document.getElementById('instance-diagram-data');
  if (container && source) {
    draw(container, JSON.parse(source.textContent));
  }
}());
