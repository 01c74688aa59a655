//! crm-call-widget: a call panel and disposition picker for CRM pages, in WebAssembly.
//!
//! This file holds only the module map and the wasm entry points; everything else lives
//! in the modules below. The pure cores (`cometd`, `genesys`, `model`, `ozonetel`) never
//! touch the browser, so `cargo test` covers them natively.

pub mod cometd;
pub mod config;
pub mod desk;
pub mod genesys;
pub mod host;
pub mod model;
pub mod net;
pub mod ozonetel;
pub mod ui;

#[cfg(target_arch = "wasm32")]
mod entry {
    use crate::config::WidgetConfig;
    use crate::ui::i18n::{Lang, Text};
    use crate::ui::{App, AppProps};
    use std::rc::Rc;
    use wasm_bindgen::prelude::*;

    /// A mounted widget, as the host page holds it.
    #[wasm_bindgen]
    pub struct WidgetHandle {
        app: Option<yew::AppHandle<App>>,
    }

    #[wasm_bindgen]
    impl WidgetHandle {
        /// Unmounts the widget and ends everything it started.
        pub fn destroy(&mut self) {
            if let Some(app) = self.app.take() {
                app.destroy();
            }
        }
    }

    /// Mounts the widget inside `host` (in its shadow root) with `config`, a plain object
    /// of `WidgetConfig` fields. A bad config shows its reason in the widget and throws.
    #[wasm_bindgen]
    pub fn mount(host: web_sys::HtmlElement, config: JsValue) -> Result<WidgetHandle, JsValue> {
        let root = crate::host::prepare_shadow_root(&host)?;
        let browser_lang = web_sys::window().and_then(|w| w.navigator().language()).unwrap_or_default();
        let parsed = if config.is_undefined() || config.is_null() {
            Ok(WidgetConfig::default())
        } else {
            serde_wasm_bindgen::from_value::<WidgetConfig>(config)
                .map_err(|e| crate::config::ConfigError(e.to_string()))
                .and_then(WidgetConfig::validated)
        };
        match parsed {
            Ok(config) => {
                let lang = Lang::choose(&config.lang, &browser_lang);
                let props = AppProps { config: Rc::new(config), lang };
                let app = yew::Renderer::<App>::with_root_and_props(root, props).render();
                Ok(WidgetHandle { app: Some(app) })
            }
            Err(err) => {
                let lang = Lang::choose("", &browser_lang);
                let message = format!("{} {}", Text::ConfigProblem.in_(lang), err.0);
                let note = root.owner_document().and_then(|d| d.create_element("p").ok());
                if let Some(note) = note {
                    note.set_class_name("error config-error");
                    note.set_attribute("role", "alert").ok();
                    note.set_text_content(Some(&message));
                    root.append_child(&note).ok();
                }
                Err(JsValue::from_str(&err.to_string()))
            }
        }
    }
}
