//! Errors as the apiserver returns them (a reason and a message) and as
//! kubectl prints them:
//!
//! ```text
//!   Error from server (NotFound): configmaps "x" not found
//!   Error from server (AlreadyExists): error when creating "cm.yaml": configmaps "x" already exists
//!   The ConfigMap "X" is invalid: metadata.name: Invalid value: "X": a lowercase RFC 1123 subdomain ...
//! ```

/// The apiserver's `Status.reason`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Reason {
    /// 404.
    NotFound,
    /// 409 on create.
    AlreadyExists,
    /// 409 on update or delete with a stale resourceVersion.
    Conflict,
    /// 422.
    Invalid,
    /// 400.
    BadRequest,
    /// 504: etcd did not answer in time (no quorum).
    Timeout,
    /// 500.
    InternalError,
    /// 403.
    Forbidden,
}

impl Reason {
    /// The word kubectl puts in parentheses.
    pub fn as_str(self) -> &'static str {
        match self {
            Reason::NotFound => "NotFound",
            Reason::AlreadyExists => "AlreadyExists",
            Reason::Conflict => "Conflict",
            Reason::Invalid => "Invalid",
            Reason::BadRequest => "BadRequest",
            Reason::Timeout => "Timeout",
            Reason::InternalError => "InternalError",
            Reason::Forbidden => "Forbidden",
        }
    }
}

/// An error from the object layer, in the apiserver's words.
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{message}")]
pub struct ApiError {
    /// Why.
    pub reason: Reason,
    /// The apiserver's message.
    pub message: String,
}

/// The object layer's result.
pub type Result<T> = std::result::Result<T, ApiError>;

impl ApiError {
    /// `resource "name" not found`.
    pub fn not_found(resource: &str, name: &str) -> ApiError {
        ApiError { reason: Reason::NotFound, message: format!("{resource} \"{name}\" not found") }
    }

    /// `resource "name" already exists`.
    pub fn already_exists(resource: &str, name: &str) -> ApiError {
        ApiError { reason: Reason::AlreadyExists, message: format!("{resource} \"{name}\" already exists") }
    }

    /// The optimistic-concurrency failure.
    pub fn conflict(resource: &str, name: &str) -> ApiError {
        ApiError {
            reason: Reason::Conflict,
            message: format!(
                "Operation cannot be fulfilled on {resource} \"{name}\": the object has been modified; please apply your changes to the latest version and try again"
            ),
        }
    }

    /// `The Kind "name" is invalid: ...` with one or more causes.
    pub fn invalid(kind: &str, name: &str, causes: &[String]) -> ApiError {
        let detail = match causes {
            [one] => one.clone(),
            many => format!("\n* {}", many.join("\n* ")),
        };
        ApiError { reason: Reason::Invalid, message: format!("The {kind} \"{name}\" is invalid: {detail}") }
    }

    /// 400 with a message.
    pub fn bad_request(message: impl Into<String>) -> ApiError {
        ApiError { reason: Reason::BadRequest, message: message.into() }
    }

    /// etcd did not answer before the deadline.
    pub fn timeout() -> ApiError {
        ApiError {
            reason: Reason::Timeout,
            message: "Timeout: request did not complete within requested timeout - context deadline exceeded"
                .to_string(),
        }
    }

    /// Anything else etcd said.
    pub fn internal(message: impl std::fmt::Display) -> ApiError {
        ApiError { reason: Reason::InternalError, message: format!("Internal error occurred: {message}") }
    }

    /// The line kubectl prints; `context` is `error when creating "cm.yaml": ` and the like.
    pub fn kubectl(&self, context: &str) -> String {
        match self.reason {
            Reason::Invalid => self.message.clone(),
            r => format!("Error from server ({}): {context}{}", r.as_str(), self.message),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_kubectl() {
        assert_eq!(
            ApiError::not_found("configmaps", "x").kubectl(""),
            "Error from server (NotFound): configmaps \"x\" not found"
        );
        assert_eq!(
            ApiError::invalid("Pod", "p", &["a: Required value".into(), "b: Required value".into()])
                .kubectl(""),
            "The Pod \"p\" is invalid: \n* a: Required value\n* b: Required value"
        );
    }
}
