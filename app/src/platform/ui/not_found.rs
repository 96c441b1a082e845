//! The page for an address the portal does not have.

use crate::kernel::error::AppError;
use crate::platform::ui::errors::ErrorPanel;
use leptos::prelude::*;

#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! { <main id="main" class="page"><ErrorPanel error=AppError::NotFound/></main> }
}
