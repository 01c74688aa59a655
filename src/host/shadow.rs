//! Gives the widget a shadow root of its own, so the host page's styles stay out and ours
//! stay in.

use wasm_bindgen::{JsCast, JsValue};
use web_sys::{Element, HtmlElement, ShadowRootInit, ShadowRootMode};

/// The widget's stylesheet (www/widget.css, minified by the build script), themed through
/// `--ccw-*` custom properties.
const STYLES: &str = include_str!(concat!(env!("OUT_DIR"), "/widget.min.css"));

#[cfg(test)]
#[path = "../../build/css.rs"]
mod css;

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

#[cfg(test)]
mod tests {
    use super::css::{minify_css, without_parts};

    #[test]
    fn the_stylesheet_loses_only_comments_and_needless_spaces() {
        let css = "/* theme */\n:host {\n  --_bg: var(--ccw-surface, #fff);\n}\n.a .b:hover > .c, .d :focus-visible {\n  margin: 0 0 0 calc(1.2em + 8px);\n  font-family: \"Segoe  UI\", /* x */ sans-serif;\n}\n@media (prefers-reduced-motion: reduce) { .s { animation: none; } }\n";
        assert_eq!(
            minify_css(css),
            ":host{--_bg:var(--ccw-surface,#fff)}.a .b:hover>.c,.d :focus-visible{margin:0 0 0 calc(1.2em + 8px);font-family:\"Segoe  UI\",sans-serif}@media (prefers-reduced-motion:reduce){.s{animation:none}}"
        );
    }

    #[test]
    fn the_shipped_stylesheet_is_the_source_minified() {
        let source = include_str!("../../www/widget.css");
        assert!(cfg!(feature = "genesys"), "the tests build with Genesys telephony: all of the stylesheet");
        assert_eq!(super::STYLES, minify_css(source));
        assert!(super::STYLES.len() < source.len() * 9 / 10, "{} of {} bytes", super::STYLES.len(), source.len());
        assert!(!super::STYLES.contains("/*") && !super::STYLES.contains('\n'));
    }

    #[test]
    fn a_part_left_out_loses_its_lines_and_only_those() {
        let css = ".a { x: 1; }\n/* only genesys */\n.g { y: 2; }\n/* end genesys */\n.b { z: 3; }\n";
        assert_eq!(without_parts(css, &["genesys"]).as_deref(), Ok(".a { x: 1; }\n.b { z: 3; }\n"));
        assert_eq!(minify_css(&without_parts(css, &[]).unwrap()), ".a{x:1}.g{y:2}.b{z:3}");
        for broken in ["/* only genesys */\n.g {}\n", "/* end genesys */\n", "/* only genesys */\n/* only ozonetel */\n", "/* only genesys */\n/* end ozonetel */\n"] {
            assert!(without_parts(broken, &["genesys"]).is_err(), "{broken:?}");
        }
    }

    #[test]
    fn the_ozonetel_only_stylesheet_keeps_what_its_views_use() {
        let source = include_str!("../../www/widget.css");
        let ozonetel = minify_css(&without_parts(source, &["genesys"]).expect("the markers pair up"));
        assert!(ozonetel.len() < minify_css(source).len() * 9 / 10, "{} of {} bytes", ozonetel.len(), minify_css(source).len());
        // The Genesys-only views' rules are gone; the shared and the Ozonetel ones stay.
        for gone in [".presence", ".agent-state", "button.hangup", ".transfer-form", ".participants", ".banner.info"] {
            assert!(!ozonetel.contains(gone), "{gone}");
        }
        for kept in [".agent-name", ".call-card{", ".call-card.wrap-up", ".banner.warn", ".sim-key", ".keypad", ".dialer", ".dispo-codes", ".countdown", ".spinner", ".controls", ".user-data", ".notice{"] {
            assert!(ozonetel.contains(kept), "{kept}");
        }
    }
}
