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

/* The "Simulate" strip: plays the other people on the line through the simulator's control
   API (/sim) — a customer calling Ava, the customer hanging up, Ben answering the consult
   Ava placed to him (DN 5006). It belongs to this demo page, not to the widget. The control
   API sits beside the GWS API the widget talks to (its gws-url, else this page's origin). */
(function () {
  "use strict";
  var strip = document.getElementById("simulate");
  if (!strip) return;
  var widget = document.querySelector("crm-call-widget");
  var SIM = String((widget && widget.getAttribute("gws-url")) || location.origin).replace(/\/+$/, "");
  var AGENT = "ava";
  var BEN_DN = "5006";

  var callerSelect = document.getElementById("sim-caller");
  var ringButton = document.getElementById("sim-ring");
  var hangUpButton = document.getElementById("sim-hang-up");
  var consultButton = document.getElementById("sim-consult-answer");
  var status = document.getElementById("sim-status");

  function say(text) { status.textContent = text; }
  function message(err) { return String((err && err.message) || err); }

  /** POST to the control API; resolves to the JSON answer, rejects with its error. */
  function control(path, body) {
    return fetch(SIM + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        if (!res.ok) throw new Error(json.error || "HTTP " + res.status);
        return json;
      });
    });
  }

  /** The simulator's whole state (`GET /sim/state`). */
  function simState() {
    return fetch(SIM + "/sim/state").then(function (res) {
      if (!res.ok) throw new Error("HTTP " + res.status);
      return res.json();
    });
  }

  function live(call) { return !call.released && call.state !== "Released"; }

  /** Ava's call with a customer on it: not a consult, someone other than an agent among
      its participants; the newest established one first, else the newest at all. */
  function customerCall(state) {
    var agentDns = (state.agents || []).map(function (a) { return String(a.dn); });
    var calls = (state.calls || []).filter(function (c) {
      return c.agent === AGENT && live(c) && !c.consultOf &&
        (c.participants || []).some(function (p) { return agentDns.indexOf(String(p)) < 0; });
    });
    var established = calls.filter(function (c) { return c.state === "Established"; });
    var pick = established.length ? established : calls;
    return pick.length ? pick[pick.length - 1] : null;
  }

  /** The consult Ava placed to Ben that he has not answered yet (else a plain call of
      hers still dialing him). */
  function consultToBen(state) {
    var dialing = (state.calls || []).filter(function (c) {
      return c.agent === AGENT && c.state === "Dialing" && String(c.dnis) === BEN_DN;
    });
    var consults = dialing.filter(function (c) { return !!c.consultOf; });
    var pick = consults.length ? consults : dialing;
    return pick.length ? pick[pick.length - 1] : null;
  }

  /** Run `work` with `button` disabled; failures are said in the strip. */
  function busy(button, what, work) {
    button.disabled = true;
    return work()
      .catch(function (err) { say(what + " failed: " + message(err)); })
      .then(function () { button.disabled = false; });
  }

  function callerName() {
    var option = callerSelect.options[callerSelect.selectedIndex];
    return option ? option.textContent : callerSelect.value;
  }

  // The callers the strip offers: the customers of the contacts table (not colleagues).
  (function fillCallers() {
    var rows = document.querySelectorAll("tr[data-phone]:not([data-internal])");
    for (var i = 0; i < rows.length; i++) {
      var option = document.createElement("option");
      option.value = rows[i].getAttribute("data-phone");
      option.textContent = rows[i].cells[0].textContent + " · " + option.value;
      callerSelect.appendChild(option);
    }
  })();

  ringButton.addEventListener("click", function () {
    var from = callerSelect.value;
    var who = callerName();
    busy(ringButton, "Ring Ava", function () {
      return control("/sim/calls/inbound", { agent: AGENT, from: from }).then(function (r) {
        say(who + " is calling Ava (call " + r.id + ").");
      });
    });
  });

  hangUpButton.addEventListener("click", function () {
    busy(hangUpButton, "Customer hangs up", function () {
      return simState().then(function (state) {
        var call = customerCall(state);
        if (!call) { say("Ava has no call with a customer to hang up."); return; }
        return control("/sim/calls/" + encodeURIComponent(call.id) + "/remote-hangup").then(function () {
          say("The customer on call " + call.id + " hung up.");
        });
      });
    });
  });

  consultButton.addEventListener("click", function () {
    busy(consultButton, "Ben answers", function () {
      return simState().then(function (state) {
        var call = consultToBen(state);
        if (!call) {
          say("No call from Ava is ringing Ben: transfer or conference the customer to " + BEN_DN + " first.");
          return;
        }
        return control("/sim/calls/" + encodeURIComponent(call.id) + "/remote-answer").then(function () {
          say("Ben answered Ava's " + (call.consultOf ? "consult" : "call") + " (call " + call.id + ").");
        });
      });
    });
  });
})();
