// Swap the starting template of a new article when its kind changes, as long as the body is
// empty or still one of the templates (never overwrite what the author wrote).
(function () {
  function setup() {
    var kind = document.querySelector('select[name="kind"][data-kb-templates]');
    var body = document.querySelector('textarea[name="body"]');
    if (!kind || !body) return;
    var templates = JSON.parse(kind.getAttribute('data-kb-templates'));
    var known = Object.keys(templates).map(function (k) { return templates[k].trim(); });
    kind.addEventListener('change', function () {
      var editor = body.codemirror;
      var current = (editor ? editor.getValue() : body.value).trim();
      if (current !== '' && known.indexOf(current) === -1) return;
      var next = templates[kind.value] || '';
      if (editor) { editor.setValue(next); } else { body.value = next; }
    });
  }
  if (document.readyState === 'loading') {
    document.addEventListener('DOMContentLoaded', setup);
  } else {
    setup();
  }
})();
