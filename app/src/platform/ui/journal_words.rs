//! The journal's words shared by the patient's access journal (Учётная запись) and the head's
//! admin journal: who acted in what role, and what they did.

use crate::i18n::Texts;
use crate::kernel::account::{ActorRole, Role};

/// Who acted, as a journal line names the role.
pub fn role_label(t: &Texts, role: ActorRole) -> &'static str {
    match role {
        ActorRole::Patient => t.account().role_patient,
        ActorRole::Guardian => t.account().role_guardian,
        ActorRole::Staff(Role::Clinician) => t.role_clinician,
        ActorRole::Staff(Role::Registrar) => t.role_registrar,
        ActorRole::Staff(Role::Editor) => t.role_editor,
        ActorRole::Staff(Role::Head) => t.role_head,
        ActorRole::Integration => t.account().role_integration,
        ActorRole::System => t.account().role_system,
        ActorRole::AccountHolder => t.account().role_account,
    }
}

/// What was done, as a journal line names it; an unknown action shows as its key.
pub fn action_label(t: &Texts, action: &str) -> String {
    match action {
        "card.open" => t.account().act_card_open,
        "card.create" => t.account().act_card_create,
        "card.consents" => t.account().act_card_consents,
        "card.refusals" => t.account().act_card_refusals,
        "card.invite" => t.account().act_card_invite,
        "account.password_set" => t.account().act_password_set,
        "account.password_change" => t.account().act_password_change,
        "account.totp_on" => t.account().act_totp_on,
        "account.totp_off" => t.account().act_totp_off,
        "account.email_change" => t.account().change_email,
        "card.attach" => t.account().attached,
        "card.attach_code" => t.issue_attach_code,
        "appointment.book" => t.account().act_appointment_book,
        "appointment.cancelled" => t.account().act_appointment_cancel,
        "appointment.reschedule" => t.account().act_appointment_move,
        "appointment.confirmed" | "appointment.completed" | "appointment.no_show" | "appointment.booked" => {
            t.account().act_appointment_status
        }
        "waitlist.add" | "waitlist.close" => t.account().act_waitlist,
        "record.open" => t.account().act_record_open,
        "document.upload" => t.account().act_upload,
        "document.list" => t.account().act_card_open,
        "document.download" => t.account().act_download,
        "document.delivered" => t.account().act_delivered,
        "document.resend" => t.account().act_resend,
        "document.resend_asked" => t.account().act_resend_asked,
        "document.own_upload" => t.account().act_own_upload,
        "record.unlock" => t.account().act_unlock,
        "record.unlock_failed" => t.account().act_unlock_failed,
        "record.gate_reset" | "card.phone_confirmed" => t.gate_reset,
        "record.create" | "record.update" | "record.send" => t.account().act_protocol,
        "record.export" => t.account().act_export,
        "message.send" => t.messages().act_send,
        "message.answer" => t.messages().act_answer,
        "message.read" => t.messages().act_read,
        "message.close" => t.messages().act_close,
        "message.reopen" => t.messages().act_reopen,
        "message.handover" => t.messages().act_handover,
        "message.video_start" => t.messages().act_video_start,
        "message.video_end" => t.messages().act_video_end,
        "message.file" => t.messages().act_file,
        "broadcast.create" => t.messages().act_broadcast_create,
        "broadcast.send" => t.messages().act_broadcast_send,
        "notification.log" => t.notifications().act_log,
        other => return other.to_string(),
    }
    .to_string()
}
