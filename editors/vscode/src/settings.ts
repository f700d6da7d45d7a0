// The settings the server understands, built from the `keyward.*` configuration. The same object
// goes out as `initializationOptions` and, on every change, as the `settings` of
// `workspace/didChangeConfiguration`. Empty strings are left out, so the server applies its own
// fallbacks (BAO_ADDR/VAULT_ADDR, `.keyward.toml`, built-in defaults) instead of an empty value.
import * as vscode from "vscode";

export interface VaultSettings {
  address?: string;
  mount?: string;
  pathTemplate?: string;
  namespace?: string;
}

export interface ServerSettings {
  vault: VaultSettings;
  envFile?: string;
}

export function serverSettings(): ServerSettings {
  const config = vscode.workspace.getConfiguration("keyward");
  const text = (key: string): string | undefined => {
    const value = config.get<string>(key, "").trim();
    return value === "" ? undefined : value;
  };
  return {
    vault: {
      address: text("vault.address"),
      mount: text("vault.mount"),
      pathTemplate: text("vault.pathTemplate"),
      namespace: text("vault.namespace"),
    },
    envFile: text("envFile"),
  };
}
