//! `patui renew`: regenerate the stored tokens that expire soon.

use super::{Ctx, Failure};
use crate::cli::RenewArgs;
use crate::config::Config;

impl Ctx {
    /// `patui renew`.
    pub async fn renew(&self, args: &RenewArgs, config: &Config) -> Result<u8, Failure> {
        let _ = (args, config);
        Err(super::usage("patui renew is not implemented yet"))
    }
}
