//! The one catalog of every sentence the agent reads, in English and Hindi.

/// Interface languages.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Lang {
    En,
    Hi,
}

impl Lang {
    /// `en`/`hi` from config, else the browser's language (`hi-IN` → Hindi), else English.
    pub fn choose(configured: &str, browser: &str) -> Self {
        let pick = if configured.is_empty() { browser } else { configured };
        if pick.to_ascii_lowercase().starts_with("hi") {
            Lang::Hi
        } else {
            Lang::En
        }
    }
}

/// A sentence of the interface. Each variant has a text in every language.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Text {
    Connecting,
    Connected,
    SignedInAs,
    ConfigProblem,
    CannotReachServer,
    Retry,
}

impl Text {
    pub const ALL: [Text; 6] = [
        Text::Connecting,
        Text::Connected,
        Text::SignedInAs,
        Text::ConfigProblem,
        Text::CannotReachServer,
        Text::Retry,
    ];

    /// The sentence in `lang`.
    pub fn in_(self, lang: Lang) -> &'static str {
        use Text::*;
        match (lang, self) {
            (Lang::En, Connecting) => "Connecting…",
            (Lang::Hi, Connecting) => "कनेक्ट हो रहा है…",
            (Lang::En, Connected) => "Connected",
            (Lang::Hi, Connected) => "जुड़ा हुआ",
            (Lang::En, SignedInAs) => "Signed in as",
            (Lang::Hi, SignedInAs) => "साइन इन:",
            (Lang::En, ConfigProblem) => "The call panel is not set up correctly.",
            (Lang::Hi, ConfigProblem) => "कॉल पैनल सही तरह से सेट नहीं है।",
            (Lang::En, CannotReachServer) => "Can't reach the phone system. Check your connection.",
            (Lang::Hi, CannotReachServer) => "फ़ोन सिस्टम तक नहीं पहुँच पा रहे। अपना कनेक्शन जाँचें।",
            (Lang::En, Retry) => "Retry",
            (Lang::Hi, Retry) => "फिर से कोशिश करें",
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn language_comes_from_config_then_browser() {
        assert_eq!(Lang::choose("", "hi-IN"), Lang::Hi);
        assert_eq!(Lang::choose("en", "hi-IN"), Lang::En);
        assert_eq!(Lang::choose("", "de-DE"), Lang::En);
    }

    #[test]
    fn every_text_differs_between_languages_and_is_not_empty() {
        for t in Text::ALL {
            assert!(!t.in_(Lang::En).is_empty() && !t.in_(Lang::Hi).is_empty());
            assert_ne!(t.in_(Lang::En), t.in_(Lang::Hi), "{t:?} is not translated");
        }
    }
}
