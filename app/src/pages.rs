//! One module per page (or family of pages).

pub mod account;
pub mod booking;
pub mod cards;
pub mod documents;
pub mod news;
pub mod not_found;
pub mod prices;
pub mod record;
pub mod register;
pub mod second_factor;
pub mod signin;
pub mod staff;
pub mod staff_booking;
