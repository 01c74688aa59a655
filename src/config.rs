//! WidgetConfig: what a CRM page tells the widget, read from the element's attributes or
//! a JS object (`CrmCallWidget.mount(el, config)`), with a readable error for bad input.
//! Read field by field from a `json::Value`: a missing field keeps its default, an unknown
//! or mistyped one is named in the error.

use crate::gather::{Gather, GatherAll, GatherText};
use crate::json::Value;

/// Everything the host page can configure. Field names are camelCase in JSON and
/// kebab-case as attributes (`gws-url` → `gwsUrl`); the loader does that mapping.
#[derive(Clone, Debug, PartialEq)]
pub struct WidgetConfig {
    /// The phone system behind the panel: `genesys` (GWS: calls, agent state, controls)
    /// or `ozonetel` (CloudAgent alone: calls from the host page, click-to-dial,
    /// dispositions; no GWS request is ever made).
    pub telephony: String,
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
    /// Where dispositions go: `genesys` (SetCallDisposition) or `ozonetel` (DispositionAPIV2).
    pub disposition_vendor: String,
    /// The disposition codes the agent picks from (Genesys; Ozonetel's come from its API).
    pub dispositions: Vec<String>,
    /// The userData key Genesys writes the disposition under. Empty = the server's default.
    pub disposition_key: String,
    /// Reasons for "pause after this call". Empty = the Not Ready reasons.
    pub pause_reasons: Vec<String>,
    /// Codes that need a callback date and time.
    pub callback_dispositions: Vec<String>,
    /// Ozonetel CloudAgent, when `dispositionVendor` is `ozonetel`.
    pub ozonetel: OzonetelConfig,
}

/// Ozonetel CloudAgent settings. The token comes from the host page: `setTokenProvider`
/// (a JS callback) or `tokenUrl` (the CRM's backend). `apiKey` is for the simulator only.
#[derive(Clone, Debug, PartialEq)]
pub struct OzonetelConfig {
    /// API host, e.g. `https://in1-ccaas-api.ozonetel.com` (the default).
    pub base_url: String,
    /// The CloudAgent account user name (`userName`).
    pub user_name: String,
    /// The agent's CloudAgent id, when the page does not give it with the call.
    pub agent_id: String,
    /// The number calls come in on, when the page does not give it with the call.
    pub did: String,
    /// A URL on the CRM's backend that answers `GET` (with cookies) with
    /// `{"token":"<JWT>"}` or the token as text.
    pub token_url: String,
    /// The account API key — only for the simulator (a loopback `baseUrl`); never ship a
    /// real key to a browser.
    pub api_key: String,
    /// The wrap-up (ACW) window after a call, in seconds, for the countdown.
    pub wrap_up_secs: u64,
    /// The agent's name to show (Ozonetel telephony); empty = the agent id.
    pub agent_name: String,
    /// The campaign AgentManualDial places calls in (Ozonetel click-to-dial).
    pub campaign_name: String,
}

impl Default for OzonetelConfig {
    fn default() -> Self {
        Self {
            base_url: DEFAULT_OZONETEL_URL.into(),
            user_name: String::new(),
            agent_id: String::new(),
            did: String::new(),
            token_url: String::new(),
            api_key: String::new(),
            wrap_up_secs: 30,
            agent_name: String::new(),
            campaign_name: String::new(),
        }
    }
}

pub const DEFAULT_OZONETEL_URL: &str = "https://in1-ccaas-api.ozonetel.com";

impl OzonetelConfig {
    /// The API base URL without a trailing slash.
    pub fn base(&self) -> &str {
        crate::text::trim_end_byte(&self.base_url, b'/')
    }
}

/// Which phone system carries the calls.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TelephonyVendor {
    Genesys,
    Ozonetel,
}

#[cfg(not(any(feature = "genesys", feature = "ozonetel")))]
compile_error!("a build drives at least one phone system: enable the feature genesys, ozonetel or both");

#[cfg(all(feature = "genesys", not(any(feature = "genesys-dispositions", feature = "ozonetel-dispositions"))))]
compile_error!("a Genesys build records dispositions somewhere: enable genesys-dispositions, ozonetel-dispositions or both");

impl TelephonyVendor {
    /// Whether this build can drive the vendor's telephony (Cargo features `genesys`,
    /// `ozonetel`). A build without one never reaches its code, so the optimiser drops it.
    pub const fn built(self) -> bool {
        match self {
            TelephonyVendor::Genesys => cfg!(feature = "genesys"),
            TelephonyVendor::Ozonetel => cfg!(feature = "ozonetel"),
        }
    }
}

/// Refuses a telephony this build cannot drive (the loader fetches the build a widget's
/// `telephony` names, so only a page that loads a build's module itself meets this).
fn check_built(telephony: &str, built: impl Fn(TelephonyVendor) -> bool) -> Result<(), ConfigError> {
    let vendor = if telephony == "ozonetel" { TelephonyVendor::Ozonetel } else { TelephonyVendor::Genesys };
    if built(vendor) {
        return Ok(());
    }
    let other = if vendor == TelephonyVendor::Ozonetel { "genesys" } else { "ozonetel" };
    Err(unbuilt(&format!("drives only telephony \"{other}\", not \"{telephony}\"")))
}

/// Refuses a disposition vendor this build cannot record at (as `check_built`).
fn check_vendor_built(vendor: &str, built: impl Fn(DispositionVendor) -> bool) -> Result<(), ConfigError> {
    let wanted = if vendor == "ozonetel" { DispositionVendor::Ozonetel } else { DispositionVendor::Genesys };
    if built(wanted) {
        return Ok(());
    }
    Err(unbuilt(&format!("does not record dispositions at \"{vendor}\"")))
}

fn unbuilt(what: &str) -> ConfigError {
    ConfigError(format!(
        "this build of the widget {what}: load the widget through crm-call-widget.js, which fetches the build each widget's configuration needs"
    ))
}

/// Which vendor records dispositions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DispositionVendor {
    Genesys,
    Ozonetel,
}

impl DispositionVendor {
    /// Whether this build records dispositions at the vendor (Cargo features
    /// `genesys-dispositions`, `ozonetel-dispositions`); a build without one never reaches
    /// its sender.
    pub const fn built(self) -> bool {
        match self {
            DispositionVendor::Genesys => cfg!(feature = "genesys-dispositions"),
            DispositionVendor::Ozonetel => cfg!(feature = "ozonetel-dispositions"),
        }
    }
}

fn is_http_url(u: &str) -> bool {
    u.starts_with("https://") || u.starts_with("http://")
}

/// Whether a URL points at this machine (where the simulator runs).
fn is_loopback_url(u: &str) -> bool {
    let rest = crate::text::find(u, "://").map_or(u, |i| &u[i + "://".len()..]);
    let host = crate::text::before(rest, b"/?#");
    let host = host.bytes().rposition(|b| b == b'@').map_or(host, |at| &host[at + 1..]);
    let name = match host.strip_prefix('[') {
        Some(v6) => crate::text::before(v6, b"]"),
        None => crate::text::before(host, b":"),
    };
    name == "localhost" || name == "::1" || is_v4_loopback(name)
}

/// `127.a.b.c` written as four decimal bytes without leading zeros (as `Ipv4Addr` reads
/// them; its parser is a kilobyte the widget does not otherwise need).
fn is_v4_loopback(name: &str) -> bool {
    let parts: Vec<&str> = crate::text::parts(name, b'.').gather();
    let byte = |p: &str| {
        !p.is_empty() && p.len() <= 3 && p.bytes().all(|b| b.is_ascii_digit()) && (p == "0" || !p.starts_with('0'))
            && p.parse::<u64>().is_ok_and(|n| n <= 255)
    };
    parts.len() == 4 && parts[0] == "127" && parts.iter().all(|p| byte(p))
}

impl Default for WidgetConfig {
    fn default() -> Self {
        Self {
            telephony: "genesys".into(),
            gws_url: String::new(),
            username: String::new(),
            password: String::new(),
            lang: String::new(),
            not_ready_reasons: vec!["Break".into(), "Lunch".into(), "Training".into(), "Meeting".into()],
            user_data_keys: Vec::new(),
            click_to_dial: false,
            notify_when_hidden: true,
            ring_sound: String::new(),
            disposition_vendor: "genesys".into(),
            dispositions: ["Resolved", "Sale", "Call Back", "Not Interested", "Wrong Number", "No Answer"]
                .map(String::from)
                .to_vec(),
            disposition_key: String::new(),
            pause_reasons: Vec::new(),
            callback_dispositions: vec!["Call Back".into()],
            ozonetel: OzonetelConfig::default(),
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

/// The fields of the configuration, as the host names them.
const FIELDS: &[&str] = &[
    "telephony", "gwsUrl", "username", "password", "lang", "notReadyReasons", "userDataKeys", "clickToDial",
    "notifyWhenHidden", "ringSound", "dispositionVendor", "dispositions", "dispositionKey", "pauseReasons",
    "callbackDispositions", "ozonetel",
];

/// The fields of `ozonetel`.
const OZONETEL_FIELDS: &[&str] =
    &["baseUrl", "userName", "agentId", "did", "tokenUrl", "apiKey", "wrapUpSecs", "agentName", "campaignName"];

/// A field the widget does not know, with the one it probably meant.
fn unknown_field(prefix: &str, key: &str, known: &[&str]) -> ConfigError {
    let hint = match known.iter().find(|k| k.eq_ignore_ascii_case(key) || k.eq_ignore_ascii_case(&key.chars().filter(|c| !matches!(c, '-' | '_')).gather_text())) {
        Some(k) => format!(" (did you mean \"{prefix}{k}\"?)"),
        None => {
            let mut list = String::from(" (the fields are: ");
            // Joined by hand: `join` on `&str`s is one more copy of the standard library's joiner.
            for (i, k) in known.iter().enumerate() {
                if i > 0 {
                    list.push_str(", ");
                }
                list.push_str(k);
            }
            list + ")"
        }
    };
    ConfigError(format!("unknown field \"{prefix}{key}\"{hint}"))
}

fn text_field(name: &str, v: &Value) -> Result<String, ConfigError> {
    v.as_str().map(str::to_owned).ok_or_else(|| ConfigError(format!("{name} must be text (got {v})")))
}

fn flag_field(name: &str, v: &Value) -> Result<bool, ConfigError> {
    v.as_bool().ok_or_else(|| ConfigError(format!("{name} must be true or false (got {v})")))
}

fn list_field(name: &str, v: &Value) -> Result<Vec<String>, ConfigError> {
    v.as_array()
        .and_then(|items| items.iter().map(|i| i.as_str().map(str::to_owned)).gather_all())
        .ok_or_else(|| ConfigError(format!("{name} must be a list of texts (got {v})")))
}

fn object_of<'a>(name: &str, v: &'a Value) -> Result<&'a crate::json::Map<String, Value>, ConfigError> {
    v.as_object().ok_or_else(|| ConfigError(format!("{name} must be an object of fields (got {v})")))
}

impl OzonetelConfig {
    fn read(v: &Value) -> Result<Self, ConfigError> {
        let mut c = Self::default();
        for (key, v) in object_of("ozonetel", v)? {
            let name = format!("ozonetel.{key}");
            match key.as_str() {
                "baseUrl" => c.base_url = text_field(&name, v)?,
                "userName" => c.user_name = text_field(&name, v)?,
                "agentId" => c.agent_id = text_field(&name, v)?,
                "did" => c.did = text_field(&name, v)?,
                "tokenUrl" => c.token_url = text_field(&name, v)?,
                "apiKey" => c.api_key = text_field(&name, v)?,
                "agentName" => c.agent_name = text_field(&name, v)?,
                "campaignName" => c.campaign_name = text_field(&name, v)?,
                "wrapUpSecs" => {
                    c.wrap_up_secs = v.as_u64().ok_or_else(|| ConfigError(format!("{name} must be a whole number of seconds (got {v})")))?
                }
                _ => return Err(unknown_field("ozonetel.", key, OZONETEL_FIELDS)),
            }
        }
        Ok(c)
    }
}

impl WidgetConfig {
    /// Reads a configuration from JSON text (used by tests and by `config='{…}'`).
    pub fn from_json(text: &str) -> Result<Self, ConfigError> {
        let value = crate::json::parse(text).map_err(|e| ConfigError(format!("not JSON: {e}")))?;
        Self::from_value(value)
    }

    /// Reads a configuration from a JSON value (the host's config object): each field
    /// given replaces its default.
    pub fn from_value(value: Value) -> Result<Self, ConfigError> {
        let mut c = Self::default();
        for (key, v) in object_of("the configuration", &value)? {
            let name = key.as_str();
            match name {
                "telephony" => c.telephony = text_field(name, v)?,
                "gwsUrl" => c.gws_url = text_field(name, v)?,
                "username" => c.username = text_field(name, v)?,
                "password" => c.password = text_field(name, v)?,
                "lang" => c.lang = text_field(name, v)?,
                "ringSound" => c.ring_sound = text_field(name, v)?,
                "dispositionVendor" => c.disposition_vendor = text_field(name, v)?,
                "dispositionKey" => c.disposition_key = text_field(name, v)?,
                "notReadyReasons" => c.not_ready_reasons = list_field(name, v)?,
                "userDataKeys" => c.user_data_keys = list_field(name, v)?,
                "dispositions" => c.dispositions = list_field(name, v)?,
                "pauseReasons" => c.pause_reasons = list_field(name, v)?,
                "callbackDispositions" => c.callback_dispositions = list_field(name, v)?,
                "clickToDial" => c.click_to_dial = flag_field(name, v)?,
                "notifyWhenHidden" => c.notify_when_hidden = flag_field(name, v)?,
                "ozonetel" => c.ozonetel = OzonetelConfig::read(v)?,
                _ => return Err(unknown_field("", name, FIELDS)),
            }
        }
        c.validated()
    }

    /// Checks the fields that serde cannot: URLs and pairs that go together.
    pub fn validated(self) -> Result<Self, ConfigError> {
        if !self.gws_url.is_empty() && !is_http_url(&self.gws_url) {
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
        self.validated_dispositions()
    }

    fn validated_dispositions(self) -> Result<Self, ConfigError> {
        let telephony = self.telephony.trim().to_ascii_lowercase();
        if telephony != "genesys" && telephony != "ozonetel" {
            return Err(ConfigError(format!("telephony must be \"genesys\" or \"ozonetel\" (got \"{}\")", self.telephony)));
        }
        check_built(&telephony, TelephonyVendor::built)?;
        if telephony == "ozonetel" && self.ozonetel.agent_id.trim().is_empty() {
            return Err(ConfigError(
                "ozonetel.agentId (the agent's CloudAgent id) is required when telephony is \"ozonetel\"".into(),
            ));
        }
        // An Ozonetel-only site records its dispositions at Ozonetel.
        let vendor = if telephony == "ozonetel" { "ozonetel".to_string() } else { self.disposition_vendor.trim().to_ascii_lowercase() };
        if vendor != "genesys" && vendor != "ozonetel" {
            return Err(ConfigError(format!(
                "dispositionVendor must be \"genesys\" or \"ozonetel\" (got \"{}\")",
                self.disposition_vendor
            )));
        }
        check_vendor_built(&vendor, DispositionVendor::built)?;
        if self.dispositions.iter().any(|d| d.trim().is_empty()) {
            return Err(ConfigError("dispositions must not contain empty codes".into()));
        }
        if self.dispositions.iter().any(|d| d.chars().count() > 250) {
            return Err(ConfigError("a disposition code is longer than 250 characters".into()));
        }
        let oz = &self.ozonetel;
        if !is_http_url(&oz.base_url) {
            return Err(ConfigError(format!(
                "ozonetel.baseUrl must start with https:// or http:// (got \"{}\")",
                oz.base_url
            )));
        }
        let token_url_ok = oz.token_url.is_empty() || is_http_url(&oz.token_url) || oz.token_url.starts_with('/');
        if !token_url_ok {
            return Err(ConfigError(format!(
                "ozonetel.tokenUrl must be an http(s) URL or a path on this site (got \"{}\")",
                oz.token_url
            )));
        }
        if !oz.api_key.is_empty() && !is_loopback_url(&oz.base_url) {
            return Err(ConfigError(
                "ozonetel.apiKey is only for the simulator (a localhost baseUrl): the API key must stay on your server. Give the widget tokens with tokenUrl or setTokenProvider instead"
                    .into(),
            ));
        }
        if vendor == "ozonetel" && oz.user_name.trim().is_empty() {
            return Err(ConfigError(
                "ozonetel.userName (the CloudAgent account user name) is required when dispositionVendor or telephony is \"ozonetel\"".into(),
            ));
        }
        Ok(Self { disposition_vendor: vendor, telephony, ..self })
    }

    /// The phone system behind the panel.
    /// In a build with one telephony, that one (a constant: the other's code is dropped);
    /// a config naming the other is refused by `validated`.
    pub fn telephony(&self) -> TelephonyVendor {
        let ozonetel = if !TelephonyVendor::Genesys.built() {
            true
        } else {
            TelephonyVendor::Ozonetel.built() && self.telephony.eq_ignore_ascii_case("ozonetel")
        };
        if ozonetel {
            TelephonyVendor::Ozonetel
        } else {
            TelephonyVendor::Genesys
        }
    }

    /// The telephony's name, for storage keys.
    pub fn telephony_name(&self) -> &'static str {
        match self.telephony() {
            TelephonyVendor::Genesys => "genesys",
            TelephonyVendor::Ozonetel => "ozonetel",
        }
    }

    pub fn vendor(&self) -> DispositionVendor {
        // A build without Genesys's sender (no Genesys telephony, or the build for sites that
        // record at Ozonetel) records at Ozonetel; one without Ozonetel's records at Genesys
        // (constants: the other sender is dropped).
        if !DispositionVendor::Genesys.built()
            || (DispositionVendor::Ozonetel.built() && self.disposition_vendor.eq_ignore_ascii_case("ozonetel"))
        {
            DispositionVendor::Ozonetel
        } else {
            DispositionVendor::Genesys
        }
    }

    /// The reasons offered for "pause after this call".
    pub fn pause_reason_list(&self) -> &[String] {
        if self.pause_reasons.is_empty() {
            &self.not_ready_reasons
        } else {
            &self.pause_reasons
        }
    }

    /// Whether `code` needs a callback date and time (case-insensitive).
    pub fn needs_callback_time(&self, code: &str) -> bool {
        self.callback_dispositions.iter().any(|c| c.trim().eq_ignore_ascii_case(code.trim()))
    }

    /// The GWS base URL without a trailing slash.
    pub fn gws_base(&self) -> &str {
        crate::text::trim_end_byte(&self.gws_url, b'/')
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
    fn every_field_is_read_and_mistyped_ones_are_named() {
        let c = WidgetConfig::from_json(
            r#"{"telephony":"genesys","gwsUrl":"https://g","username":"u","password":"p","lang":"hi",
                "notReadyReasons":["A"],"userDataKeys":["K.x"],"clickToDial":true,"notifyWhenHidden":false,
                "ringSound":"/r.mp3","dispositionVendor":"genesys","dispositions":["D"],"dispositionKey":"DK",
                "pauseReasons":["P"],"callbackDispositions":["CB"],
                "ozonetel":{"baseUrl":"https://o","userName":"n","agentId":"a","did":"1","tokenUrl":"/t",
                            "wrapUpSecs":9,"agentName":"Ava","campaignName":"C"}}"#,
        )
        .unwrap_or_else(|e| panic!("{e}"));
        assert_eq!((c.gws_url.as_str(), c.username.as_str(), c.password.as_str(), c.lang.as_str()), ("https://g", "u", "p", "hi"));
        assert_eq!((c.not_ready_reasons, c.user_data_keys, c.dispositions), (vec!["A".to_string()], vec!["K.x".to_string()], vec!["D".to_string()]));
        assert_eq!((c.click_to_dial, c.notify_when_hidden, c.ring_sound.as_str(), c.disposition_key.as_str()), (true, false, "/r.mp3", "DK"));
        assert_eq!((c.pause_reasons, c.callback_dispositions), (vec!["P".to_string()], vec!["CB".to_string()]));
        let o = c.ozonetel;
        assert_eq!((o.base_url.as_str(), o.user_name.as_str(), o.agent_id.as_str(), o.did.as_str()), ("https://o", "n", "a", "1"));
        assert_eq!((o.token_url.as_str(), o.wrap_up_secs, o.agent_name.as_str(), o.campaign_name.as_str()), ("/t", 9, "Ava", "C"));

        let err = |json: &str| WidgetConfig::from_json(json).unwrap_err().0;
        assert!(err(r#"{"gwsUrl":5}"#).contains("gwsUrl must be text"));
        assert!(err(r#"{"clickToDial":"yes"}"#).contains("clickToDial must be true or false"));
        assert!(err(r#"{"dispositions":["A",1]}"#).contains("dispositions must be a list of texts"));
        assert!(err(r#"{"ozonetel":{"wrapUpSecs":-1}}"#).contains("ozonetel.wrapUpSecs must be a whole number"));
        assert!(err(r#"{"ozonetel":"x"}"#).contains("ozonetel must be an object"));
        assert!(err("[]").contains("must be an object"));
        assert!(err(r#"{"gwsURL":"x"}"#).contains("did you mean \"gwsUrl\""));
        assert!(err(r#"{"ozonetel":{"agent_id":"x"}}"#).contains("did you mean \"ozonetel.agentId\""));
        assert!(err(r#"{"bogus":1}"#).contains("the fields are: telephony, gwsUrl"));
        assert!(err("{").contains("not JSON"));
    }

    #[test]
    fn bad_url_and_half_credentials_are_refused() {
        assert!(WidgetConfig::from_json(r#"{"gwsUrl":"gws.example.com"}"#).is_err());
        assert!(WidgetConfig::from_json(r#"{"username":"ava"}"#).is_err());
        let ok = WidgetConfig::from_json(r#"{"gwsUrl":"http://h:1/","username":"a","password":"b"}"#)
            .unwrap();
        assert_eq!(ok.gws_base(), "http://h:1");
    }

    #[test]
    fn disposition_settings_have_defaults_and_are_read() {
        let c = WidgetConfig::default();
        assert_eq!(c.vendor(), DispositionVendor::Genesys);
        assert!(!c.dispositions.is_empty());
        assert_eq!(c.pause_reason_list(), c.not_ready_reasons.as_slice());
        assert!(c.needs_callback_time("call back"));
        assert_eq!(c.ozonetel.base(), DEFAULT_OZONETEL_URL);

        let c = WidgetConfig::from_json(
            r#"{"dispositionVendor":"Ozonetel","dispositions":["A"],"dispositionKey":"DC","pauseReasons":["Tea"],
                "callbackDispositions":["Later"],
                "ozonetel":{"baseUrl":"http://127.0.0.1:8765/","userName":"demo_crm","agentId":"ava","did":"9140",
                            "apiKey":"sim-api-key","wrapUpSecs":5}}"#,
        )
        .unwrap();
        assert_eq!(c.vendor(), DispositionVendor::Ozonetel);
        assert_eq!(c.disposition_vendor, "ozonetel");
        assert_eq!(c.pause_reason_list(), ["Tea"]);
        assert!(c.needs_callback_time("Later") && !c.needs_callback_time("Call Back"));
        assert_eq!(c.ozonetel.base(), "http://127.0.0.1:8765");
        assert_eq!(c.ozonetel.wrap_up_secs, 5);
    }

    #[test]
    fn disposition_settings_are_checked() {
        let err = |json: &str| WidgetConfig::from_json(json).unwrap_err().0;
        assert!(err(r#"{"dispositionVendor":"five9"}"#).contains("dispositionVendor"));
        assert!(err(r#"{"dispositions":["A"," "]}"#).contains("empty"));
        assert!(err(r#"{"ozonetel":{"baseUrl":"ozonetel.com"}}"#).contains("baseUrl"));
        assert!(err(r#"{"ozonetel":{"tokenUrl":"ftp://x"}}"#).contains("tokenUrl"));
        assert!(err(r#"{"dispositionVendor":"ozonetel"}"#).contains("userName"));
        assert!(err(r#"{"ozonetel":{"apiKey":"k"}}"#).contains("simulator"), "a real host with a key");
        assert!(err(r#"{"ozonetel":{"baseUrl":"https://127.0.0.1.evil.com","apiKey":"k"}}"#).contains("simulator"));
        assert!(err(r#"{"ozonetel":{"token":"x"}}"#).contains("token"), "unknown fields are named");
        for ok in ["http://localhost:8765", "http://127.0.0.1:9", "http://[::1]:80/x"] {
            let json = format!(r#"{{"ozonetel":{{"baseUrl":"{ok}","apiKey":"k"}}}}"#);
            assert!(WidgetConfig::from_json(&json).is_ok(), "{ok}");
        }
        assert!(WidgetConfig::from_json(r#"{"ozonetel":{"tokenUrl":"/crm/ozonetel-token"}}"#).is_ok());
    }

    #[test]
    fn a_v4_loopback_address_is_read_as_the_standard_library_reads_it() {
        for name in [
            "127.0.0.1", "127.255.255.255", "127.1.2.3", "127.0.0.01", "127.0.0", "127.0.0.1.", "127.0.0.256",
            "128.0.0.1", "127..0.1", "127.0.0.+1", "1270.0.0.1", "127.0.0.1.evil.com", "", "localhost",
        ] {
            let std = name.parse::<std::net::Ipv4Addr>().is_ok_and(|ip| ip.is_loopback());
            assert_eq!(is_v4_loopback(name), std, "{name}");
        }
    }

    #[test]
    fn ozonetel_telephony_needs_the_account_and_agent_and_records_at_ozonetel() {
        let err = |json: &str| WidgetConfig::from_json(json).unwrap_err().0;
        assert!(err(r#"{"telephony":"five9"}"#).contains("telephony"));
        assert!(err(r#"{"telephony":"ozonetel","ozonetel":{"userName":"demo_crm"}}"#).contains("agentId"));
        assert!(err(r#"{"telephony":"ozonetel","ozonetel":{"agentId":"ava"}}"#).contains("userName"));
        let c = WidgetConfig::from_json(
            r#"{"telephony":"Ozonetel","ozonetel":{"userName":"demo_crm","agentId":"ava","agentName":"Ava Patel","campaignName":"Progressive"}}"#,
        )
        .unwrap();
        assert_eq!(c.telephony(), TelephonyVendor::Ozonetel);
        assert_eq!(c.vendor(), DispositionVendor::Ozonetel, "an Ozonetel-only site disposes at Ozonetel");
        assert_eq!(c.ozonetel.agent_name, "Ava Patel");
        assert_eq!(c.ozonetel.campaign_name, "Progressive");
        // Every configuration that worked keeps working, on Genesys.
        assert_eq!(WidgetConfig::from_json("{}").unwrap().telephony(), TelephonyVendor::Genesys);
    }

    #[test]
    fn a_build_refuses_the_telephony_it_cannot_drive_and_says_how_to_load_it() {
        let only = |v: TelephonyVendor| move |b: TelephonyVendor| b == v;
        assert!(check_built("genesys", only(TelephonyVendor::Genesys)).is_ok());
        assert!(check_built("ozonetel", only(TelephonyVendor::Ozonetel)).is_ok());
        let err = check_built("ozonetel", only(TelephonyVendor::Genesys)).unwrap_err().0;
        assert!(err.contains("only telephony \"genesys\", not \"ozonetel\"") && err.contains("crm-call-widget.js"), "{err}");
        let err = check_built("genesys", only(TelephonyVendor::Ozonetel)).unwrap_err().0;
        assert!(err.contains("only telephony \"ozonetel\", not \"genesys\""), "{err}");
        // The tests' own build drives both.
        assert!(TelephonyVendor::Genesys.built() && TelephonyVendor::Ozonetel.built());
    }

    #[test]
    fn a_build_refuses_the_disposition_vendor_it_cannot_record_at() {
        let only = |v: DispositionVendor| move |b: DispositionVendor| b == v;
        assert!(check_vendor_built("genesys", only(DispositionVendor::Genesys)).is_ok());
        assert!(check_vendor_built("ozonetel", only(DispositionVendor::Ozonetel)).is_ok());
        let err = check_vendor_built("ozonetel", only(DispositionVendor::Genesys)).unwrap_err().0;
        assert!(err.contains("does not record dispositions at \"ozonetel\"") && err.contains("crm-call-widget.js"), "{err}");
        assert!(DispositionVendor::Genesys.built() && DispositionVendor::Ozonetel.built());
    }
}
