//! A minimal Vault / OpenBao KV v2 client: the two calls the vault fix and `keyward run` need,
//! over `ureq` with a timeout on every request. Blocking: async callers use `spawn_blocking`.
//!
//! Errors name what failed (address, status, Vault's own error text) and never the secret.

use std::{path::PathBuf, time::Duration};

use serde_json::{json, Map, Value};

use super::refs::VaultRef;

/// Where and how to reach the vault.
#[derive(Debug, Clone)]
pub struct Connection {
    pub address: String,
    pub token: Token,
    pub namespace: Option<String>,
    pub timeout: Duration,
}

/// A token whose `Debug` does not print it.
#[derive(Clone)]
pub struct Token(pub String);

impl std::fmt::Debug for Token {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Token([redacted])")
    }
}

pub const DEFAULT_MOUNT: &str = "secret";
pub const DEFAULT_PATH: &str = "{project}";
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

/// A connection from explicit values (settings, `.keyward.toml`) with the environment as the
/// fallback for each; `None` when no address or no token can be found.
pub fn connect(
    address: Option<String>,
    token: Option<String>,
    namespace: Option<String>,
    timeout: Option<Duration>,
) -> Option<Connection> {
    Some(Connection {
        address: address
            .filter(|a| !a.trim().is_empty())
            .or_else(address_from_env)?,
        token: token
            .filter(|t| !t.trim().is_empty())
            .map(Token)
            .or_else(token_from_env)?,
        namespace: namespace.or_else(namespace_from_env),
        timeout: timeout.unwrap_or(DEFAULT_TIMEOUT),
    })
}

/// `BAO_ADDR`, then `VAULT_ADDR`.
pub fn address_from_env() -> Option<String> {
    non_empty_env("BAO_ADDR").or_else(|| non_empty_env("VAULT_ADDR"))
}

/// `BAO_TOKEN`, then `VAULT_TOKEN`, then `~/.vault-token`.
pub fn token_from_env() -> Option<Token> {
    non_empty_env("BAO_TOKEN")
        .or_else(|| non_empty_env("VAULT_TOKEN"))
        .or_else(|| {
            let p: PathBuf = dirs::home_dir()?.join(".vault-token");
            let t = std::fs::read_to_string(p).ok()?;
            let t = t.trim().to_string();
            (!t.is_empty()).then_some(t)
        })
        .map(Token)
}

/// `BAO_NAMESPACE`, then `VAULT_NAMESPACE`.
pub fn namespace_from_env() -> Option<String> {
    non_empty_env("BAO_NAMESPACE").or_else(|| non_empty_env("VAULT_NAMESPACE"))
}

fn non_empty_env(k: &str) -> Option<String> {
    std::env::var(k).ok().filter(|v| !v.trim().is_empty())
}

/// Expands the path template: `{project}` is the repository folder name. Characters outside
/// `[A-Za-z0-9._/-]` become `-`, so the path is a valid URL path as is.
pub fn expand_path(template: &str, project: &str) -> String {
    template
        .replace("{project}", project)
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || "._/-".contains(c) {
                c
            } else {
                '-'
            }
        })
        .collect::<String>()
        .trim_matches('/')
        .to_string()
}

#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error("cannot reach the vault at {address}: {message}")]
    Unreachable { address: String, message: String },
    #[error("the vault refused {what} (HTTP {status}): {message}")]
    Refused {
        what: String,
        status: u16,
        message: String,
    },
    #[error("the vault answered {what} with something that is not a KV v2 response")]
    BadResponse { what: String },
    #[error("the value read back from {location} differs from the one written; the buffer was not changed")]
    ReadBackDiffers { location: String },
    #[error("{location} has no key {key}")]
    MissingKey { location: String, key: String },
    #[error("another writer changed {location} while keyward was writing it; try again")]
    Conflict { location: String },
}

/// A KV v2 secret as read: its version and its key/value data.
#[derive(Debug, Default)]
pub struct KvSecret {
    pub version: u64,
    pub data: Map<String, Value>,
}

pub struct Client {
    conn: Connection,
    agent: ureq::Agent,
}

impl Client {
    pub fn new(conn: Connection) -> Client {
        let agent: ureq::Agent = ureq::Agent::config_builder()
            .timeout_global(Some(conn.timeout))
            .http_status_as_error(false)
            .build()
            .into();
        Client { conn, agent }
    }

    fn url(&self, mount: &str, path: &str) -> String {
        format!(
            "{}/v1/{mount}/data/{path}",
            self.conn.address.trim_end_matches('/')
        )
    }

    fn unreachable(&self, e: ureq::Error) -> VaultError {
        VaultError::Unreachable {
            address: self.conn.address.clone(),
            message: e.to_string(),
        }
    }

    fn with_auth<B>(&self, r: ureq::RequestBuilder<B>) -> ureq::RequestBuilder<B> {
        let r = r.header("X-Vault-Token", &self.conn.token.0);
        match &self.conn.namespace {
            Some(ns) => r.header("X-Vault-Namespace", ns),
            None => r,
        }
    }

    /// The secret at `mount/path`, or `None` when it does not exist.
    pub fn read(&self, mount: &str, path: &str) -> Result<Option<KvSecret>, VaultError> {
        let what = format!("reading {mount}/data/{path}");
        let mut resp = self
            .with_auth(self.agent.get(&self.url(mount, path)))
            .call()
            .map_err(|e| self.unreachable(e))?;
        let status = resp.status().as_u16();
        let body: Value = resp.body_mut().read_json().unwrap_or(Value::Null);
        match status {
            200 => {
                let version = body["data"]["metadata"]["version"].as_u64().unwrap_or(0);
                let data = body["data"]["data"]
                    .as_object()
                    .cloned()
                    .ok_or(VaultError::BadResponse { what })?;
                Ok(Some(KvSecret { version, data }))
            }
            // A KV v2 secret whose latest version is deleted reads as 404 with metadata.
            404 => Ok(None),
            _ => Err(refused(what, status, &body)),
        }
    }

    /// Reads one key.
    pub fn read_key(&self, r: &VaultRef) -> Result<String, VaultError> {
        let location = format!("{}/data/{}", r.mount, r.path);
        let secret = self.read(&r.mount, &r.path)?.unwrap_or_default();
        match secret.data.get(&r.key) {
            Some(Value::String(s)) => Ok(s.clone()),
            Some(other) => Ok(other.to_string()),
            None => Err(VaultError::MissingKey {
                location,
                key: r.key.clone(),
            }),
        }
    }

    /// Adds `key = value` to the secret at `mount/path` without touching its other keys, then
    /// reads it back and compares. An existing key with another value is never overwritten: the
    /// value goes to `KEY_2`, `KEY_3`, … instead. Returns where it was stored.
    pub fn store(
        &self,
        mount: &str,
        path: &str,
        key: &str,
        value: &str,
    ) -> Result<VaultRef, VaultError> {
        let location = format!("{mount}/data/{path}");
        let current = self.read(mount, path)?;
        let taken = |k: &str| {
            current
                .as_ref()
                .and_then(|s| s.data.get(k))
                .and_then(Value::as_str)
        };
        let mut name = key.to_string();
        let mut i = 2;
        let mut already_there = false;
        loop {
            match taken(&name) {
                Some(v) if v == value => {
                    already_there = true;
                    break;
                }
                Some(_) => {
                    name = format!("{key}_{i}");
                    i += 1;
                }
                None => break,
            }
        }
        if !already_there {
            match &current {
                Some(s) => self.add_key(mount, path, s, &name, value)?,
                None => {
                    // Create with cas=0: fails rather than clobber if someone created it meanwhile.
                    let body = json!({"options": {"cas": 0}, "data": {&name: value}});
                    self.post(mount, path, &body)?;
                }
            }
        }
        let back = self.read_key(&VaultRef {
            mount: mount.into(),
            path: path.into(),
            key: name.clone(),
        });
        match back {
            Ok(v) if v == value => Ok(VaultRef {
                mount: mount.into(),
                path: path.into(),
                key: name,
            }),
            Ok(_) | Err(VaultError::MissingKey { .. }) => {
                Err(VaultError::ReadBackDiffers { location })
            }
            Err(e) => Err(e),
        }
    }

    /// `PATCH` (merge) with `cas` = the version read; read-modify-write with `cas` when the
    /// server or the token's policy does not allow PATCH.
    fn add_key(
        &self,
        mount: &str,
        path: &str,
        current: &KvSecret,
        name: &str,
        value: &str,
    ) -> Result<(), VaultError> {
        let what = format!("patching {mount}/data/{path}");
        let body = json!({"options": {"cas": current.version}, "data": {name: value}});
        let bytes = serde_json::to_vec(&body).expect("JSON serializes");
        let mut resp = self
            .with_auth(self.agent.patch(&self.url(mount, path)))
            .content_type("application/merge-patch+json")
            .send(&bytes[..])
            .map_err(|e| self.unreachable(e))?;
        let status = resp.status().as_u16();
        match status {
            200 | 204 => Ok(()),
            // PATCH unsupported (old server), not permitted by policy, or the version vanished.
            403..=405 => {
                let mut data = current.data.clone();
                data.insert(name.to_string(), Value::String(value.to_string()));
                let body = json!({"options": {"cas": current.version}, "data": data});
                self.post(mount, path, &body)
            }
            _ => {
                let body: Value = resp.body_mut().read_json().unwrap_or(Value::Null);
                if is_cas_conflict(&body) {
                    Err(VaultError::Conflict {
                        location: format!("{mount}/data/{path}"),
                    })
                } else {
                    Err(refused(what, status, &body))
                }
            }
        }
    }

    fn post(&self, mount: &str, path: &str, body: &Value) -> Result<(), VaultError> {
        let what = format!("writing {mount}/data/{path}");
        let mut resp = self
            .with_auth(self.agent.post(&self.url(mount, path)))
            .send_json(body)
            .map_err(|e| self.unreachable(e))?;
        let status = resp.status().as_u16();
        if status == 200 || status == 204 {
            return Ok(());
        }
        let body: Value = resp.body_mut().read_json().unwrap_or(Value::Null);
        if is_cas_conflict(&body) {
            return Err(VaultError::Conflict {
                location: format!("{mount}/data/{path}"),
            });
        }
        Err(refused(what, status, &body))
    }
}

fn is_cas_conflict(body: &Value) -> bool {
    body["errors"].as_array().is_some_and(|e| {
        e.iter()
            .any(|m| m.as_str().is_some_and(|s| s.contains("check-and-set")))
    })
}

fn refused(what: String, status: u16, body: &Value) -> VaultError {
    let mut message = body["errors"]
        .as_array()
        .map(|e| {
            e.iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join("; ")
        })
        .unwrap_or_default();
    if message.is_empty() {
        message = match status {
            403 => "permission denied (is the token valid and allowed to write this path?)".into(),
            _ => "no error message".into(),
        };
    }
    VaultError::Refused {
        what,
        status,
        message,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_template() {
        assert_eq!(expand_path("{project}", "my app"), "my-app");
        assert_eq!(expand_path("/teams/{project}/dev/", "x"), "teams/x/dev");
    }

    #[test]
    fn token_debug_is_redacted() {
        assert_eq!(format!("{:?}", Token("s.abc".into())), "Token([redacted])");
    }

    #[test]
    fn unreachable_server_is_an_error_not_a_hang() {
        // Port 9 on loopback (discard) is closed on any test machine: connection refused.
        let c = Client::new(Connection {
            address: "http://127.0.0.1:9".into(),
            token: Token("t".into()),
            namespace: None,
            timeout: Duration::from_secs(2),
        });
        let e = c
            .store("secret", "p", "K", "value-never-shown")
            .unwrap_err();
        assert!(matches!(e, VaultError::Unreachable { .. }), "{e}");
        assert!(!e.to_string().contains("value-never-shown"));
    }
}
