//! The page's localStorage, where the widget keeps what must outlive a reload (the
//! disposition outbox, the wrap-up shelf). A browser without it (or one that refuses it)
//! reads as empty and refuses writes.

use wasm_bindgen::JsValue;

fn local() -> Result<web_sys::Storage, JsValue> {
    web_sys::window()
        .ok_or_else(|| JsValue::from_str("no window"))?
        .local_storage()?
        .ok_or_else(|| JsValue::from_str("no localStorage"))
}

/// The text stored under `key`, if any.
pub fn get(key: &str) -> Option<String> {
    local().ok()?.get_item(key).ok().flatten()
}

pub fn set(key: &str, value: &str) -> Result<(), JsValue> {
    local()?.set_item(key, value)
}

pub fn remove(key: &str) -> Result<(), JsValue> {
    local()?.remove_item(key)
}
