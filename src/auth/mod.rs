//! Sign-in: where the Entra access token for Azure DevOps comes from (environment, a refresh token
//! cached in the keyring, the Azure CLI, the built-in device code flow), tenant discovery, and the
//! chained [`crate::azure::AccessTokenSource`] the client uses; for a server, its PAT
//! (`server_pat`) and Windows sign-in (`windows`: Kerberos and NTLM).

pub mod azcli;
pub mod entra;
pub mod server_pat;
pub mod source;
pub mod tenant;
pub mod windows;

pub use entra::{DeviceCode, Entra, SignInError, TokenSet};
pub use source::{RefreshTokenStore, SignIn, SignInOptions, SourceKind};
