/* Demo CRM page behaviour: reacts to the widget's events as a real CRM would — a screen
   pop for the ringing caller, a link from the call to the record, an activity log. */
(function () {
  "use strict";
  var widget = document.querySelector("crm-call-widget");
  var pop = document.getElementById("screen-pop");
  var popText = document.getElementById("screen-pop-text");
  var linkButton = document.getElementById("link-record");
  var activity = document.getElementById("activity");
  if (!widget || !pop) return;
  var current = null;

  function digits(s) { return String(s || "").replace(/\D/g, ""); }
  function contactFor(number) {
    var d = digits(number);
    var rows = document.querySelectorAll("tr[data-phone]");
    for (var i = 0; i < rows.length; i++) {
      if (d && digits(rows[i].getAttribute("data-phone")) === d) return rows[i];
    }
    return null;
  }
  function highlight(row) {
    var rows = document.querySelectorAll("tr.calling");
    for (var i = 0; i < rows.length; i++) rows[i].classList.remove("calling");
    if (row) row.classList.add("calling");
  }

  widget.addEventListener("call-ringing", function (e) {
    var d = e.detail || {};
    var row = contactFor(d.ani);
    current = row;
    highlight(row);
    popText.textContent = row
      ? row.cells[0].textContent + " (" + row.cells[1].textContent + ") is calling from " + d.ani
      : "Unknown caller " + (d.ani || "") + " — no matching contact";
    linkButton.hidden = !row;
    pop.hidden = false;
  });
  widget.addEventListener("call-connected", function (e) {
    var d = e.detail || {};
    var party = d.parties && d.parties[0] ? d.parties[0].number : "";
    current = contactFor(party) || current;
    highlight(current);
  });
  linkButton.addEventListener("click", function () {
    if (!current) return;
    widget.widget.then(function (h) { h.attachUserData({ CrmRecord: current.cells[0].textContent }); });
  });
  widget.addEventListener("call-ended", function (e) {
    var d = e.detail || {};
    pop.hidden = true;
    highlight(null);
    var none = activity.querySelector(".none");
    if (none) none.remove();
    var who = d.parties && d.parties[0] ? d.parties[0].display : "unknown";
    var li = document.createElement("li");
    li.textContent = (d.direction || "call") + " call with " + who + " · " + (d.durationSeconds || 0) + " s" +
      (d.disposition ? " · " + d.disposition : "");
    activity.insertBefore(li, activity.firstChild);
  });
  widget.addEventListener("disposition-saved", function (e) {
    var d = e.detail || {};
    var li = document.createElement("li");
    li.textContent = "Disposition saved: " + (d.disposition || "");
    activity.insertBefore(li, activity.firstChild);
  });
})();
