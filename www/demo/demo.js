/* Demo CRM page behaviour: reacts to the widget's events as a real CRM would. */
(function () {
  "use strict";
  var widget = document.querySelector("crm-call-widget");
  var pop = document.getElementById("screen-pop");
  var popText = document.getElementById("screen-pop-text");
  if (!widget || !pop) return;
  widget.addEventListener("call-ringing", function (e) {
    var d = e.detail || {};
    popText.textContent = "Caller " + (d.ani || "unknown") + " → " + (d.dnis || "");
    pop.hidden = false;
  });
  widget.addEventListener("call-ended", function () { pop.hidden = true; });
})();
