//! RingingAlert: makes a ringing call noticed when the agent is in another tab — a browser
//! notification (permission asked on a click in the widget, never unprompted), a flashing
//! tab title, and an optional ring sound while the call rings.

use crate::cell::Borrowing;
use gloo_timers::callback::Interval;
use std::cell::{Cell, RefCell};
use web_sys::{HtmlAudioElement, Notification, NotificationOptions, NotificationPermission};

pub struct RingingAlert {
    notify: bool,
    sound_url: Option<String>,
    flash: RefCell<Option<Interval>>,
    title: RefCell<Option<String>>,
    audio: RefCell<Option<HtmlAudioElement>>,
    /// Ids of the calls ringing now.
    ringing: RefCell<Vec<String>>,
}

fn document() -> Option<web_sys::Document> {
    web_sys::window()?.document()
}

impl RingingAlert {
    pub fn new(notify: bool, sound_url: &str) -> Self {
        Self {
            notify,
            sound_url: (!sound_url.is_empty()).then(|| sound_url.to_string()),
            flash: RefCell::new(None),
            title: RefCell::new(None),
            audio: RefCell::new(None),
            ringing: RefCell::new(Vec::new()),
        }
    }

    /// Called on a click inside the widget: the moment a browser lets us ask.
    pub fn ask_permission(&self) {
        if self.notify && Notification::permission() == NotificationPermission::Default {
            let _ = Notification::request_permission();
        }
    }

    /// A call started ringing: `who` is the caller as the panel shows it.
    pub fn ringing(&self, call_id: &str, who: &str, heading: &str) {
        if !self.ringing.read().iter().any(|c| c == call_id) {
            self.ringing.write().push(call_id.to_string());
        }
        self.play();
        let Some(doc) = document() else { return };
        if !doc.hidden() {
            return;
        }
        if self.notify && Notification::permission() == NotificationPermission::Granted {
            let options = NotificationOptions::new();
            options.set_body(who);
            options.set_tag("crm-call-widget-ringing");
            let _ = Notification::new_with_options(heading, &options);
        }
        if self.flash.read().is_none() {
            let original = doc.title();
            *self.title.write() = Some(original.clone());
            let alert = format!("☎ {heading}: {who}");
            let on = Cell::new(false);
            let interval = crate::timer::every(1_000, move || {
                if let Some(doc) = document() {
                    on.set(!on.get());
                    doc.set_title(if on.get() { &alert } else { &original });
                }
            });
            *self.flash.write() = Some(interval);
        }
    }

    /// A ringing call was answered or ended (or the agent came back to the tab).
    pub fn settled(&self, call_id: &str) {
        let was_ringing = self.ringing.read().iter().any(|c| c == call_id);
        crate::gather::keep(&mut self.ringing.write(), |c| c != call_id);
        if was_ringing && self.ringing.read().is_empty() {
            self.stop();
        }
    }

    fn play(&self) {
        let Some(url) = &self.sound_url else { return };
        if self.audio.read().is_none() {
            if let Ok(audio) = HtmlAudioElement::new_with_src(url) {
                audio.set_loop(true);
                *self.audio.write() = Some(audio);
            }
        }
        if let Some(audio) = self.audio.read().as_ref() {
            let _ = audio.play();
        }
    }

    pub fn stop(&self) {
        self.ringing.write().clear();
        self.flash.write().take();
        if let (Some(title), Some(doc)) = (self.title.write().take(), document()) {
            doc.set_title(&title);
        }
        if let Some(audio) = self.audio.read().as_ref() {
            let _ = audio.pause();
            audio.set_current_time(0.0);
        }
    }
}

impl Drop for RingingAlert {
    fn drop(&mut self) {
        self.stop();
    }
}
