//! Runs [`Command`]s on tokio tasks against the backend (and the keyring and clipboard) and sends
//! their results back as [`Msg`]s. The only place the TUI does I/O besides the terminal.

use crate::azure::PatBackend;
use crate::ops::inventory;
use crate::tui::app::{Command, Msg};
use std::sync::Arc;
use tokio::sync::mpsc::UnboundedSender;

/// Spawns commands.
#[derive(Clone)]
pub struct Runner {
    pub backend: Arc<dyn PatBackend>,
    pub tx: UnboundedSender<Msg>,
}

impl Runner {
    /// Starts `cmd` in the background. `Suspend` is handled by the loop, not here.
    pub fn spawn(&self, cmd: Command) {
        let backend = Arc::clone(&self.backend);
        let tx = self.tx.clone();
        match cmd {
            Command::LoadOrgs => {
                tokio::spawn(async move {
                    let result = async {
                        let me = backend.profile().await?;
                        backend.accounts(me.id).await
                    }
                    .await;
                    let _ = tx.send(Msg::OrgsLoaded(result));
                });
            }
            Command::LoadTokens {
                generation,
                orgs,
                view,
            } => {
                tokio::spawn(async move {
                    let progress = tx.clone();
                    let result =
                        inventory::load(backend.as_ref(), &orgs, view, move |org, pages| {
                            let _ = progress.send(Msg::LoadProgress {
                                generation,
                                org: org.to_owned(),
                                pages,
                            });
                        })
                        .await;
                    let _ = tx.send(Msg::Loaded { generation, result });
                });
            }
            Command::Suspend => {}
        }
    }
}
