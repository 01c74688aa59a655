/* crm-call-widget loader — the one script a CRM page includes:
 *   <script src="https://widgets.example.com/crm-call-widget.js" defer></script>
 *   <crm-call-widget gws-url="https://gws.example.com"></crm-call-widget>
 * It finds its own URL, loads the WebAssembly build that sits beside it for the widget's
 * telephony and disposition vendor (Genesys; Genesys with dispositions at Ozonetel;
 * Ozonetel alone) and, for Hindi, the
 * Hindi text, defines the <crm-call-widget> element and exposes window.CrmCallWidget.
 * No inline script, no eval: it runs under `script-src 'self' 'wasm-unsafe-eval'`.
 * The build writes the content-hashed file names below (scripts/stamp-loader.sh). */
(function () {
  "use strict";
  if (window.CrmCallWidget) return;
  /** The Genesys build (also for a config without `telephony`). */
  var MODULE = "__CCW_MODULE__";
  var WASM = "__CCW_WASM__";
  /** The builds, by the telephony they drive and where they record dispositions
   *  (`telephony`, `dispositionVendor` in the config). */
  var BUILDS = {
    genesys: { module: MODULE, wasm: WASM },
    "genesys-ozonetel": { module: "__CCW_GENESYS_OZONETEL_MODULE__", wasm: "__CCW_GENESYS_OZONETEL_WASM__" },
    ozonetel: { module: "__CCW_OZONETEL_MODULE__", wasm: "__CCW_OZONETEL_WASM__" }
  };
  var HINDI = "__CCW_HI__";
  var self = document.currentScript;
  var base = new URL(".", self && self.src ? self.src : document.baseURI);
  var started = {};
  var hindiText = null;
  var hindi = {};
  var hindiWarned = false;

  /** Why the widget could not start, for the CRM's developer (console) and the agent
   *  (a short line in the element). */
  function startError(what, url, cause) {
    var text = String(cause && cause.message || cause || "");
    var fix;
    if (/wasm-unsafe-eval|unsafe-eval|Refused to compile|CompileError.*(CSP|Content Security)/i.test(text) ||
        (cause && cause.name === "CompileError" && /policy|refused/i.test(text))) {
      what = "the page's Content-Security-Policy does not allow WebAssembly";
      fix = "add 'wasm-unsafe-eval' to the policy's script-src";
    } else if (/HTTP (4|5)\d\d/.test(text)) {
      fix = "check that the file exists at that URL (the build's files must sit beside crm-call-widget.js)";
    } else {
      fix = "check that the file is served at that URL; when the widget lives on another origin, serve its files with " +
        "Access-Control-Allow-Origin, and allow that origin in the page's Content-Security-Policy " +
        "(script-src for the module, connect-src for the wasm)";
    }
    var err = new Error("crm-call-widget could not start: " + what + (url ? " (" + url + ")" : "") +
      ". Likely fix: " + fix + "." + (text ? " Browser said: " + text : ""));
    err.name = "CrmCallWidgetLoadError";
    err.short = "The call panel could not start: " + what + ".";
    return err;
  }

  /** The build a config needs: Ozonetel's for `telephony: "ozonetel"`; else Genesys's,
   *  with Ozonetel's disposition sender for `dispositionVendor: "ozonetel"` (the Genesys
   *  build also reports a misspelt name, as the config's error). */
  function buildOf(config) {
    var name = function (field) {
      return config && typeof config[field] === "string" ? config[field].trim().toLowerCase() : "";
    };
    if (name("telephony") === "ozonetel") return "ozonetel";
    return name("dispositionVendor") === "ozonetel" ? "genesys-ozonetel" : "genesys";
  }

  /** Loads and starts a build once a page, however many widgets use it. */
  function load(build) {
    var loading = started[build];
    if (!loading) {
      var moduleUrl = new URL(BUILDS[build].module, base).href;
      var wasmUrl = new URL(BUILDS[build].wasm, base).href;
      // The wasm downloads while the module loads (one round trip less on a slow link).
      var wasm = fetch(wasmUrl).catch(function (e) {
        throw startError("its WebAssembly file could not be fetched", wasmUrl, e);
      });
      wasm.catch(function () {}); // reported once, through `loading`, if it is needed
      loading = import(moduleUrl).catch(function (e) {
        throw startError("its module could not be loaded", moduleUrl, e);
      }).then(function (m) {
        return wasm.then(function (response) {
          if (!response.ok) throw startError("its WebAssembly file is missing", wasmUrl, "HTTP " + response.status);
          return m.default({ module_or_path: response }).catch(function (e) {
            throw startError("its WebAssembly could not be started", wasmUrl, e);
          });
        }).then(function () { return m; });
      });
      // One console error for the page, however many elements wait on it.
      loading.catch(function (err) { console.error(err.message); });
      started[build] = loading;
    }
    return loading;
  }

  /** Whether a widget speaks Hindi, decided as Lang::choose (src/i18n.rs) does. */
  function wantsHindi(config) {
    return /^hi/i.test(config && typeof config.lang === "string" && config.lang || navigator.language || "");
  }

  /** The Hindi text: fetched once a page, alongside the wasm, and installed in a build
   *  before its first Hindi widget mounts. Never rejects: on a failure, one console
   *  warning, and English. */
  function hindiReady(build) {
    var url = new URL(HINDI, base).href;
    hindiText = hindiText || fetch(url).then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.text();
    });
    return hindi[build] || (hindi[build] = hindiText.then(function (text) {
      // A module that cannot start is reported by `load`.
      return load(build).then(function (m) { m.installCatalog(text); }, function () {});
    }).catch(function (e) {
      // The text reached no build: said once, by the first build that wanted it.
      if (hindiWarned) return;
      hindiWarned = true;
      console.warn("crm-call-widget: its Hindi text (" + url + ") could not be used, so the panel shows English: " + (e && e.message || e));
    }));
  }

  /** Shows a start-up failure inside the element (it has no shadow root yet). */
  function showFailure(el, err) {
    if (!err || err.name !== "CrmCallWidgetLoadError" || el.shadowRoot) return;
    var note = document.createElement("p");
    note.setAttribute("role", "alert");
    note.className = "crm-call-widget-error";
    note.textContent = err.short;
    el.textContent = "";
    el.appendChild(note);
  }

  var SKIP = { "class": 1, "style": 1, "id": 1, "hidden": 1, "slot": 1, "config": 1 };
  function camel(name) {
    return name.replace(/^data-/, "").replace(/-([a-z])/g, function (_, c) { return c.toUpperCase(); });
  }
  function value(text) {
    if (text === "true") return true;
    if (text === "false") return false;
    var first = text.charAt(0);
    if (first === "[" || first === "{") {
      try { return JSON.parse(text); } catch (e) { return text; }
    }
    return text;
  }
  /** The config of an element: its `config` JSON attribute, then one attribute a field. */
  function configOf(el) {
    var config = {};
    var json = el.getAttribute("config");
    if (json) {
      try { config = JSON.parse(json); } catch (e) { config = { "config attribute is not valid JSON": json }; }
    }
    for (var i = 0; i < el.attributes.length; i++) {
      var a = el.attributes[i];
      if (!SKIP[a.name]) config[camel(a.name)] = value(a.value);
    }
    return config;
  }

  /** The widget's first request, sent now rather than once the wasm runs: GWS answers it
   *  while the wasm downloads (one round trip less before the agent's name shows). The
   *  widget takes its answer as its own (src/net: `offer_early`) when it sends the same
   *  GET with the same credentials — built here as GwsSession builds it. */
  function firstRead(config, build) {
    config = config || {};
    var gws = config.gwsUrl || "", user = config.username, password = config.password, auth = null;
    if (build === "ozonetel" || typeof gws !== "string" || (gws && !/^https?:\/\//i.test(gws))) return null;
    if (user) {
      if (typeof user !== "string" || typeof password !== "string") return null; // refused by the widget
      auth = "Basic " + btoa(String.fromCharCode.apply(null, new TextEncoder().encode(user + ":" + password)));
    }
    var url = gws.replace(/\/+$/, "") + "/api/v2/me?subresources=*";
    var answer = fetch(url, { credentials: "include", headers: auth ? { Authorization: auth } : {},
      signal: AbortSignal.timeout && AbortSignal.timeout(10000) });
    answer.catch(function () {}); // the widget reads a failure as it would its own
    return [url, auth, answer];
  }

  function mount(el, config) {
    var build = buildOf(config);
    var early = firstRead(config, build);
    return Promise.all([load(build).catch(function (err) {
      showFailure(el, err);
      throw err;
    }), wantsHindi(config) && hindiReady(build)]).then(function (ready) {
      var m = ready[0];
      try {
        return m.mount(el, config, early);
      } catch (err) {
        console.error(String(err));
        throw err;
      }
    });
  }

  class CrmCallWidgetElement extends HTMLElement {
    /** Resolves to the host API handle once the widget runs (rejects on a bad config). */
    get widget() {
      if (this._handle) return Promise.resolve(this._handle);
      if (this._failure) return Promise.reject(this._failure);
      return this._pending || Promise.reject(new Error("crm-call-widget is not connected"));
    }
    connectedCallback() {
      if (this._pending || this._handle) return;
      var el = this;
      this._pending = mount(this, configOf(this)).then(
        function (handle) { el._handle = handle; return handle; });
      this._pending.catch(function (err) { el._pending = null; el._failure = err; });
    }
    disconnectedCallback() {
      var el = this;
      Promise.resolve(this._pending).then(function () {
        if (!el.isConnected && el._handle) { el._handle.destroy(); el._handle = null; }
      });
    }
  }

  window.CrmCallWidget = Object.freeze({
    /** Mounts a widget in `element` with a config object; resolves to its handle. */
    mount: mount,
  });
  if (!customElements.get("crm-call-widget")) customElements.define("crm-call-widget", CrmCallWidgetElement);
})();
