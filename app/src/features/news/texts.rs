//! The words of news: the News tab for readers and news management for editors.

/// Every text only news shows, in one language.
pub struct NewsTexts {
    pub news_empty: &'static str,
    pub news_published: &'static str,
    pub all_news: &'static str,
    pub write_news: &'static str,
    pub news_title: &'static str,
    pub news_body: &'static str,
    pub news_body_hint: &'static str,
    pub save_draft: &'static str,
    pub save_changes: &'static str,
    pub edit: &'static str,
    pub preview: &'static str,
    pub preview_hint: &'static str,
    pub publish_now: &'static str,
    pub publish_at: &'static str,
    pub schedule: &'static str,
    pub withdraw: &'static str,
    pub status_draft: &'static str,
    pub status_scheduled: &'static str,
    pub status_published: &'static str,
    pub status_withdrawn: &'static str,
    pub updated: &'static str,
    pub no_news_yet: &'static str,
    pub back_to_list: &'static str,
}

pub static RU: NewsTexts = NewsTexts {
    news_empty: "Новостей пока нет.",
    news_published: "Опубликовано",
    all_news: "Все новости",
    write_news: "Написать новость",
    news_title: "Заголовок",
    news_body: "Текст",
    news_body_hint: "Можно использовать Markdown: **жирный**, *курсив*, списки, ссылки. HTML показывается как текст.",
    save_draft: "Сохранить черновик",
    save_changes: "Сохранить изменения",
    edit: "Редактировать",
    preview: "Предпросмотр",
    preview_hint: "Так новость увидят пациенты.",
    publish_now: "Опубликовать сейчас",
    publish_at: "Дата и время публикации",
    schedule: "Запланировать",
    withdraw: "Снять с публикации",
    status_draft: "Черновик",
    status_scheduled: "Запланирована",
    status_published: "Опубликована",
    status_withdrawn: "Снята с публикации",
    updated: "Изменена",
    no_news_yet: "Новостей ещё нет. Напишите первую.",
    back_to_list: "← К списку новостей",
};

pub static EN: NewsTexts = NewsTexts {
    news_empty: "No news yet.",
    news_published: "Published",
    all_news: "All news",
    write_news: "Write news",
    news_title: "Title",
    news_body: "Text",
    news_body_hint: "Markdown works: **bold**, *italic*, lists, links. HTML is shown as text.",
    save_draft: "Save draft",
    save_changes: "Save changes",
    edit: "Edit",
    preview: "Preview",
    preview_hint: "This is how patients will see it.",
    publish_now: "Publish now",
    publish_at: "Publication date and time",
    schedule: "Schedule",
    withdraw: "Withdraw",
    status_draft: "Draft",
    status_scheduled: "Scheduled",
    status_published: "Published",
    status_withdrawn: "Withdrawn",
    updated: "Updated",
    no_news_yet: "No news yet. Write the first one.",
    back_to_list: "← Back to news",
};

impl crate::i18n::Texts {
    /// News's texts, in this language. (A feature's texts hang off `Texts` here, next to the feature:
    /// nothing to register in `i18n.rs`.)
    pub fn news(&self) -> &'static NewsTexts {
        self.lang.pick(&RU, &EN)
    }
}
