//! Click-to-dial (opt-in, `clickToDial: true`): a click on any `tel:` link in the host
//! page dials that number from the panel instead of handing it to the operating system.

use crate::cell::Borrowing;
use crate::gather::GatherText;
use crate::host::HostLink;
use gloo_events::{EventListener, EventListenerOptions, EventListenerPhase};
use wasm_bindgen::JsCast;
use web_sys::{Element, MouseEvent};

/// The number in a `tel:` URL: percent-escapes and visual separators dropped, parameters
/// (`;ext=…`, `;phone-context=…`) cut off. `None` for anything that is not `tel:`.
pub fn number_of_tel_url(href: &str) -> Option<String> {
    let rest = href.trim().strip_prefix("tel:").or_else(|| href.trim().strip_prefix("TEL:"))?;
    let main = crate::text::before(rest, b";");
    use crate::text::replace;
    let decoded = replace(&replace(&replace(main, "%20", ""), "%2B", "+"), "%2b", "+");
    let number: String = decoded.chars().filter(|c| c.is_ascii_digit() || matches!(c, '+' | '*' | '#')).gather_text();
    (!number.is_empty()).then_some(number)
}

/// Listens while alive; dropping it removes the listener.
pub struct ClickToDial {
    _listener: EventListener,
}

impl ClickToDial {
    pub fn start(host: HostLink) -> Option<Self> {
        let document = web_sys::window()?.document()?;
        let options = EventListenerOptions { phase: EventListenerPhase::Capture, passive: false };
        let listener = EventListener::new_with_options(&document, "click", options, move |event| {
            let Some(click) = event.dyn_ref::<MouseEvent>() else { return };
            if click.default_prevented() || click.button() != 0 || click.ctrl_key() || click.meta_key() || click.shift_key() || click.alt_key() {
                return;
            }
            let link = event
                .target()
                .and_then(|t| t.dyn_into::<Element>().ok())
                .and_then(|el| el.closest("a[href^='tel:'], a[href^='TEL:']").ok().flatten());
            let Some(number) = link.and_then(|a| a.get_attribute("href")).and_then(|h| number_of_tel_url(&h)) else { return };
            let desk = host.desk.read().clone();
            if let Some(desk) = desk {
                event.prevent_default();
                desk.dial(&number, None);
            }
        });
        Some(Self { _listener: listener })
    }
}

#[cfg(test)]
mod tests {
    use super::number_of_tel_url;

    #[test]
    fn tel_urls_give_their_number() {
        assert_eq!(number_of_tel_url("tel:5551212").as_deref(), Some("5551212"));
        assert_eq!(number_of_tel_url("tel:+1-555-121-2;ext=9").as_deref(), Some("+15551212"));
        assert_eq!(number_of_tel_url("tel:%2B44%2020%207946").as_deref(), Some("+44207946"));
        assert_eq!(number_of_tel_url("mailto:x@y"), None);
        assert_eq!(number_of_tel_url("tel:"), None);
    }
}
