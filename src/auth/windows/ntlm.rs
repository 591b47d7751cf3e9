//! NTLM (v2) with a user name and password, for servers reached without a Kerberos ticket:
//! the three messages of MS-NLMP, built by the `ntlmclient` crate. The password is only copied
//! into the crate's credentials for the one computation and wiped after it.

use crate::secret::Secret;
use ntlmclient::{Credentials, Flags, Message, NegotiateMessage};
use zeroize::Zeroize;

/// A Windows account for NTLM: `DOMAIN\user` or `user@domain`, and its password.
#[derive(Clone)]
pub struct NtlmAccount {
    /// The account as the user typed it, for messages and the keyring.
    pub account: String,
    user: String,
    domain: String,
    password: Secret,
}

impl std::fmt::Debug for NtlmAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("NtlmAccount")
            .field("account", &self.account)
            .finish_non_exhaustive()
    }
}

impl NtlmAccount {
    /// Parses `DOMAIN\user` or `user@domain` (a user principal name goes as the user name with
    /// no domain, as Windows sends it).
    pub fn parse(account: &str, password: Secret) -> Result<Self, String> {
        let account = account.trim();
        let (domain, user) = match account.split_once('\\') {
            Some((d, u)) => (d.trim(), u.trim()),
            None if account.contains('@') => ("", account),
            None => {
                return Err(format!(
                    "\"{account}\" is not a Windows account: write DOMAIN\\user or user@domain"
                ));
            }
        };
        if user.is_empty()
            || user.contains(['\\', '/', ':'])
            || (account.contains('\\') && domain.is_empty())
        {
            return Err(format!(
                "\"{account}\" is not a Windows account: write DOMAIN\\user or user@domain"
            ));
        }
        if password.is_empty() {
            return Err("the password is empty".into());
        }
        Ok(Self {
            account: account.to_owned(),
            user: user.to_owned(),
            domain: domain.to_owned(),
            password,
        })
    }

    /// The password (for the keyring).
    pub fn password(&self) -> &Secret {
        &self.password
    }
}

fn flags() -> Flags {
    Flags::NEGOTIATE_UNICODE
        | Flags::REQUEST_TARGET
        | Flags::NEGOTIATE_NTLM
        | Flags::NEGOTIATE_ALWAYS_SIGN
        | Flags::NEGOTIATE_NTLM2_KEY
        | Flags::NEGOTIATE_128BIT
        | Flags::NEGOTIATE_56BIT
}

/// The first message (NEGOTIATE).
pub fn negotiate() -> Result<Vec<u8>, String> {
    Message::Negotiate(NegotiateMessage {
        flags: flags(),
        supplied_domain: String::new(),
        supplied_workstation: String::new(),
        os_version: Default::default(),
    })
    .to_bytes()
    .map_err(|e| format!("cannot build the NTLM negotiate message: {e:?}"))
}

/// The third message (AUTHENTICATE), answering the server's CHALLENGE with NTLMv2.
pub fn authenticate(account: &NtlmAccount, challenge: &[u8]) -> Result<Vec<u8>, String> {
    let challenge = match Message::try_from(challenge) {
        Ok(Message::Challenge(c)) => c,
        Ok(_) => return Err("the server's NTLM answer is not a challenge".into()),
        Err(e) => return Err(format!("the server's NTLM challenge cannot be read: {e:?}")),
    };
    let target_info: Vec<u8> = challenge
        .target_information
        .iter()
        .flat_map(|e| e.to_bytes())
        .collect();
    let mut creds = Credentials {
        username: account.user.clone(),
        password: account.password.expose().to_owned(),
        domain: account.domain.clone(),
    };
    let response = ntlmclient::respond_challenge_ntlm_v2(
        challenge.challenge,
        &target_info,
        ntlmclient::get_ntlm_time(),
        &creds,
    );
    creds.password.zeroize();
    // No key exchange is negotiated: the session key must not go on the wire.
    let mut response = response;
    response.session_key.zeroize();
    response.session_key.clear();
    let agreed = challenge.flags & flags();
    response
        .to_message(&creds, "", agreed | Flags::NEGOTIATE_UNICODE)
        .to_bytes()
        .map_err(|e| format!("cannot build the NTLM authenticate message: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accounts_parse_in_both_forms() {
        let a = NtlmAccount::parse("CONTOSO\\alice", Secret::new("pw".into())).unwrap();
        assert_eq!((a.domain.as_str(), a.user.as_str()), ("CONTOSO", "alice"));
        let b = NtlmAccount::parse(" alice@contoso.com ", Secret::new("pw".into())).unwrap();
        assert_eq!(
            (b.domain.as_str(), b.user.as_str()),
            ("", "alice@contoso.com")
        );
        for bad in ["alice", "\\alice", "CONTOSO\\", "A\\b\\c", ""] {
            assert!(
                NtlmAccount::parse(bad, Secret::new("pw".into())).is_err(),
                "{bad}"
            );
        }
        assert!(NtlmAccount::parse("C\\a", Secret::new(String::new())).is_err());
    }

    #[test]
    fn debug_never_shows_the_password() {
        let a = NtlmAccount::parse("C\\alice", Secret::new("hunter2-secret".into())).unwrap();
        assert!(!format!("{a:?}").contains("hunter2"));
    }

    #[test]
    fn the_negotiate_message_is_ntlmssp_type_1() {
        let m = negotiate().unwrap();
        assert_eq!(&m[..8], b"NTLMSSP\0");
        assert_eq!(u32::from_le_bytes([m[8], m[9], m[10], m[11]]), 1);
    }

    #[test]
    fn a_message_that_is_not_a_challenge_is_refused() {
        let a = NtlmAccount::parse("C\\alice", Secret::new("pw".into())).unwrap();
        assert!(authenticate(&a, &negotiate().unwrap()).is_err());
        assert!(authenticate(&a, b"garbage").is_err());
    }
}
