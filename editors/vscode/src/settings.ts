// The settings object the server reads (src/lsp/README.md, "Settings"), built from the
// `keyward.*` configuration. The same object goes out as `initializationOptions` and, on every
// change, as the `settings` of `workspace/didChangeConfiguration`; the server replaces its
// settings with it. Empty strings are left out, so the server applies its own fallbacks
// (`.keyward.toml`, BAO_ADDR/VAULT_ADDR, built-in defaults) instead of an empty value.
//
// The Vault token is not among them on purpose: settings files are shared and synced. The
// server reads BAO_TOKEN/VAULT_TOKEN or ~/.vault-token itself.
import * as vscode from "vscode";

export interface VaultSettings {
  address?: string;
  mount?: string;
  path?: string;
  namespace?: string;
}

export interface ServerSettings {
  envFile?: string;
  envExampleFile?: string;
  refsFile?: string;
  offerVaultFix: boolean;
  kubernetesSecretName?: string;
  vault: VaultSettings;
  /** false in Restricted Mode: the server then offers no fix (src/lsp/README.md). */
  trusted: boolean;
  /** The lowest confidence shown: "high", "medium" or "low"; unset keeps scan.report_at. */
  confidence?: string;
}

export function serverSettings(trusted: boolean): ServerSettings {
  const config = vscode.workspace.getConfiguration("keyward");
  // vault.address has machine scope: only the user's value counts, never a workspace's.
  const address = config.inspect<string>("vault.address")?.globalValue?.trim();
  const text = (key: string): string | undefined => {
    const value = config.get<string>(key, "").trim();
    return value === "" ? undefined : value;
  };
  return {
    envFile: text("envFile"),
    envExampleFile: text("envExampleFile"),
    refsFile: text("refsFile"),
    offerVaultFix: config.get<boolean>("offerVaultFix", true),
    kubernetesSecretName: text("kubernetesSecretName"),
    vault: {
      address: address === "" ? undefined : address,
      mount: text("vault.mount"),
      path: text("vault.path"),
      namespace: text("vault.namespace"),
    },
    trusted,
    confidence: text("confidence"),
  };
}
