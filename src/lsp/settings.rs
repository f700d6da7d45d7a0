//! Server settings from `initializationOptions` and `workspace/didChangeConfiguration`
//! (documented in README.md next to this file: the editors code against those keys).

use std::time::Duration;

use serde::Deserialize;

#[derive(Debug, Clone, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServerSettings {
    pub env_file: String,
    pub env_example_file: String,
    pub refs_file: String,
    pub offer_vault_fix: bool,
    pub vault: VaultSettings,
    pub kubernetes_secret_name: String,
    pub debounce_ms: u64,
    /// `false` when the editor runs the folder untrusted (VS Code's Restricted Mode): the server
    /// still publishes diagnostics (reading is safe) but offers and executes no fix, because
    /// every fix writes files or sends a secret to a vault. Clients that know no trust say
    /// nothing and get the default, `true`.
    pub trusted: bool,
    /// The lowest confidence the editor shows (`keyward.confidence`); `None` keeps the
    /// configuration's `scan.report_at`. A change applies to open documents at once.
    pub confidence: Option<crate::detect::Confidence>,
}

#[derive(Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct VaultSettings {
    pub address: Option<String>,
    pub token: Option<String>,
    pub mount: Option<String>,
    pub path: Option<String>,
    pub namespace: Option<String>,
    pub timeout_ms: Option<u64>,
}

impl std::fmt::Debug for VaultSettings {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("VaultSettings")
            .field("address", &self.address)
            .field("token", &self.token.as_ref().map(|_| "[redacted]"))
            .field("mount", &self.mount)
            .field("path", &self.path)
            .field("namespace", &self.namespace)
            .field("timeout_ms", &self.timeout_ms)
            .finish()
    }
}

impl Default for ServerSettings {
    fn default() -> Self {
        ServerSettings {
            env_file: ".env".into(),
            env_example_file: ".env.example".into(),
            refs_file: crate::fix::refs::DEFAULT_FILE.into(),
            offer_vault_fix: true,
            vault: VaultSettings::default(),
            kubernetes_secret_name: "{project}-secrets".into(),
            debounce_ms: 10,
            confidence: None,
            trusted: true,
        }
    }
}

impl ServerSettings {
    /// Parses settings sent as the object itself or wrapped as `{ "keyward": {...} }`. Unknown
    /// keys are ignored (clients send their own); a wrong type is an error naming the key.
    pub fn from_json(value: &serde_json::Value) -> Result<ServerSettings, String> {
        let v = match value.get("keyward") {
            Some(inner) => inner,
            None => value,
        };
        if v.is_null() || v.as_array().is_some_and(|a| a.is_empty()) {
            return Ok(ServerSettings::default());
        }
        let mut v = v.clone();
        drop_empty_arrays(&mut v);
        serde_json::from_value(v).map_err(|e| format!("keyward settings: {e}"))
    }

    pub fn debounce(&self) -> Duration {
        Duration::from_millis(self.debounce_ms.min(2000))
    }
}

/// Lua clients (Neovim) serialise an empty table as `[]`; no setting is a list, so an empty
/// array means "nothing set here" and is dropped before typed parsing.
fn drop_empty_arrays(v: &mut serde_json::Value) {
    if let Some(map) = v.as_object_mut() {
        map.retain(|_, x| !x.as_array().is_some_and(|a| a.is_empty()));
        map.values_mut().for_each(drop_empty_arrays);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_lua_tables_mean_unset() {
        let s = ServerSettings::from_json(&serde_json::json!({"vault": [], "envFile": "x.env"}))
            .unwrap();
        assert_eq!(s.env_file, "x.env");
        assert!(s.vault.address.is_none());
        assert!(ServerSettings::from_json(&serde_json::json!([])).is_ok());
    }

    #[test]
    fn wrapped_partial_and_wrong_settings() {
        let s = ServerSettings::from_json(
            &serde_json::json!({"keyward": {"envFile": ".env.local", "vault": {"mount": "kv"}}}),
        )
        .unwrap();
        assert_eq!(s.env_file, ".env.local");
        assert_eq!(s.vault.mount.as_deref(), Some("kv"));
        assert_eq!(s.refs_file, ".keyward.refs");
        let e = ServerSettings::from_json(&serde_json::json!({"debounceMs": "soon"})).unwrap_err();
        assert!(e.contains("keyward settings"), "{e}");
        let s = ServerSettings::from_json(&serde_json::json!({"vault": {"token": "s.secret"}}))
            .unwrap();
        assert!(!format!("{s:?}").contains("s.secret"));
    }

    #[test]
    fn trusted_unless_the_client_says_otherwise() {
        assert!(ServerSettings::default().trusted);
        let s = ServerSettings::from_json(&serde_json::json!({"trusted": false})).unwrap();
        assert!(!s.trusted);
    }

    #[test]
    fn confidence_is_read_and_defaults_to_the_configuration() {
        assert_eq!(ServerSettings::default().confidence, None);
        let s = ServerSettings::from_json(&serde_json::json!({"confidence": "high"})).unwrap();
        assert_eq!(s.confidence, Some(crate::detect::Confidence::High));
        assert!(ServerSettings::from_json(&serde_json::json!({"confidence": "loud"})).is_err());
    }
}
