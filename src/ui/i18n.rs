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

macro_rules! catalog {
    ($($key:ident => $en:expr, $hi:expr;)*) => {
        /// A sentence of the interface. Each variant has a text in every language.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Text { $($key),* }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$key),*];

            /// The sentence in `lang`.
            pub fn in_(self, lang: Lang) -> &'static str {
                match (self, lang) {
                    $((Text::$key, Lang::En) => $en, (Text::$key, Lang::Hi) => $hi,)*
                }
            }
        }
    };
}

catalog! {
    Connecting => "Connecting…", "कनेक्ट हो रहा है…";
    Connected => "Connected", "जुड़ा हुआ";
    Reconnecting => "Connection lost — reconnecting", "कनेक्शन टूट गया — फिर से जोड़ रहे हैं";
    NextTryIn => "next try in", "अगली कोशिश";
    SlowUpdates => "Several tabs are open: call updates may arrive a little late.", "कई टैब खुले हैं: कॉल की जानकारी थोड़ी देर से आ सकती है।";
    Disconnected => "Disconnected from the phone system.", "फ़ोन सिस्टम से कनेक्शन टूट गया।";
    SessionEnded => "Your phone session has ended.", "आपका फ़ोन सत्र समाप्त हो गया है।";
    SignInAgain => "Sign in again", "फिर से साइन इन करें";
    Reconnect => "Reconnect", "फिर से जोड़ें";
    ConfigProblem => "The call panel is not set up correctly.", "कॉल पैनल सही तरह से सेट नहीं है।";
    CannotReachServer => "Can't reach the phone system. Check your connection.", "फ़ोन सिस्टम तक नहीं पहुँच पा रहे। अपना कनेक्शन जाँचें।";
    Retry => "Retry", "फिर से कोशिश करें";
    Dismiss => "Dismiss", "बंद करें";
    CallPanel => "Call panel", "कॉल पैनल";
    YourStatus => "Your status", "आपकी स्थिति";
    Ready => "Ready", "तैयार";
    NotReady => "Not Ready", "तैयार नहीं";
    AfterCallWork => "After Call Work", "कॉल के बाद का काम";
    LoggedOut => "Logged out", "लॉग आउट";
    NoCalls => "No calls right now.", "अभी कोई कॉल नहीं है।";
    NumberToDial => "Number to dial", "डायल करने का नंबर";
    Call => "Call", "कॉल करें";
    Calls => "Calls", "कॉल";
    Working => "Working…", "हो रहा है…";
    Answer => "Answer", "उठाएँ";
    Hangup => "Hang up", "काटें";
    Hold => "Hold", "होल्ड करें";
    Retrieve => "Resume", "वापस लें";
    Mute => "Mute", "म्यूट करें";
    Unmute => "Unmute", "अनम्यूट करें";
    Keypad => "Keypad", "कीपैड";
    Transfer => "Transfer", "ट्रांसफ़र";
    Conference => "Conference", "कॉन्फ़्रेंस";
    TransferNow => "Transfer now", "अभी ट्रांसफ़र करें";
    ConsultFirst => "Consult first", "पहले बात करें";
    AddNow => "Add now", "अभी जोड़ें";
    CompleteTransfer => "Complete transfer", "ट्रांसफ़र पूरा करें";
    CompleteConference => "Join into conference", "कॉन्फ़्रेंस में जोड़ें";
    SwapCalls => "Swap", "अदला-बदली";
    MergeCalls => "Merge calls", "कॉल मिलाएँ";
    Remove => "Remove", "हटाएँ";
    Cancel => "Cancel", "रद्द करें";
    Send => "Send", "भेजें";
    TransferTo => "Transfer to", "किसे ट्रांसफ़र करें";
    ConferenceWith => "Add to conference", "कॉन्फ़्रेंस में किसे जोड़ें";
    Participants => "Participants", "प्रतिभागी";
    TonesSent => "Tones sent", "भेजे गए टोन";
    Inbound => "Inbound", "आने वाली";
    Outbound => "Outbound", "जाने वाली";
    Internal => "Internal", "आंतरिक";
    Consult => "Consult", "परामर्श";
    Dialing => "Dialing", "डायल हो रहा है";
    Ringing => "Ringing", "घंटी बज रही है";
    Established => "Connected", "जुड़ा हुआ";
    Held => "On hold", "होल्ड पर";
    Released => "Ended", "समाप्त";
    WrapUp => "Wrap-up", "रैप-अप";
    Muted => "Muted", "म्यूट";
    ShowCall => "Show this call", "यह कॉल दिखाएँ";
    EnterNumber => "Enter a number first.", "पहले एक नंबर डालें।";
    OnlyDigits => "Use digits 0–9, * and # only.", "केवल 0–9, * और # का उपयोग करें।";
    NoDevice => "No phone device is assigned to you.", "आपको कोई फ़ोन डिवाइस नहीं दिया गया है।";
    IncomingCall => "Incoming call", "आने वाली कॉल";
    AskSupervisor => "Ask your supervisor to check your phone set-up.", "अपने सुपरवाइज़र से फ़ोन सेट-अप जाँचने को कहें।";
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
    fn every_text_is_translated_and_not_empty() {
        for t in Text::ALL {
            assert!(!t.in_(Lang::En).is_empty() && !t.in_(Lang::Hi).is_empty());
            assert_ne!(t.in_(Lang::En), t.in_(Lang::Hi), "{t:?} is not translated");
        }
    }
}
