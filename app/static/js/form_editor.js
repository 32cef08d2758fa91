/* The form editor: re-renders the preview (server-side, the task page's renderer) while the
 * JSON Schema and UI schema are edited, submits the preview as a trial ("试填校验") and
 * downloads both documents. Plain ES2017, no build step. */
(function () {
  'use strict';

  const DELAY_MS = 400;
  const editor = document.getElementById('form-editor');
  const preview = document.getElementById('form-preview');
  const status = document.getElementById('preview-status');
  const checkField = preview.dataset.checkField;
  let timer = null;
  let latest = 0; // answers to older requests arriving late are dropped

  async function render(check) {
    const request = ++latest;
    status.textContent = preview.dataset.loading;
    const data = new FormData(editor);
    if (check) {
      data.append(checkField, '1');
    }
    try {
      const response = await fetch(editor.action, {
        method: 'POST', body: data, credentials: 'same-origin',
        headers: { 'X-CSRFToken': data.get('csrf_token') },
      });
      const html = await response.text();
      if (request !== latest) {
        return;
      }
      // The fragment is rendered by the server with autoescaping, like any page.
      preview.innerHTML = html;
      status.textContent = '';
      if (check) {
        const alert = preview.querySelector('[role="alert"], [role="status"]');
        if (alert) {
          alert.setAttribute('tabindex', '-1');
          alert.focus();
        }
      }
    } catch (err) {
      if (request === latest) {
        status.textContent = preview.dataset.failed + err.message;
      }
    }
  }

  function schedule() {
    clearTimeout(timer);
    timer = setTimeout(() => render(false), DELAY_MS);
  }

  function download(textareaId, button) {
    const blob = new Blob([document.getElementById(textareaId).value],
      { type: 'application/json' });
    const link = document.createElement('a');
    link.href = URL.createObjectURL(blob);
    link.download = button.dataset.filename;
    link.click();
    setTimeout(() => URL.revokeObjectURL(link.href), 1000);
  }

  document.getElementById('schema-text').addEventListener('input', schedule);
  document.getElementById('ui-text').addEventListener('input', schedule);
  preview.addEventListener('click', (event) => {
    if (event.target.closest('[data-preview-check]')) {
      render(true);
    }
  });
  // Enter in a preview field would submit the editor form as a whole page: check instead.
  editor.addEventListener('submit', (event) => {
    event.preventDefault();
    render(true);
  });
  const schemaButton = document.getElementById('download-schema');
  const uiButton = document.getElementById('download-ui');
  schemaButton.addEventListener('click', () => download('schema-text', schemaButton));
  uiButton.addEventListener('click', () => download('ui-text', uiButton));
  render(false);
}());
