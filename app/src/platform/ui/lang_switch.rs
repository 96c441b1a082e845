//! The language switch: a plain form, so it works with and without JavaScript; the server sets
//! the cookie and sends the reader back to the same page.

use crate::i18n::use_texts;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

#[component]
pub fn LangSwitch() -> impl IntoView {
    let t = use_texts();
    let location = use_location();
    let next = move || {
        let search = location.search.get();
        if search.is_empty() {
            location.pathname.get()
        } else {
            format!("{}?{search}", location.pathname.get())
        }
    };
    view! {
        <form method="post" action="/lang" class="lang-switch">
            <input type="hidden" name="lang" value=t.other_lang.code()/>
            <input type="hidden" name="next" value=next/>
            <button type="submit" class="link-button" lang=t.other_lang.code()>
                {t.switch_to_other_lang}
            </button>
        </form>
    }
}
