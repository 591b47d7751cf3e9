//! patui: a keyboard-driven terminal app for Azure DevOps Personal Access Tokens.
//!
//! The binary (`main.rs`) only parses arguments and calls [`launch`]; everything else is here,
//! so the tests drive the same code.

// Sign-in: Entra (device code, refresh), the Azure CLI, tenants, the chain; a server's PAT.
pub mod auth;
// The services: wire models, errors, the `PatBackend` trait, the cloud and server clients.
pub mod azure;
// Command-line definitions (clap); no secret ever comes from argv.
pub mod cli;
// The clipboard (a long-lived handle, else OSC 52).
pub mod clipboard;
// The scriptable commands, their JSON and the exit codes.
pub mod commands;
// The config file, parsed into types with precise errors.
pub mod config;
// Programs the TUI hands the terminal to (`az login`, a browser).
pub mod external;
// Azure Artifacts feed URLs and the stored token that serves each (package managers).
pub mod feeds;
// Core dumps off and the process not dumpable.
pub mod hardening;
// The mint journal: creates and revocations recorded before they are sent.
pub mod journal;
// The entry points: the TUI, `patui sim` and the commands.
pub mod launch;
// Logging to a file in the state directory, never the terminal, never secrets.
pub mod logging;
// Operations shared by the TUI and the commands (inventory, create, revoke, migrate, …).
pub mod ops;
// `Secret`: zeroized on drop, redacted in Debug and Display.
// Finding PATs left in plain text (`patui scan`).
pub mod scan;
pub mod secret;
// What the TUI and the commands run with, built once: keyring, sign-in, backend, demo.
pub mod setup;
// Fatal signals as a stream.
pub mod signals;
// The simulator of the service (and of Entra and Azure DevOps Server), over real HTTP.
pub mod sim;
#[doc(hidden)]
pub mod testsupport;
// Outside text made safe to print.
pub mod text;
// The terminal UI.
pub mod tui;
// The OS keyring.
pub mod vault;
