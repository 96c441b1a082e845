use crate::components::errors::ErrorPanel;
use crate::error::AppError;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <main id="main" class="page"><ErrorPanel error=AppError::NotFound/></main> }
}
