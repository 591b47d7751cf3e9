//! What the service behind the TUI can do and how it names things, read from the backend's
//! capabilities: the screens ask this instead of assuming the cloud (which keys to offer, why a
//! key does nothing, the scope list and lifespans of the wizard, the header's name of the
//! service). The runner refreshes it after each load, when a server's probe has run.

use crate::azure::scopes::ScopeGroup;
use crate::azure::{Capabilities, Operation, PatBackend};

/// The service as the screens see it.
#[derive(Debug, Clone)]
pub struct ServiceInfo {
    pub caps: Capabilities,
    /// Why create (and so regenerate) is not possible, when it is not.
    pub create_refusal: Option<String>,
    /// "Azure DevOps Server 2022"; `None` for the cloud.
    pub label: Option<String>,
    pub scope_groups: &'static [ScopeGroup],
    /// The web page's lifespans, when they differ from the cloud's.
    pub lifespan_days: Option<&'static [u32]>,
    /// "organization" or "collection".
    pub org_word: &'static str,
    /// How a server was signed in to (Kerberos, NTLM, the PAT) and why Windows sign-in was not
    /// used; `None` for the cloud.
    pub sign_in: Option<String>,
}

impl Default for ServiceInfo {
    fn default() -> Self {
        Self {
            caps: Capabilities::default(),
            create_refusal: None,
            label: None,
            scope_groups: crate::azure::scopes::GROUPS,
            lifespan_days: None,
            org_word: "organization",
            sign_in: None,
        }
    }
}

impl ServiceInfo {
    /// Asks `backend`.
    pub fn of(backend: &dyn PatBackend) -> Self {
        Self {
            caps: backend.capabilities(),
            create_refusal: backend.refusal(Operation::Create),
            label: backend.describe(),
            scope_groups: backend.scope_groups(),
            lifespan_days: backend.lifespan_days(),
            org_word: backend.org_word(),
            sign_in: backend.sign_in_summary(),
        }
    }
}
