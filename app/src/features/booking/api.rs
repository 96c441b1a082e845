//! Booking: the patient's "Запись к врачу" and "Мои записи", and the front desk's settings,
//! schedules and appointment book. Forms post plain strings (empty means "not chosen"), so the
//! same functions serve pages with and without JavaScript.

// A server function's arguments are its form's fields; some forms have eight.
#![allow(clippy::too_many_arguments)]

use crate::features::booking::rules::{
    AppointmentHistory, BookingAdmin, BookingView, DayBook, MyAppointments, ScheduleWeek,
};
use crate::kernel::error::AppError;
use leptos::prelude::*;

#[cfg(feature = "ssr")]
use crate::features::booking::use_cases;
#[cfg(feature = "ssr")]
use crate::platform::auth;
#[cfg(feature = "ssr")]
use crate::platform::server_fn::with_error_status;
#[cfg(feature = "ssr")]
use crate::platform::state::use_state;

/// An optional id from a form or a query: empty or absent is none.
#[cfg(feature = "ssr")]
fn optional_id(field: &str, value: &str) -> Result<Option<i64>, AppError> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(None);
    }
    v.parse().map(Some).map_err(|_| AppError::field(field, crate::kernel::error::Problem::Choice))
}

#[cfg(feature = "ssr")]
fn day_book_url(doctor: i64, day: &str) -> String {
    format!("/staff/appointments?doctor={doctor}&day={}", crate::kernel::paths::percent_encode(day.trim()))
}

#[server(prefix = "/rpc", endpoint = "booking_view")]
pub async fn get_booking_view(
    specialty: String,
    doctor: String,
    service: String,
    day: String,
    reschedule: String,
) -> Result<BookingView, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let q = use_cases::BookingQuery {
                specialty: Some(specialty).filter(|s| !s.is_empty()),
                doctor: optional_id("doctor", &doctor)?,
                service: optional_id("service", &service)?,
                day: Some(day).filter(|d| !d.is_empty()),
                reschedule: optional_id("reschedule", &reschedule)?,
            };
            use_cases::view(&use_state()?, &session, q).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "book_appointment")]
pub async fn book_appointment(doctor: i64, service: String, day: String, time: String) -> Result<i64, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            let req = use_cases::SlotRequest { doctor, service: optional_id("service", &service)?, day, time };
            let id = use_cases::book(&use_state()?, &session, peer, req).await?;
            leptos_axum::redirect(&format!("/appointments?booked={id}"));
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "my_appointments")]
pub async fn get_my_appointments() -> Result<MyAppointments, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            use_cases::mine(&use_state()?, &session).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "cancel_appointment")]
pub async fn cancel_appointment(id: i64, reason: String, reason_text: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            let typed = reason_text.unwrap_or_default();
            use_cases::cancel(&use_state()?, &session, peer, id, &reason, &typed).await?;
            leptos_axum::redirect(&format!("/appointments?cancelled={id}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "reschedule_appointment")]
pub async fn reschedule_appointment(id: i64, day: String, time: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            use_cases::reschedule(&use_state()?, &session, peer, id, &day, &time).await?;
            leptos_axum::redirect(&format!("/appointments?moved={id}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "join_waitlist")]
pub async fn join_waitlist(doctor: i64, day: String, note: String) -> Result<i64, AppError> {
    with_error_status(
        async {
            let session = auth::require_session()?;
            let peer = auth::request_context()?.peer;
            let id = use_cases::join_waitlist(&use_state()?, &session, peer, doctor, &day, &note).await?;
            leptos_axum::redirect("/appointments?waitlisted=1");
            Ok(id)
        }
        .await,
    )
}

// The front desk and the head.

#[server(prefix = "/rpc", endpoint = "booking_admin")]
pub async fn get_booking_admin() -> Result<BookingAdmin, AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.can_manage_booking())?;
            use_cases::admin(&use_state()?).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "save_booking_settings")]
pub async fn save_booking_settings(
    online_discount_percent: String,
    max_future_per_doctor: String,
    cancel_close_hours: String,
    horizon_days: String,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let form = use_cases::SettingsForm {
                online_discount_percent,
                max_future_per_doctor,
                cancel_close_hours,
                horizon_days,
            };
            use_cases::save_settings(&use_state()?, &session, peer, form).await?;
            leptos_axum::redirect("/staff/booking?saved=1");
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "set_doctor_booking")]
pub async fn set_doctor_booking(doctor: i64, online: Option<String>, degree: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            use_cases::set_doctor(&use_state()?, &session, peer, doctor, online.is_some(), &degree).await?;
            leptos_axum::redirect(&format!("/staff/booking?saved=1#doctor-{doctor}"));
            Ok(())
        }
        .await,
    )
}

/// Adds a reason to «Причины отмены записи на приём».
#[server(prefix = "/rpc", endpoint = "add_cancel_reason")]
pub async fn add_cancel_reason(reason_name: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            use_cases::add_cancel_reason(&use_state()?, &session, peer, &reason_name).await?;
            leptos_axum::redirect("/staff/booking?saved=1#reasons");
            Ok(())
        }
        .await,
    )
}

/// Stops offering a cancellation reason (`active` absent), or offers it again.
#[server(prefix = "/rpc", endpoint = "set_cancel_reason_active")]
pub async fn set_cancel_reason_active(id: i64, active: Option<String>) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            use_cases::set_cancel_reason_active(&use_state()?, &session, peer, id, active.is_some()).await?;
            leptos_axum::redirect("/staff/booking?saved=1#reasons");
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
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let form = use_cases::LinkForm {
                doctor,
                service,
                mode,
                show_price: show_price.is_some(),
                price,
                prepayment,
                prepayment_discount,
                round_to_roubles: round_to_roubles.is_some(),
            };
            use_cases::save_link(&use_state()?, &session, peer, form).await?;
            leptos_axum::redirect(&format!("/staff/booking?saved=1#doctor-{doctor}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "delete_service_link")]
pub async fn delete_service_link(doctor: i64, service: i64) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            use_cases::delete_link(&use_state()?, &session, peer, doctor, service).await?;
            leptos_axum::redirect(&format!("/staff/booking?saved=1#doctor-{doctor}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "schedule_week")]
pub async fn get_schedule_week(doctor: String, week: String) -> Result<ScheduleWeek, AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.can_manage_booking())?;
            let week = Some(week).filter(|w| !w.is_empty());
            use_cases::schedule_week(&use_state()?, optional_id("doctor", &doctor)?, week.as_deref()).await
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
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let week = day.clone();
            let form = use_cases::ScheduleForm { doctor, day, branch, start, end, step, breaks };
            use_cases::save_schedule_day(&use_state()?, &session, peer, form).await?;
            leptos_axum::redirect(&format!("/staff/schedule?doctor={doctor}&week={}&saved=1", week.trim()));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "copy_schedule_week")]
pub async fn copy_schedule_week(doctor: i64, week: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let next = use_cases::copy_week(&use_state()?, &session, peer, doctor, &week).await?;
            leptos_axum::redirect(&format!("/staff/schedule?doctor={doctor}&week={next}&copied=1"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "day_book")]
pub async fn get_day_book(doctor: String, day: String) -> Result<DayBook, AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.can_manage_booking())?;
            let day = Some(day).filter(|d| !d.is_empty());
            use_cases::day_book(&use_state()?, optional_id("doctor", &doctor)?, day.as_deref()).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "set_appointment_status")]
pub async fn set_appointment_status(
    id: i64,
    status: String,
    reason: String,
    reason_text: Option<String>,
    doctor: i64,
    day: String,
) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let typed = reason_text.unwrap_or_default();
            use_cases::set_status(&use_state()?, &session, peer, id, &status, &reason, &typed).await?;
            leptos_axum::redirect(&day_book_url(doctor, &day));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "desk_book")]
pub async fn desk_book(doctor: i64, service: String, day: String, time: String, card: String) -> Result<i64, AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            let back = day_book_url(doctor, &day);
            let req = use_cases::SlotRequest { doctor, service: optional_id("service", &service)?, day, time };
            let id = use_cases::desk_book(&use_state()?, &session, peer, req, &card).await?;
            leptos_axum::redirect(&back);
            Ok(id)
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "desk_reschedule")]
pub async fn desk_reschedule(id: i64, day: String, time: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            use_cases::desk_reschedule(&use_state()?, &session, peer, id, &day, &time).await?;
            leptos_axum::redirect(&format!("/staff/appointments/{id}"));
            Ok(())
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "appointment_history")]
pub async fn get_appointment_history(id: i64) -> Result<AppointmentHistory, AppError> {
    with_error_status(
        async {
            auth::require_staff(|r| r.can_manage_booking())?;
            use_cases::history(&use_state()?, id).await
        }
        .await,
    )
}

#[server(prefix = "/rpc", endpoint = "close_waitlist")]
pub async fn close_waitlist(id: i64, doctor: i64, day: String) -> Result<(), AppError> {
    with_error_status(
        async {
            let session = auth::require_staff(|r| r.can_manage_booking())?;
            let peer = auth::request_context()?.peer;
            use_cases::close_waitlist(&use_state()?, &session, peer, id).await?;
            leptos_axum::redirect(&day_book_url(doctor, &day));
            Ok(())
        }
        .await,
    )
}
