//! Operations shared by the TUI and the scriptable commands, so neither duplicates the logic:
//! revoking many tokens, and (with the keyring) creating and regenerating tokens.

pub mod attention;
pub mod create;
pub mod inventory;
pub mod migrate;
pub mod orphans;
pub mod renew;
pub mod retirement;
pub mod revoke;
pub mod validate;
