/* crm-call-widget loader — the one script a CRM page includes:
 *   <script src="https://widgets.example.com/crm-call-widget.js" defer></script>
 *   <crm-call-widget gws-url="https://gws.example.com"></crm-call-widget>
 * It finds its own URL, loads the WebAssembly module that sits beside it, defines the
 * <crm-call-widget> element and exposes window.CrmCallWidget. No inline script, no eval:
 * it runs under `script-src 'self' 'wasm-unsafe-eval'`.
 * The build writes the content-hashed file names below (scripts/stamp-loader.sh). */
(function () {
  "use strict";
  if (window.CrmCallWidget) return;
  var MODULE = "__CCW_MODULE__";
  var WASM = "__CCW_WASM__";
  var self = document.currentScript;
  var base = new URL(".", self && self.src ? self.src : document.baseURI);
  var loading = null;

  function load() {
    if (!loading) {
      loading = import(new URL(MODULE, base).href).then(function (m) {
        return m.default({ module_or_path: new URL(WASM, base) }).then(function () { return m; });
      });
    }
    return loading;
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

  function mount(el, config) {
    return load().then(function (m) {
      try {
        return m.mount(el, config);
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
      return this._pending || Promise.reject(new Error("crm-call-widget is not connected"));
    }
    connectedCallback() {
      if (this._pending || this._handle) return;
      var el = this;
      this._pending = mount(this, configOf(this)).then(
        function (handle) { el._handle = handle; return handle; });
      this._pending.catch(function () { el._pending = null; });
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
