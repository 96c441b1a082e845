//! One module per page (or family of pages).

pub mod cards;
pub mod news;
pub mod not_found;
pub mod prices;
pub mod register;
pub mod signin;
pub mod staff;
