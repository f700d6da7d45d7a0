-- keyward as a Neovim 0.11+ LSP config (`:help lsp-config`): with editors/nvim on the
-- runtimepath (or this file copied to ~/.config/nvim/lsp/keyward.lua), enable it with
--
--   vim.lsp.enable("keyward")
--
-- and change settings with vim.lsp.config("keyward", { init_options = { vault = { ... } } }).
-- No `filetypes`: the server attaches to every filetype, since a secret can be in any file.
---@type vim.lsp.Config
return {
  cmd = { "keyward", "lsp" },
  root_markers = { ".keyward.toml", ".git" },
  -- Sent as initializationOptions; the same object as `settings` below. Empty fields fall back
  -- to BAO_ADDR/VAULT_ADDR and .keyward.toml on the server side.
  init_options = vim.empty_dict(),
  settings = vim.empty_dict(),
}
