//! Gives the widget a shadow root of its own, so the host page's styles stay out and ours
//! stay in.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, ShadowRootInit, ShadowRootMode};

/// The widget's stylesheet, themed through `--ccw-*` custom properties.
const STYLES: &str = include_str!("../../www/widget.css");

/// Attaches (or empties) the host's shadow root, adds the styles, and returns the element
/// the Yew app renders into.
pub fn prepare_shadow_root(host: &HtmlElement) -> Result<Element, JsValue> {
    let root = match host.shadow_root() {
        Some(root) => {
            root.set_inner_html("");
            root
        }
        None => host.attach_shadow(&ShadowRootInit::new(ShadowRootMode::Open))?,
    };
    let document = host.owner_document().ok_or_else(|| JsValue::from_str("no document"))?;
    if !adopt_styles(&root) {
        // Browsers without constructable stylesheets: a <style> element (needs
        // `style-src 'unsafe-inline'` under a CSP that restricts styles).
        let style = document.create_element("style")?;
        style.set_text_content(Some(STYLES));
        root.append_child(&style)?;
    }
    let mount = document.create_element("div")?;
    mount.set_class_name("ccw-root");
    root.append_child(&mount)?;
    Ok(mount.unchecked_into())
}

/// Gives the shadow root our stylesheet as a constructed sheet, which no `style-src`
/// policy of the host page blocks. False where the browser cannot.
fn adopt_styles(root: &web_sys::ShadowRoot) -> bool {
    let Ok(sheet) = web_sys::CssStyleSheet::new() else { return false };
    if sheet.replace_sync(STYLES).is_err() {
        return false;
    }
    let sheets = js_sys::Array::of1(&sheet);
    js_sys::Reflect::set(root, &JsValue::from_str("adoptedStyleSheets"), &sheets).unwrap_or(false)
}
