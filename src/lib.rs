//! patui: a keyboard-driven terminal app for Azure DevOps Personal Access Tokens.
//!
//! Layout: [`azure`] (models, client, backend trait), [`sim`] (the service simulator used by
//! `--demo` and tests), [`secret`] (redacted, zeroized secret values).

pub mod auth;
pub mod azure;
pub mod cli;
pub mod clipboard;
pub mod commands;
pub mod config;
pub mod external;
pub mod hardening;
pub mod journal;
pub mod launch;
pub mod logging;
pub mod ops;
pub mod secret;
pub mod setup;
pub mod signals;
pub mod sim;
#[doc(hidden)]
pub mod testsupport;
pub mod text;
pub mod tui;
pub mod vault;
