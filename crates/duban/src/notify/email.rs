//! E-mail over SMTP (lettre on rustls): one message to its recipients, and what the server said.
//!
//! The subject and body are UTF-8; lettre encodes the subject (RFC 2047) and picks
//! quoted-printable or base64 for the body. A 5xx reply (authentication included) is
//! permanent; a 4xx reply, a timeout or a refused connection is worth retrying; a
//! certificate the settings do not trust needs a person, so it is permanent too.

use std::error::Error as _;
use std::time::Duration;

use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use lettre::transport::smtp::authentication::Credentials;
use lettre::transport::smtp::client::{Certificate, Tls, TlsParameters};
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::{DeliveryError, Message, SmtpSecurity, SmtpSettings};

/// Sends `message` to every address in `to` (one mail, all in `To:`). The settings'
/// timeout bounds the whole exchange: lettre's own bounds only the connection, and a
/// server that stops answering mid-session would otherwise hold the caller for good.
pub async fn send_email(
    settings: &SmtpSettings,
    to: &[String],
    message: &Message,
) -> Result<(), DeliveryError> {
    let email = build(settings, to, message)?;
    let transport = transport(settings)?;
    match tokio::time::timeout(timeout(settings), transport.send(email)).await {
        Ok(sent) => sent.map(drop).map_err(|e| smtp_error(settings, &e)),
        Err(_) => Err(timed_out(settings)),
    }
}

fn timeout(settings: &SmtpSettings) -> Duration {
    Duration::from_secs(settings.timeout_secs.max(1))
}

fn timed_out(settings: &SmtpSettings) -> DeliveryError {
    DeliveryError::retryable(format!(
        "SMTP server timed out after {}s ({}:{})",
        settings.timeout_secs.max(1),
        settings.host.trim(),
        settings.port
    ))
}

fn build(
    settings: &SmtpSettings,
    to: &[String],
    message: &Message,
) -> Result<lettre::Message, DeliveryError> {
    if to.is_empty() {
        return Err(DeliveryError::permanent("no e-mail recipients"));
    }
    let address = |text: &str, role: &str| {
        text.trim()
            .parse::<Mailbox>()
            .map_err(|e| DeliveryError::permanent(format!("invalid {role} address {text:?}: {e}")))
    };
    let mut builder = lettre::Message::builder()
        .from(address(&settings.from, "sender")?)
        .subject(message.subject.trim())
        // A Message-ID (from this host's name): mail servers score mail without one as spam.
        .message_id(None);
    for recipient in to {
        builder = builder.to(address(recipient, "recipient")?);
    }
    builder
        .header(ContentType::TEXT_PLAIN)
        .body(message.body_with_link())
        .map_err(|e| DeliveryError::permanent(format!("the e-mail could not be built: {e}")))
}

fn transport(settings: &SmtpSettings) -> Result<AsyncSmtpTransport<Tokio1Executor>, DeliveryError> {
    let host = settings.host.trim();
    let tls = match settings.security {
        SmtpSecurity::None => Tls::None,
        SmtpSecurity::StartTls => Tls::Required(tls_parameters(settings)?),
        SmtpSecurity::Tls => Tls::Wrapper(tls_parameters(settings)?),
    };
    // "dangerous" only in that the builder has no TLS of its own: it is set just above.
    let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(host)
        .port(settings.port)
        .tls(tls)
        .timeout(Some(timeout(settings)));
    if let Some(username) = settings
        .username
        .as_deref()
        .filter(|u| !u.trim().is_empty())
    {
        let password = settings
            .password
            .as_ref()
            .map(|p| p.expose())
            .unwrap_or_default();
        builder = builder.credentials(Credentials::new(
            username.trim().to_owned(),
            password.to_owned(),
        ));
    }
    Ok(builder.build())
}

/// The Mozilla roots, plus the settings' own CA for an intranet server.
fn tls_parameters(settings: &SmtpSettings) -> Result<TlsParameters, DeliveryError> {
    let mut builder = TlsParameters::builder(settings.host.trim().to_owned())
        .dangerous_accept_invalid_certs(settings.accept_invalid_certs);
    if let Some(pem) = settings.ca_pem.as_deref().filter(|p| !p.trim().is_empty()) {
        let invalid = |e: &dyn std::fmt::Display| {
            DeliveryError::permanent(format!("the extra CA certificate is not valid PEM: {e}"))
        };
        if !pem.contains("-----BEGIN CERTIFICATE-----") {
            return Err(invalid(&"no BEGIN CERTIFICATE line"));
        }
        let certificate = Certificate::from_pem(pem.as_bytes()).map_err(|e| invalid(&e))?;
        builder = builder.add_root_certificate(certificate);
    }
    builder
        .build_rustls()
        .map_err(|e| DeliveryError::permanent(format!("SMTP TLS settings rejected: {e}")))
}

fn smtp_error(settings: &SmtpSettings, err: &lettre::transport::smtp::Error) -> DeliveryError {
    let server = format!("{}:{}", settings.host.trim(), settings.port);
    if let Some(code) = err.status() {
        let code = code.to_string();
        let text = err.source().map(|s| s.to_string()).unwrap_or_default();
        let reply = format!("{code} {text}").trim_end().to_owned();
        let what = match (code.as_str(), err.is_transient()) {
            ("454" | "530" | "534" | "535" | "538", _) => "SMTP authentication failed",
            (_, true) => "SMTP server deferred the mail",
            (_, false) => "SMTP server refused the mail",
        };
        return DeliveryError {
            retryable: err.is_transient(),
            message: format!("{what}: {reply}"),
        };
    }
    if err.is_timeout() {
        return timed_out(settings);
    }
    match io_cause(err) {
        Some(cause) if cause.contains("certificate") => {
            DeliveryError::permanent(format!("SMTP TLS failed: {cause} ({server})"))
        }
        Some(cause) => {
            DeliveryError::retryable(format!("SMTP server unreachable: {cause} ({server})"))
        }
        None if err.is_client() || err.is_tls() => {
            DeliveryError::permanent(format!("SMTP failed: {err} ({server})"))
        }
        None => DeliveryError::retryable(format!("SMTP failed: {err} ({server})")),
    }
}

/// The I/O failure under an error, in words ("connection refused", or the TLS library's
/// own sentence when it wrapped one).
fn io_cause(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    let mut current = err.source();
    while let Some(e) = current {
        if let Some(io) = e.downcast_ref::<std::io::Error>() {
            return Some(match io.get_ref() {
                None => io.kind().to_string(),
                Some(inner) => inner.to_string(),
            });
        }
        current = e.source();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::notify::Secret;

    fn settings() -> SmtpSettings {
        SmtpSettings {
            host: "mail.district.gov.cn".into(),
            port: 587,
            security: SmtpSecurity::StartTls,
            username: Some("duban".into()),
            password: Some(Secret::new("pw")),
            from: "区督查室 <duban@district.gov.cn>".into(),
            ca_pem: None,
            accept_invalid_certs: false,
            timeout_secs: 10,
        }
    }

    #[test]
    fn addresses_are_checked_before_connecting() {
        let message = Message {
            subject: "催办".into(),
            body: "正文".into(),
            link: None,
        };
        let err = build(&settings(), &[], &message).unwrap_err();
        assert_eq!(err, DeliveryError::permanent("no e-mail recipients"));
        let err = build(&settings(), &["not an address".into()], &message).unwrap_err();
        assert!(
            !err.retryable && err.message.starts_with("invalid recipient address"),
            "{err}"
        );
        let email = build(&settings(), &["a@district.gov.cn".into()], &message).unwrap();
        let raw = String::from_utf8(email.formatted()).unwrap();
        assert!(raw.is_ascii(), "headers and body are encoded: {raw}");
    }

    #[test]
    fn a_bad_ca_is_a_settings_error() {
        let settings = SmtpSettings {
            ca_pem: Some("not a certificate".into()),
            ..settings()
        };
        let err = tls_parameters(&settings).err().unwrap();
        assert!(
            !err.retryable && err.message.contains("CA certificate"),
            "{err}"
        );
    }
}
