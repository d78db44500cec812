/* Progressive enhancement for every page (issue 20); the pages work without it.
 * - A form refused by the server shows one error summary (#error-summary, templates/layout.xhtml):
 *   move focus to it so screen readers and keyboards start there.
 * - A form with a file input shows an "uploading" state while its body is sent, and a file
 *   over the stated limit is named at once (the server says the same inside the form). */
(function () {
  'use strict';
  function ready(fn) {
    if (document.readyState !== 'loading') fn();
    else document.addEventListener('DOMContentLoaded', fn);
  }
  ready(function () {
    var summary = document.getElementById('error-summary');
    if (summary) summary.focus();
    var forms = document.querySelectorAll('form[enctype="multipart/form-data"]');
    Array.prototype.forEach.call(forms, function (form) {
      form.addEventListener('submit', function () {
        var button = form.querySelector('button[type="submit"]');
        var status = form.querySelector('.upload-status');
        if (button) {
          button.setAttribute('aria-disabled', 'true');
          button.classList.add('is-busy');
        }
        if (status) {
          status.hidden = false;
          status.textContent = status.getAttribute('data-uploading') || '';
        }
        form.setAttribute('aria-busy', 'true');
      });
    });
  });
})();
