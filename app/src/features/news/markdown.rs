//! Markdown for news, rendered so that nothing an author writes can run in a reader's browser:
//! raw HTML is shown as text, links keep only safe schemes, and images become links (a page
//! never loads anything from another host). Server only: the browser receives finished HTML.

use pulldown_cmark::{html, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

fn safe_url(url: &str) -> bool {
    let u = url.trim().to_ascii_lowercase();
    u.starts_with("https://")
        || u.starts_with("http://")
        || u.starts_with("mailto:")
        || u.starts_with("tel:")
        || (u.starts_with('/') && !u.starts_with("//"))
        || u.starts_with('#')
}

/// Renders Markdown to HTML that is safe to insert into a page.
pub fn render(markdown: &str) -> String {
    let parser = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH | Options::ENABLE_TABLES);
    let mut in_image = false;
    let events = parser.map(|event| match event {
        // Raw HTML is shown, never interpreted.
        Event::Html(raw) | Event::InlineHtml(raw) => Event::Text(raw),
        Event::Start(Tag::Link { link_type, dest_url, title, id }) => {
            let dest_url = if safe_url(&dest_url) { dest_url } else { CowStr::Borrowed("#") };
            Event::Start(Tag::Link { link_type, dest_url, title, id })
        }
        // An image would be a request to wherever its URL points: show a link instead.
        Event::Start(Tag::Image { dest_url, title, id, .. }) => {
            in_image = true;
            let dest_url = if safe_url(&dest_url) { dest_url } else { CowStr::Borrowed("#") };
            Event::Start(Tag::Link { link_type: LinkType::Inline, dest_url, title, id })
        }
        Event::End(TagEnd::Image) if in_image => {
            in_image = false;
            Event::End(TagEnd::Link)
        }
        other => other,
    });
    let mut out = String::new();
    html::push_html(&mut out, events);
    out
}

/// Plain text of a Markdown document, for excerpts.
pub fn plain_text(markdown: &str) -> String {
    let mut out = String::new();
    for event in Parser::new(markdown) {
        match event {
            Event::Text(t) | Event::Code(t) | Event::Html(t) | Event::InlineHtml(t) => out.push_str(&t),
            Event::SoftBreak | Event::HardBreak => out.push(' '),
            // Blocks end with a space; inline markup (bold, links) joins its text directly.
            Event::End(
                TagEnd::Paragraph
                | TagEnd::Heading(_)
                | TagEnd::Item
                | TagEnd::CodeBlock
                | TagEnd::TableCell
                | TagEnd::BlockQuote(_),
            ) => out.push(' '),
            _ => {}
        }
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_formatting_is_rendered() {
        let html = render("**Важно**: приём *с 9:00*\n\n- один\n- два");
        assert!(html.contains("<strong>Важно</strong>"));
        assert!(html.contains("<em>с 9:00</em>"));
        assert!(html.contains("<li>один</li>"));
    }

    #[test]
    fn raw_html_and_scripts_stay_inert() {
        let html = render("<script>alert(1)</script>\n\nтекст <img src=x onerror=alert(1)>");
        assert!(!html.contains("<script"), "{html}");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains("&lt;script&gt;"), "{html}");
    }

    #[test]
    fn dangerous_link_schemes_are_neutralised() {
        for md in
            ["[x](javascript:alert(1))", "[x](JaVaScRiPt:alert(1))", "[x](data:text/html,hi)", "[x](//evil.example/)"]
        {
            let html = render(md);
            assert!(html.contains(r##"href="#""##), "{md} -> {html}");
        }
        assert!(render("[сайт](https://clinic.example/)").contains(r#"href="https://clinic.example/""#));
    }

    #[test]
    fn images_become_links_and_load_nothing() {
        let html = render("![схема](https://tracker.example/pixel.png)");
        assert!(!html.contains("<img"), "{html}");
        assert!(html.contains(r#"<a href="https://tracker.example/pixel.png">схема</a>"#), "{html}");
    }

    #[test]
    fn plain_text_drops_markup() {
        assert_eq!(plain_text("**Жирный** текст"), "Жирный текст");
        assert_eq!(plain_text("**Жир**ный\n\n- один\n- два"), "Жирный один два");
    }
}
