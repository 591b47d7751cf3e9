//! Operations shared by the TUI and the scriptable commands, so neither duplicates the logic:
//! revoking many tokens, and (with the keyring) creating and regenerating tokens.

pub mod create;
pub mod inventory;
pub mod revoke;
pub mod validate;
