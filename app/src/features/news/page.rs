//! The News tab: published news, newest first, paged; each item on its own URL.

use crate::features::news::api::{get_news_article, get_news_page};
use crate::i18n::{clinic_offset, use_lang, use_texts};
use crate::kernel::time_fmt::format_datetime;
use crate::platform::ui::errors::{ErrorPanel, Loading};
use crate::platform::ui::title::Title;
use leptos::prelude::*;
use leptos_router::hooks::{use_params_map, use_query_map};

#[component]
pub fn NewsListPage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let query = use_query_map();
    let page = Memo::new(move |_| query.read().get("page").and_then(|p| p.parse::<i64>().ok()).unwrap_or(1).max(1));
    let news = Resource::new(move || page.get(), get_news_page);
    view! {
        <Title text=t.nav_news/>
        <h1>{t.nav_news}</h1>
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match news.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(p) if p.items.is_empty() => view! { <p class="empty">{t.news().news_empty}</p> }.into_any(),
                    Ok(p) => {
                        let offset = clinic_offset();
                        view! {
                            <ol class="news-list">
                                {p.items.into_iter().map(|n| view! {
                                    <li class="news-item">
                                        <h2><a href=format!("/news/{}", n.id)>{n.title}</a></h2>
                                        <p class="meta"><time>{format_datetime(n.published_at, offset, lang)}</time></p>
                                        <p>{n.excerpt}</p>
                                    </li>
                                }).collect_view()}
                            </ol>
                            <nav class="pager" aria-label=t.pagination>
                                {(p.page > 1).then(|| view! { <a rel="prev" href=format!("/news?page={}", p.page - 1)>{t.newer}</a> })}
                                <span>{(t.page_of)(p.page, p.pages)}</span>
                                {(p.page < p.pages).then(|| view! { <a rel="next" href=format!("/news?page={}", p.page + 1)>{t.older}</a> })}
                            </nav>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}

#[component]
pub fn NewsArticlePage() -> impl IntoView {
    let t = use_texts();
    let lang = use_lang();
    let params = use_params_map();
    let id = Memo::new(move |_| params.read().get("id").and_then(|s| s.parse::<i64>().ok()).unwrap_or(0));
    let article = Resource::new(move || id.get(), get_news_article);
    view! {
        <Suspense fallback=Loading>
            {move || Suspend::new(async move {
                match article.await {
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    Ok(a) => {
                        let offset = clinic_offset();
                        view! {
                            <Title text=a.title.clone()/>
                            <article class="panel article">
                                <h1>{a.title}</h1>
                                {a.published_at.map(|at| view! {
                                    <p class="meta">{t.news().news_published}" "<time>{format_datetime(at, offset, lang)}</time></p>
                                })}
                                // Rendered by the server from Markdown with raw HTML escaped and
                                // unsafe links removed (features::news::markdown).
                                <div class="prose" inner_html=a.body_html></div>
                            </article>
                            <p><a href="/news">{t.news().all_news}</a></p>
                        }.into_any()
                    }
                }
            })}
        </Suspense>
    }
}
