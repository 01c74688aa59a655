//! The one catalog of every sentence the agent reads, in English and Hindi.
//!
//! English is compiled into the widget. In a wasm build the Hindi half is left out: it
//! ships as its own content-hashed asset (`www/i18n/hi.json`, generated from this catalog;
//! see `hindi_asset`), which the loader fetches only for a Hindi widget and hands to
//! `installCatalog` before the first render. Natively (tests) both halves are compiled in.

use crate::gather::Gather;
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
        ///
        /// Every build has every variant, so the Hindi asset (indexed by variant) is one for
        /// all builds; a build leaves out the English of the sentences it cannot show (see
        /// `in_build`): the code that would show them is not in it.
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum Text { $($key),* }

        impl Text {
            pub const ALL: &'static [Text] = &[$(Text::$key),*];

            /// The variants' names in order, hashed at compile time (the names themselves
            /// stay out of the wasm): a Hindi asset made for another catalog is refused.
            const KEYS: u64 = fingerprint(&[$(stringify!($key)),*]);

            /// The English sentence; empty for one this build cannot show.
            fn english(self) -> &'static str {
                english::sentence(self as usize)
            }
        }

        /// The English half as the wasm keeps it: every sentence in one run of bytes and
        /// where each ends (two bytes a sentence), both made at compile time; a `match`
        /// returning each sentence's address and length took five times the bytes.
        mod english {
            const SENTENCES: &[&str] = &[$(if super::Text::$key.in_build() { $en } else { "" }),*];
            const LEN: usize = total_len(SENTENCES);
            static TEXT: [u8; LEN] = joined(SENTENCES);
            static ENDS: [u16; SENTENCES.len()] = ends(SENTENCES);

            pub fn sentence(index: usize) -> &'static str {
                let start = match index.checked_sub(1) {
                    Some(previous) => ENDS.get(previous).copied().unwrap_or(0) as usize,
                    None => 0,
                };
                let end = ENDS.get(index).copied().unwrap_or(0) as usize;
                TEXT.get(start..end).and_then(|bytes| std::str::from_utf8(bytes).ok()).unwrap_or("")
            }

            const fn total_len(all: &[&str]) -> usize {
                let (mut total, mut i) = (0, 0);
                while i < all.len() {
                    total += all[i].len();
                    i += 1;
                }
                assert!(total <= u16::MAX as usize, "the English catalog outgrew two-byte offsets");
                total
            }

            const fn joined(all: &[&str]) -> [u8; LEN] {
                let mut out = [0u8; LEN];
                let (mut at, mut i) = (0, 0);
                while i < all.len() {
                    let bytes = all[i].as_bytes();
                    let mut j = 0;
                    while j < bytes.len() {
                        out[at] = bytes[j];
                        at += 1;
                        j += 1;
                    }
                    i += 1;
                }
                out
            }

            const fn ends(all: &[&str]) -> [u16; SENTENCES.len()] {
                let mut out = [0u16; SENTENCES.len()];
                let (mut at, mut i) = (0, 0);
                while i < all.len() {
                    at += all[i].len();
                    out[i] = at as u16;
                    i += 1;
                }
                out
            }
        }

        impl Text {

            /// The English sentence as written here (the tests' reference for `english`).
            #[cfg(test)]
            fn english_written(self) -> &'static str {
                match self { $(Text::$key => $en,)* }
            }

            /// The Hindi sentence as written here; a wasm build leaves these out.
            #[cfg(not(target_arch = "wasm32"))]
            fn hindi_written(self) -> &'static str {
                match self { $(Text::$key => $hi,)* }
            }
        }
    };
}

impl Text {
    /// The sentence in `lang`. In wasm, Hindi is the installed catalog's sentence, or the
    /// English one when no catalog was installed (its fetch failed or it was refused).
    pub fn in_(self, lang: Lang) -> &'static str {
        match lang {
            Lang::En => self.english(),
            Lang::Hi => self.hindi(),
        }
    }

    #[cfg(not(target_arch = "wasm32"))]
    fn hindi(self) -> &'static str {
        self.hindi_written()
    }

    #[cfg(target_arch = "wasm32")]
    fn hindi(self) -> &'static str {
        installed::sentence(self).unwrap_or_else(|| self.english())
    }
}

/// FNV-1a over `keys`, each followed by a newline; `const` so it runs at compile time.
const fn fingerprint(keys: &[&str]) -> u64 {
    const PRIME: u64 = 0x0000_0100_0000_01b3;
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    let mut i = 0;
    while i < keys.len() {
        let bytes = keys[i].as_bytes();
        let mut j = 0;
        while j < bytes.len() {
            hash = (hash ^ bytes[j] as u64).wrapping_mul(PRIME);
            j += 1;
        }
        hash = (hash ^ b'\n' as u64).wrapping_mul(PRIME);
        i += 1;
    }
    hash
}

/// The first entry of a Hindi asset: the format, the language and the catalog's keys.
fn asset_header() -> String {
    format!("ccw-catalog/1 hi {:016x}", Text::KEYS)
}

/// Why a Hindi asset was refused.
#[derive(Debug, PartialEq, Eq)]
pub enum AssetError {
    /// Not a JSON array.
    NotAList,
    /// Its header is not this build's: made for another catalog (keys added, removed,
    /// renamed or reordered) or another format.
    OtherCatalog,
    /// Not one sentence for each `Text`.
    Count { expected: usize, found: usize },
    /// The entry at this index (the header is 0) is not a non-empty string.
    NotASentence(usize),
}

impl std::fmt::Display for AssetError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            AssetError::NotAList => write!(f, "it is not a JSON array"),
            AssetError::OtherCatalog => write!(f, "it was made for another build (its first entry is not \"{}\")", asset_header()),
            AssetError::Count { expected, found } => write!(f, "it has {found} sentences, this build has {expected}"),
            AssetError::NotASentence(i) => write!(f, "entry {i} is not a sentence"),
        }
    }
}

/// Checks a Hindi asset's entries (`None` for one that is not a string): the header, then
/// one non-empty sentence per `Text`, in `Text::ALL` order. Gives the sentences.
pub fn check_hindi_asset(entries: Vec<Option<String>>) -> Result<Vec<String>, AssetError> {
    let mut entries = entries.into_iter();
    if entries.next().flatten() != Some(asset_header()) {
        return Err(AssetError::OtherCatalog);
    }
    let sentences: Vec<Option<String>> = entries.gather();
    if sentences.len() != Text::ALL.len() {
        return Err(AssetError::Count { expected: Text::ALL.len(), found: sentences.len() });
    }
    sentences
        .into_iter()
        .enumerate()
        .map(|(i, s)| s.filter(|s| !s.is_empty()).ok_or(AssetError::NotASentence(i + 1)))
        .collect()
}

/// The Hindi asset's text as the build ships it (`www/i18n/hi.json`): a JSON array of the
/// header and the Hindi sentences in `Text::ALL` order, one a line.
#[cfg(not(target_arch = "wasm32"))]
pub fn hindi_asset() -> String {
    let header = std::iter::once(asset_header());
    let sentences = Text::ALL.iter().map(|t| t.hindi_written().to_string());
    let lines: Vec<String> = header.chain(sentences).map(|s| json_string(&s)).gather();
    format!("[\n{}\n]\n", lines.join(",\n"))
}

/// `text` as a JSON string literal (non-ASCII kept as it is).
#[cfg(not(target_arch = "wasm32"))]
fn json_string(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

/// The Hindi sentences installed in this page (wasm): leaked once, kept for the page's life.
#[cfg(target_arch = "wasm32")]
mod installed {
    use super::Text;
    use std::cell::Cell;

    thread_local! {
        static HINDI: Cell<Option<&'static [&'static str]>> = const { Cell::new(None) };
    }

    pub fn sentence(text: Text) -> Option<&'static str> {
        HINDI.with(Cell::get).and_then(|all| all.get(text as usize).copied())
    }

    /// Keeps `sentences` (checked, in `Text::ALL` order). The first catalog installed stays:
    /// a later one is dropped, so no widget's text changes under it.
    pub fn keep(sentences: Vec<String>) {
        if HINDI.with(Cell::get).is_some() {
            return;
        }
        let all: Vec<&'static str> = sentences.into_iter().map(|s| &*Box::leak(s.into_boxed_str())).collect();
        HINDI.with(|h| h.set(Some(Box::leak(all.into_boxed_slice()))));
    }
}

/// The loader's door for the Hindi asset (wasm).
#[cfg(target_arch = "wasm32")]
mod install {
    use super::{check_hindi_asset, AssetError};
    use wasm_bindgen::prelude::*;

    /// Installs the Hindi catalog: the asset's text, or its already-parsed array. Call it
    /// before mounting a Hindi widget. Throws (and installs nothing) when the asset is not
    /// this build's; Hindi widgets then speak English. A second install is ignored.
    #[wasm_bindgen(js_name = installCatalog)]
    pub fn install_catalog(asset: JsValue) -> Result<(), JsValue> {
        let parsed = match asset.as_string() {
            Some(text) => js_sys::JSON::parse(&text).map_err(|_| refused(AssetError::NotAList))?,
            None => asset,
        };
        if !js_sys::Array::is_array(&parsed) {
            return Err(refused(AssetError::NotAList));
        }
        let entries = js_sys::Array::from(&parsed).iter().map(|v| v.as_string()).collect();
        let sentences = check_hindi_asset(entries).map_err(refused)?;
        super::installed::keep(sentences);
        Ok(())
    }

    fn refused(err: AssetError) -> JsValue {
        JsValue::from_str(&format!("crm-call-widget: the Hindi catalog was refused: {err}"))
    }
}

catalog! {
    Connecting => "Connecting…", "कनेक्ट हो रहा है…";
    Reconnecting => "Connection lost — reconnecting", "कनेक्शन टूट गया — फिर से जोड़ रहे हैं";
    NextTryIn => "next try in", "अगली कोशिश";
    Disconnected => "Disconnected from the phone system.", "फ़ोन सिस्टम से कनेक्शन टूट गया।";
    SessionEnded => "Your phone session has ended.", "आपका फ़ोन सत्र समाप्त हो गया है।";
    CallErrorReported => "The phone system reported a problem with a call. The panel has checked your calls again.", "फ़ोन सिस्टम ने एक कॉल में समस्या बताई। पैनल ने आपकी कॉल दोबारा जाँच ली हैं।";
    NotConfirmed => "The phone system accepted that, but nothing has happened yet. The panel has checked your calls again.", "फ़ोन सिस्टम ने अनुरोध ले लिया, पर अभी तक कुछ नहीं हुआ। पैनल ने आपकी कॉल दोबारा जाँच ली हैं।";
    TryAgainIfUnchanged => "If nothing changed, try once more.", "अगर कुछ नहीं बदला, तो एक बार फिर कोशिश करें।";
    SignedInNotReady => "Signed in", "साइन इन";
    SessionNotKept => "This browser isn't keeping the phone system's sign-in, so calls can't reach this panel. Tell your administrator (the details are in the browser console).", "यह ब्राउज़र फ़ोन सिस्टम का साइन-इन नहीं रख रहा, इसलिए कॉल इस पैनल तक नहीं पहुँच सकतीं। अपने एडमिनिस्ट्रेटर को बताएँ (जानकारी ब्राउज़र कंसोल में है)।";
    SignInAgain => "Sign in again", "फिर से साइन इन करें";
    Reconnect => "Reconnect", "फिर से जोड़ें";
    ConfigProblem => "The call panel is not set up correctly.", "कॉल पैनल सही तरह से सेट नहीं है।";
    Retry => "Retry", "फिर से कोशिश करें";
    Dismiss => "Dismiss", "बंद करें";
    CallPanel => "Call panel", "कॉल पैनल";
    YourStatus => "Your status", "आपकी स्थिति";
    Ready => "Ready", "तैयार";
    NotReady => "Not Ready", "तैयार नहीं";
    AfterCallWork => "After Call Work", "कॉल के बाद का काम";
    LoggedOut => "Logged out", "लॉग आउट";
    Extension => "Ext.", "एक्सटेंशन";
    NoCalls => "No calls right now.", "अभी कोई कॉल नहीं है।";
    NumberToDial => "Number to dial", "डायल करने का नंबर";
    Call => "Call", "कॉल करें";
    Calls => "Calls", "कॉल";
    Working => "Working…", "हो रहा है…";
    Answer => "Answer", "उठाएँ";
    Hangup => "Hang up", "काटें";
    Decline => "Decline", "अस्वीकार करें";
    Hold => "Hold", "होल्ड करें";
    Retrieve => "Resume", "वापस लें";
    Mute => "Mute", "म्यूट करें";
    Unmute => "Unmute", "अनम्यूट करें";
    Keypad => "Keypad", "कीपैड";
    CallControls => "Call controls", "कॉल नियंत्रण";
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
    TransferTo => "Number to transfer to", "किस नंबर पर ट्रांसफ़र करें";
    ConferenceWith => "Number to add to conference", "कॉन्फ़्रेंस में जोड़ने का नंबर";
    TransferForm => "Transfer to another person", "किसी और को ट्रांसफ़र करें";
    ConferenceForm => "Add to conference: invite someone", "कॉन्फ़्रेंस में जोड़ें: किसी को बुलाएँ";
    DeviceProblem => "Your phone has a problem: the phone system reports an error on it. Check that your phone is connected and signed in; calls may not reach you until it is.", "आपके फ़ोन में समस्या है: फ़ोन सिस्टम उस पर गड़बड़ी बता रहा है। जाँचें कि फ़ोन जुड़ा और साइन-इन है; तब तक कॉल आप तक शायद न पहुँचें।";
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
    SignOut => "Sign out", "साइन आउट करें";
    OtherTabsOpen => "Another CRM tab still uses the phone, so you stay signed in.", "फ़ोन अभी एक और CRM टैब में चल रहा है, इसलिए आप साइन इन रहेंगे।";
    CloseOtherTabs => "Close the other tabs first, then sign out.", "पहले बाकी टैब बंद करें, फिर साइन आउट करें।";
    GwsMissingParameter => "The request was missing a required detail.", "अनुरोध में एक ज़रूरी जानकारी नहीं थी।";
    GwsInvalidForState => "That action isn't available for this call right now.", "यह काम इस कॉल पर अभी नहीं हो सकता।";
    GwsForbidden => "The phone system refused that action.", "फ़ोन सिस्टम ने यह काम करने से मना कर दिया।";
    GwsInternalError => "The phone system had an internal error.", "फ़ोन सिस्टम में अंदरूनी गड़बड़ी हुई।";
    GwsNoPermission => "Your account isn't allowed to do that.", "आपके खाते को यह करने की अनुमति नहीं है।";
    GwsNotFound => "That call or item no longer exists.", "वह कॉल या चीज़ अब मौजूद नहीं है।";
    GwsPartialSuccess => "That only partly worked.", "यह केवल आंशिक रूप से हुआ।";
    GwsPasswordChange => "Your password must be changed before you can continue.", "आगे बढ़ने से पहले आपको अपना पासवर्ड बदलना होगा।";
    GwsProcessingIncomplete => "The phone system is still working on an earlier request.", "फ़ोन सिस्टम अभी पिछले अनुरोध पर काम कर रहा है।";
    GwsInvalidInput => "Something you entered isn't valid.", "आपने जो डाला उसमें कुछ मान्य नहीं है।";
    GwsReadOnly => "That setting can't be changed.", "यह सेटिंग बदली नहीं जा सकती।";
    GwsUnableToRetrieve => "The phone system couldn't look that up.", "फ़ोन सिस्टम इसे ढूँढ नहीं सका।";
    GwsUnableToCreate => "The phone system couldn't create that.", "फ़ोन सिस्टम इसे बना नहीं सका।";
    GwsUnableToDelete => "The phone system couldn't remove that.", "फ़ोन सिस्टम इसे हटा नहीं सका।";
    GwsUnableToUpdate => "The phone system couldn't save that change.", "फ़ोन सिस्टम यह बदलाव सेव नहीं कर सका।";
    GwsUnableToAssign => "The phone system couldn't assign that.", "फ़ोन सिस्टम इसे सौंप नहीं सका।";
    GwsUnableToUnassign => "The phone system couldn't unassign that.", "फ़ोन सिस्टम इसे वापस नहीं ले सका।";
    GwsAlreadyExists => "That already exists.", "यह पहले से मौजूद है।";
    GwsInUse => "That is in use right now.", "यह अभी इस्तेमाल में है।";
    GwsNotAuthenticated => "You're signed out of the phone system.", "आप फ़ोन सिस्टम से साइन आउट हैं।";
    GwsCsrfRejected => "The phone system rejected the request's security token.", "फ़ोन सिस्टम ने अनुरोध का सुरक्षा टोकन अस्वीकार कर दिया।";
    GwsSessionExpired => "Your phone system session has ended.", "आपका फ़ोन सिस्टम सत्र समाप्त हो गया है।";
    GwsUnavailable => "The phone system isn't answering.", "फ़ोन सिस्टम जवाब नहीं दे रहा।";
    GwsUnknownStatus => "The phone system gave an answer the panel doesn't know.", "फ़ोन सिस्टम ने ऐसा जवाब दिया जिसे पैनल नहीं जानता।";
    GwsUnexpectedHttp => "The phone system gave an unexpected answer.", "फ़ोन सिस्टम ने अप्रत्याशित जवाब दिया।";
    NextStateChanged => "The call's state changed — the panel shows what you can do now.", "कॉल की स्थिति बदल गई — पैनल दिखा रहा है कि अब आप क्या कर सकते हैं।";
    NextCheckInput => "Check what you entered and try again.", "जो डाला है उसे जाँचें और फिर से कोशिश करें।";
    NextAskSupervisor => "Ask your supervisor if you need this.", "अगर इसकी ज़रूरत है तो अपने सुपरवाइज़र से पूछें।";
    NextRefreshing => "The panel refreshes its list of calls.", "पैनल कॉल की सूची ताज़ा कर रहा है।";
    NextCheckPanel => "Check the panel for what changed.", "पैनल में देखें कि क्या बदला।";
    NextChangePassword => "Change your password in the agent desktop, then sign in again.", "एजेंट डेस्कटॉप में अपना पासवर्ड बदलें, फिर से साइन इन करें।";
    NextWait => "Wait a moment and try again.", "थोड़ा रुकें और फिर से कोशिश करें।";
    NextTellSupervisor => "Try again; if it keeps failing, tell your supervisor.", "फिर से कोशिश करें; अगर बार-बार विफल हो तो सुपरवाइज़र को बताएँ।";
    NextNothing => "Nothing more to do.", "और कुछ करने की ज़रूरत नहीं।";
    NextSignIn => "Sign in again; the panel reconnects by itself.", "फिर से साइन इन करें; पैनल अपने-आप जुड़ जाएगा।";
    NextRefreshSession => "The panel refreshes its session and retries.", "पैनल अपना सत्र ताज़ा करके फिर से कोशिश करता है।";
    NextRetrying => "The panel keeps retrying.", "पैनल कोशिश करता रहेगा।";
    NextUnknown => "Try again; if it keeps happening, tell your supervisor.", "फिर से कोशिश करें; अगर ऐसा होता रहे तो सुपरवाइज़र को बताएँ।";
    OpEnterNumber => "Enter a number to call.", "कॉल करने के लिए नंबर डालें।";
    OpOnlyKeys => "Only the keys 0–9, * and # can be sent.", "केवल 0–9, * और # कुंजियाँ भेजी जा सकती हैं।";
    OpCallGone => "That call is no longer available.", "वह कॉल अब उपलब्ध नहीं है।";
    OpMissing => "Something needed for this action is missing.", "इस काम के लिए ज़रूरी कुछ जानकारी नहीं है।";
    IncomingCall => "Incoming call", "आने वाली कॉल";
    Disposition => "Disposition", "डिस्पोज़िशन";
    Dispositions => "Dispositions", "डिस्पोज़िशन";
    FilterCodes => "Type to filter codes", "कोड खोजने के लिए लिखें";
    NoMatchingCodes => "No code matches.", "कोई कोड मेल नहीं खाता।";
    LoadingCodes => "Loading disposition codes…", "डिस्पोज़िशन कोड लोड हो रहे हैं…";
    CodesUnavailable => "Couldn't load the disposition codes.", "डिस्पोज़िशन कोड लोड नहीं हो सके।";
    Recent => "Recent", "हाल में";
    Comment => "Comment", "टिप्पणी";
    PauseAfterCall => "Pause after this call", "इस कॉल के बाद विराम लें";
    PauseReason => "Pause reason", "विराम का कारण";
    ChooseReason => "Choose a reason…", "कारण चुनें…";
    CallbackAt => "Call back at", "वापस कॉल का समय";
    SaveDisposition => "Save disposition", "डिस्पोज़िशन सेव करें";
    Saving => "Saving…", "सेव हो रहा है…";
    QueuedAtHangup => "Queued (applies at hang-up)", "कतार में (कॉल खत्म होने पर लागू होगा)";
    Saved => "Saved", "सेव हो गया";
    Failed => "Failed", "विफल";
    NotSentYet => "Not sent yet", "अभी भेजा नहीं गया";
    RetryingSoon => "Retrying automatically.", "अपने आप फिर से कोशिश होगी।";
    Change => "Change", "बदलें";
    Discard => "Discard", "हटा दें";
    Done => "Done", "हो गया";
    WrapUpEndsIn => "Wrap-up ends in", "रैप-अप समाप्त होने में";
    WrapUpOver => "Wrap-up time is over", "रैप-अप का समय खत्म हो गया";
    PickCodeFirst => "Pick a disposition first.", "पहले एक डिस्पोज़िशन चुनें।";
    PauseReasonRequired => "Choose a pause reason to pause after this call.", "इस कॉल के बाद विराम के लिए कारण चुनें।";
    CallbackTimeRequired => "Choose the date and time to call back.", "वापस कॉल करने की तारीख और समय चुनें।";
    OzonetelCall => "Ozonetel call", "ओज़ोनेटेल कॉल";
    OnCall => "On call", "कॉल पर";
    CallEnded => "Call ended", "कॉल समाप्त";
    SimulatorKey => "Simulator mode: an Ozonetel API key is in this page's setup. Never put a real key in a browser.", "सिम्युलेटर मोड: इस पेज के सेट-अप में ओज़ोनेटेल API कुंजी है। ब्राउज़र में असली कुंजी कभी न डालें।";
    RsnAlreadyDisposed => "This call already has a disposition, or its wrap-up time is over, so it can't take another one.", "इस कॉल का डिस्पोज़िशन पहले ही हो चुका है या इसका रैप-अप समय खत्म हो गया है, इसलिए दूसरा नहीं लिया जा सकता।";
    RsnAlreadySaved => "This call's disposition is already saved.", "इस कॉल का डिस्पोज़िशन पहले ही सेव हो चुका है।";
    RsnNoAnswer => "No answer from the server.", "सर्वर से कोई जवाब नहीं आया।";
    RsnOffline => "Can't reach the server. Check your connection.", "सर्वर तक नहीं पहुँच पा रहे। अपना कनेक्शन जाँचें।";
    RsnNoToken => "The page couldn't get an Ozonetel sign-in (token).", "पेज को ओज़ोनेटेल साइन-इन (टोकन) नहीं मिल सका।";
    RsnTokenMissing => "Ozonetel received the request without a sign-in (token).", "ओज़ोनेटेल को अनुरोध बिना साइन-इन (टोकन) के मिला।";
    RsnTokenExpired => "Ozonetel says the sign-in has expired.", "ओज़ोनेटेल के अनुसार साइन-इन की अवधि खत्म हो गई है।";
    RsnTokenInvalid => "Ozonetel says the sign-in is not valid.", "ओज़ोनेटेल के अनुसार साइन-इन मान्य नहीं है।";
    RsnTokenRefused => "Ozonetel didn't accept the sign-in.", "ओज़ोनेटेल ने साइन-इन स्वीकार नहीं किया।";
    RsnWrongAuthMode => "Ozonetel is set to API-key sign-in. Ask your administrator to switch API Authentication to Token.", "ओज़ोनेटेल API-कुंजी साइन-इन पर सेट है। अपने एडमिनिस्ट्रेटर से API Authentication को Token पर करने को कहें।";
    RsnAccount => "The Ozonetel account name is missing from the panel's setup. Tell your administrator.", "पैनल के सेट-अप में ओज़ोनेटेल खाते का नाम नहीं है। अपने एडमिनिस्ट्रेटर को बताएँ।";
    RsnUnknownAccount => "Ozonetel doesn't know the account name in the panel's setup. Tell your administrator.", "ओज़ोनेटेल पैनल के सेट-अप में दिए खाते के नाम को नहीं जानता। अपने एडमिनिस्ट्रेटर को बताएँ।";
    RsnInvalidAction => "Ozonetel didn't understand the request. Tell your administrator.", "ओज़ोनेटेल अनुरोध नहीं समझ सका। अपने एडमिनिस्ट्रेटर को बताएँ।";
    RsnInvalidAgent => "Ozonetel doesn't recognise your agent ID. Check you're logged in to the toolbar.", "ओज़ोनेटेल आपकी एजेंट ID नहीं पहचानता। जाँचें कि आप टूलबार में लॉग इन हैं।";
    RsnUnknownCall => "Ozonetel doesn't know this call.", "ओज़ोनेटेल इस कॉल को नहीं जानता।";
    RsnCallNotOnNumber => "Ozonetel couldn't find this call on this number (DID).", "ओज़ोनेटेल को यह कॉल इस नंबर (DID) पर नहीं मिली।";
    RsnCallIncomplete => "The call's details are incomplete, so it can't be disposed from here.", "कॉल की जानकारी अधूरी है, इसलिए यहाँ से डिस्पोज़िशन नहीं हो सकता।";
    RsnInvalidDisposition => "That disposition isn't in the list. Pick another one.", "यह डिस्पोज़िशन सूची में नहीं है। कोई दूसरा चुनें।";
    RsnTooLong => "That disposition is too long (250 characters at most).", "यह डिस्पोज़िशन बहुत लंबा है (अधिकतम 250 अक्षर)।";
    RsnAgentNotOnCall => "Ozonetel says you're not on this call.", "ओज़ोनेटेल के अनुसार आप इस कॉल पर नहीं हैं।";
    RsnTransient => "Ozonetel couldn't save it just now.", "ओज़ोनेटेल अभी इसे सेव नहीं कर सका।";
    RsnUnknownAnswer => "The server gave an answer the panel doesn't recognise.", "सर्वर ने ऐसा जवाब दिया जिसे पैनल नहीं पहचानता।";
    RsnPhoneUnavailable => "The phone system isn't answering.", "फ़ोन सिस्टम जवाब नहीं दे रहा।";
    RsnCallGone => "The phone system no longer knows this call.", "फ़ोन सिस्टम को अब यह कॉल नहीं मिल रही।";
    RsnPhoneInvalid => "The phone system refused the disposition as invalid.", "फ़ोन सिस्टम ने डिस्पोज़िशन को अमान्य बताकर लौटा दिया।";
    RsnNotAllowed => "Your account isn't allowed to set dispositions.", "आपके खाते को डिस्पोज़िशन सेट करने की अनुमति नहीं है।";
    RsnAgentUnavailable => "Ozonetel says you're not available for a call. Log in to the toolbar and set yourself Ready, then dial again.", "ओज़ोनेटेल के अनुसार आप कॉल के लिए उपलब्ध नहीं हैं। टूलबार में लॉग इन करके खुद को Ready करें, फिर दोबारा डायल करें।";
    RsnInvalidNumber => "Ozonetel can't dial that number. Check it and try again.", "ओज़ोनेटेल यह नंबर डायल नहीं कर सकता। नंबर जाँचकर फिर कोशिश करें।";
    RsnInvalidCampaign => "Ozonetel doesn't know the dialling campaign in the panel's setup. Tell your administrator.", "ओज़ोनेटेल पैनल के सेट-अप में दिए डायलिंग कैंपेन को नहीं जानता। अपने एडमिनिस्ट्रेटर को बताएँ।";
    RsnNoCampaign => "Dialling needs an Ozonetel campaign in the panel's setup. Tell your administrator.", "डायल करने के लिए पैनल के सेट-अप में ओज़ोनेटेल कैंपेन होना चाहिए। अपने एडमिनिस्ट्रेटर को बताएँ।";
    RsnDialNoId => "Ozonetel is placing the call but didn't say which call it is, so it has no card here.", "ओज़ोनेटेल कॉल लगा रहा है, पर उसने यह नहीं बताया कि कौन-सी कॉल है, इसलिए यहाँ उसका कार्ड नहीं है।";
    NotWithOzonetel => "That isn't available from the panel with Ozonetel.", "ओज़ोनेटेल के साथ यह पैनल से उपलब्ध नहीं है।";
    AgentId => "Agent ID", "एजेंट ID";
    RsnPhoneRefused => "The phone system couldn't save the disposition.", "फ़ोन सिस्टम डिस्पोज़िशन सेव नहीं कर सका।";
}

impl Text {
    /// Whether this build can show the sentence: the GWS answers, call controls, agent
    /// states and connection sentences only a build with the Genesys telephony; Ozonetel's
    /// token and answers only one that records dispositions at Ozonetel; click-to-dial's
    /// only one with the Ozonetel telephony. The others every build.
    const fn in_build(self) -> bool {
        use Text::*;
        match self {
            Connecting | Reconnecting | NextTryIn | Disconnected | SessionEnded |
            CallErrorReported | NotConfirmed | TryAgainIfUnchanged | SignedInNotReady |
            SessionNotKept | SignInAgain | Reconnect | YourStatus | Ready | NotReady |
            AfterCallWork | LoggedOut | Extension | Answer | Hangup | Decline | Hold | Retrieve |
            Mute | Unmute | CallControls | Transfer | Conference | TransferNow | ConsultFirst |
            AddNow | CompleteTransfer | CompleteConference | SwapCalls | MergeCalls | Remove |
            TransferTo | ConferenceWith | TransferForm | ConferenceForm | DeviceProblem |
            Participants | TonesSent | SignOut | OtherTabsOpen | CloseOtherTabs |
            GwsMissingParameter | GwsInvalidForState | GwsForbidden | GwsInternalError |
            GwsNoPermission | GwsNotFound | GwsPartialSuccess | GwsPasswordChange |
            GwsProcessingIncomplete | GwsInvalidInput | GwsReadOnly | GwsUnableToRetrieve |
            GwsUnableToCreate | GwsUnableToDelete | GwsUnableToUpdate | GwsUnableToAssign |
            GwsUnableToUnassign | GwsAlreadyExists | GwsInUse | GwsNotAuthenticated |
            GwsCsrfRejected | GwsSessionExpired | GwsUnavailable | GwsUnknownStatus |
            GwsUnexpectedHttp | NextStateChanged | NextCheckInput | NextAskSupervisor |
            NextRefreshing | NextCheckPanel | NextChangePassword | NextWait | NextTellSupervisor |
            NextNothing | NextSignIn | NextRefreshSession | NextRetrying | NextUnknown |
            OpOnlyKeys | OpCallGone | OpMissing | RsnPhoneUnavailable | RsnCallGone |
            RsnPhoneInvalid | RsnNotAllowed => cfg!(feature = "genesys"),
            OzonetelCall | OnCall | CallEnded | SimulatorKey | RsnNoToken | RsnTokenMissing |
            RsnTokenExpired | RsnTokenInvalid | RsnTokenRefused | RsnWrongAuthMode | RsnAccount |
            RsnUnknownAccount | RsnInvalidAction | RsnInvalidAgent | RsnUnknownCall |
            RsnCallNotOnNumber | RsnAgentNotOnCall | RsnTransient => cfg!(feature = "ozonetel-dispositions"),
            RsnAgentUnavailable | RsnInvalidNumber | RsnInvalidCampaign | RsnNoCampaign |
            RsnDialNoId | NotWithOzonetel => cfg!(feature = "ozonetel"),
            _ => true,
        }
    }
}

/// The sentence for a reason code the cores keep (outbox entries, refused inputs, vendor
/// answers): one per code; codes nobody knows yet get a generic one.
pub fn reason_text(code: &str) -> Text {
    match code {
        "oz:queued" => Text::QueuedAtHangup,
        "oz:saved" => Text::Saved,
        "already-disposed" => Text::RsnAlreadyDisposed,
        "already-saved" => Text::RsnAlreadySaved,
        "no-answer" => Text::RsnNoAnswer,
        "net:offline" => Text::RsnOffline,
        "oz:no-token" => Text::RsnNoToken,
        "oz:token-missing" => Text::RsnTokenMissing,
        "oz:token-expired" => Text::RsnTokenExpired,
        "oz:token-invalid" => Text::RsnTokenInvalid,
        "oz:token-refused" => Text::RsnTokenRefused,
        "oz:wrong-auth-mode" => Text::RsnWrongAuthMode,
        "oz:username-missing" => Text::RsnAccount,
        "oz:invalid-user" => Text::RsnUnknownAccount,
        "oz:invalid-action" => Text::RsnInvalidAction,
        "oz:invalid-agent" => Text::RsnInvalidAgent,
        "oz:invalid-ucid" => Text::RsnUnknownCall,
        "oz:invalid-ucid-did" => Text::RsnCallNotOnNumber,
        "call-incomplete" => Text::RsnCallIncomplete,
        "oz:empty-disposition" => Text::PickCodeFirst,
        "oz:invalid-disposition" => Text::RsnInvalidDisposition,
        "too-long" => Text::RsnTooLong,
        "oz:pause-reason" => Text::PauseReasonRequired,
        "oz:callback-time" => Text::CallbackTimeRequired,
        "oz:agent-not-on-call" => Text::RsnAgentNotOnCall,
        "oz:transient" => Text::RsnTransient,
        "oz:agent-unavailable" => Text::RsnAgentUnavailable,
        "oz:invalid-number" => Text::RsnInvalidNumber,
        "oz:invalid-campaign" => Text::RsnInvalidCampaign,
        "oz:unknown" | "gws:http" => Text::RsnUnknownAnswer,
        "gws:unavailable" | "gws:4" | "gws:9" | "gws:19" => Text::RsnPhoneUnavailable,
        "gws:session" | "gws:20" => Text::SessionEnded,
        "gws:6" => Text::RsnCallGone,
        "gws:1" | "gws:2" | "gws:10" => Text::RsnPhoneInvalid,
        "gws:3" | "gws:5" => Text::RsnNotAllowed,
        _ => Text::RsnPhoneRefused,
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
    fn each_english_sentence_is_read_back_whole_from_the_joined_catalog() {
        // Natively every build tag is on, so every sentence is in the joined text.
        for t in Text::ALL {
            assert_eq!(t.in_(Lang::En), t.english_written(), "{t:?}");
        }
        assert_eq!(english::sentence(Text::ALL.len()), "", "past the end: nothing, no panic");
    }

    #[test]
    fn every_text_is_translated_and_not_empty() {
        for t in Text::ALL {
            assert!(!t.in_(Lang::En).is_empty() && !t.in_(Lang::Hi).is_empty());
            assert_ne!(t.in_(Lang::En), t.in_(Lang::Hi), "{t:?} is not translated");
        }
    }

    /// Where the build takes the Hindi asset from (scripts/stamp-loader.sh).
    const HINDI_ASSET: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/www/i18n/hi.json");

    #[test]
    fn the_hindi_asset_is_the_catalogs_hindi() {
        let want = hindi_asset();
        if std::env::var_os("CCW_WRITE_CATALOG").is_some() {
            std::fs::write(HINDI_ASSET, &want).expect("write www/i18n/hi.json");
            return;
        }
        let have = std::fs::read_to_string(HINDI_ASSET).unwrap_or_default();
        let first_difference = have.lines().zip(want.lines()).position(|(h, w)| h != w).map_or(String::new(), |line| {
            format!(" (line {}: the file has {:?}, the catalog gives {:?})", line + 1, have.lines().nth(line).unwrap_or(""), want.lines().nth(line).unwrap_or(""))
        });
        assert!(
            have == want,
            "www/i18n/hi.json is not the Hindi half of src/i18n.rs's catalog{first_difference}. \
             Regenerate it: CCW_WRITE_CATALOG=1 cargo test -p crm-call-widget --lib i18n"
        );
    }

    fn hindi_entries() -> Vec<Option<String>> {
        let mut all = vec![Some(asset_header())];
        all.extend(Text::ALL.iter().map(|t| Some(t.in_(Lang::Hi).to_string())));
        all
    }

    #[test]
    fn a_hindi_asset_of_this_catalog_is_taken_in_order() {
        let sentences = check_hindi_asset(hindi_entries()).expect("the catalog's own Hindi");
        assert_eq!(sentences.len(), Text::ALL.len());
        for (t, s) in Text::ALL.iter().zip(&sentences) {
            assert_eq!(t.in_(Lang::Hi), s, "{t:?}");
        }
    }

    #[test]
    fn a_hindi_asset_of_another_catalog_or_shape_is_refused() {
        let expected = Text::ALL.len();
        let mut short = hindi_entries();
        short.pop();
        assert_eq!(check_hindi_asset(short), Err(AssetError::Count { expected, found: expected - 1 }));
        let mut long = hindi_entries();
        long.push(Some("और".into()));
        assert_eq!(check_hindi_asset(long), Err(AssetError::Count { expected, found: expected + 1 }));
        // No header, or another catalog's (another format, or its keys in another order).
        assert_eq!(check_hindi_asset(hindi_entries()[1..].to_vec()), Err(AssetError::OtherCatalog));
        assert_eq!(check_hindi_asset(vec![]), Err(AssetError::OtherCatalog));
        let mut old = hindi_entries();
        old[0] = Some(format!("ccw-catalog/0 hi {:016x}", Text::KEYS));
        assert_eq!(check_hindi_asset(old), Err(AssetError::OtherCatalog));
        let mut reordered = hindi_entries();
        reordered[0] = Some(format!("ccw-catalog/1 hi {:016x}", fingerprint(&["Connecting", "Reconnecting"])));
        assert_eq!(check_hindi_asset(reordered), Err(AssetError::OtherCatalog));
        // An entry that is not a string, or an empty one.
        let mut number = hindi_entries();
        number[3] = None;
        assert_eq!(check_hindi_asset(number), Err(AssetError::NotASentence(3)));
        let mut empty = hindi_entries();
        empty[expected] = Some(String::new());
        assert_eq!(check_hindi_asset(empty), Err(AssetError::NotASentence(expected)));
        assert!(AssetError::OtherCatalog.to_string().contains(&asset_header()));
    }

    #[test]
    fn the_keys_fingerprint_follows_names_and_order() {
        assert_ne!(fingerprint(&["Ready", "NotReady"]), fingerprint(&["NotReady", "Ready"]));
        assert_ne!(fingerprint(&["ab", "c"]), fingerprint(&["a", "bc"]));
        assert_eq!(fingerprint(&["Ready"]), fingerprint(&["Ready"]));
    }

    #[test]
    fn json_strings_escape_quotes_backslashes_and_controls_only() {
        assert_eq!(json_string("कॉल \"x\" \\ \n\t"), "\"कॉल \\\"x\\\" \\\\ \\u000a\\u0009\"");
        assert_eq!(hindi_asset().lines().count(), Text::ALL.len() + 3);
    }
}
