/* Ozonetel-only demo CRM page: mounts the widget for Ozonetel CloudAgent alone, reacts to
   its events as a CRM would (screen pop, activity log), and drives the simulator from the
   "Simulate" strip: a customer calling in (the screen pop hands the call to the widget),
   the customer hanging up, the agent's availability. Everything goes to this page's own
   origin (the simulator), so `connect-src 'self'` covers it. */
(function () {
  "use strict";
  var SIM = location.origin;
  var AGENT = "ava";
  var DID = "914071327663";
  var CAMPAIGN = "Progressive_demo";

  var phone = document.getElementById("phone");
  var callerSelect = document.getElementById("sim-caller");
  var callInButton = document.getElementById("sim-call-in");
  var hangUpButton = document.getElementById("sim-hang-up");
  var availabilityButton = document.getElementById("sim-availability");
  var status = document.getElementById("sim-status");
  var pop = document.getElementById("screen-pop");
  var popTitle = document.getElementById("screen-pop-title");
  var popText = document.getElementById("screen-pop-text");
  var activity = document.getElementById("activity");
  if (!phone || !window.CrmCallWidget) return;

  /** The ucid of the call on the agent's desk, as far as this page knows: the last one it
      handed the widget (setActiveCall) or heard from it (call-ringing / call-connected). */
  var currentUcid = null;
  var available = true;

  function say(text) { status.textContent = text; }
  function digits(s) { return String(s || "").replace(/\D/g, ""); }
  function rows() { return document.querySelectorAll("tr[data-phone]"); }
  function contactFor(number) {
    var d = digits(number);
    var all = rows();
    for (var i = 0; i < all.length; i++) {
      if (d && digits(all[i].getAttribute("data-phone")) === d) return all[i];
    }
    return null;
  }
  function describe(row, number) {
    return row ? row.cells[0].textContent + " (" + row.cells[1].textContent + ")" : "Unknown number " + (number || "");
  }
  function highlight(row) {
    var lit = document.querySelectorAll("tr.calling");
    for (var i = 0; i < lit.length; i++) lit[i].classList.remove("calling");
    if (row) row.classList.add("calling");
  }
  function showPop(title, text) {
    popTitle.textContent = title;
    popText.textContent = text;
    pop.hidden = false;
  }
  function log(text) {
    var none = activity.querySelector(".none");
    if (none) none.remove();
    var li = document.createElement("li");
    li.textContent = text;
    activity.insertBefore(li, activity.firstChild);
  }
  function remember(ucid) {
    if (ucid) currentUcid = String(ucid);
  }

  /** POST to the simulator's control API; resolves to {ok, status, body}. */
  function control(path, body) {
    return fetch(SIM + path, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify(body || {}),
    }).then(function (res) {
      return res.json().catch(function () { return {}; }).then(function (json) {
        return { ok: res.ok, status: res.status, body: json };
      });
    });
  }

  // The callers the strip offers: the contacts table.
  (function fillCallers() {
    var all = rows();
    for (var i = 0; i < all.length; i++) {
      var option = document.createElement("option");
      option.value = all[i].getAttribute("data-phone");
      option.textContent = all[i].cells[0].textContent + " · " + option.value;
      callerSelect.appendChild(option);
    }
  })();

  var widget = window.CrmCallWidget.mount(phone, {
    telephony: "ozonetel",
    clickToDial: true,
    ozonetel: {
      baseUrl: SIM,
      userName: "demo_crm",
      agentId: AGENT,
      agentName: "Ava Patel",
      did: DID,
      campaignName: CAMPAIGN,
      tokenUrl: "/sim/ozonetel/token",
      wrapUpSecs: 30,
    },
  });
  widget.catch(function (err) { say("The widget did not start: " + String(err && err.message || err)); });

  // The widget's events bubble from the element it is mounted in.
  phone.addEventListener("call-ringing", function (e) {
    var d = e.detail || {};
    remember(d.callId);
    var row = contactFor(d.ani);
    highlight(row);
    showPop("Incoming call", describe(row, d.ani) + " is calling from " + (d.ani || "an unknown number"));
  });
  phone.addEventListener("call-connected", function (e) {
    var d = e.detail || {};
    remember(d.callId);
    var number = d.parties && d.parties[0] ? d.parties[0].number : "";
    var row = contactFor(number);
    if (row) highlight(row);
    if (d.direction === "outbound") showPop("Outgoing call", "Calling " + describe(row, number));
    say("Call " + currentUcid + " is connected.");
  });
  phone.addEventListener("call-ended", function (e) {
    var d = e.detail || {};
    if (d.callId && String(d.callId) === currentUcid) currentUcid = null;
    pop.hidden = true;
    highlight(null);
    var who = d.parties && d.parties[0] ? d.parties[0].display || d.parties[0].number : "unknown";
    log((d.direction || "call") + " call with " + who + " · " + (d.durationSeconds || 0) + " s" +
      (d.disposition ? " · " + d.disposition : ""));
  });
  phone.addEventListener("disposition-saved", function (e) {
    var d = e.detail || {};
    log("Disposition saved: " + (d.disposition || ""));
  });

  // Simulate: a customer calls Ava. The call exists at Ozonetel first (the simulator),
  // then the CRM's screen pop hands it to the widget, as CloudAgent's screen-pop URL would.
  callInButton.addEventListener("click", function () {
    var callerID = callerSelect.value;
    callInButton.disabled = true;
    control("/sim/ozonetel/calls", { agentID: AGENT, did: DID, callerID: callerID })
      .then(function (r) {
        if (!r.ok || !r.body.ucid) throw new Error(r.body.error || "HTTP " + r.status);
        var ucid = String(r.body.ucid);
        remember(ucid);
        var row = contactFor(callerID);
        highlight(row);
        showPop("Incoming call", describe(row, callerID) + " is calling from " + callerID + " (ucid " + ucid + ")");
        say("Call " + ucid + " from " + callerID + " is connected to Ava.");
        return widget.then(function (handle) {
          return handle.setActiveCall({ ucid: ucid, did: DID, callerID: callerID, agentID: AGENT });
        });
      })
      .catch(function (err) { say("Customer calls in failed: " + String(err && err.message || err)); })
      .then(function () { callInButton.disabled = false; });
  });

  // Simulate: the customer hangs up the current call; Ozonetel starts ACW and the widget
  // is told the call ended (its wrap-up card takes the disposition).
  hangUpButton.addEventListener("click", function () {
    var ucid = currentUcid;
    if (!ucid) { say("There is no current call to hang up."); return; }
    hangUpButton.disabled = true;
    control("/sim/ozonetel/calls/" + encodeURIComponent(ucid) + "/disconnect")
      .then(function (r) {
        if (!r.ok) throw new Error(r.body.error || "HTTP " + r.status);
        if (currentUcid === ucid) currentUcid = null;
        say("Call " + ucid + " ended: wrap-up (ACW) has started.");
        return widget.then(function (handle) { return handle.callEnded(ucid); });
      })
      .catch(function (err) {
        if (currentUcid === ucid) currentUcid = null;
        say("Customer hangs up failed: " + String(err && err.message || err));
      })
      .then(function () { hangUpButton.disabled = false; });
  });

  // Simulate: Ava logs out of the toolbar / pauses, so click-to-dial answers
  // "Agent is not available".
  function showAvailability() {
    availabilityButton.textContent = available ? "Make Ava unavailable" : "Make Ava available";
    availabilityButton.setAttribute("aria-pressed", available ? "false" : "true");
  }
  availabilityButton.addEventListener("click", function () {
    var want = !available;
    control("/sim/ozonetel/agents/" + AGENT, { available: want })
      .then(function (r) {
        if (!r.ok) throw new Error(r.body.error || "HTTP " + r.status);
        available = want;
        showAvailability();
        say(available ? "Ava is available again." : "Ava is not available: click-to-dial will be refused.");
      })
      .catch(function (err) { say("Could not change Ava's availability: " + String(err && err.message || err)); });
  });
  fetch(SIM + "/sim/state")
    .then(function (res) { return res.json(); })
    .then(function (state) {
      var agents = state && state.ozonetel && state.ozonetel.agents || [];
      for (var i = 0; i < agents.length; i++) {
        if (agents[i].agentID === AGENT) available = agents[i].available !== false;
      }
      showAvailability();
    })
    .catch(function () {});
})();
