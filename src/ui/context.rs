//! DeskContext: what every view of the panel reaches — the desk (operations), the language
//! and the configuration — handed down as a property (`ctx`), not through a Yew context.

use crate::config::WidgetConfig;
use crate::desk::AgentDesk;
use crate::ui::i18n::{Lang, Text};
use std::rc::Rc;

#[derive(Clone)]
pub struct DeskContext {
    pub desk: Rc<AgentDesk>,
    pub lang: Lang,
    pub config: Rc<WidgetConfig>,
}

impl PartialEq for DeskContext {
    fn eq(&self, other: &Self) -> bool {
        Rc::ptr_eq(&self.desk, &other.desk) && self.lang == other.lang && Rc::ptr_eq(&self.config, &other.config)
    }
}

impl DeskContext {
    /// A catalog sentence in the agent's language.
    pub fn t(&self, text: Text) -> &'static str {
        text.in_(self.lang)
    }
}
