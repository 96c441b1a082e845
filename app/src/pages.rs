//! One module per page (or family of pages).

pub mod news;
pub mod not_found;
pub mod prices;
pub mod signin;
pub mod staff;
