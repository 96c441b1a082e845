//! Booking: the patient's "Запись к врачу" and "Мои записи", and the front desk's settings,
//! schedules and appointment book. Forms post plain strings (empty means "not chosen"), so the
//! same functions serve pages with and without JavaScript.

// A server function's arguments are its form's fields; some forms have eight.
#![allow(clippy::too_many_arguments)]

use crate::domain::booking::{AppointmentHistory, BookingAdmin, BookingView, DayBook, MyAppointments, ScheduleWeek};
use crate::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::server::{auth, booking, state::use_state};

/// An optional id from a form or a query: empty or absent is none.
#[cfg(feature = "ssr")]
fn optional_id(field: &str, value: &str) -> Result<Option<i64>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse().map(Some).map_err(|_| AppError::field(field, crate::error::Problem::Choice))
}

#[cfg(feature = "ssr")]
fn day_book_url(doctor: i64, day: &str) -> String {
    format!("/staff/appointments?doctor={doctor}&day={}", crate::domain::paths::percent_encode(day.trim()))
}

#[server(prefix = "/rpc", endpoint = "booking_view")]
pub async fn get_booking_view(
    specialty: String,
    doctor: String,
    service: String,
    day: String,
    reschedule: String,
) -> Result<BookingView, AppError> {
    auth::finish(
        async {
            let session = auth::require_session()?;
            let q = booking::BookingQuery {
                specialty: Some(specialty).filter(|s| !s.is_empty()),
                doctor: optional_id("doctor", &doctor)?,
                service: optional_id("service", &service)?,
                day: Some(day).filter(|d| !d.is_empty()),
                reschedule: optional_id("reschedule", &reschedule)?,
            };
            booking::view(&use_state()?, &session, q).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "book_appointment")]
pub async fn book_appointment(doctor: i64, service: String, day: String, time: String) -> Result<i64, AppError> {
    auth::finish(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            let req = booking::SlotRequest { doctor, service: optional_id("service", &service)?, day, time };
            let id = booking::book(&use_state()?, &session, peer, req).await?;
            leptos_axum::redirect(&format!("/appointments?booked={id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "my_appointments")]
pub async fn get_my_appointments() -> Result<MyAppointments, AppError> {
    auth::finish(
        async {
            let session = auth::require_session()?;
            booking::mine(&use_state()?, &session).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "cancel_appointment")]
pub async fn cancel_appointment(id: i64, reason: String) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            booking::cancel(&use_state()?, &session, peer, id, &reason).await?;
            leptos_axum::redirect(&format!("/appointments?cancelled={id}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "reschedule_appointment")]
pub async fn reschedule_appointment(id: i64, day: String, time: String) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            booking::reschedule(&use_state()?, &session, peer, id, &day, &time).await?;
            leptos_axum::redirect(&format!("/appointments?moved={id}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "join_waitlist")]
pub async fn join_waitlist(doctor: i64, day: String, note: String) -> Result<i64, AppError> {
    auth::finish(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            let id = booking::join_waitlist(&use_state()?, &session, peer, doctor, &day, &note).await?;
            leptos_axum::redirect("/appointments?waitlisted=1");
            Ok(id)
        }
        .await,
    )
}

// The front desk and the head.

#[server(prefix = "/rpc", endpoint = "booking_admin")]
pub async fn get_booking_admin() -> Result<BookingAdmin, AppError> {
    auth::finish(
        async {
            auth::require_staff(|r| r.can_manage_booking())?;
            booking::admin(&use_state()?).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "save_booking_settings")]
pub async fn save_booking_settings(
    online_discount_percent: String,
    max_future_per_doctor: String,
    cancel_close_hours: String,
) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let form = booking::SettingsForm { online_discount_percent, max_future_per_doctor, cancel_close_hours };
            booking::save_settings(&use_state()?, &session, peer, form).await?;
            leptos_axum::redirect("/staff/booking?saved=1");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "set_doctor_booking")]
pub async fn set_doctor_booking(doctor: i64, online: Option<String>, degree: String) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            booking::set_doctor(&use_state()?, &session, peer, doctor, online.is_some(), &degree).await?;
            leptos_axum::redirect(&format!("/staff/booking?saved=1#doctor-{doctor}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "save_service_link")]
pub async fn save_service_link(
    doctor: i64,
    service: String,
    mode: String,
    show_price: Option<String>,
    price: String,
    prepayment: String,
    prepayment_discount: String,
    round_to_roubles: Option<String>,
) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let form = booking::LinkForm {
                doctor,
                service,
                mode,
                show_price: show_price.is_some(),
                price,
                prepayment,
                prepayment_discount,
                round_to_roubles: round_to_roubles.is_some(),
            };
            booking::save_link(&use_state()?, &session, peer, form).await?;
            leptos_axum::redirect(&format!("/staff/booking?saved=1#doctor-{doctor}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "delete_service_link")]
pub async fn delete_service_link(doctor: i64, service: i64) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            booking::delete_link(&use_state()?, &session, peer, doctor, service).await?;
            leptos_axum::redirect(&format!("/staff/booking?saved=1#doctor-{doctor}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "schedule_week")]
pub async fn get_schedule_week(doctor: String, week: String) -> Result<ScheduleWeek, AppError> {
    auth::finish(
        async {
            auth::require_staff(|r| r.can_manage_booking())?;
            let week = Some(week).filter(|w| !w.is_empty());
            booking::schedule_week(&use_state()?, optional_id("doctor", &doctor)?, week.as_deref()).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "save_schedule_day")]
pub async fn save_schedule_day(
    doctor: i64,
    day: String,
    branch: String,
    start: String,
    end: String,
    step: String,
    breaks: String,
) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let week = day.clone();
            let form = booking::ScheduleForm { doctor, day, branch, start, end, step, breaks };
            booking::save_schedule_day(&use_state()?, &session, peer, form).await?;
            leptos_axum::redirect(&format!("/staff/schedule?doctor={doctor}&week={}&saved=1", week.trim()));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "copy_schedule_week")]
pub async fn copy_schedule_week(doctor: i64, week: String) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let next = booking::copy_week(&use_state()?, &session, peer, doctor, &week).await?;
            leptos_axum::redirect(&format!("/staff/schedule?doctor={doctor}&week={next}&copied=1"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "day_book")]
pub async fn get_day_book(doctor: String, day: String) -> Result<DayBook, AppError> {
    auth::finish(
        async {
            auth::require_staff(|r| r.can_manage_booking())?;
            let day = Some(day).filter(|d| !d.is_empty());
            booking::day_book(&use_state()?, optional_id("doctor", &doctor)?, day.as_deref()).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "set_appointment_status")]
pub async fn set_appointment_status(
    id: i64,
    status: String,
    reason: String,
    doctor: i64,
    day: String,
) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            booking::set_status(&use_state()?, &session, peer, id, &status, &reason).await?;
            leptos_axum::redirect(&day_book_url(doctor, &day));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "desk_book")]
pub async fn desk_book(doctor: i64, service: String, day: String, time: String, card: String) -> Result<i64, AppError> {
    auth::finish(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let back = day_book_url(doctor, &day);
            let req = booking::SlotRequest { doctor, service: optional_id("service", &service)?, day, time };
            let id = booking::desk_book(&use_state()?, &session, peer, req, &card).await?;
            leptos_axum::redirect(&back);
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "desk_reschedule")]
pub async fn desk_reschedule(id: i64, day: String, time: String) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            booking::desk_reschedule(&use_state()?, &session, peer, id, &day, &time).await?;
            leptos_axum::redirect(&format!("/staff/appointments/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "appointment_history")]
pub async fn get_appointment_history(id: i64) -> Result<AppointmentHistory, AppError> {
    auth::finish(
        async {
            auth::require_staff(|r| r.can_manage_booking())?;
            booking::history(&use_state()?, id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "close_waitlist")]
pub async fn close_waitlist(id: i64, doctor: i64, day: String) -> Result<(), AppError> {
    auth::finish(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            booking::close_waitlist(&use_state()?, &session, peer, id).await?;
            leptos_axum::redirect(&day_book_url(doctor, &day));
            Ok(())
        }
        .await,
    )
}
