//! The page title. leptos_meta 0.8.7 writes a `<Title>`'s text into the server's HTML as it is,
//! unescaped, so a title holding `</title><meta …>` (a news headline an editor typed) would
//! become real elements in the page's head. Every page sets its title through this component,
//! which escapes the text for the server's HTML; in the browser the text goes to
//! `document.title`, which takes plain text, so there it is passed on untouched (escaping it
//! there would show `&lt;` to the reader).

use leptos::prelude::*;
use leptos::text_prop::TextProp;

/// Sets the document's title to `text`, shown as text whatever it contains.
#[component]
pub fn Title(#[prop(into)] text: TextProp) -> impl IntoView {
    #[cfg(feature = "ssr")]
    let text = {
        let raw = text;
        TextProp::from(move || escape_html(&raw.get()))
    };
    view! { <leptos_meta::Title text=text/> }
}

/// `&<>"'` as character references: safe in element text and in quoted attributes.
pub fn escape_html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markup_in_a_title_becomes_text() {
        assert_eq!(
            escape_html(r#"x</title><b id=t>"a" & 'b'"#),
            "x&lt;/title&gt;&lt;b id=t&gt;&quot;a&quot; &amp; &#39;b&#39;"
        );
        assert_eq!(escape_html("График работы"), "График работы");
    }
}
