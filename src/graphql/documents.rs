//! Trusted documents in the admin API: `trustedDocumentRegister`, `trustedDocumentDelete` and
//! the `trustedDocuments` listing, and the check that a document parses and validates against
//! the schema before it is stored (`check`, also used by `vitrine documents register`).

mod admin;
pub mod check;
mod types;

pub use admin::{AdminTrustedDocumentMutation, AdminTrustedDocumentQuery};
pub use types::TrustedDocument;
