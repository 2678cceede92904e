//! Pure types and rules of the supervision domain: no SQL, no HTTP.

pub mod assessment;
pub mod assessment_evidence;
pub mod assignment;
pub mod audit;
pub mod bulletin_period;
pub mod calendar;
pub mod email_address;
pub mod evaluation;
pub mod evidence;
pub mod finding;
pub mod indicators;
pub mod item;
pub mod light;
pub mod milestones;
pub mod notice;
pub mod period;
pub mod public_page;
pub mod quiet_hours;
pub mod red_reasons;
pub mod reminders;
pub mod report_window;
pub mod revision;
pub mod roles;
pub mod secrets;
pub mod trajectory;
pub mod words;
