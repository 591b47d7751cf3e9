//! Azure DevOps: wire models, the error type, the scope catalogue, the backend trait and the
//! cloud HTTP client that implements it.

pub mod backend;
pub mod error;
pub mod models;
pub mod pat_error;
pub mod scopes;
pub mod server;
pub mod server_scopes;
pub mod wire;

pub use backend::{Capabilities, Operation, PatBackend, list_all, list_each};
pub use error::ApiError;
pub use models::*;
pub use pat_error::PatTokenError;
pub mod client;
pub mod token_source;
pub mod transport;

pub use client::{AzureClient, ClientOptions, Endpoints, RetryPolicy};
pub use token_source::{AccessTokenSource, NoToken, StaticToken};
