// Attempt page: autosave, a polite timer and a guard against double submission.
// The page works without this script: plain form posts save and submit.
(function () {
  "use strict";

  function formatRemaining(ms) {
    var total = Math.max(0, Math.floor(ms / 1000));
    var minutes = Math.floor(total / 60);
    var seconds = total % 60;
    return minutes + ":" + (seconds < 10 ? "0" : "") + seconds;
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = document.querySelector(".quiz-form");
    if (!form) { return; }
    var lang = document.documentElement.lang || "es";
    var es = lang.indexOf("es") === 0;
    var status = form.querySelector(".quiz-form__status");
    var csrf = form.querySelector("input[name=csrfmiddlewaretoken]").value;
    var url = form.getAttribute("data-autosave-url");
    var timer = null;
    var submitting = false;

    function save() {
      var data = new FormData(form);
      data.delete("action");
      return fetch(url, {
        method: "POST",
        body: data,
        credentials: "same-origin",
        headers: { "X-CSRFToken": csrf, "X-Requested-With": "fetch" }
      }).then(function (response) {
        return response.json().then(function (body) {
          status.textContent = response.ok ? body.message : body.error;
        });
      }).catch(function () {
        status.textContent = es ? "No se pudo guardar: revise su conexión." : "Could not save: check your connection.";
      });
    }

    form.addEventListener("change", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, 800);
    });
    form.addEventListener("input", function (event) {
      if (event.target.type === "text") {
        window.clearTimeout(timer);
        timer = window.setTimeout(save, 1500);
      }
    });
    form.addEventListener("submit", function (event) {
      if (submitting) { event.preventDefault(); return; }
      submitting = true;
      window.clearTimeout(timer);
    });

    Array.prototype.forEach.call(form.querySelectorAll("[data-clear]"), function (button) {
      button.hidden = false;
      button.addEventListener("click", function () {
        var name = button.getAttribute("data-clear");
        Array.prototype.forEach.call(form.querySelectorAll("input[name='" + name + "']"), function (input) {
          input.checked = false;
        });
        save();
      });
    });

    var box = document.querySelector(".quiz-timer");
    if (!box) { return; }
    var deadline = Date.parse(box.getAttribute("data-deadline"));
    var skew = Date.parse(box.getAttribute("data-now")) - Date.now();
    var remainingEl = box.querySelector(".quiz-timer__remaining");
    var announce = box.querySelector(".quiz-timer__announce");
    var announced = {};
    var thresholds = [10, 5, 1];

    // The timer stays at the top of the screen: what the keyboard focuses (or a link jumps
    // to) must scroll clear of it, not land underneath (WCAG 2.4.11, focus not obscured).
    function keepFocusClear() {
      document.documentElement.style.scrollPaddingTop = (box.offsetHeight + 12) + "px";
    }
    keepFocusClear();
    window.addEventListener("resize", keepFocusClear);

    function tick() {
      var left = deadline - (Date.now() + skew);
      remainingEl.textContent = (es ? "Tiempo restante: " : "Time left: ") + formatRemaining(left);
      var minutes = Math.ceil(left / 60000);
      thresholds.forEach(function (t) {
        if (minutes <= t && !announced[t] && left > 0) {
          announced[t] = true;
          announce.textContent = es ? "Quedan " + t + " minuto" + (t === 1 ? "" : "s") + "."
                                    : t + " minute" + (t === 1 ? "" : "s") + " left.";
        }
      });
      if (left <= 60000) { box.classList.add("quiz-timer--low"); }
      if (left <= 0) {
        window.clearInterval(interval);
        announce.textContent = es ? "Se acabó el tiempo: enviando sus respuestas." : "Time is up: submitting your answers.";
        // Time is up: submit at once (no summary step), with whatever is on the page.
        if (!submitting) {
          submitting = true;
          var action = document.createElement("input");
          action.type = "hidden";
          action.name = "action";
          action.value = "submit";
          form.appendChild(action);
          form.submit();
        }
      }
    }
    var interval = window.setInterval(tick, 1000);
    tick();
  });
})();
