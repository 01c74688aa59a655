//! WidgetConfig: what a CRM page tells the widget, read from the element's attributes or
//! a JS object (`CrmCallWidget.mount(el, config)`), with a readable error for bad input.

use serde::Deserialize;

/// Everything the host page can configure. Field names are camelCase in JSON and
/// kebab-case as attributes (`gws-url` → `gwsUrl`); the loader does that mapping.
#[derive(Clone, Debug, Deserialize, PartialEq)]
#[serde(rename_all = "camelCase", default, deny_unknown_fields)]
pub struct WidgetConfig {
    /// Base URL of Genesys Web Services, e.g. `https://gws.example.com`. Empty = same origin.
    pub gws_url: String,
    /// GWS user name for HTTP Basic. Empty = rely on an existing cookie session (SSO).
    pub username: String,
    /// GWS password for HTTP Basic.
    pub password: String,
    /// Interface language: `en` or `hi`. Empty = the browser's language.
    pub lang: String,
    /// Not Ready reasons the agent can pick (sent as `reasonCode`).
    pub not_ready_reasons: Vec<String>,
    /// userData keys shown on a call card (label = key). Empty = show every key.
    pub user_data_keys: Vec<String>,
    /// Dial `tel:` links clicked anywhere in the host page from the panel.
    pub click_to_dial: bool,
    /// When a call rings while the tab is hidden: a browser notification (asked for on a
    /// click in the widget) and a flashing tab title.
    pub notify_when_hidden: bool,
    /// URL of a sound to loop while a call rings (empty = silent).
    pub ring_sound: String,
}

impl Default for WidgetConfig {
    fn default() -> Self {
        Self {
            gws_url: String::new(),
            username: String::new(),
            password: String::new(),
            lang: String::new(),
            not_ready_reasons: vec!["Break".into(), "Lunch".into(), "Training".into(), "Meeting".into()],
            user_data_keys: Vec::new(),
            click_to_dial: false,
            notify_when_hidden: true,
            ring_sound: String::new(),
        }
    }
}

/// A configuration the widget cannot run with, explained for the CRM developer.
#[derive(Clone, Debug, PartialEq)]
pub struct ConfigError(pub String);

impl std::fmt::Display for ConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "crm-call-widget configuration: {}", self.0)
    }
}

impl WidgetConfig {
    /// Reads a configuration from JSON text (used by tests and by `config='{…}'`).
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let config: Self =
            serde_json::from_str(text).map_err(|e| ConfigError(e.to_string()))?;
        config.validated()
    }

    /// Reads a configuration from a JSON value (the host's config object).
    pub fn from_value(value: serde_json::Value) -> Result<Self, ConfigError> {
        let config: Self = serde_json::from_value(value).map_err(|e| ConfigError(e.to_string()))?;
        config.validated()
    }

    /// Checks the fields that serde cannot: URLs and pairs that go together.
    pub fn validated(self) -> Result<Self, ConfigError> {
        if !self.gws_url.is_empty()
            && !(self.gws_url.starts_with("https://") || self.gws_url.starts_with("http://"))
        {
            return Err(ConfigError(format!(
                "gwsUrl must start with https:// or http:// (got \"{}\")",
                self.gws_url
            )));
        }
        if self.password.is_empty() != self.username.is_empty() {
            return Err(ConfigError(
                "username and password go together: give both, or neither to use the existing session"
                    .into(),
            ));
        }
        Ok(self)
    }

    /// The GWS base URL without a trailing slash.
    pub fn gws_base(&self) -> &str {
        self.gws_url.trim_end_matches('/')
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_object_gives_defaults() {
        assert_eq!(WidgetConfig::from_json("{}"), Ok(WidgetConfig::default()));
    }

    #[test]
    fn unknown_field_is_named_in_the_error() {
        let err = WidgetConfig::from_json(r#"{"gwsURL":"x"}"#).unwrap_err();
        assert!(err.0.contains("gwsURL"), "{err}");
    }

    #[test]
    fn bad_url_and_half_credentials_are_refused() {
        assert!(WidgetConfig::from_json(r#"{"gwsUrl":"gws.example.com"}"#).is_err());
        assert!(WidgetConfig::from_json(r#"{"username":"ava"}"#).is_err());
        let ok = WidgetConfig::from_json(r#"{"gwsUrl":"http://h:1/","username":"a","password":"b"}"#)
            .unwrap();
        assert_eq!(ok.gws_base(), "http://h:1");
    }
}
